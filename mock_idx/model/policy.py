"""The org's configuration: the knobs a scenario turns (lifetimes, polling, registered clients).

Everything here is plain data; the engine reads it on every decision, so loading a scenario takes effect for the next
request without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_LIFETIME = 10 * 365 * 86400.0
"""Ten years, the longest any lifetime may be: longer ones overflow dates, and no test needs them."""
POLL_REFRESH_MS_RANGE = (50, 3_600_000)
"""How often clients are told to poll: faster would make the fake a busy loop, slower than an hour is a hang."""

DEFAULT_CLIENT_LABEL = "mock-idx app"
"""What the phone calls an app that was not given a label (every app, when no clients are registered)."""


OIDC_SCOPES = frozenset({"openid", "profile", "email", "address", "phone", "offline_access", "device_sso"})
"""The scopes an Okta authorization server has out of the box; it refuses any other it was not given
(``invalid_scope``), and so does the fake, so a typo in an app's scopes fails here as it would in production."""


UNSAFE_REDIRECT_SCHEMES = frozenset({"javascript", "data", "vbscript", "file"})
"""Schemes no client may be sent to, registered or not: they run or read something instead of loading a page."""


@dataclass(frozen=True)
class Client:
    """An OAuth client registered with the org. Only registered clients may sign in once any are registered.

    A client that registers no URIs at all (every ad-hoc client, when the scenario registers none) is open: it accepts
    any login redirect and any absolute logout redirect, so pointing an app at the fake needs no set-up.
    """

    client_id: str
    redirect_uris: tuple[str, ...] = ()
    label: str = DEFAULT_CLIENT_LABEL
    client_secret: str | None = None
    post_logout_redirect_uris: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return not self.redirect_uris and not self.post_logout_redirect_uris

    def allows_redirect(self, redirect_uri: str) -> bool:
        return not self.redirect_uris or redirect_uri in self.redirect_uris

    def allows_logout_redirect(self, uri: str) -> bool:
        """Okta only sends a signed-out browser to one of the client's Logout redirect URIs (no open redirect)."""
        if not is_safe_redirect(uri):
            return False
        return self.is_open or uri in self.post_logout_redirect_uris


def is_safe_redirect(uri: str) -> bool:
    """An absolute URI, with no control characters (no header splitting) and no script-running scheme."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in uri):
        return False
    scheme = urlsplit(uri).scheme
    return bool(scheme) and scheme not in UNSAFE_REDIRECT_SCHEMES


@dataclass(frozen=True)
class Policy:
    poll_refresh_ms: int = 4000
    push_lifetime: float = 300.0
    transaction_lifetime: float = 600.0
    interaction_code_lifetime: float = 60.0
    access_token_lifetime: float = 3600.0
    id_token_lifetime: float = 3600.0
    refresh_token_lifetime: float = 30 * 24 * 3600.0
    clients: tuple[Client, ...] = ()
    authorization_servers: tuple[str, ...] = ()
    """Custom authorization server ids; empty means any id (``default`` included) is served."""

    def find_client(self, client_id: str) -> Client | None:
        """The client with this id; when none are registered, any id is accepted as an ad-hoc client."""
        if not self.clients:
            return Client(client_id=client_id)
        return next((c for c in self.clients if c.client_id == client_id), None)

    def serves_authorization_server(self, server_id: str | None) -> bool:
        """``None`` is the org authorization server, which always exists."""
        return server_id is None or not self.authorization_servers or server_id in self.authorization_servers


DEFAULT_POLICY = Policy()
