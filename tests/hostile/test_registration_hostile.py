"""Hostile input on self-service registration's endpoints (on both stores): ``/idp/idx/enroll``,
``/idp/idx/enroll/new`` and ``/idp/idx/identify/select``.

Every refusal is a 4xx IDX document in Okta's shape that keeps the sign-up form (or Okta's bare 413 for a body past
the limit), never a 5xx; it leaves the sign-in as introspect showed it and creates no user. Attributes the form does
not ask for are ignored, not refused: mock-idx's guess (README), as Okta's SDKs never send them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.hostile.test_authenticator_steps_hostile import NOT_TEXT, ODD_TEXT, assert_refused
from tests.support.idx import Flow, control
from tests.support.idx_steps import snapshot
from tests.support.registration import NEW_LOGIN, PROFILE, load_sign_up_org, sign_up_form, submit_profile

NO_NAME = ["", " ", "\t\n", "\x00", "Nina\x00", "Ni\nna", "\x1b[31mNina", "a" * 51, "9" * 5000, "x" * 70_000]
"""A first name Okta's default form refuses: blank, with control characters, longer than 50, past the body limit."""
PROFILES_REFUSED: list[Any] = [
    *({**PROFILE, "email": value} for value in [*NOT_TEXT, *ODD_TEXT]),
    *({**PROFILE, "firstName": value} for value in [*NOT_TEXT, *NO_NAME]),
    *({**PROFILE, "email": value} for value in ("a@b", "@example.com", "a@@b.co", "a@b.co\r\nBcc: x@y.z", "a b@c.de")),
    {**PROFILE, "lastName": "L" * 51},
    {"email": NEW_LOGIN},
    "a profile",
    ["firstName", "Nina"],
    42,
    True,
]
"""Profiles the default form must refuse: every attribute of every odd type or text, addresses that are none (one
forging a mail header), a required attribute missing, a userProfile that is no object."""


async def users(client: TestClient[Any, Any]) -> Any:
    return (await control(client, "GET", "/users"))[1]


async def test_every_odd_profile_is_refused_and_changes_nothing(flow: Flow, client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client)
    await sign_up_form(flow)
    before, users_before = await snapshot(flow), await users(client)
    for profile in PROFILES_REFUSED:
        answered = await submit_profile(flow, profile)
        where = (repr(profile)[:200], answered.status, json.dumps(answered.body)[:400])
        assert_refused(answered)
        if answered.status != 413:  # a body past the limit is not read: Okta's bare 413
            assert answered.remediations[:1] == ["enroll-profile"], where
        assert await snapshot(flow) == before, where
    assert await users(client) == users_before


@pytest.mark.parametrize("path", ["/idp/idx/enroll", "/idp/idx/enroll/new", "/idp/idx/identify/select"])
async def test_the_endpoints_without_a_live_sign_in_answer_okta_s_4xx(client: TestClient[Any, Any], path: str) -> None:
    await load_sign_up_org(client)
    for body in ({}, {"stateHandle": "02nope"}, {"stateHandle": 7}, {"stateHandle": ["x"]}):
        answered = await client.post(path, json=body)
        assert 400 <= answered.status < 500, (body, answered.status)
        assert answered.headers["Content-Type"].startswith("application/ion+json")
    for raw in (b"not json", b"[]", b'"x"', b"\xff\xfe"):
        answered = await client.post(path, data=raw, headers={"Content-Type": "application/json"})
        assert 400 <= answered.status < 500, (raw, answered.status)


async def test_extra_fields_and_unknown_attributes_are_ignored(flow: Flow, client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client)
    await flow.start()
    shown = await flow.post("/idp/idx/enroll", {"userProfile": {"email": "x"}, "junk": [1, 2]})
    assert shown.status == 200 and shown.remediations[0] == "enroll-profile", shown.body
    extra = {f"attribute{i}": "v" * 100 for i in range(500)}
    created = await submit_profile(flow, {**PROFILE, **extra, "login": "someone.else@example.com", "id": "00u1"})
    assert created.status == 200, created.body
    status, stored = await control(client, "GET", f"/users/{NEW_LOGIN}")
    assert status == 200 and stored["login"] == NEW_LOGIN and stored["id"] != "00u1"
    assert not set(extra) & set(stored["profile"])
    assert (await control(client, "GET", "/users/someone.else@example.com"))[0] == 404


async def test_two_sign_ups_racing_for_one_address_create_one_user(client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client)
    first, second = Flow(client), Flow(client)
    await sign_up_form(first)
    await sign_up_form(second)
    answers = [await submit_profile(flow, PROFILE) for flow in (first, second)]
    assert sorted(answer.status for answer in answers) == [200, 400]
    listed = [u for u in (await users(client))["users"] if u["login"] == NEW_LOGIN]
    assert len(listed) == 1
