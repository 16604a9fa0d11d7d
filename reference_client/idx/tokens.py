"""id_token verification against the issuer's JWKS, with PyJWT doing all the cryptography."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import jwt

from .config import IdxClientConfig
from .errors import IdxProtocolError, TokenValidationError
from .oauth import OAuthClient
from .results import TokenSet
from .transport import Transport

REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "sub"]


class IdTokenVerifier:
    """Checks signature (RS256 only, as Okta signs), issuer, audience, times, nonce and at_hash.

    The JWKS is cached for the life of the app and fetched again when a token names an unknown `kid`
    (key rotation, or a restarted mock server with new keys).
    """

    def __init__(self, config: IdxClientConfig, transport: Transport, oauth: OAuthClient) -> None:
        self._config = config
        self._transport = transport
        self._oauth = oauth
        self._keys: dict[str, jwt.PyJWK] = {}

    async def verify(self, id_token: str, *, nonce: str, access_token: str | None = None) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError as exc:
            raise TokenValidationError(f"malformed id_token: {exc}") from exc
        key = await self._key(str(header.get("kid", "")))
        discovery = await self._oauth.discovery()
        try:
            claims = jwt.decode(
                id_token,
                key,
                algorithms=["RS256"],
                audience=self._config.client_id,
                issuer=discovery["issuer"],
                leeway=self._config.clock_skew_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            raise TokenValidationError(f"id_token rejected: {exc}") from exc
        _check_nonce(claims, nonce)
        _check_at_hash(claims, access_token)
        return claims

    async def token_set(self, tokens: Mapping[str, Any], *, nonce: str) -> TokenSet:
        """A token endpoint's answer as a `TokenSet`, once its id_token passes every check above.

        Both flows end here, so a redirect sign-in's tokens are held to exactly the embedded flow's checks.
        """
        access_token, id_token = tokens.get("access_token"), tokens.get("id_token")
        if not isinstance(access_token, str) or not isinstance(id_token, str):
            raise IdxProtocolError("token response lacks access_token or id_token")
        claims = await self.verify(id_token, nonce=nonce, access_token=access_token)
        expires_in = tokens.get("expires_in")
        return TokenSet(
            access_token=access_token,
            id_token=id_token,
            claims=claims,
            token_type=str(tokens.get("token_type", "Bearer")),
            expires_in=int(expires_in) if isinstance(expires_in, (int, float)) else None,
            scope=tokens.get("scope"),
            refresh_token=tokens.get("refresh_token"),
        )

    async def _key(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys:
            await self._refresh_keys()
        if kid not in self._keys:
            raise TokenValidationError(f"id_token key id {kid!r} is not in the issuer's JWKS")
        return self._keys[kid]

    async def _refresh_keys(self) -> None:
        jwks_uri = (await self._oauth.discovery()).get("jwks_uri") or f"{self._config.oauth_base}/v1/keys"
        reply = await self._transport.get_json(jwks_uri)
        if not reply.ok or reply.body is None:
            raise TokenValidationError(f"could not fetch JWKS from {jwks_uri} (HTTP {reply.status})")
        try:
            key_set = jwt.PyJWKSet.from_dict(reply.body)
        except jwt.PyJWTError as exc:
            raise TokenValidationError(f"unusable JWKS at {jwks_uri}: {exc}") from exc
        self._keys = {k.key_id: k for k in key_set.keys if k.key_id}


def _check_nonce(claims: dict[str, Any], nonce: str) -> None:
    """Okta echoes the interact nonce; a different one means the token belongs to another transaction."""
    if "nonce" in claims and not hmac.compare_digest(str(claims["nonce"]), nonce):
        raise TokenValidationError("id_token nonce does not match this sign-in")


def _check_at_hash(claims: dict[str, Any], access_token: str | None) -> None:
    """OIDC Core 3.1.3.6: at_hash is the left half of SHA-256(access_token), base64url without padding."""
    if "at_hash" not in claims or access_token is None:
        return
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")
    if not hmac.compare_digest(str(claims["at_hash"]), expected):
        raise TokenValidationError("id_token at_hash does not match the access token")
