"""The ``client`` fixture (a mock_idx app in the test's own event loop) and the ``flow`` driving one sign-in on it.

Conftests that want them import them by name; ``settings`` is the one to override for other server options.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mock_idx.app import create_app
from mock_idx.config import Settings
from tests.support.idx import Flow


@pytest.fixture
def settings() -> Settings:
    return Settings(poll_refresh_ms=100)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


@pytest.fixture
def flow(client: TestClient[Any, Any]) -> Flow:
    return Flow(client)


@pytest.fixture
def new_flow(client: TestClient[Any, Any]) -> Callable[..., Flow]:
    """Makes more sign-ins on the same server, with other options (``new_flow(client_id="other")``)."""
    return lambda **options: Flow(client, **options)
