"""Fixtures for mock_idx's own suite: an app in the test's loop (``client``, ``settings``) and the IDX driver
(``flow``, ``new_flow``), from tests/support/fixtures.py."""

from tests.support.fixtures import client, flow, new_flow, settings

__all__ = ["client", "flow", "new_flow", "settings"]
