"""Fixtures for mock_idx's own suite: an app in the test's loop (``client``, ``settings``), run on each store in
turn, and the IDX driver (``flow``, ``new_flow``), from tests/support/fixtures.py."""

from tests.support.fixtures import client, flow, new_flow, redis_server, settings, store_setting

__all__ = ["client", "flow", "new_flow", "redis_server", "settings", "store_setting"]
