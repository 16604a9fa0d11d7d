"""The pytest plugin's ``store`` option: the fixture's org lives in Redis under the given prefix, where a second
server pointed at it (a replica, or the next test's fixture) finds it as the first left it."""

from __future__ import annotations

import uuid

import pytest
import redis

from tests.support.redis_server import RedisServer, redis_url

pytest_plugins = ["pytester"]


def test_the_fixture_keeps_its_org_in_redis_under_the_prefix(pytester: pytest.Pytester, redis_server: RedisServer):
    prefix = f"plugin-{uuid.uuid4().hex[:12]}"
    store = redis_url(redis_server, prefix)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        f"""
        import pytest

        pytestmark = pytest.mark.mock_idx(store={store!r})

        def test_first_server_adds_a_user(mock_idx):
            assert mock_idx.settings.store_url.prefix == {prefix!r}
            mock_idx.add_user(login="kept@example.com")

        def test_a_second_server_joins_the_org_it_finds(mock_idx):
            assert "kept@example.com" in {{user["login"] for user in mock_idx.users()}}
            mock_idx.reset()  # back to the starting scenario, for whoever comes next
            assert "kept@example.com" not in {{user["login"] for user in mock_idx.users()}}
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    with redis.Redis.from_url(redis_server.url) as client:
        assert any(client.scan_iter(match=f"{prefix}*"))
