"""The hostile suite's servers in the test's loop come from tests/support/fixtures.py (``client``, and ``flow``
driving a sign-in on it; modules override ``settings``); the CLI and shutdown cases start real processes."""

from tests.support.fixtures import client, flow, redis_server, settings, store_setting

__all__ = ["client", "flow", "redis_server", "settings", "store_setting"]
