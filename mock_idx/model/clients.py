"""OAuth clients as an Okta admin registers them, and how each proves who it is at the token endpoint.

A scenario registers clients (type, secret or public keys, redirect URIs, grant types). With none registered, any
``client_id`` is an ad-hoc public client, so a quick start needs no configuration; but even then it is sent only to
loopback hosts or hosts the scenario trusts, so the fake is never an open redirector.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from .errors import OAuthError

DEFAULT_CLIENT_LABEL = "mock-idx app"
"""What the phone calls an app that was not given a label (every app, when no clients are registered)."""

UNSAFE_REDIRECT_SCHEMES = frozenset({"javascript", "data", "vbscript", "file"})
"""Schemes no client may be sent to, registered or not: they run or read something instead of loading a page."""

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
"""What Okta takes for ``private_key_jwt`` (never ``none`` or an HMAC, which would need no private key)."""
MAX_ASSERTION_LIFETIME = 3600
MAX_JTI = 512
"""A longer ``jti`` is no identifier but a way to fill the store's replay memory."""
"""Okta refuses a client assertion whose ``exp`` is more than an hour after its ``iat``."""
LOOPBACK_NAMES = frozenset({"localhost"})

AUTHENTICATION_FAILED = "Client authentication failed. Either the client or the client credentials are invalid."
WRONG_AUDIENCE = "The audience claim for client_assertion must be the endpoint invoked for the request."


class ClientType(str, Enum):
    """Okta's application types: what a client can keep secret decides how it authenticates and what it may ask."""

    SPA = "spa"
    WEB = "web"
    NATIVE = "native"
    SERVICE = "service"


class AuthMethod(str, Enum):
    """``token_endpoint_auth_method``: how the client authenticates at ``/v1/token`` (``none``: a public client)."""

    NONE = "none"
    CLIENT_SECRET_BASIC = "client_secret_basic"
    CLIENT_SECRET_POST = "client_secret_post"
    PRIVATE_KEY_JWT = "private_key_jwt"


class GrantType(str, Enum):
    AUTHORIZATION_CODE = "authorization_code"
    REFRESH_TOKEN = "refresh_token"
    INTERACTION_CODE = "interaction_code"
    CLIENT_CREDENTIALS = "client_credentials"
    IMPLICIT = "implicit"


USER_GRANTS = (GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.INTERACTION_CODE)
DEFAULT_GRANTS = {
    ClientType.SPA: USER_GRANTS,
    ClientType.WEB: USER_GRANTS,
    ClientType.NATIVE: USER_GRANTS,
    ClientType.SERVICE: (GrantType.CLIENT_CREDENTIALS,),
}
DEFAULT_AUTH_METHODS = {
    ClientType.SPA: AuthMethod.NONE,
    ClientType.WEB: AuthMethod.CLIENT_SECRET_BASIC,
    ClientType.NATIVE: AuthMethod.NONE,
    ClientType.SERVICE: AuthMethod.CLIENT_SECRET_BASIC,
}


@dataclass(frozen=True)
class Client:
    """An OAuth client of the org. ``ad_hoc`` marks the public client any id becomes when none are registered."""

    client_id: str
    redirect_uris: tuple[str, ...] = ()
    label: str = DEFAULT_CLIENT_LABEL
    client_secret: str | None = None
    post_logout_redirect_uris: tuple[str, ...] = ()
    type: ClientType = ClientType.SPA
    token_endpoint_auth_method: AuthMethod = AuthMethod.NONE
    grant_types: tuple[GrantType, ...] = USER_GRANTS
    jwks: dict[str, Any] | None = None
    """The public keys a ``private_key_jwt`` client signs its assertions with (a JWKS document)."""
    refresh_token_rotation: bool = True
    """Okta's "Rotate token after every use"; off, a refresh token stays good until it expires or is revoked."""
    ad_hoc: bool = False
    trusted_hosts: tuple[str, ...] = ()
    """For an ad-hoc client: hosts besides loopback it may be sent to (the scenario's ``trusted_hosts``)."""
    trusted_origins: tuple[str, ...] = ()
    """...and origins (the scenario's ``trusted_origins``)."""

    @property
    def is_public(self) -> bool:
        return self.token_endpoint_auth_method is AuthMethod.NONE

    def allows_grant(self, grant: GrantType) -> bool:
        return grant in self.grant_types

    def allows_redirect(self, uri: str) -> bool:
        """A Sign-in redirect URI of the client, exactly (an ad-hoc client: any URI on a loopback or trusted host)."""
        if self.ad_hoc:
            return self._on_a_safe_host(uri)
        return uri in self.redirect_uris

    def allows_logout_redirect(self, uri: str) -> bool:
        """Okta only sends a signed-out browser to one of the client's Sign-out redirect URIs (no open redirect)."""
        if self.ad_hoc:
            return self._on_a_safe_host(uri)
        return uri in self.post_logout_redirect_uris

    def _on_a_safe_host(self, uri: str) -> bool:
        if not is_safe_redirect(uri):
            return False
        host = (urlsplit(uri).hostname or "").lower()
        trusted = host in {h.lower() for h in self.trusted_hosts} or origin_of(uri) in self.trusted_origins
        return is_loopback(host) or trusted


