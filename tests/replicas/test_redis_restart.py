"""Redis stopped and started again under two replicas, with a sign-in in flight (issue #12).

While Redis is down every request is answered at once with Okta's 503 in its area's dialect (IDX ``messages``,
OAuth ``temporarily_unavailable``, the control API's ``{error, message}``): never a 500, never a hang, and the
processes stay up. Redis runs without persistence, so when it comes back on the same port the org's data is gone.
What the replicas must then do: the sign-in that was in flight is over (its state handle answers Okta's expired
session, as for any sign-in the org no longer knows), and the org is back as the replicas started it: the scenario's
users, the same signing key and authenticator ids (also for a replica that joins afterwards), a new sign-in that
completes across both replicas, and a journal and control API that answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.replicas.support import (
    CLIENT_ID,
    SESSION_EXPIRED,
    Pair,
    Replica,
    answer_of,
    connected,
    introspect,
    message_keys,
    org_store,
    poll,
    push_outcome,
    signing_keys,
    started,
    verified_claims,
)
from tests.support.idx import Flow, control
from tests.support.redis_server import RedisServer, running_redis

LOGIN = "demo@example.com"
PASSWORD = "demo1234"
"""manual-tap's user: their pushes wait for a tap."""


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    """A Redis of this test's own: it is stopped and started again, which the session's shared one must never be."""
    with running_redis() as server:
        yield server


async def test_replicas_answer_503_while_redis_is_down_and_carry_on_with_the_org_restored_once_it_is_back(redis):
    store = org_store(redis, "restart")
    with started(store, "--scenario", "manual-tap") as processes:
        async with connected(processes) as pair:
            keys = await signing_keys(pair.a)
            in_flight = Flow(pair.alternating())
            await push_sign_in(in_flight)

            redis.stop()
            await every_area_answers_503(pair, in_flight)
            assert [replica.name for replica in pair.both if not replica.alive] == []

            redis.start()
            status, document = await poll(pair.a, in_flight.state_handle)
            assert (status, message_keys(document)) == (401, [SESSION_EXPIRED]), document
            for replica in pair.both:
                status, listed = await control(replica.http, "GET", "/users")
                assert (status, [user["login"] for user in listed.get("users", [])]) == (200, [LOGIN]), listed
                assert await signing_keys(replica) == keys, f"{replica.name} publishes another key"

            tokens = await new_sign_in_across_both(pair)
            for replica in pair.both:
                await verified_claims(replica, tokens["id_token"], audience=CLIENT_ID)
                assert (await introspect(replica, tokens["access_token"]))["active"] is True, replica.name
            status, journal = await control(pair.a.http, "GET", f"/journal?user={LOGIN}")
            assert status == 200, journal
            assert {"/idp/idx/identify", "/idp/idx/authenticators/poll"} <= {e["path"] for e in journal["entries"]}

        # a replica that joins the restored org is one with the replicas that restored it: same key, same ids
        with started(store, "--scenario", "manual-tap", count=1) as [later]:
            async with connected([processes[0], later]) as joined:
                assert await signing_keys(joined.b) == keys
                await new_sign_in_across_both(joined)


async def push_sign_in(flow: Flow) -> None:
    """manual-tap's user, up to their push waiting (the sign-in's requests alternate replicas when ``flow``'s do)."""
    await flow.start()
    await flow.identify(LOGIN, PASSWORD)
    await flow.choose()
    assert push_outcome((await flow.choose("push")).body) == "pending"


async def every_area_answers_503(pair: Pair, in_flight: Flow) -> None:
    """Each area's requests, on both replicas, answered Okta's 503 in that area's dialect."""
    for replica in pair.both:
        for path, body in (
            ("/idp/idx/authenticators/poll", {"stateHandle": in_flight.state_handle}),
            ("/idp/idx/introspect", {"stateToken": in_flight.state_handle}),
        ):
            status, document = await answer_of(await replica.http.post(path, json=body))
            assert status == 503, (replica.name, path, status, document)
            assert message_keys(document) == ["E0000009"] and "remediation" not in document, document

        for path, form in (
            ("/oauth2/default/v1/interact", interact_form(in_flight)),
            ("/oauth2/default/v1/token", {"client_id": CLIENT_ID, "grant_type": "interaction_code"}),
        ):
            status, answer = await answer_of(await replica.http.post(path, data=form))
            assert (status, answer.get("error")) == (503, "temporarily_unavailable"), (replica.name, path, answer)

        for method, path in (("GET", "/users"), ("POST", f"/users/{LOGIN}/push/approve"), ("GET", "/journal")):
            status, answer = await control(replica.http, method, path)
            assert status == 503 and set(answer) == {"error", "message"}, (replica.name, method, path, answer)


def interact_form(flow: Flow) -> dict[str, str]:
    return {
        "client_id": CLIENT_ID,
        "scope": flow.scope,
        "redirect_uri": flow.redirect_uri,
        "code_challenge": flow.challenge,
        "code_challenge_method": "S256",
        "state": "st",
    }


async def new_sign_in_across_both(pair: Pair) -> dict[str, Any]:
    """A push sign-in alternating replicas, its push approved through the replica that did not send it: its tokens."""
    flow = Flow(pair.alternating())
    await push_sign_in(flow)
    sender: Replica = pair.a  # the fifth request (/challenge with push) went to A
    status, push = await control(pair.other(sender).http, "POST", f"/users/{LOGIN}/push/approve")
    assert (status, push.get("state")) == (200, "approved"), push
    assert push_outcome((await flow.poll()).body) == "approved"
    response = await flow.exchange()
    assert response.status == 200, await response.text()
    tokens: dict[str, Any] = await response.json()
    return tokens
