"""Fixtures for the reference client: a mock_idx server in the test's loop, its control API, an IDX client, and a
cookie-keeping test browser for the web app.

The mock runs as an aiohttp TestServer in the same event loop (no thread), with a fast poll refresh so nothing
waits; the control API is driven over HTTP exactly as a user's tests would.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from mock_idx.app import create_app as create_mock_app
from mock_idx.config import Settings
from reference_client.app import create_app
from reference_client.config import AppConfig
from reference_client.idx import IdxClient, IdxClientConfig

POLL_REFRESH_MS = 50
PUSH_LIFETIME_S = 300
PASSWORD = "correct-horse-1"
_user_numbers = itertools.count(1)


class MockControl:
    """The `/_mock/v1` control API of one mock_idx server."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str) -> None:
        self.http = http
        self.base_url = base_url
        self.issuer = f"{base_url}/oauth2/default"

    async def add_user(self, *, methods: tuple[str, ...] = ("push", "totp"), outcome: str = "manual",
                       number_challenge: bool = False, name: str = "Alice Example") -> str:
        """A fresh user (unique login) with Okta Verify; returns the login."""
        login = f"user{next(_user_numbers)}@example.com"
        okta_verify = {"methods": list(methods), "push": {"outcome": outcome, "number_challenge": number_challenge}}
        await self._call("PUT", f"users/{login}", {"password": PASSWORD, "profile": {"name": name},
                                                  "authenticators": {"okta_verify": okta_verify}})
        return login

    async def pushes(self, login: str) -> list[dict[str, Any]]:
        return (await self._call("GET", f"users/{login}/pushes"))["pushes"]

    async def approve_push(self, login: str, answer: int | None = None) -> None:
        await self._call("POST", f"users/{login}/push/approve", {} if answer is None else {"answer": answer})

    async def deny_push(self, login: str) -> None:
        await self._call("POST", f"users/{login}/push/deny", {})

    async def totp_code(self, login: str) -> str:
        return (await self._call("GET", f"users/{login}/totp"))["code"]

    async def advance_clock(self, seconds: float) -> None:
        await self._call("POST", "clock/advance", {"seconds": seconds})

    async def fail_next(self, route: str, status: int, user: str | None = None, times: int = 1) -> None:
        await self._call("POST", "faults", {"route": route, "user": user, "status": status, "times": times})

    async def journal_paths(self, login: str | None = None) -> list[tuple[str, str]]:
        query = f"?user={login}" if login else ""
        entries = (await self._call("GET", f"journal{query}"))["entries"]
        return [(e["method"], e["path"]) for e in entries]

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        async with self.http.request(method, f"{self.base_url}/_mock/v1/{path}", json=body) as response:
            assert response.ok, f"{method} {path}: {response.status} {await response.text()}"
            return await response.json()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def mock(http: aiohttp.ClientSession) -> AsyncIterator[MockControl]:
    settings = Settings(poll_refresh_ms=POLL_REFRESH_MS, push_lifetime=PUSH_LIFETIME_S)
    server = TestServer(create_mock_app(settings), host="127.0.0.1")
    await server.start_server()
    try:
        yield MockControl(http, str(server.make_url("")).rstrip("/"))
    finally:
        await server.close()


@pytest.fixture
def idx_config(mock: MockControl) -> IdxClientConfig:
    return IdxClientConfig(issuer=mock.issuer, client_id="reference-client-tests",
                           redirect_uri="http://127.0.0.1:8081/login/callback")


@pytest.fixture
def idx_client(idx_config: IdxClientConfig, http: aiohttp.ClientSession) -> IdxClient:
    return IdxClient(idx_config, http)


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Page:
    status: int
    text: str
    location: str | None
    headers: Any


class Browser:
    """A cookie-keeping client of the reference web app that posts forms with the last page's CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf_token = ""

    async def get(self, path: str) -> Page:
        return await self._page(await self.client.get(path, allow_redirects=False))

    async def post(self, path: str, fields: dict[str, str] | None = None, *, csrf: str | None = None) -> Page:
        data = {"csrf_token": self.csrf_token if csrf is None else csrf, **(fields or {})}
        return await self._page(await self.client.post(path, data=data, allow_redirects=False))

    async def poll(self) -> dict[str, Any]:
        """One ChallengePoll as the PushSent page's script makes it; checks the guide's JSON contract."""
        response = await self.client.get("/okta-verify/challenge-poll", allow_redirects=False)
        assert response.status == 200 and response.content_type == "application/json"
        reply = await response.json()
        assert set(reply) == {"ContinuePolling", "Refresh", "Next"} and isinstance(reply["Refresh"], int)
        return reply

    async def _page(self, response: Any) -> Page:
        text = await response.text()
        if match := CSRF_INPUT.search(text):
            self.csrf_token = match.group(1)
        return Page(response.status, text, response.headers.get("Location"), response.headers)


@pytest.fixture
async def browser(idx_config: IdxClientConfig) -> AsyncIterator[Browser]:
    app = create_app(AppConfig(idx=idx_config))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield Browser(client)
