"""The OAuth side of sign-in: PKCE, `/v1/interact` and the interaction-code exchange (embedded flow), the
authorization-code exchange (redirect flow), and revocation."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from .config import IdxClientConfig
from .document import Remediation
from .errors import IdxProtocolError, OAuthError
from .transport import Reply, Transport


@dataclass(frozen=True)
class Pkce:
    """An RFC 7636 S256 verifier/challenge pair."""

    verifier: str
    challenge: str

    @classmethod
    def create(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43..128
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


@dataclass(frozen=True)
class Interaction:
    """What `/v1/interact` started: the handle plus the secrets needed to finish."""

    handle: str
    code_verifier: str
    nonce: str


class OAuthClient:
    """Calls the authorization server; caches its discovery document for the life of the app."""

    def __init__(self, config: IdxClientConfig, transport: Transport) -> None:
        self._config = config
        self._transport = transport
        self._discovery: dict[str, Any] | None = None

    async def discovery(self) -> dict[str, Any]:
        """The issuer's `/.well-known/openid-configuration`, fetched once."""
        if self._discovery is None:
            reply = await self._transport.get_json(f"{self._config.issuer}/.well-known/openid-configuration")
            if not reply.ok or reply.body is None or "issuer" not in reply.body:
                raise IdxProtocolError(f"no OpenID discovery document at {self._config.issuer} (HTTP {reply.status})")
            self._discovery = reply.body
        return self._discovery

    async def interact(self) -> Interaction:
        """Start an interaction with a fresh PKCE pair, state and nonce."""
        pkce, nonce = Pkce.create(), secrets.token_urlsafe(32)
        fields = self._client_fields() | {
            "scope": " ".join(self._config.scopes),
            "redirect_uri": self._config.redirect_uri,
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
            "state": secrets.token_urlsafe(32),
            "nonce": nonce,
        }
        body = _oauth_body(await self._transport.post_form(f"{self._config.oauth_base}/v1/interact", fields))
        handle = body.get("interaction_handle")
        if not isinstance(handle, str) or not handle:
            raise IdxProtocolError("interact answered without an interaction_handle")
        return Interaction(handle, pkce.verifier, nonce)

    async def exchange(self, success: Remediation, code_verifier: str) -> dict[str, Any]:
        """Redeem the interaction code by submitting the `successWithInteractionCode` form to its href."""
        fields = self._client_fields() | {"code_verifier": code_verifier, "redirect_uri": self._config.redirect_uri}
        fields |= {f.name: str(f.value) for f in success.fields if f.value not in (None, "")}
        url = success.href or (await self.discovery())["token_endpoint"]
        return dict(_oauth_body(await self._transport.post_form(url, fields)))

    async def authorization_endpoint(self) -> str:
        """Where the browser starts a redirect sign-in: the discovery document's, else `{issuer}/v1/authorize`."""
        endpoint = (await self.discovery()).get("authorization_endpoint")
        return endpoint if isinstance(endpoint, str) and endpoint else f"{self._config.oauth_base}/v1/authorize"

    async def redeem_code(self, code: str, code_verifier: str, redirect_uri: str) -> dict[str, Any]:
        """Exchange an authorization code at the token endpoint.

        With a client secret the app authenticates as a confidential web app with `client_secret_basic` (Okta's
        default for web apps); without one it is a public client that names itself and proves the code with PKCE
        alone. PKCE is sent either way, as Okta recommends for web apps too.
        """
        endpoint = (await self.discovery()).get("token_endpoint") or f"{self._config.oauth_base}/v1/token"
        fields = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        client_fields, headers = self._client_authentication()
        reply = await self._transport.post_form(str(endpoint), fields | client_fields, headers=headers)
        return dict(_oauth_body(reply))

    async def revoke(self, token: str, token_type_hint: str) -> None:
        """Revoke an access or refresh token (RFC 7009)."""
        endpoint = (await self.discovery()).get("revocation_endpoint") or f"{self._config.oauth_base}/v1/revoke"
        fields, headers = self._client_authentication()
        fields |= {"token": token, "token_type_hint": token_type_hint}
        _oauth_body(await self._transport.post_form(endpoint, fields, headers=headers))

    def _client_authentication(self) -> tuple[dict[str, str], dict[str, str]]:
        """Form fields and headers that name (and, with a secret, authenticate) the app at the token and revocation
        endpoints: `client_secret_basic` with a secret, as a web app registered with Okta's default method does, so
        sign-out revokes with the same credentials the redirect sign-in redeemed its code with."""
        if self._config.client_secret:
            return {}, {"Authorization": basic_authorization(self._config.client_id, self._config.client_secret)}
        return {"client_id": self._config.client_id}, {}

    def _client_fields(self) -> dict[str, str]:
        """How the embedded flow presents the app at `/v1/interact` and the interaction-code exchange: the secret, if
        any, in the body (that flow's requests are unchanged by the redirect flow's arrival)."""
        fields = {"client_id": self._config.client_id}
        if self._config.client_secret:
            fields["client_secret"] = self._config.client_secret
        return fields


def basic_authorization(client_id: str, client_secret: str) -> str:
    """RFC 6749 2.3.1: HTTP Basic with the id and secret each form-urlencoded first (so a `:` in either survives)."""
    pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def _oauth_body(reply: Reply) -> Mapping[str, Any]:
    """The JSON body of a successful OAuth reply; OAuthError for `{error, error_description}` or a failure."""
    body = reply.body or {}
    if not reply.ok or "error" in body:
        raise OAuthError(str(body.get("error") or f"http_{reply.status}"), str(body.get("error_description") or ""))
    return body
