"""Every way into an app ends at a deny rule (on both stores): a user the app's authentication policy denies is walked
down each path that can end a sign-in in success (one form, identifier-first with a password or with their email,
recovery that signs in, an expired password, activation, sign-up, self-service unlock then signing in, a browser
session stepped up), and each ends in Okta's "You do not have permission", never in an interaction code or an
authorization code. A new path to ``Step.SUCCESS`` belongs in :data:`WALKS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from mock_idx.model.authenticators import AuthenticatorKey
from tests.mock_idx.test_authorize import authorize, back_to_app, query
from tests.mock_idx.test_lifecycle_interactions import (
    DENIED_TEXT,
    MEMBER,
    activation_link,
    load,
    lock,
    reset_by_email,
)
from tests.mock_idx.test_lockout import choose_unlock, sign_in, start_unlock
from tests.mock_idx.test_policy_outcomes import hosted_session
from tests.support.idx import PASSWORD, Flow, Response, control
from tests.support.idx_steps import LOGIN, answer, enroll, newest_code
from tests.support.registration import PROFILE, submit_profile

DENIED = "security.access_denied"
TWO_FACTORS = "urn:okta:loa:2fa:any"


def denial(response: Response) -> str:
    """The refusal an IDX answer carries: Okta's key when it is the 403 of a deny rule, else what came instead."""
    if response.status == 403 and response.message_keys == [DENIED]:
        return DENIED
    return f"{response.status} {response.body}"


async def one_form(client: Any) -> str:
    await load(client)
    return denial(await sign_in(Flow(client), PASSWORD, MEMBER))


async def identifier_first(client: Any) -> str:
    await load(client, identifier_first=True)
    flow = Flow(client)
    await flow.start()
    asked = await flow.post("/idp/idx/identify", {"identifier": MEMBER})
    assert asked.status == 200, asked.body
    return denial(await answer(flow, passcode=PASSWORD))


async def identifier_first_by_email(client: Any) -> str:
    """A user with no password yet: the email is the first factor."""
    email_only: dict[str, Any] = {"login": "emailonly@example.com", "password": None, "authenticators": {"email": {}}}
    await load(client, identifier_first=True, users=[{**email_only, "groups": ["contractors"]}])
    flow = Flow(client)
    await flow.start()
    return denial(await flow.post("/idp/idx/identify", {"identifier": email_only["login"]}))


async def recovery_sign_in(client: Any) -> str:
    await load(client)
    return denial(await reset_by_email(Flow(client), client, MEMBER))


async def expired_password(client: Any) -> str:
    await load(client)
    status, body = await control(client, "POST", f"/users/{MEMBER}/lifecycle/expire_password")
    assert status == 200, body
    return denial(await sign_in(Flow(client), PASSWORD, MEMBER))


async def activation(client: Any) -> str:
    token = (await activation_link(client)).rsplit("/", 1)[1]
    flow = Flow(client)
    await flow.start(activation_token=token)
    return denial(await enroll(flow, client, AuthenticatorKey.PASSWORD))


async def registration(client: Any) -> str:
    await load(client, new_users_group="contractors")
    flow = Flow(client)
    await flow.start()
    await flow.post("/idp/idx/enroll", {})
    return denial(await submit_profile(flow, PROFILE))


async def unlock_then_sign_in(client: Any) -> str:
    """The unlock itself is no app sign-in (it ends on "Account unlocked"); the sign-in after it is refused."""
    await load(client)
    await lock(client, MEMBER)
    flow = Flow(client)
    await start_unlock(flow)
    await choose_unlock(flow, client, AuthenticatorKey.EMAIL, login=MEMBER)
    unlocked = await answer(flow, passcode=await newest_code(client, "email", MEMBER))
    assert unlocked.status == 200 and "successWithInteractionCode" not in unlocked.body, unlocked.body
    return denial(await sign_in(Flow(client), PASSWORD, MEMBER))


async def session_stepped_up(client: Any) -> str:
    """A browser session from before the user was moved into the denied group, and an app asking for more than it
    has: not stepped up, not reused, the app gets ``access_denied``."""
    await load(client)
    sid = await hosted_session(client, LOGIN)
    status, body = await control(client, "PUT", f"/users/{LOGIN}/groups", json={"groups": ["contractors"]})
    assert status == 200, body
    back = back_to_app(await authorize(client, query(acr_values=TWO_FACTORS), sid=sid))
    if back == {"error": "access_denied", "error_description": DENIED_TEXT, "state": "state-1"}:
        return DENIED
    return str(back)


Walk = Callable[[Any], Awaitable[str]]
WALKS: dict[str, Walk] = {
    walk.__name__: walk
    for walk in (
        one_form,
        identifier_first,
        identifier_first_by_email,
        recovery_sign_in,
        expired_password,
        activation,
        registration,
        unlock_then_sign_in,
        session_stepped_up,
    )
}


@pytest.mark.parametrize("path", WALKS)
async def test_every_path_into_the_app_ends_at_the_deny_rule(client: Any, path: str) -> None:
    assert await WALKS[path](client) == DENIED
