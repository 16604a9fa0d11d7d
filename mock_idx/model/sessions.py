"""Okta's browser session: what the ``sid`` cookie names after a sign-in on the hosted page.

While it lives, ``/v1/authorize`` answers any app with a code without a page (single sign-on, and okta-auth-js token
renewal with ``prompt=none``). It ends at sign-out, after the org's session lifetime, or after its idle timeout, all
on the virtual clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .authenticators import AuthenticatorKey
from .ids import okta_id, secret_token


@dataclass(frozen=True)
class Session:
    id: str
    """What the ``sid`` cookie carries: unguessable, since it signs the browser in."""
    login: str
    user_id: str
    created_at: float
    last_used: float
    auth_time: float
    amr: tuple[str, ...]
    okta_id: str = ""
    """What ``/api/v1/sessions/me`` calls the session (``102…``); not the cookie, which only the browser holds."""
    verified: tuple[AuthenticatorKey, ...] = ()
    """The authenticators the sign-in verified: what an app asking for more (``acr_values``) is stepped up from."""

    @classmethod
    def start(
        cls,
        login: str,
        user_id: str,
        now: float,
        auth_time: float,
        amr: tuple[str, ...],
        verified: tuple[AuthenticatorKey, ...] = (),
    ) -> Session:
        return cls(
            id=secret_token(32),
            login=login,
            user_id=user_id,
            created_at=now,
            last_used=now,
            auth_time=auth_time,
            amr=amr,
            okta_id=okta_id("102"),
            verified=verified,
        )

    def expires_at(self, lifetime: float, idle_timeout: float) -> float:
        return min(self.created_at + lifetime, self.last_used + idle_timeout)

    def is_alive(self, now: float, lifetime: float, idle_timeout: float) -> bool:
        return now < self.expires_at(lifetime, idle_timeout)

    def used(self, now: float) -> Session:
        return replace(self, last_used=now)
