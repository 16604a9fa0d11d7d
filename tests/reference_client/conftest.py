"""Fixtures for the reference client: an IDX client and a cookie-keeping test visitor of the web app, both pointed
at the `mock_idx` fixture's server (mock_idx's pytest plugin: a fresh fake org per test, scripted over its control
API, polling every 100 ms so nothing waits).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from reference_client.app import create_app
from reference_client.config import AppConfig
from reference_client.idx import IdxClient, IdxClientConfig


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def requests_seen(mock_idx: Any) -> Callable[..., list[tuple[str, str]]]:
    """`(method, path)` of every request mock_idx answered (optionally one user's), from its journal."""

    def seen(login: str | None = None) -> list[tuple[str, str]]:
        return [(e["method"], e["path"]) for e in mock_idx.journal(login)]

    return seen


@pytest.fixture
def idx_config(mock_idx: Any) -> IdxClientConfig:
    return IdxClientConfig(
        issuer=mock_idx.issuer, client_id="reference-client-tests", redirect_uri="http://127.0.0.1:8081/login/callback"
    )


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


class Visitor:
    """A cookie-keeping client of the reference web app that posts forms with the last page's CSRF token."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
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
        reply: dict[str, Any] = await response.json()
        assert set(reply) == {"ContinuePolling", "Refresh", "Next"} and isinstance(reply["Refresh"], int)
        return reply

    async def _page(self, response: Any) -> Page:
        text = await response.text()
        if match := CSRF_INPUT.search(text):
            self.csrf_token = match.group(1)
        return Page(response.status, text, response.headers.get("Location"), response.headers)


@pytest.fixture
async def visitor(idx_config: IdxClientConfig) -> AsyncIterator[Visitor]:
    app = create_app(AppConfig(idx=idx_config))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield Visitor(client)