def ad_hoc_client(client_id: str, trusted_hosts: tuple[str, ...] = (), trusted_origins: tuple[str, ...] = ()) -> Client:
    """What any client id is when the scenario registers none: a public client of every user-facing grant."""
    return Client(
        client_id=client_id,
        ad_hoc=True,
        trusted_hosts=trusted_hosts,
        trusted_origins=trusted_origins,
        grant_types=(*USER_GRANTS, GrantType.IMPLICIT),
    )


def is_safe_redirect(uri: str) -> bool:
    """An absolute URI, with no control characters (no header splitting) and no script-running scheme."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in uri):
        return False
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    return bool(parts.scheme) and parts.scheme.lower() not in UNSAFE_REDIRECT_SCHEMES and not parts.fragment


def origin_of(uri: str) -> str:
    """``scheme://host[:port]`` of a URI or origin, lower-cased, without a default port: how origins compare."""
    try:
        parts = urlsplit(uri.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not scheme or not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class PresentedCredentials:
    """What a request to the token endpoint (or introspect, revoke) offered as the client's proof, as the web layer
    read it: ``method`` is how it was presented, whatever the client is registered for."""

    client_id: str
    method: AuthMethod
    secret: str | None = None
    assertion: str | None = None


@dataclass(frozen=True)
class AssertionCheck:
    """A verified ``private_key_jwt`` assertion: its ``jti``, spent once (the engine records it), until ``exp``."""

    jti: str
    expires_at: float


def authenticate(client: Client, presented: PresentedCredentials, endpoint: str, now: float) -> AssertionCheck | None:
    """Check presented credentials against the registered client, as Okta does: the method must be the one the client
    is registered with; a secret is compared in constant time; an assertion must be signed by one of the client's
    keys, name the client as ``iss`` and ``sub`` and ``endpoint`` as ``aud``, and not be expired (its ``jti`` comes
    back, for the engine to spend once). A public client that also sends a secret is taken, as Okta takes it."""
    if presented.method is not client.token_endpoint_auth_method:
        if client.is_public and presented.method is not AuthMethod.PRIVATE_KEY_JWT:
            return None
        raise OAuthError("invalid_client", AUTHENTICATION_FAILED)
    if presented.method in (AuthMethod.CLIENT_SECRET_BASIC, AuthMethod.CLIENT_SECRET_POST):
        if client.client_secret is None or presented.secret is None:
            raise OAuthError("invalid_client", AUTHENTICATION_FAILED)
        if not hmac.compare_digest(client.client_secret.encode(), presented.secret.encode()):
            raise OAuthError("invalid_client", AUTHENTICATION_FAILED)
        return None
    if presented.method is AuthMethod.PRIVATE_KEY_JWT:
        return _check_assertion(client, presented.assertion or "", endpoint, now)
    return None


def _check_assertion(client: Client, assertion: str, endpoint: str, now: float) -> AssertionCheck:
    import jwt  # on first use: PyJWT is tens of milliseconds of start-up (mock_idx.model.tokens)

    try:
        header = jwt.get_unverified_header(assertion)
        keys = jwt.PyJWKSet.from_dict(client.jwks or {"keys": []}).keys
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        raise OAuthError("invalid_client", "The client_assertion token is malformed.") from None
    if header.get("alg") not in ASSERTION_ALGORITHMS:
        raise OAuthError("invalid_client", "The client_assertion token has an unsupported signing algorithm.")
    kid = header.get("kid")
    candidates = [k for k in keys if kid is None or k.key_id == kid]
    for key in candidates:
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion,
                key.key,
                algorithms=ASSERTION_ALGORITHMS,
                audience=endpoint,
                issuer=client.client_id,
                options={"require": ["iss", "sub", "aud", "exp", "jti"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.InvalidAudienceError:
            raise OAuthError(
                "invalid_client",
                "The audience claim for client_assertion must be the endpoint invoked for the request.",
            ) from None
        except jwt.PyJWTError:
            raise OAuthError("invalid_client", "The client_assertion token is invalid.") from None
        return _checked_claims(client, claims, now)
    raise OAuthError("invalid_client", "The client_assertion signature is invalid.")


def _checked_claims(client: Client, claims: dict[str, Any], now: float) -> AssertionCheck:
    if claims.get("sub") != client.client_id:
        raise OAuthError("invalid_client", "The client_assertion token's 'sub' must be the client_id.")
    exp, iat, jti = _finite(claims.get("exp")), _finite(claims.get("iat", now)), claims.get("jti")
    if exp is None or iat is None:
        raise OAuthError("invalid_client", "The client_assertion token is invalid.")  # NaN, Infinity, "soon"...
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI:
        raise OAuthError("invalid_client", "The client_assertion token is invalid.")
    if exp <= now:
        raise OAuthError("invalid_client", "The client_assertion token is expired.")
    if exp - iat > MAX_ASSERTION_LIFETIME:
        raise OAuthError("invalid_client", "The client_assertion token has an expiration too far in the future.")
    return AssertionCheck(jti=jti, expires_at=exp)


def _finite(value: Any) -> float | None:
    """A JSON number that is a real moment: not a boolean, not NaN or infinite (PyJWT reads JSON's NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)
