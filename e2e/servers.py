"""The two servers a sign-in test needs, each on its own free loopback port, and the mock's control API.

mock_idx answers polls every POLL_REFRESH_MS so a whole push sign-in takes about a second; the reference client
talks to it exactly as it would to an Okta org, through the mock's issuer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from mock_idx.config import Settings
from mock_idx.testing import BackgroundServer, MockIdxServer
from reference_client.app import create_app as create_reference_client
from reference_client.config import AppConfig
from reference_client.idx import IdxClientConfig

POLL_REFRESH_MS = 200
PUSH_LIFETIME_S = 60.0
"""Short enough that advancing the clock past it expires the push but not the whole sign-in."""

CLIENT_ID = "e2e-reference-client"
REDIRECT_URI = "http://127.0.0.1/login/callback"
"""Only echoed in the token exchange (the interaction-code flow never sends the browser there); mock_idx accepts
any redirect URI when no client is configured."""

PASSWORD = "Corr3ct-horse-battery"


def start_mock_idx() -> MockIdxServer:
    return MockIdxServer(Settings(poll_refresh_ms=POLL_REFRESH_MS, push_lifetime=PUSH_LIFETIME_S)).start()


def start_reference_client(issuer: str) -> BackgroundServer:
    config = AppConfig(idx=IdxClientConfig(issuer=issuer, client_id=CLIENT_ID, redirect_uri=REDIRECT_URI))
    return BackgroundServer(lambda: create_reference_client(config)).start()


@dataclass(frozen=True)
class User:
    login: str
    password: str
    name: str


@dataclass(frozen=True)
class JournalEntry:
    method: str
    path: str
    status: int


class MockIdx:
    """The `/_mock/v1` control API of one running mock_idx, plus where its pages are."""

    def __init__(self, url: str, http: aiohttp.ClientSession) -> None:
        self.url = url
        self.issuer = f"{url}/oauth2/default"
        self._http = http

    def device_url(self, user: User) -> str:
        """The phone: the device simulator page of ``user``'s Okta Verify."""
        return f"{self.url}/_mock/device/{quote(user.login)}"

    async def add_user(self, tag: str, *, number_challenge: bool = False,
                       methods: tuple[str, ...] = ("push", "totp")) -> User:
        """A new user, unique to this test, with Okta Verify whose pushes wait for a tap on the device page."""
        login = f"{tag}-{secrets.token_hex(3)}@e2e.example.com"
        name = f"Ada {tag.title()}"
        okta_verify = {"methods": list(methods), "push": {"outcome": "manual", "number_challenge": number_challenge}}
        await self._call("PUT", f"users/{quote(login)}", {
            "password": PASSWORD, "profile": {"firstName": "Ada", "lastName": tag.title(), "name": name},
            "authenticators": {"okta_verify": okta_verify}})
        return User(login=login, password=PASSWORD, name=name)

    async def advance_clock(self, seconds: float) -> None:
        await self._call("POST", "clock/advance", {"seconds": seconds})

    async def fail_next(self, route: str, status: int, user: User, times: int = 1) -> None:
        """The next ``times`` requests of ``user`` to ``route`` get ``status`` instead of an answer."""
        await self._call("POST", "faults", {"route": route, "user": user.login, "status": status, "times": times})

    async def journal(self, user: User | None) -> list[JournalEntry]:
        """What the mock answered for ``user`` (``None``: for everyone), oldest first."""
        query = f"?user={quote(user.login)}" if user else ""
        body = await self._call("GET", f"journal{query}")
        return [JournalEntry(e["method"], e["path"], e["status"]) for e in body["entries"]]

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with self._http.request(method, f"{self.url}/_mock/v1/{path}", json=body) as response:
            text = await response.text()
            assert response.ok, f"control API {method} {path}: {response.status} {text}"
            return await response.json()
