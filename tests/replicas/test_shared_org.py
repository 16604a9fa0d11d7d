"""Two ``mock-idx serve`` processes on two ports, one org in Redis (issue #12): whatever one replica is told or
does, the other sees. A sign-in whose requests alternate between them completes; a TOTP code, a token, a revocation,
a user, a reset, the clock and a fault rule are the org's, not a process's.

Each test starts its own pair over a key prefix of its own (``manual-tap``: demo@example.com, whose pushes wait for a
tap), so every org starts from the scenario.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.replicas.support import (
    CLIENT_ID,
    SESSION_EXPIRED,
    Pair,
    Process,
    answer_of,
    connected,
    introspect,
    message_keys,
    org_store,
    poll,
    push_outcome,
    resume,
    signing_keys,
    started,
    verified_claims,
)
from tests.support.idx import Flow, control, put_user, totp_now
from tests.support.redis_server import RedisServer

SCENARIO_USER = "demo@example.com"
SCENARIO_PASSWORD = "demo1234"


@pytest.fixture
def processes(redis_server: RedisServer) -> Iterator[list[Process]]:
    with started(org_store(redis_server, "shared-org"), "--scenario", "manual-tap") as running:
        yield running


@pytest.fixture
async def pair(processes: list[Process]) -> AsyncIterator[Pair]:
    async with connected(processes) as replicas:
        yield replicas


async def scenario_user_push_sign_in(flow: Flow) -> None:
    """:meth:`Flow.push_sign_in` for the scenario's user, who has a password of their own."""
    await flow.start()
    await flow.identify(SCENARIO_USER, SCENARIO_PASSWORD)
    await flow.choose()
    assert (await flow.choose("push")).remediations[0] == "challenge-poll"


async def test_a_sign_in_alternating_between_the_replicas_completes_and_its_tokens_hold_and_die_on_both(pair):
    await put_user(pair.a.http, "ada@example.com", outcome="manual")
    client = pair.alternating()
    flow = Flow(client)
    assert (await flow.push_sign_in("ada@example.com")).remediations[0] == "challenge-poll"
    assert (await flow.poll()).remediations[0] == "challenge-poll"

    # A sent the push (its /challenge chose push); B's control API answers it, the phone of the org
    assert client.sent[4] == ("A", "/idp/idx/challenge")
    status, push = await control(pair.b.http, "POST", "/users/ada@example.com/push/approve")
    assert (status, push["state"]) == (200, "approved")

    done = await flow.poll()
    assert push_outcome(done.body) == "approved"
    response = await flow.exchange()
    assert response.status == 200, await response.text()
    tokens = await response.json()
    assert client.sent == [
        ("A", "/oauth2/default/v1/interact"),
        ("B", "/idp/idx/introspect"),
        ("A", "/idp/idx/identify"),
        ("B", "/idp/idx/challenge"),
        ("A", "/idp/idx/challenge"),
        ("B", "/idp/idx/authenticators/poll"),
        ("A", "/idp/idx/authenticators/poll"),
        ("B", "/oauth2/default/v1/token"),
    ]

    assert await signing_keys(pair.a) == await signing_keys(pair.b)
    for replica in pair.both:
        access = await verified_claims(replica, tokens["access_token"], audience="api://default")
        identity = await verified_claims(replica, tokens["id_token"], audience=CLIENT_ID)
        assert access["sub"] == identity["preferred_username"] == "ada@example.com"
        assert "swk" in identity["amr"]
        answer = await introspect(replica, tokens["access_token"])
        assert answer["active"] is True and answer["username"] == "ada@example.com", replica.name

    # revoked on A: dead on B
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    status, claims = await answer_of(await pair.b.http.get("/oauth2/default/v1/userinfo", headers=bearer))
    assert (status, claims["email"]) == (200, "ada@example.com")
    form = {"token": tokens["access_token"], "client_id": CLIENT_ID}
    revoked = await pair.a.http.post("/oauth2/default/v1/revoke", data=form)
    assert revoked.status == 200, await revoked.text()
    assert await introspect(pair.b, tokens["access_token"]) == {"active": False}
    status, refusal = await answer_of(await pair.b.http.get("/oauth2/default/v1/userinfo", headers=bearer))
    assert (status, refusal["error"]) == (401, "invalid_token")


