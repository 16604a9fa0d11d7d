"""The redirect (Okta-hosted) sign-in: what the app remembers between sending the browser to `/v1/authorize` and its
return to the callback, and the authorization request itself.

Unlike the embedded flow nothing here talks IDX: the org's hosted page does that, and the app only sees the browser
come back with a code (or an error) and the `state` it sent. `state` ties that return to the visitor who started it
(a code planted in someone else's browser is refused), `nonce` ties the id_token to it, and PKCE ties the code to it.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote, urlencode

from .config import IdxClientConfig
from .oauth import Pkce

OFFLINE_ACCESS = "offline_access"
"""Asked for on top of the configured scopes, as Okta's web app guide does, so sign-out has a refresh token to
revoke too."""


@dataclass(frozen=True)
class RedirectSignIn:
    """One redirect sign-in in flight: the secrets the callback needs, small enough to keep in a session."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str

    @classmethod
    def create(cls, redirect_uri: str) -> tuple[RedirectSignIn, str]:
        """A fresh sign-in for `redirect_uri`, and the PKCE challenge to send with it."""
        pkce = Pkce.create()
        sign_in = cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), pkce.verifier, redirect_uri)
        return sign_in, pkce.challenge

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> RedirectSignIn | None:
        """Rebuild one from `to_dict()` output; None for anything else (an old or tampered session)."""
        if not isinstance(data, dict):
            return None
        try:
            sign_in = cls(**data)
        except TypeError:
            return None
        values = (sign_in.state, sign_in.nonce, sign_in.code_verifier, sign_in.redirect_uri)
        return sign_in if all(isinstance(v, str) and v for v in values) else None


def redirect_scopes(config: IdxClientConfig) -> tuple[str, ...]:
    """The configured scopes plus `offline_access` (once)."""
    return config.scopes if OFFLINE_ACCESS in config.scopes else (*config.scopes, OFFLINE_ACCESS)


def authorize_url(endpoint: str, config: IdxClientConfig, sign_in: RedirectSignIn, code_challenge: str) -> str:
    """The `/v1/authorize` URL that starts `sign_in`: the authorization-code flow with PKCE (S256), in query mode.

    Query mode (the default) because the callback is a plain GET: a `form_post` return would be a cross-site POST,
    which does not carry the app's SameSite=Lax session cookie, so the app could not find the sign-in's state.
    """
    params = {
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": sign_in.redirect_uri,
        "scope": " ".join(redirect_scopes(config)),
        "state": sign_in.state,
        "nonce": sign_in.nonce,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params, quote_via=quote)}"
