"""Hundreds of sign-ins at once against one server, with every behaviour a phone can have.

What must hold under concurrency: each sign-in ends in exactly the outcome its user's phone was scripted (or told) to
give; tokens name the user who signed in; a push counts its own polls, not its user's; no 5xx; and the journal has one
entry for every request, each transaction belonging to one user only.

Timeouts need the clock moved, which every sign-in shares; so sign-ins that should time out wait at a barrier, with
their push sent and polled once, until all the others are done, and only then is the clock advanced for them.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
import pyotp

from tests.support.idx import PASSWORD, Flow

SEED = 20240607
FLOWS_PER_SCRIPTED_USER = 4
PUSH_LIFETIME = 300
SUCCESS = "success"
DENIED = "api.authn.poll.error.push_rejected"
TIMED_OUT = "core.system.transaction_resource_not_found"
SESSION_EXPIRED = "idx.session.expired"


@dataclass(frozen=True)
class Behaviour:
    """A kind of user: how their phone is set up, how many sign-ins they run at once, and how those end."""

    name: str
    users: int
    push: dict[str, Any]
    expected: str
    flows_per_user: int = 1
    number_challenge: bool = False


BEHAVIOURS = (
    Behaviour("approve-after-polls", 20, {"outcome": "approve"}, SUCCESS, FLOWS_PER_SCRIPTED_USER),
    Behaviour("deny-after-polls", 10, {"outcome": "deny"}, DENIED, FLOWS_PER_SCRIPTED_USER),
    Behaviour(
        "wrong-number",
        10,
        {"outcome": "approve", "number_answer": "wrong"},
        DENIED,
        FLOWS_PER_SCRIPTED_USER,
        number_challenge=True,
    ),
    Behaviour("tap-yes", 40, {"outcome": "manual"}, SUCCESS, number_challenge=True),
    Behaviour("tap-no", 30, {"outcome": "manual"}, DENIED),
    Behaviour("timeout", 20, {"outcome": "timeout", "when_expired": "terminal"}, TIMED_OUT, 2),
    Behaviour("totp", 50, {"outcome": "manual"}, SUCCESS),
    Behaviour("cancel", 20, {"outcome": "manual"}, "cancelled", 2),
)


class RecordingSession:
    """An aiohttp session that notes every request and its status, to hold the journal to account."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.requests: list[tuple[str, str, int]] = []

    async def request(self, method: str, path: str, **kw: Any) -> aiohttp.ClientResponse:
        response = await self.session.request(method, path, **kw)
        await response.read()
        self.requests.append((method, path.split("?")[0], response.status))
        return response

    async def post(self, path: str, **kw: Any) -> aiohttp.ClientResponse:
        return await self.request("POST", path, **kw)

    async def control(self, method: str, path: str, **kw: Any) -> Any:
        if method != "GET" and "json" not in kw:
            kw["json"] = {}  # the control API takes writes as JSON only
        response = await self.request(method, f"/_mock/v1{path}", **kw)
        assert response.status == 200, await response.text()
        return await response.json()


@dataclass
class PlannedSignIn:
    """One sign-in of the soak: whose, how their phone will behave, and what it came to (polls, outcome, tokens)."""

    behaviour: Behaviour
    login: str
    flow: Flow
    secret: str = ""
    polls: int = 0
    outcome: str = ""
    tokens: dict[str, Any] | None = None


async def test_hundreds_of_concurrent_sign_ins_end_each_in_their_own_outcome(mock_idx):
    rng = random.Random(SEED)
    async with aiohttp.ClientSession(base_url=mock_idx.url) as session:
        client = RecordingSession(session)
        sign_ins = await _create_users(client, rng)
        released = asyncio.Event()
        finished = asyncio.gather(*(_run(client, s, released) for s in sign_ins if s.behaviour.name != "timeout"))
        waiting = asyncio.gather(*(_run(client, s, released) for s in sign_ins if s.behaviour.name == "timeout"))
        await finished
        await client.control("POST", "/clock/advance", json={"seconds": PUSH_LIFETIME + 1})
        released.set()
        await waiting
        journal = (await (await session.get("/_mock/v1/journal")).json())["entries"]

    assert len(sign_ins) >= 300 and len(client.requests) > 6 * len(sign_ins)
    for sign_in in sign_ins:
        assert sign_in.outcome == sign_in.behaviour.expected, (sign_in.behaviour.name, sign_in.login)
        if sign_in.outcome == SUCCESS:
            _assert_tokens_name_the_user(sign_in)
    _assert_scripted_phones_counted_each_push_alone(sign_ins)
    assert [r for r in client.requests if r[2] >= 500] == []
    _assert_journal_accounts_for_every_request(journal, client.requests)


async def _create_users(client: RecordingSession, rng: random.Random) -> list[PlannedSignIn]:
    sign_ins: list[PlannedSignIn] = []
    for behaviour in BEHAVIOURS:
        for number in range(behaviour.users):
            login = f"{behaviour.name}.{number}@soak.test"
            push = dict(behaviour.push, number_challenge=behaviour.number_challenge)
            if push["outcome"] in ("approve", "deny"):
                push["after_polls"] = rng.randrange(4)
            user = await client.control(
                "PUT", f"/users/{login}", json={"password": PASSWORD, "authenticators": {"okta_verify": {"push": push}}}
            )
            secret = user["authenticators"]["okta_verify"]["totp"]["secret"]
            sign_ins += [
                PlannedSignIn(behaviour, login, Flow(client, client_id=f"soak-{login}"), secret)
                for _ in range(behaviour.flows_per_user)
            ]
    rng.shuffle(sign_ins)
    return sign_ins


