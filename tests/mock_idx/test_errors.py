"""Wrong password, unknown user, cancel, expired handles, and bad input: Okta-shaped 4xx, never a 500."""

from __future__ import annotations

import pytest

from tests.support.idx import Flow, control, put_user

LOGIN = "alan@example.com"
SESSION_EXPIRED = "idx.session.expired"


async def test_wrong_password_and_unknown_user_look_the_same(client, new_flow):
    await put_user(client, LOGIN)
    answers = []
    for login, password in ((LOGIN, "wrong"), ("nobody@example.com", "whatever")):
        flow = new_flow()
        await flow.start()
        answers.append(await flow.identify(login, password))
    for refused in answers:
        assert refused.status == 400  # okta-idx-java identify-error-response.json is served 400
        assert refused.remediations == ["identify"], "the user can try again on the same form"
        assert refused.message_keys == ["errors.E0000004"]
        assert refused.body["messages"]["value"][0]["message"] == "Authentication failed"
    assert answers[0].body.keys() == answers[1].body.keys()


async def test_a_user_without_okta_verify_signs_in_with_the_password_alone(client, flow: Flow):
    await client.put("/_mock/v1/users/pw-only@example.com", json={"password": "pw", "authenticators": {}})
    await flow.start()
    assert "successWithInteractionCode" in (await flow.identify("pw-only@example.com", "pw")).body


async def test_cancel_answers_a_fresh_identify_with_new_handles(client, flow: Flow):
    await put_user(client, LOGIN)
    await flow.push_sign_in(LOGIN)
    old = flow.state_handle
    fresh = await flow.post("/idp/idx/cancel", {})
    assert fresh.status == 200 and fresh.remediations == ["identify"]
    assert fresh.body["stateHandle"] != old
    _, body = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert body["pushes"] == [], "cancelling withdraws the push"

    flow.state_handle = old
    stale = await flow.poll()
    assert stale.status == 401 and stale.message_keys == [SESSION_EXPIRED]


async def test_unknown_handles_are_401_session_expired(flow: Flow):
    by_interaction = await flow.introspect(interactionHandle="not-a-handle")
    assert by_interaction.status == 401 and by_interaction.message_keys == [SESSION_EXPIRED]
    assert "stateHandle" not in by_interaction.body and "remediation" not in by_interaction.body
    flow.state_handle = "02nothing"
    assert (await flow.identify("x", "y")).message_keys == [SESSION_EXPIRED]


async def test_an_idle_transaction_expires_on_the_virtual_clock(client, flow: Flow):
    await flow.start()
    await control(client, "POST", "/clock/advance", json={"seconds": 601})
    assert (await flow.introspect()).status == 401
    assert (await flow.identify(LOGIN)).message_keys == [SESSION_EXPIRED]


async def test_each_step_keeps_the_transaction_alive(client, flow: Flow):
    await flow.start()
    for _ in range(3):
        await control(client, "POST", "/clock/advance", json={"seconds": 400})
        assert (await flow.introspect()).status == 200


async def test_introspect_repeats_the_current_state_and_accepts_a_state_token(client, flow: Flow):
    await put_user(client, LOGIN)
    await flow.push_sign_in(LOGIN)
    for _ in range(3):
        assert (await flow.introspect()).remediations[0] == "challenge-poll"
    by_state = await flow.introspect(stateToken=flow.state_handle)
    assert by_state.remediations[0] == "challenge-poll"
    await control(client, "POST", f"/users/{LOGIN}/push/approve")
    assert "successWithInteractionCode" in (await flow.introspect()).body


async def test_a_step_out_of_order_is_refused_and_the_state_is_kept(client, flow: Flow):
    await flow.start()
    refused = await flow.poll()
    assert refused.status == 400 and refused.remediations == ["identify"]
    assert (await flow.introspect()).remediations == ["identify"]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'"a string"',
        b"null",
        b'{"stateHandle": 42}',
        b'{"stateHandle": ["x"]}',
        b"{}",
    ],
)
async def test_malformed_bodies_are_400_ion_documents(client, body: bytes):
    response = await client.post("/idp/idx/identify", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert response.headers["Content-Type"] == "application/ion+json; okta-version=1.0.0"
    document = await response.json(content_type=None)
    assert document["version"] == "1.0.0" and document["messages"]["value"][0]["class"] == "ERROR"


async def test_wrong_types_in_a_live_transaction_are_400_and_keep_it_going(client, flow: Flow):
    await put_user(client, LOGIN)
    await flow.start()
    for bad in (
        {"identifier": 7, "credentials": {"passcode": "x"}},
        {"identifier": LOGIN, "credentials": "pw"},
        {"identifier": LOGIN},
    ):
        refused = await flow.post("/idp/idx/identify", bad)
        assert refused.status == 400, bad
    assert (await flow.identify(LOGIN)).remediations == ["select-authenticator-authenticate"]


async def test_an_unknown_authenticator_or_method_is_refused(client, flow: Flow):
    await put_user(client, LOGIN, methods=("push",))
    await flow.start()
    await flow.identify(LOGIN)
    assert (await flow.post("/idp/idx/challenge", {"authenticator": {"id": "autNOPE"}})).status == 400
    ov = flow.okta_verify_id()
    assert (await flow.post("/idp/idx/challenge", {"authenticator": {"id": ov, "methodType": "sms"}})).status == 400
    assert (await flow.post("/idp/idx/challenge", {"authenticator": {"id": ov, "methodType": "totp"}})).status == 400
    assert (await flow.choose("push")).remediations[0] == "challenge-poll"


async def test_bodies_over_the_limit_are_refused_with_413(client):
    response = await client.post(
        "/idp/idx/introspect", data=b"x" * (65 * 1024), headers={"Content-Type": "application/json"}
    )
    assert response.status == 413
    assert (await response.json(content_type=None))["version"] == "1.0.0"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/idp/idx/identify", 405),
        ("POST", "/idp/idx/nothing", 404),
        ("GET", "/nothing", 404),
        ("DELETE", "/oauth2/default/v1/token", 405),
        ("GET", "/oauth2/default/v1/nothing", 404),
    ],
)
async def test_unknown_routes_and_methods_get_okta_shaped_errors(client, method, path, status):
    response = await client.request(method, path)
    assert response.status == status
    body = await response.json(content_type=None)
    assert "Traceback" not in str(body)
    if path.startswith("/idp/idx"):
        assert body["version"] == "1.0.0" and body["messages"]["value"]
    elif path.startswith("/oauth2"):
        assert set(body) == {"error", "error_description"}
    else:
        assert body["errorCode"] == "E0000007"


async def test_a_foreign_handle_does_not_disturb_the_other_transaction(client, new_flow):
    await put_user(client, LOGIN)
    mine, theirs = new_flow(), new_flow()
    await mine.push_sign_in(LOGIN)
    await theirs.start()
    theirs_handle = theirs.state_handle
    theirs.state_handle = mine.state_handle[:-1] + ("A" if mine.state_handle[-1] != "A" else "B")
    assert (await theirs.poll()).status == 401
    assert (await mine.poll()).remediations[0] == "challenge-poll"
    theirs.state_handle = theirs_handle
    assert (await theirs.introspect()).remediations == ["identify"]
