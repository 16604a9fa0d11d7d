"""The org's configuration: the knobs a scenario turns (lifetimes, polling, registered clients).

Everything here is plain data; the engine reads it on every decision, so loading a scenario takes effect for the next
request without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass

from .authenticators import DEFAULT_AUTHENTICATOR_POLICY, AuthenticatorPolicy
from .clients import DEFAULT_CLIENT_LABEL, Client, ad_hoc_client, is_safe_redirect, origin_of
from .lockout import DEFAULT_LOCKOUT_POLICY, LockoutPolicy
from .password_policy import DEFAULT_PASSWORD_POLICY, PasswordPolicy
from .registration import DEFAULT_REGISTRATION_POLICY, RegistrationPolicy
from .servers import OIDC_SCOPES, ServerConfig

__all__ = [
    "DEFAULT_CLIENT_LABEL",
    "DEFAULT_POLICY",
    "MAX_LIFETIME",
    "OIDC_SCOPES",
    "Client",
    "Policy",
    "is_safe_redirect",
]

MAX_LIFETIME = 10 * 365 * 86400.0
"""Ten years, the longest any lifetime may be: longer ones overflow dates, and no test needs them."""
POLL_REFRESH_MS_RANGE = (50, 3_600_000)
"""How often clients are told to poll: faster would make the fake a busy loop, slower than an hour is a hang."""


@dataclass(frozen=True)
class Policy:
    poll_refresh_ms: int = 4000
    push_lifetime: float = 300.0
    transaction_lifetime: float = 600.0
    interaction_code_lifetime: float = 60.0
    access_token_lifetime: float = 3600.0
    id_token_lifetime: float = 3600.0
    refresh_token_lifetime: float = 30 * 24 * 3600.0
    authorization_code_lifetime: float = 60.0
    session_lifetime: float = 2 * 3600.0
    """How long an Okta session (the ``sid`` cookie) lasts at most, from sign-in (Okta's default: 2 hours)."""
    session_idle_timeout: float = 2 * 3600.0
    """...and how long it lasts without use."""
    clients: tuple[Client, ...] = ()
    authorization_servers: tuple[str, ...] = ()
    """Custom authorization server ids; empty means any id (``default`` included) is served."""
    servers: tuple[ServerConfig, ...] = ()
    """Authorization servers configured in the scenario (the org server has id ``None``); the others are as Okta
    ships a new one (:meth:`server_config`)."""
    custom_scopes: tuple[str, ...] = ()
    """Scopes besides the OIDC ones that the authorization servers grant (``orders:read``): what service clients ask
    for with ``client_credentials``."""
    trusted_hosts: tuple[str, ...] = ()
    """Hosts besides loopback that ad-hoc clients may be redirected to."""
    trusted_origins: tuple[str, ...] = ()
    """Okta's Trusted Origins (``scheme://host[:port]``): the only origins granted CORS once any are listed, and
    origins ad-hoc clients may be redirected to. None listed: every origin is granted CORS (quick starts work)."""
    authenticators: AuthenticatorPolicy = DEFAULT_AUTHENTICATOR_POLICY
    """The org's authenticators, which ones users must or may enroll, and what a sign-in needs."""
    password_policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY
    """What a new password must be (length, character classes, not the username, not a recent one)."""
    lockout: LockoutPolicy = DEFAULT_LOCKOUT_POLICY
    """When wrong passwords lock an account, when it unlocks by itself, and how users may unlock it themselves."""
    registration: RegistrationPolicy = DEFAULT_REGISTRATION_POLICY
    """Whether people may sign up, what the sign-up form asks, which groups new users join (off by default)."""

    def find_client(self, client_id: str) -> Client | None:
        """The client with this id; when none are registered, any id is accepted as an ad-hoc public client."""
        if not self.clients:
            return ad_hoc_client(client_id, self.trusted_hosts, self.trusted_origins)
        return next((c for c in self.clients if c.client_id == client_id), None)

    def trusts_origin(self, origin: str) -> bool:
        """Whether a page on ``origin`` may call the org's APIs from a browser (CORS), as Okta's Trusted Origins say."""
        return not self.trusted_origins or origin_of(origin) in self.trusted_origins

    def server_config(self, server_id: str | None) -> ServerConfig:
        """The server's configuration from the scenario, or what an unconfigured Okta server has (the OIDC scopes and
        the scenario's ``custom_scopes``, no custom claims, one policy letting everything through)."""
        configured = next((server for server in self.servers if server.id == server_id), None)
        return configured or ServerConfig(id=server_id, scopes=self.custom_scopes)

    def serves_authorization_server(self, server_id: str | None) -> bool:
        """``None`` is the org authorization server, which always exists."""
        if server_id is None or server_id in {server.id for server in self.servers}:
            return True
        return not self.authorization_servers or server_id in self.authorization_servers


DEFAULT_POLICY = Policy()
