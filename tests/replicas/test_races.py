"""Requests racing across two replicas of one org (issue #12): where Okta lets exactly one of several requests win,
exactly one wins, whichever replica each one reached. Real sockets, all requests in flight at once (asyncio and
aiohttp); nothing here depends on which request the servers happen to take first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.replicas.support import (
    CLIENT_ID,
    Pair,
    Process,
    Replica,
    answer_of,
    connected,
    gather_all,
    org_store,
    poll,
    push_outcome,
    resume,
    started,
)
from tests.support.idx import Flow, control, put_user
from tests.support.redis_server import RedisServer

PUSH_LIFETIME = 30
SCENARIO = f"""\
description: Pushes wait for a tap and expire after {PUSH_LIFETIME} seconds, for the approve/deny/expiry races.
settings:
  push_lifetime: {PUSH_LIFETIME}
users: []
"""
PUSHES = 50
TAPS = (("approve", 0), ("deny", 1), ("approve", 1), ("deny", 0))
"""Who races for each push: an approval and a denial through each replica's control API (index 0 is A, 1 is B)."""
REDEMPTIONS = 20


@pytest.fixture
def processes(redis_server: RedisServer, tmp_path: Path) -> Iterator[list[Process]]:
    scenario = tmp_path / "races.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    with started(org_store(redis_server, "races"), "--scenario", str(scenario)) as running:
        yield running


@pytest.fixture
async def pair(processes: list[Process]) -> AsyncIterator[Pair]:
    async with connected(processes) as replicas:
        yield replicas


async def test_approve_deny_and_expiry_racing_across_replicas_leave_one_winner_per_push_seen_alike_on_both(pair):
    replicas = pair.both
    logins = [f"racer{number}@example.com" for number in range(PUSHES)]
    await gather_all(*(put_user(replicas[n % 2].http, login, outcome="manual") for n, login in enumerate(logins)))
    flows = [Flow(pair.alternating()) for _ in logins]
    waiting = await gather_all(*(flow.push_sign_in(login) for flow, login in zip(flows, logins, strict=True)))
    assert {push_outcome(answer.body) for answer in waiting} == {"pending"}

    # every tap of every push, and the clock jumping past the pushes' lifetime, all in flight at once
    taps = [tap(replicas[side], login, action) for login in logins for action, side in TAPS]
    half = len(taps) // 2
    *answers, (status, clock) = await gather_all(
        *taps[:half], *taps[half:], control(pair.a.http, "POST", "/clock/advance", json={"seconds": PUSH_LIFETIME})
    )
    assert (status, clock["offset_seconds"]) == (200, PUSH_LIFETIME)

    for number, (login, flow) in enumerate(zip(logins, flows, strict=True)):
        mine = answers[number * len(TAPS) : (number + 1) * len(TAPS)]
        winners = [body["state"] for status, body in mine if status == 200]
        assert len(winners) <= 1, f"{login}: several taps won: {mine}"
        outcome = winners[0] if winners else "expired"  # no tap won: the clock did, the push is expired
        refusals = {(status, body["error"], body["message"]) for status, body in mine if status != 200}
        assert refusals <= {
            (409, "conflict", f"this push is already {outcome}"),
            (404, "not_found", f"no pending push for {login!r}"),
        }, f"{login} ({outcome}): {mine}"

        # the sign-in shows the winner's outcome on both replicas: polled on one, resumed on the other
        polled_on, resumed_on = replicas[number % 2], replicas[(number + 1) % 2]
        status, polled = await poll(polled_on, flow.state_handle)
        assert (status, push_outcome(polled)) == (200, outcome), f"{login} polled on {polled_on.name}"
        status, resumed = await resume(resumed_on, flow.state_handle)
        assert (status, push_outcome(resumed)) == (200, outcome), f"{login} resumed on {resumed_on.name}"
        for replica in replicas:
            assert await control(replica.http, "GET", f"/users/{login}/pushes") == (200, {"pushes": []})


async def tap(replica: Replica, login: str, action: str) -> tuple[int, dict[str, Any]]:
    """The phone's "Yes, it's me" or "No, it's not me", through ``replica``'s control API."""
    status, body = await control(replica.http, "POST", f"/users/{login}/push/{action}")
    return status, body


async def test_one_interaction_code_redeemed_twenty_times_at_once_across_replicas_gives_tokens_once(pair):
    await put_user(pair.a.http, "ada@example.com", outcome="approve")
    flow = Flow(pair.alternating())
    await flow.push_sign_in("ada@example.com")
    assert push_outcome((await flow.poll()).body) == "approved"
    form = {
        "client_id": CLIENT_ID,
        "redirect_uri": flow.redirect_uri,
        "grant_type": "interaction_code",
        "code_verifier": flow.verifier,
        "interaction_code": flow.interaction_code(),
    }

    answers = await gather_all(
        *(redeem(pair.both[number % 2], form) for number in range(REDEMPTIONS)),
    )

    granted = [body for status, body in answers if status == 200]
    refused = [(status, body["error"]) for status, body in answers if status != 200]
    assert len(granted) == 1, answers
    assert {"access_token", "id_token", "token_type"} <= set(granted[0])
    assert refused == [(400, "invalid_grant")] * (REDEMPTIONS - 1)


async def redeem(replica: Replica, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    return await answer_of(await replica.http.post("/oauth2/default/v1/token", data=form))