async def test_a_user_added_on_one_replica_signs_in_on_the_other_and_its_code_is_good_once_across_both(pair):
    user = await put_user(pair.a.http, "grace@example.com", methods=("totp",))
    secret = user["authenticators"]["okta_verify"]["totp"]["secret"]
    code = totp_now(secret)

    on_b = Flow(pair.b.http)
    await on_b.start()
    assert (await on_b.identify("grace@example.com")).remediations == ["select-authenticator-authenticate"]
    await on_b.choose("totp")
    assert "successWithInteractionCode" in (await on_b.answer(code)).body
    response = await on_b.exchange()
    assert response.status == 200, await response.text()
    assert {"access_token", "id_token"} <= set(await response.json())

    on_a = Flow(pair.a.http)
    await on_a.start()
    await on_a.identify("grace@example.com")
    await on_a.choose("totp")
    replayed = await on_a.answer(code)
    assert replayed.status == 403
    field = replayed.remediation("challenge-authenticator")["value"][0]["form"]["value"][0]
    assert [m["i18n"]["key"] for m in field["messages"]["value"]] == ["authfactor.challenge.soft_token.used_passcode"]


async def test_the_clock_fault_rules_and_a_reset_sent_to_one_replica_act_on_both(pair):
    """The org-wide controls, one after another on one org (starting a pair of processes is what takes the time)."""
    await the_clock_advanced_on_one_replica_moves_the_others(pair)
    await a_fault_rule_added_on_one_replica_fires_on_the_other(pair)
    await a_reset_on_one_replica_empties_the_org_on_both(pair)


async def the_clock_advanced_on_one_replica_moves_the_others(pair: Pair) -> None:
    flow = Flow(pair.b.http)
    await scenario_user_push_sign_in(flow)  # the push lives 300 s (manual-tap)
    for replica in pair.both:
        status, clock = await control(replica.http, "GET", "/clock")
        assert (status, clock["offset_seconds"]) == (200, 0), replica.name

    status, advanced = await control(pair.a.http, "POST", "/clock/advance", json={"seconds": 301})
    assert (status, advanced["offset_seconds"]) == (200, 301)

    status, clock = await control(pair.b.http, "GET", "/clock")
    assert (status, clock["offset_seconds"]) == (200, 301)
    status, document = await poll(pair.b, flow.state_handle)
    assert (status, push_outcome(document)) == (200, "expired")  # B's push, expired by A's clock


async def a_fault_rule_added_on_one_replica_fires_on_the_other(pair: Pair) -> None:
    rule = {"route": "/oauth2/default/v1/keys", "status": 503, "times": 2}
    status, added = await control(pair.a.http, "POST", "/faults", json=rule)
    assert status == 201, added

    status, body = await answer_of(await pair.b.http.get("/oauth2/default/v1/keys"))
    assert (status, body["error"]) == (503, "temporarily_unavailable")
    _, faults = await control(pair.a.http, "GET", "/faults")
    assert [(f["id"], f["fired"]) for f in faults["faults"]] == [(added["id"], 1)]

    status, body = await answer_of(await pair.a.http.get("/oauth2/default/v1/keys"))
    assert (status, body["error"]) == (503, "temporarily_unavailable")
    assert (await pair.b.http.get("/oauth2/default/v1/keys")).status == 200  # both of its two times are spent
    assert await control(pair.b.http, "GET", "/faults") == (200, {"faults": []})


async def a_reset_on_one_replica_empties_the_org_on_both(pair: Pair) -> None:
    await put_user(pair.b.http, "ada@example.com", outcome="manual")
    flow = Flow(pair.alternating())
    await scenario_user_push_sign_in(flow)  # the scenario's user: still there after the reset
    _, listed = await control(pair.b.http, "GET", "/users")
    assert [user["login"] for user in listed["users"]] == [SCENARIO_USER, "ada@example.com"]
    _, pending = await control(pair.b.http, "GET", f"/users/{SCENARIO_USER}/pushes")
    assert len(pending["pushes"]) == 1

    assert await control(pair.a.http, "POST", "/reset") == (200, {"ok": True})

    _, listed = await control(pair.b.http, "GET", "/users")
    assert [user["login"] for user in listed["users"]] == [SCENARIO_USER]
    assert await control(pair.b.http, "GET", f"/users/{SCENARIO_USER}/pushes") == (200, {"pushes": []})
    status, document = await poll(pair.b, flow.state_handle)
    assert (status, message_keys(document)) == (401, [SESSION_EXPIRED])
    assert "stateHandle" not in document
    status, document = await resume(pair.b, flow.state_handle)
    assert (status, message_keys(document)) == (401, [SESSION_EXPIRED])
