"""The contract tests run on every store implementation through the one ``store`` fixture of
tests/support/stores.py (in memory, and in Redis under a fresh key prefix per test)."""

from __future__ import annotations

import pytest

from tests.support.stores import redis_server, store

__all__ = ["redis_server", "store"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "store_options(**options): constructor options of the test's store")
