"""The default org (:mod:`mock_idx.default_org`) is the built-in ``manual-tap`` scenario, built without the scenario
machinery: the same policy, users and fault rules as ``manual-tap.yaml`` read through it, and what a server with no
scenario named puts in force, on start and on every reset."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from mock_idx import scenario
from mock_idx.app import create_app
from mock_idx.config import Settings
from mock_idx.default_org import DEFAULT_SCENARIO, DefaultOrg, policy_in_force, starting_org
from mock_idx.model.directory import User


def _without_made_up_values(user: User) -> User:
    """A user with the values every load makes anew (ids, the TOTP secret) blanked, so two loads compare equal."""
    okta_verify = user.okta_verify and replace(user.okta_verify, enrollment_id="", totp_secret="")
    return replace(user, id="", okta_verify=okta_verify)


def test_the_default_org_is_the_manual_tap_scenario() -> None:
    from_file = scenario.load(DEFAULT_SCENARIO)
    default = DefaultOrg()
    assert default.to_policy() == from_file.to_policy()
    assert [_without_made_up_values(u) for u in default.to_users()] == [
        _without_made_up_values(u) for u in from_file.to_users()
    ]
    assert default.to_fault_rules() == from_file.to_fault_rules() == []


def test_each_load_of_the_default_org_makes_new_secrets_as_a_scenario_does() -> None:
    first, second = DefaultOrg().to_users()[0], DefaultOrg().to_users()[0]
    assert first.okta_verify is not None and second.okta_verify is not None
    assert first.id != second.id
    assert first.okta_verify.totp_secret != second.okta_verify.totp_secret


def test_no_scenario_named_is_the_default_org_and_a_named_one_is_read() -> None:
    assert isinstance(starting_org(None), DefaultOrg)
    named = starting_org("push-approved")
    assert isinstance(named, scenario.Scenario)
    assert [u.login for u in named.to_users()] == [u.login for u in scenario.load("push-approved").to_users()]


def test_the_command_line_overrides_apply_to_the_default_org() -> None:
    policy = policy_in_force(DefaultOrg(), Settings(poll_refresh_ms=20, push_lifetime=5))
    assert (policy.poll_refresh_ms, policy.push_lifetime) == (20, 5)
    assert policy_in_force(DefaultOrg(), Settings()) == DefaultOrg().to_policy()


async def _users(client: TestClient[Any, Any]) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = (await (await client.get("/_mock/v1/users")).json())["users"]
    return listed


async def test_a_server_with_no_scenario_serves_the_default_org_and_resets_to_it() -> None:
    async with TestClient(TestServer(create_app(Settings()))) as client:
        users = await _users(client)
        assert [user["login"] for user in users] == ["demo@example.com"]
        added = await client.put("/_mock/v1/users/added@example.com", json={"password": "added1234"})
        assert added.status in (200, 201)
        assert len(await _users(client)) == 2
        assert (await client.post("/_mock/v1/reset", json={})).status in (200, 204)
        users = await _users(client)
        assert [user["login"] for user in users] == ["demo@example.com"]
        assert users[0]["authenticators"]["okta_verify"]["push"]["outcome"] == "manual"
