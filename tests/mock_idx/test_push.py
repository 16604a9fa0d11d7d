"""Okta Verify push over HTTP: approve, number challenge, deny and resend, timeout, scripted phones."""

from __future__ import annotations

import pytest

from tests.support.fixtures import app_in_loop
from tests.support.idx import Flow, control, put_user

LOGIN = "ada@example.com"


async def test_approved_push_ends_in_an_interaction_code(client, flow: Flow):
    await put_user(client, LOGIN)
    waiting = await flow.push_sign_in(LOGIN)
    assert waiting.status == 200
    assert waiting.remediations == ["challenge-poll", "select-authenticator-authenticate"]
    assert waiting.remediation("challenge-poll")["refresh"] == 100
    assert (await flow.poll()).remediations[0] == "challenge-poll"

    status, push = await control(client, "POST", f"/users/{LOGIN}/push/approve")
    assert status == 200 and push["state"] == "approved"

    done = await flow.poll()
    assert "successWithInteractionCode" in done.body and "remediation" not in done.body
    assert (await flow.exchange()).status == 200


async def test_the_pushes_list_shows_where_the_sign_in_comes_from(client, flow: Flow):
    await put_user(client, LOGIN)
    await flow.push_sign_in(LOGIN)
    status, body = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert status == 200
    [push] = body["pushes"]
    assert push["state"] == "pending" and push["client_id"] == "test-client" and push["seconds_left"] > 290
    assert push["number_challenge"] is False and push["options"] == []


async def test_number_challenge_shows_the_answer_and_the_phone_offers_three_numbers(client, flow: Flow):
    await put_user(client, LOGIN, number_challenge=True)
    waiting = await flow.push_sign_in(LOGIN)
    current = waiting.body["currentAuthenticator"]["value"]
    correct = current["contextualData"]["correctAnswer"]
    assert isinstance(correct, str) and correct.isdigit()
    # Okta's number-challenge capture (verify-ov-push-manual.json) resends to /challenge with the authenticator.
    assert current["resend"]["href"].endswith("/idp/idx/challenge")

    _, body = await control(client, "GET", f"/users/{LOGIN}/pushes")
    options = body["pushes"][0]["options"]
    assert len(set(options)) == 3 and int(correct) in options

    status, _ = await control(client, "POST", f"/users/{LOGIN}/push/approve", json={"answer": int(correct)})
    assert status == 200
    assert "successWithInteractionCode" in (await flow.poll()).body


async def test_a_wrong_number_counts_as_a_denial(client, flow: Flow):
    await put_user(client, LOGIN, number_challenge=True)
    waiting = await flow.push_sign_in(LOGIN)
    correct = int(waiting.body["currentAuthenticator"]["value"]["contextualData"]["correctAnswer"])
    _, body = await control(client, "GET", f"/users/{LOGIN}/pushes")
    wrong = next(n for n in body["pushes"][0]["options"] if n != correct)

    _, push = await control(client, "POST", f"/users/{LOGIN}/push/approve", json={"answer": wrong})
    assert push["state"] == "denied"
    assert (await flow.poll()).message_keys == ["api.authn.poll.error.push_rejected"]


async def test_denied_push_offers_resend_and_another_authenticator_then_resend_works(client, flow: Flow):
    await put_user(client, LOGIN)
    await flow.push_sign_in(LOGIN)
    await control(client, "POST", f"/users/{LOGIN}/push/deny")

    rejected = await flow.poll()
    assert rejected.status == 200
    assert rejected.remediations == ["resend", "select-authenticator-authenticate"]
    assert rejected.message_keys == ["api.authn.poll.error.push_rejected"]
    assert rejected.body["messages"]["value"][0]["message"] == "You have chosen to reject this login."
    resend = rejected.remediation("resend")
    assert resend["relatesTo"] == ["$.currentAuthenticator"]
    # Okta's nested shape (authenticator-verification-ov-resend-push-notification.json), posted back raw as
    # okta-auth-js does; test_fidelity_documents pins the whole field.
    [authenticator] = [f for f in resend["value"] if f["name"] == "authenticator"]
    fixed = {f["name"]: f["value"] for f in authenticator["value"]["form"]["value"]}
    assert fixed == {"methodType": "push", "id": flow.okta_verify_id()}

    path = resend["href"].split(str(client.make_url("")).rstrip("/"))[1]
    again = await flow.post(path, {"authenticator": authenticator["value"]})
    assert again.remediations[0] == "challenge-poll"
    _, body = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert len(body["pushes"]) == 1, "the denied push must not come back"
    await control(client, "POST", f"/users/{LOGIN}/push/approve")
    assert "successWithInteractionCode" in (await flow.poll()).body


