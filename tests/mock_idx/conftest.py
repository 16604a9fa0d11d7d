"""Fixtures for mock_idx's own suite: an app in the test's loop, and the IDX driver."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from idx_driver import Flow

from mock_idx.app import create_app
from mock_idx.config import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(poll_refresh_ms=100)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


@pytest.fixture
def flow(client: TestClient) -> Flow:
    return Flow(client)


@pytest.fixture
def new_flow(client: TestClient):
    return lambda **kw: Flow(client, **kw)
