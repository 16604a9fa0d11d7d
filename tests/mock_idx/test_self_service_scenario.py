"""The shipped ``self-service`` scenario does what its header promises, one user per flow (on both stores): the
identify page offers "Forgot password?", "Unlock account?" and "Sign up"; three wrong passwords lock Ann; Ed's expired
password is asked for again; Sue (suspended) and Stan (not activated) are answered as nobody; Connie is denied."""

from __future__ import annotations

from typing import Any

import yaml

from mock_idx import scenario
from tests.support.idx import Flow, control

PASSWORD = "demo1234"


async def load_self_service(client: Any) -> None:
    document = yaml.safe_load(scenario.builtin_path("self-service").read_text(encoding="utf-8"))
    status, body = await control(client, "PUT", "/scenario", json=document)
    assert status == 200, body


async def test_the_identify_page_offers_recovery_unlock_and_sign_up(client: Any) -> None:
    await load_self_service(client)
    flow = Flow(client)
    page = await flow.start()
    assert page.remediations == ["identify", "unlock-account", "select-enroll-profile"], page.body
    assert "recover" in page.body["currentAuthenticator"]["value"]


async def test_three_wrong_passwords_lock_ann_and_her_right_one_is_refused_then(client: Any) -> None:
    await load_self_service(client)
    for _ in range(3):
        flow = Flow(client)
        await flow.start()
        assert (await flow.identify("ann@example.com", "wrong-password")).status in (400, 401)
    flow = Flow(client)
    await flow.start()
    locked = await flow.identify("ann@example.com", PASSWORD)
    assert locked.status == 400 and "successWithInteractionCode" not in locked.body
    assert locked.body["messages"]["value"][0]["i18n"]["key"] == "errors.E0000069"
    status, ann = await control(client, "GET", "/users/ann@example.com")
    assert status == 200 and ann["status"] == "LOCKED_OUT"


async def test_eds_expired_password_is_asked_for_again(client: Any) -> None:
    await load_self_service(client)
    flow = Flow(client)
    await flow.start()
    expired = await flow.identify("expired@example.com", PASSWORD)
    assert expired.status == 200 and expired.remediations == ["reenroll-authenticator"], expired.body


async def test_the_suspended_and_the_unactivated_user_are_answered_as_nobody(client: Any) -> None:
    await load_self_service(client)
    answers = []
    for login in ("suspended@example.com", "staged@example.com", "nobody@example.com"):
        flow = Flow(client)
        await flow.start()
        answer = await flow.identify(login, PASSWORD)
        answers.append((answer.status, answer.body["messages"]["value"][0]["i18n"]["key"]))
    assert answers == [(400, "errors.E0000004")] * 3


async def test_the_contractor_is_denied_after_the_password(client: Any) -> None:
    await load_self_service(client)
    flow = Flow(client)
    await flow.start()
    denied = await flow.identify("contractor@example.com", PASSWORD)
    assert denied.status == 403 and denied.body["messages"]["value"][0]["i18n"]["key"] == "security.access_denied"


async def test_stan_is_activated_from_the_control_api_with_a_token_and_a_link(client: Any) -> None:
    await load_self_service(client)
    status, body = await control(client, "POST", "/users/staged@example.com/lifecycle/activate")
    assert status == 200, body
    assert body["activationToken"] and "/welcome/" in body["activationUrl"], body