async def test_resend_while_waiting_replaces_the_pending_push(client, flow: Flow):
    await put_user(client, LOGIN, number_challenge=True)
    await flow.push_sign_in(LOGIN)
    _, before = await control(client, "GET", f"/users/{LOGIN}/pushes")
    resent = await flow.post("/idp/idx/challenge/resend", {})
    assert resent.remediations[0] == "challenge-poll"
    _, after = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert [p["id"] for p in after["pushes"]] != [p["id"] for p in before["pushes"]]
    assert len(after["pushes"]) == 1


async def test_unanswered_push_expires_on_the_virtual_clock_and_can_be_sent_again(client, flow: Flow):
    """By default an expired push answers as Okta's capture of a push no longer pending does (200, resend)."""
    await put_user(client, LOGIN, outcome="timeout")
    await flow.push_sign_in(LOGIN)
    assert (await flow.poll()).remediations[0] == "challenge-poll"

    await control(client, "POST", "/clock/advance", json={"seconds": 301})
    expired = await flow.poll()
    assert expired.status == 200
    assert expired.remediations == ["resend", "select-authenticator-authenticate"]
    assert (await flow.introspect()).remediations == expired.remediations
    assert (await flow.post("/idp/idx/challenge/resend", {})).remediations[0] == "challenge-poll"


async def test_unanswered_push_can_time_out_for_good(client, flow: Flow):
    """``when_expired: terminal``: the timeout is final (the widget's error-404-verification-timed-out.json)."""
    await put_user(client, LOGIN, outcome="timeout", when_expired="terminal")
    await flow.push_sign_in(LOGIN)
    await control(client, "POST", "/clock/advance", json={"seconds": 301})
    expired = await flow.poll()
    assert expired.status == 404
    assert expired.message_keys == ["core.system.transaction_resource_not_found"]
    assert "remediation" not in expired.body
    again = await flow.introspect()
    assert again.status == 404, "a timed-out sign-in stays terminal"


@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("challenge", lambda okta_verify: {"authenticator": {"id": okta_verify, "methodType": "totp"}}),
        ("challenge", lambda okta_verify: {"authenticator": {"id": okta_verify}}),
        ("challenge/resend", lambda okta_verify: {}),
        ("challenge/answer", lambda okta_verify: {"credentials": {"totp": "123456"}}),
        ("identify", lambda okta_verify: {"identifier": LOGIN, "credentials": {"passcode": "x"}}),
        ("authenticators/poll", lambda okta_verify: {}),
    ],
)
async def test_every_step_after_a_push_timed_out_answers_the_timeout_not_a_500(client, flow: Flow, step, body):
    """The user taps "Enter a code" or "Resend" just as the push expires: with the terminal choice the still-live
    state handle answers the same timeout the poll gave (this was aiohttp's bare 500, a KeyError on the timed-out
    step)."""
    await put_user(client, LOGIN, outcome="timeout", when_expired="terminal")
    await flow.push_sign_in(LOGIN)
    okta_verify = flow.okta_verify_id()
    await control(client, "POST", "/clock/advance", json={"seconds": 301})
    assert (await flow.poll()).status == 404

    answer = await flow.post(f"/idp/idx/{step}", body(okta_verify))
    assert answer.status == 404, answer.body
    assert answer.message_keys == ["core.system.transaction_resource_not_found"]
    assert "remediation" not in answer.body
    assert (await flow.post("/idp/idx/cancel", {})).remediations == ["identify"], "cancel still starts over"


