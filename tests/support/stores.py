"""The org's store, once per implementation: every suite that should hold on both stores takes one of these fixtures.

``store`` is an opened :class:`~mock_idx.model.store.OrgStore` (the contract and engine tests); ``store_setting`` is
the ``--store`` value for a whole server (the HTTP suite's ``settings``). Each runs its test twice: in memory, and in
Redis under a fresh key prefix on the session's ``redis-server``, so tests never see each other's org. A test that
needs a store built differently says so with ``@pytest.mark.store_options(journal_capacity=3)``.
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

__all__ = ["redis_server", "store", "store_setting", "unique_prefix"]

STORES = ["memory", "redis"]


def unique_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=STORES)
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


@pytest.fixture(params=STORES)
def store_setting(request: pytest.FixtureRequest) -> str:
    """``memory``, or a Redis URL with a prefix of this test's own."""
    if request.param == "memory":
        return "memory"
    server: RedisServer = request.getfixturevalue("redis_server")
    return f"{server.url}?prefix={unique_prefix()}"
