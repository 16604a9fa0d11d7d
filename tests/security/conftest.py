"""Security defaults are checked through the same IDX driver as mock_idx's own tests (tests/support/idx.py), against
an app in the test's loop (``client``, from tests/support/fixtures.py); the CLI tests start real ``mock-idx serve``
processes."""

from tests.support.fixtures import client, redis_server, settings, store_setting

__all__ = ["client", "redis_server", "settings", "store_setting"]
