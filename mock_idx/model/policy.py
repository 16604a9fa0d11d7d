"""The org's configuration: the knobs a scenario turns (lifetimes, polling, registered clients).

Everything here is plain data; the engine reads it on every decision, so loading a scenario takes effect for the next
request without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CLIENT_LABEL = "mock-idx app"
"""What the phone calls an app that was not given a label (every app, when no clients are registered)."""


@dataclass(frozen=True)
class Client:
    """An OAuth client registered with the org. Only registered clients may sign in once any are registered."""

    client_id: str
    redirect_uris: tuple[str, ...] = ()
    label: str = DEFAULT_CLIENT_LABEL
    client_secret: str | None = None

    def allows_redirect(self, redirect_uri: str) -> bool:
        return not self.redirect_uris or redirect_uri in self.redirect_uris


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