@pytest.mark.parametrize(
    ("step", "body", "status", "first"),
    [
        ("challenge", lambda okta_verify: {"authenticator": {"id": okta_verify, "methodType": "totp"}}, 200, None),
        ("challenge", lambda okta_verify: {"authenticator": {"id": okta_verify}}, 200, None),
        ("challenge/resend", lambda okta_verify: {}, 200, "challenge-poll"),
        ("challenge/answer", lambda okta_verify: {"credentials": {"totp": "123456"}}, 400, "resend"),
        ("challenge/send", lambda okta_verify: {}, 400, "resend"),
        ("identify", lambda okta_verify: {"identifier": LOGIN, "credentials": {"passcode": "x"}}, 400, "resend"),
        ("authenticators/poll", lambda okta_verify: {}, 400, "resend"),
    ],
)
async def test_every_step_after_a_push_expired_answers_okta_shaped_never_a_500(
    client, flow: Flow, step, body, status, first
):
    """The default (resend) expiry: each step either goes on (send again, choose again) or is a 400 that leaves the
    resend page in place; never a 500."""
    await put_user(client, LOGIN, outcome="timeout")
    await flow.push_sign_in(LOGIN)
    okta_verify = flow.okta_verify_id()
    await control(client, "POST", "/clock/advance", json={"seconds": 301})
    assert (await flow.poll()).remediations[0] == "resend"

    answer = await flow.post(f"/idp/idx/{step}", body(okta_verify))
    assert answer.status == status, answer.body
    if first is not None:
        assert answer.remediations[0] == first
    assert (await flow.post("/idp/idx/cancel", {})).remediations == ["identify"], "cancel still starts over"


async def test_scripted_phone_approves_after_the_configured_number_of_polls(client, flow: Flow):
    await put_user(client, LOGIN, outcome="approve", after_polls=2)
    await flow.push_sign_in(LOGIN)
    assert (await flow.poll()).remediations[0] == "challenge-poll"
    assert (await flow.poll()).remediations[0] == "challenge-poll"
    assert "successWithInteractionCode" in (await flow.poll()).body


async def test_scripted_phone_can_answer_after_some_seconds(client, flow: Flow):
    await put_user(client, LOGIN, outcome="deny", after_seconds=20)
    await flow.push_sign_in(LOGIN)
    assert (await flow.poll()).remediations[0] == "challenge-poll"
    await control(client, "POST", "/clock/advance", json={"seconds": 21})
    assert (await flow.poll()).message_keys == ["api.authn.poll.error.push_rejected"]


async def test_scripted_wrong_number_is_a_denial(client, flow: Flow):
    await put_user(client, LOGIN, outcome="approve", number_challenge=True, number_answer="wrong")
    await flow.push_sign_in(LOGIN)
    assert (await flow.poll()).message_keys == ["api.authn.poll.error.push_rejected"]


async def test_verify_with_something_else_switches_from_push_to_code(client, flow: Flow):
    user = await put_user(client, LOGIN)
    await flow.push_sign_in(LOGIN)
    choose_again = await flow.choose()
    assert choose_again.remediations[0] == "authenticator-verification-data"
    _, body = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert body["pushes"] == [], "leaving the push page withdraws the push"
    totp = await flow.choose("totp")
    assert totp.remediations[0] == "challenge-authenticator"
    _, code = await control(client, "GET", f"/users/{LOGIN}/totp")
    assert user["authenticators"]["okta_verify"]["totp"]["secret"]
    assert "successWithInteractionCode" in (await flow.answer(code["code"])).body


async def test_legacy_challenge_poll_path_works_too(client, flow: Flow):
    await put_user(client, LOGIN, outcome="approve")
    await flow.push_sign_in(LOGIN)
    assert "successWithInteractionCode" in (await flow.post("/idp/idx/challenge/poll", {})).body


async def test_approving_with_nothing_pending_is_a_404(client):
    await put_user(client, LOGIN)
    status, body = await control(client, "POST", f"/users/{LOGIN}/push/approve")
    assert status == 404 and "no pending push" in body["message"]


async def test_push_rejected_status_is_configurable():

    from mock_idx.config import Settings

    async with app_in_loop(Settings(push_rejected_status=403)) as client:
        flow = Flow(client)
        await put_user(client, LOGIN, outcome="deny")
        await flow.push_sign_in(LOGIN)
        rejected = await flow.poll()
        assert rejected.status == 403 and rejected.remediations == ["resend", "select-authenticator-authenticate"]


async def test_resend_accepts_the_nested_form_of_okta_captures(client, flow: Flow):
    """Okta's own ``resend`` nests its fixed fields under ``value.form``; okta-auth-js 8.0.1 fired as an action posts
    that raw value back (``{form: {value: [...]}}``), so the server accepts it."""
    await put_user(client, LOGIN)
    await flow.push_sign_in(LOGIN)
    await control(client, "POST", f"/users/{LOGIN}/push/deny")
    await flow.poll()
    nested = {
        "form": {
            "value": [
                {"name": "id", "value": flow.okta_verify_id(), "mutable": False},
                {"name": "methodType", "value": "push", "mutable": False},
            ]
        }
    }
    again = await flow.post("/idp/idx/challenge", {"authenticator": nested})
    assert again.status == 200 and again.remediations[0] == "challenge-poll"
