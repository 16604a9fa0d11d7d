"""The ``client`` fixture (a mock_idx app in the test's own event loop) and the ``flow`` driving one sign-in on it.

Conftests that want them import them by name; ``settings`` is the one to override for other server options (a module
whose OAuth cases need registered clients returns :func:`two_clients_settings` from it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mock_idx.app import create_app
from mock_idx.config import Settings
from tests.support.idx import Flow
from tests.support.stores import redis_server, store_setting

__all__ = ["client", "flow", "new_flow", "redis_server", "settings", "store_setting"]

TWO_CLIENTS_SCENARIO = """\
settings:
  clients:
    - client_id: app-a
      redirect_uris: [http://localhost:7777/callback]
      post_logout_redirect_uris: [https://a.test/bye]
    - client_id: app-b
      redirect_uris: [http://localhost:7777/callback]
      post_logout_redirect_uris: [https://b.test/bye]
"""


def two_clients_settings(folder: Path) -> Settings:
    """Settings whose scenario (written into ``folder``) registers app-a and app-b, each with its own logout
    redirect: where Okta's per-client rules (revocation, introspection, logout) apply."""
    scenario = folder / "two-clients.yaml"
    scenario.write_text(TWO_CLIENTS_SCENARIO, encoding="utf-8")
    return Settings(scenario=str(scenario))


@asynccontextmanager
async def app_in_loop(settings: Settings) -> AsyncIterator[TestClient[Any, Any]]:
    """A mock_idx app served in the running event loop, and a client for it."""
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


@pytest.fixture
def settings(store_setting: str) -> Settings:
    """Fast polling, on each store in turn (:mod:`tests.support.stores`)."""
    return Settings(poll_refresh_ms=100, store=store_setting)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[TestClient[Any, Any]]:
    async with app_in_loop(settings) as test_client:
        yield test_client


@pytest.fixture
def flow(client: TestClient[Any, Any]) -> Flow:
    return Flow(client)


@pytest.fixture
def new_flow(client: TestClient[Any, Any]) -> Callable[..., Flow]:
    """Makes more sign-ins on the same server, with other options (``new_flow(client_id="other")``)."""
    return lambda **options: Flow(client, **options)
