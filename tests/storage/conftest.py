"""One ``store`` fixture for the contract tests, run on every implementation: in memory, and in Redis (a fresh key
prefix per test on the session's ``redis-server``, so tests never see each other's org).

A test that needs a store built differently says so with ``@pytest.mark.store_options(journal_capacity=3)``; the
options go to either constructor.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from mock_idx.model.store import OrgStore
from mock_idx.storage.memory import MemoryStore
from mock_idx.storage.redis_store import RedisStore
from tests.support.redis_server import RedisServer, redis_server

__all__ = ["redis_server"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "store_options(**options): constructor options of the test's store")


def unique_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[OrgStore]:
    marker = request.node.get_closest_marker("store_options")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    opened: OrgStore
    if request.param == "memory":
        opened = MemoryStore(**options)
    else:
        server: RedisServer = request.getfixturevalue("redis_server")
        opened = RedisStore.from_url(server.url, unique_prefix(), **options)
    try:
        yield opened
    finally:
        await opened.close()
