"""Security defaults are checked through the same IDX driver as mock_idx's own tests (tests/mock_idx/idx_driver.py),
against an app in the test's loop; the CLI tests start real ``mock-idx serve`` processes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mock_idx.app import create_app
from mock_idx.config import Settings


@pytest.fixture
async def client() -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(Settings(poll_refresh_ms=100)))) as test_client:
        yield test_client
