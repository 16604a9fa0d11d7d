"""Each user status answers sign-in as Okta does (on both stores): a suspended, deactivated or not-yet-activated user
is answered exactly as a username nobody has, on the one-form identify and identifier-first alike (no user
enumeration); a status that changes while a sign-in is under way ends it at its next step, changing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from mock_idx.model.authenticators import AuthenticatorKey
from tests.support.idx import PASSWORD, Flow, control
from tests.support.idx_steps import LOGIN, choose, load_org, put_org, snapshot, user

NOT_SIGNING_IN = ["SUSPENDED", "DEPROVISIONED", "STAGED", "PROVISIONED"]
NOBODY = "nobody@example.com"


async def _org(client: Any, status: str, identifier_first: bool = False) -> None:
    await load_org(
        client,
        [{**user(LOGIN, email={}), "status": status}],
        sign_on="one_factor",
        identifier_first=identifier_first,
    )


def _without_handles(body: dict[str, Any]) -> dict[str, Any]:
    """A document with its per-sign-in values blanked: what must be the same for a known and an unknown user."""
    text = str(body)
    for key in ("stateHandle", "expiresAt"):
        value = body.get(key)
        if isinstance(value, str):
            text = text.replace(value, f"<{key}>")
    return {"document": text}


@pytest.mark.parametrize("status", NOT_SIGNING_IN)
async def test_one_form_identify_answers_as_for_an_unknown_username(client: Any, status: str) -> None:
    await _org(client, status)
    known, unknown = Flow(client), Flow(client)
    await known.start()
    await unknown.start()
    before = await snapshot(known)

    refused = await known.identify(LOGIN, PASSWORD)  # the right password
    nobody = await unknown.identify(NOBODY, PASSWORD)

    assert refused.status == nobody.status == 400
    assert refused.message_keys == nobody.message_keys == ["errors.E0000004"]
    assert _without_handles(refused.body) == _without_handles(nobody.body)
    assert await snapshot(known) == before


@pytest.mark.parametrize("status", NOT_SIGNING_IN)
async def test_identifier_first_asks_for_the_password_then_refuses_it_as_for_an_unknown_username(
    client: Any, status: str
) -> None:
    await _org(client, status, identifier_first=True)
    known, unknown = Flow(client), Flow(client)
    await known.start()
    await unknown.start()

    asked = await known.post("/idp/idx/identify", {"identifier": LOGIN})
    asked_nobody = await unknown.post("/idp/idx/identify", {"identifier": NOBODY})
    assert asked.status == asked_nobody.status == 200
    assert asked.remediations == asked_nobody.remediations
    assert "challenge-authenticator" in asked.remediations

    refused = await known.post("/idp/idx/challenge/answer", {"credentials": {"passcode": PASSWORD}})
    nobody = await unknown.post("/idp/idx/challenge/answer", {"credentials": {"passcode": PASSWORD}})
    assert refused.status == nobody.status == 401
    assert refused.message_keys == nobody.message_keys == ["incorrectPassword"]


async def test_a_provisioned_user_without_a_password_gets_no_email_code_at_identify(client: Any) -> None:
    """An active user with no password signs in with their email first; one still activating does not: they are
    answered as nobody, and no email goes out."""
    await load_org(
        client,
        [{"login": LOGIN, "password": None, "status": "PROVISIONED", "authenticators": {"email": {}}}],
        identifier_first=True,
    )
    flow = Flow(client)
    await flow.start()
    asked = await flow.post("/idp/idx/identify", {"identifier": LOGIN})
    assert asked.status == 200
    assert "challenge-authenticator" in asked.remediations  # the password, as for anyone
    status, inbox = await control(client, "GET", f"/users/{LOGIN}/messages")
    assert (status, inbox["messages"]) == (200, [])


@pytest.mark.parametrize("status", NOT_SIGNING_IN)
async def test_a_status_changed_mid_flight_ends_the_sign_in_at_its_next_step(client: Any, status: str) -> None:
    await put_org(client, {"email": {}})
    flow = Flow(client)
    await flow.start()
    chosen = await flow.identify(LOGIN)
    assert "select-authenticator-authenticate" in chosen.remediations
    before = await snapshot(flow)

    await control(client, "PUT", f"/users/{LOGIN}/status", json={"status": status})
    refused = await choose(flow, client, AuthenticatorKey.EMAIL)
    assert refused.status == 403
    assert refused.message_keys == ["security.access_denied"]
    assert refused.remediations == []
    shown = await flow.introspect(stateToken=flow.state_handle)
    assert (shown.status, shown.message_keys) == (403, ["security.access_denied"])
    _, inbox = await control(client, "GET", f"/users/{LOGIN}/messages")
    assert inbox["messages"] == []  # the refused step sent no code

    await control(client, "PUT", f"/users/{LOGIN}/status", json={"status": "ACTIVE"})
    assert await snapshot(flow) == before  # nothing of the sign-in was changed
    going_on = await choose(flow, client, AuthenticatorKey.EMAIL)
    assert going_on.status == 200


async def test_a_user_suspended_after_success_gets_no_tokens(client: Any) -> None:
    await put_org(client, {}, sign_on="one_factor")
    flow = Flow(client)
    await flow.start()
    done = await flow.identify(LOGIN)
    assert "successWithInteractionCode" in done.body
    await control(client, "POST", f"/users/{LOGIN}/lifecycle/suspend")
    response = await flow.exchange()
    assert response.status == 400
    assert (await response.json())["error"] == "invalid_grant"


async def test_an_active_user_still_signs_in(client: Any) -> None:
    await put_org(client, {}, sign_on="one_factor")
    flow = Flow(client)
    await flow.start()
    done = await flow.identify(LOGIN)
    assert done.status == 200
    response = await flow.exchange()
    assert response.status == 200
