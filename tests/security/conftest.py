"""Security defaults are checked through the same IDX driver as mock_idx's own tests (tests/mock_idx/idx_driver.py),
against an app in the test's loop; the CLI tests start real ``mock-idx serve`` processes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mock_idx"))

from mock_idx.app import create_app  # noqa: E402
from mock_idx.config import Settings  # noqa: E402


@pytest.fixture
async def client() -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(Settings(poll_refresh_ms=100)))) as test_client:
        yield test_client