async def _run(client: RecordingSession, sign_in: PlannedSignIn, released: asyncio.Event) -> None:
    flow = sign_in.flow
    await flow.start()
    identified = await flow.identify(sign_in.login)
    assert identified.status == 200, identified.body
    await _BEHAVIOUR_RUNNERS[sign_in.behaviour.name](client, sign_in, released)
    if sign_in.outcome == SUCCESS:
        response = await flow.exchange()
        assert response.status == 200
        sign_in.tokens = await response.json()


async def _poll_until_answered(sign_in: PlannedSignIn) -> None:
    while True:
        await asyncio.sleep(0)  # let other sign-ins interleave between polls
        response = await sign_in.flow.poll()
        sign_in.polls += 1
        if "successWithInteractionCode" in response.body:
            sign_in.outcome = SUCCESS
            return
        if response.message_keys:
            sign_in.outcome = response.message_keys[0]
            return
        assert response.remediations[0] == "challenge-poll", response.body


async def _scripted(client: RecordingSession, sign_in: PlannedSignIn, released: asyncio.Event) -> None:
    await sign_in.flow.choose("push")
    await _poll_until_answered(sign_in)


async def _tap_yes(client: RecordingSession, sign_in: PlannedSignIn, released: asyncio.Event) -> None:
    waiting = await sign_in.flow.choose("push")
    correct = int(waiting.body["currentAuthenticator"]["value"]["contextualData"]["correctAnswer"])
    [push] = (await client.control("GET", f"/users/{sign_in.login}/pushes"))["pushes"]
    assert correct in push["options"]
    approved = await client.control("POST", f"/users/{sign_in.login}/push/approve", json={"answer": correct})
    assert approved["state"] == "approved"
    await _poll_until_answered(sign_in)


async def _tap_no(client: RecordingSession, sign_in: PlannedSignIn, released: asyncio.Event) -> None:
    await sign_in.flow.choose("push")
    await sign_in.flow.poll()
    await client.control("POST", f"/users/{sign_in.login}/push/deny")
    await _poll_until_answered(sign_in)


async def _timeout(client: RecordingSession, sign_in: PlannedSignIn, released: asyncio.Event) -> None:
    await sign_in.flow.choose("push")
    assert (await sign_in.flow.poll()).remediations[0] == "challenge-poll"
    await released.wait()
    await _poll_until_answered(sign_in)


async def _totp(client: RecordingSession, sign_in: PlannedSignIn, released: asyncio.Event) -> None:
    await sign_in.flow.choose("totp")
    answered = await sign_in.flow.answer(pyotp.TOTP(sign_in.secret).now())
    assert answered.status == 200, answered.body
    sign_in.outcome = SUCCESS if "successWithInteractionCode" in answered.body else answered.message_keys[0]


async def _cancel(client: RecordingSession, sign_in: PlannedSignIn, released: asyncio.Event) -> None:
    flow = sign_in.flow
    await flow.choose("push")
    old = flow.state_handle
    fresh = await flow.post("/idp/idx/cancel", {})
    assert fresh.remediations == ["identify"] and flow.state_handle != old
    flow.state_handle = old
    stale = await flow.poll()
    sign_in.outcome = "cancelled" if stale.status == 401 and stale.message_keys == [SESSION_EXPIRED] else "?"


_BEHAVIOUR_RUNNERS: dict[str, Callable[[RecordingSession, PlannedSignIn, asyncio.Event], Awaitable[None]]] = {
    "approve-after-polls": _scripted,
    "deny-after-polls": _scripted,
    "wrong-number": _scripted,
    "tap-yes": _tap_yes,
    "tap-no": _tap_no,
    "timeout": _timeout,
    "totp": _totp,
    "cancel": _cancel,
}


def _assert_tokens_name_the_user(sign_in: PlannedSignIn) -> None:
    assert sign_in.tokens is not None
    claims = jwt.decode(sign_in.tokens["id_token"], options={"verify_signature": False})
    assert claims["preferred_username"] == sign_in.login and claims["aud"] == sign_in.flow.client_id
    assert claims["amr"][1] == ("otp" if sign_in.behaviour.name == "totp" else "swk")
    access = jwt.decode(sign_in.tokens["access_token"], options={"verify_signature": False})
    assert access["sub"] == sign_in.login and access["cid"] == sign_in.flow.client_id


def _assert_scripted_phones_counted_each_push_alone(sign_ins: list[PlannedSignIn]) -> None:
    """A phone scripted to answer after N polls answers every one of its user's sign-ins at poll N+1: had polls been
    counted per user, a user's later sign-ins would have been answered sooner."""
    by_user: dict[str, set[int]] = {}
    for sign_in in sign_ins:
        if sign_in.behaviour.name in ("approve-after-polls", "deny-after-polls", "wrong-number"):
            by_user.setdefault(sign_in.login, set()).add(sign_in.polls)
    assert by_user and all(len(polls) == 1 for polls in by_user.values()), by_user


def _assert_journal_accounts_for_every_request(
    journal: list[dict[str, Any]], requests: list[tuple[str, str, int]]
) -> None:
    journaled = Counter((e["method"], e["path"], e["status"]) for e in journal)
    assert journaled == Counter(requests)
    owners: dict[str, set[str]] = {}
    for entry in journal:
        if entry["transaction"] and entry["user"]:
            owners.setdefault(entry["transaction"], set()).add(entry["user"].lower())
    assert owners and all(len(users) == 1 for users in owners.values())
