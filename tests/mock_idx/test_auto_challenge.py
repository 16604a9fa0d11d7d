"""Okta's "Send push automatically" (``autoChallenge``), as the real org captures show it and as Okta keeps it.

Sources: ``v3-mocks/idp/idx/challenge/verify-ov-select-method.json`` (the box on the method page, in the
``authenticator`` form after ``methodType``) and ``verify-ov-send-push.json`` (the box on the ``challenge-poll`` form,
before ``stateHandle``), both real 2022–23 org captures.
"""

from __future__ import annotations

from typing import Any

from tests.support.idx import Flow, control, put_user

BOX = {
    "name": "autoChallenge",
    "type": "boolean",
    "label": "Send push automatically",
    "required": False,
    "value": False,
    "mutable": True,
}


def authenticator_fields(body: dict[str, Any]) -> list[dict[str, Any]]:
    form = next(r for r in body["remediation"]["value"] if r["name"] == "authenticator-verification-data")
    authenticator = next(f for f in form["value"] if f["name"] == "authenticator")
    fields: list[dict[str, Any]] = authenticator["form"]["value"]
    return fields


async def test_the_method_page_and_the_waiting_page_carry_the_box_as_the_captures_do(flow: Flow, client: Any) -> None:
    await put_user(client, "box@example.com")
    await flow.start()
    await flow.identify("box@example.com")
    method_page = await flow.choose()
    assert [f["name"] for f in authenticator_fields(method_page.body)] == ["id", "methodType", "autoChallenge"]
    assert authenticator_fields(method_page.body)[2] == BOX
    waiting = await flow.choose("push")
    poll_form = waiting.remediation("challenge-poll")
    assert [f["name"] for f in poll_form["value"]] == ["autoChallenge", "stateHandle"]
    assert poll_form["value"][0] == BOX


async def test_a_user_without_push_gets_no_box(flow: Flow, client: Any) -> None:
    await put_user(client, "codeonly@example.com", methods=("totp",))
    await flow.start()
    await flow.identify("codeonly@example.com")
    method_page = await flow.choose()
    assert "autoChallenge" not in [f["name"] for f in authenticator_fields(method_page.body)]


async def test_ticked_with_a_push_it_is_remembered_and_the_next_sign_in_sends_the_push_at_once(client: Any) -> None:
    await put_user(client, "auto@example.com")
    first = Flow(client)
    await first.start()
    await first.identify("auto@example.com")
    await first.choose()
    okta_verify = first.okta_verify_id()
    sent = await first.post(
        "/idp/idx/challenge", {"authenticator": {"id": okta_verify, "methodType": "push", "autoChallenge": True}}
    )
    assert "challenge-poll" in sent.remediations
    _, user = await control(client, "GET", "/users/auto@example.com")
    assert user["authenticators"]["okta_verify"]["auto_challenge"] is True

    second = Flow(client)
    await second.start()
    await second.identify("auto@example.com")
    waiting = await second.choose()  # Okta Verify chosen, no method: the push goes out without asking
    assert "challenge-poll" in waiting.remediations
    assert waiting.remediation("challenge-poll")["value"][0]["value"] is True
    status, pushes = await control(client, "GET", "/users/auto@example.com/pushes")
    assert status == 200 and len(pushes["pushes"]) == 2  # the first sign-in's push still waits too


async def test_unticking_on_the_waiting_page_forgets_the_choice(client: Any) -> None:
    await put_user(client, "untick@example.com")
    status, _ = await control(
        client,
        "PUT",
        "/users/untick@example.com",
        json={"password": "s3cret-Passw0rd", "authenticators": {"okta_verify": {"auto_challenge": True}}},
    )
    assert status == 200
    flow = Flow(client)
    await flow.start()
    await flow.identify("untick@example.com")
    assert "challenge-poll" in (await flow.choose()).remediations
    await flow.post("/idp/idx/authenticators/poll", {"autoChallenge": False})
    _, user = await control(client, "GET", "/users/untick@example.com")
    assert user["authenticators"]["okta_verify"]["auto_challenge"] is False


async def test_a_box_that_is_not_a_boolean_is_refused_and_changes_nothing(flow: Flow, client: Any) -> None:
    await put_user(client, "strict@example.com")
    await flow.start()
    await flow.identify("strict@example.com")
    await flow.choose()
    refused = await flow.post(
        "/idp/idx/challenge",
        {"authenticator": {"id": flow.okta_verify_id(), "methodType": "push", "autoChallenge": "yes"}},
    )
    assert refused.status == 400
    _, user = await control(client, "GET", "/users/strict@example.com")
    assert user["authenticators"]["okta_verify"]["auto_challenge"] is False
    status, pushes = await control(client, "GET", "/users/strict@example.com/pushes")
    assert status == 200 and pushes["pushes"] == []
