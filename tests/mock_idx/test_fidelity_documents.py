"""Document shapes where Okta is strict, each pinned to the real answer it copies (issue #13, items 1, 5, 6, 7, 8).

Sources, by rank: the Sign-In Widget's Gen3 mocks (``src/v3/src/mocks/response/idp/idx/...``, real 2022-23 org
captures; named below by their path under ``idp/idx/``), then the widget's Gen2 playground fixtures
(``playground/mocks/data/idp/idx/...``). The expectations are written out here; no test reads those files.
"""

from __future__ import annotations

from typing import Any

from tests.support.idx import Flow, Response, advance, control, put_user, totp_now

LOGIN = "grace@example.com"
PUSH_LIFETIME = 300
PUSH = {"methodType": "push"}


def _current(response: Response) -> dict[str, Any]:
    current: dict[str, Any] = response.body["currentAuthenticator"]["value"]
    return current


def _okta_verify_option(response: Response) -> dict[str, Any]:
    select = response.remediation("select-authenticator-authenticate")
    [option] = [o for o in select["value"][0]["options"] if o["label"] == "Okta Verify"]
    found: dict[str, Any] = option
    return found


def _resolve(document: dict[str, Any], path: str) -> Any:
    """``$.authenticators.value[0]`` and the like."""
    collection, index = path.removeprefix("$.").split(".value[")
    return document[collection]["value"][int(index.rstrip("]"))]


def _state_handle_only(action: dict[str, Any], state_handle: str) -> bool:
    fields: list[dict[str, Any]] = action["value"]
    return fields == [
        {"name": "stateHandle", "required": True, "value": state_handle, "visible": False, "mutable": False}
    ]


def _flat_resend(flow: Flow, response: Response) -> dict[str, Any]:
    """``currentAuthenticator.value.resend`` as every push capture has it: the authenticator as one fixed object,
    posted back to ``/idp/idx/challenge``."""
    resend: dict[str, Any] = _current(response)["resend"]
    assert resend["href"].endswith("/idp/idx/challenge")
    [authenticator] = [f for f in resend["value"] if f["name"] == "authenticator"]
    assert authenticator == {
        "name": "authenticator",
        "required": True,
        "value": {"methodType": "push", "id": flow.okta_verify_id()},
        "visible": False,
        "mutable": False,
    }
    return resend


async def _pending_pushes(client: Any) -> list[dict[str, Any]]:
    status, body = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert status == 200
    pending: list[dict[str, Any]] = body["pushes"]
    return pending


async def _denied(client: Any, flow: Flow, **push: Any) -> Response:
    await put_user(client, LOGIN, **push)
    await flow.push_sign_in(LOGIN)
    await control(client, "POST", f"/users/{LOGIN}/push/deny")
    return await flow.poll()


async def _expired(client: Any, flow: Flow, **push: Any) -> Response:
    await put_user(client, LOGIN, outcome="timeout", **push)
    await flow.push_sign_in(LOGIN)
    await advance(client, PUSH_LIFETIME + 1)
    return await flow.poll()


# --- item 1: the Okta Verify option points at the authenticator -------------------------------------------------


async def test_okta_verify_option_relates_to_the_authenticator_current_authenticator_names(client, flow: Flow):
    """Source: ``identify/verify-ov-mfa.json`` and ``challenge/verify-ov-send-push.json``: the Okta Verify option's
    ``relatesTo`` is ``$.authenticators.value[i]``, the ``aut…`` authenticator whose id ``currentAuthenticator``
    carries, never the ``pfd…`` enrollment."""
    await put_user(client, LOGIN)
    await flow.start()
    listed = await flow.identify(LOGIN)
    waiting = await flow.choose("push")
    for response in (listed, waiting):
        option = _okta_verify_option(response)
        assert option["relatesTo"] == "$.authenticators.value[0]"
        target = _resolve(response.body, option["relatesTo"])
        assert target["key"] == "okta_verify" and target["id"].startswith("aut")
        assert target["id"] == flow.okta_verify_id()
    assert _current(waiting)["id"] == _resolve(waiting.body, _okta_verify_option(waiting)["relatesTo"])["id"]


# --- item 5: currentAuthenticator actions ----------------------------------------------------------------------


async def test_method_page_offers_resend_on_its_own_endpoint(client, flow: Flow):
    """Source: ``challenge/verify-ov-select-method.json`` and ``challenge/verify-ov-push-method.json``:
    ``currentAuthenticator.value.resend`` posts only the stateHandle to ``/idp/idx/challenge/resend``. With no push
    out yet there is nothing to resend: an Okta-shaped 400 that leaves the page as it was."""
    await put_user(client, LOGIN)
    await flow.start()
    await flow.identify(LOGIN)
    page = await flow.choose()
    resend = _current(page)["resend"]
    assert resend["href"].endswith("/idp/idx/challenge/resend")
    assert _state_handle_only(resend, page.body["stateHandle"])
    refused = await flow.post("/idp/idx/challenge/resend", {})
    assert refused.status == 400 and refused.message_keys == ["E0000001"]
    assert (await flow.introspect()).remediations == page.remediations
    assert await _pending_pushes(client) == []


async def test_push_page_resend_posts_the_authenticator_to_challenge(client, flow: Flow):
    """Source: ``challenge/verify-ov-send-push.json``: while a push waits, ``resend`` carries
    ``{methodType: push, id}`` to ``/idp/idx/challenge``; posting it as given sends a new push."""
    await put_user(client, LOGIN)
    waiting = await flow.push_sign_in(LOGIN)
    resend = _flat_resend(flow, waiting)
    [first] = await _pending_pushes(client)
    again = await flow.post("/idp/idx/challenge", {"authenticator": resend["value"][0]["value"]})
    assert again.status == 200 and again.remediations[0] == "challenge-poll"
    [second] = await _pending_pushes(client)
    assert second["id"] != first["id"]


async def test_number_challenge_resend_is_the_same_form_beside_the_number(client, flow: Flow):
    """Source: ``challenge/verify-ov-push-manual.json``: with a number challenge, ``resend`` is the same
    ``/idp/idx/challenge`` form with the authenticator (not a stateHandle-only ``/challenge/resend``), beside
    ``contextualData.correctAnswer``."""
    await put_user(client, LOGIN, number_challenge=True)
    waiting = await flow.push_sign_in(LOGIN)
    _flat_resend(flow, waiting)
    [push] = await _pending_pushes(client)
    correct_answer = _current(waiting)["contextualData"]["correctAnswer"]
    assert set(_current(waiting)["contextualData"]) == {"correctAnswer"}
    assert int(correct_answer) in push["options"]


async def test_code_page_offers_send_and_challenge_send_exists(client, flow: Flow):
    """Source: ``challenge/verify-ov-code-mfa.json``: the code page's ``currentAuthenticator.value.send`` posts only
    the stateHandle to ``/idp/idx/challenge/send``. The code is on the phone already, so the answer is the same page,
    and the code still signs in."""
    user = await put_user(client, LOGIN)
    await flow.start()
    await flow.identify(LOGIN)
    page = await flow.choose("totp")
    send = _current(page)["send"]
    assert send["href"].endswith("/idp/idx/challenge/send")
    assert _state_handle_only(send, page.body["stateHandle"])
    again = await flow.post("/idp/idx/challenge/send", {})
    assert again.status == 200
    assert again.remediations == page.remediations and _current(again)["methods"] == [{"type": "totp"}]
    signed_in = await flow.answer(totp_now(user["authenticators"]["okta_verify"]["totp"]["secret"]))
    assert "successWithInteractionCode" in signed_in.body


async def test_challenge_send_elsewhere_is_refused_and_changes_nothing(client, flow: Flow):
    """``/idp/idx/challenge/send`` on a push page: an Okta-shaped 400, the push still pending."""
    await put_user(client, LOGIN)
    waiting = await flow.push_sign_in(LOGIN)
    refused = await flow.post("/idp/idx/challenge/send", {})
    assert refused.status == 400 and refused.message_keys == ["E0000001"]
    assert (await flow.introspect(stateToken=waiting.body["stateHandle"])).remediations[0] == "challenge-poll"
    assert len(await _pending_pushes(client)) == 1


async def test_rejection_keeps_contextual_data_and_resend(client, flow: Flow):
    """Source: ``authenticator-verification-ov-resend-push-notification.json``: once the push is no longer pending,
    ``currentAuthenticator`` still has the number challenge's ``contextualData`` and the flat ``resend``."""
    await put_user(client, LOGIN, number_challenge=True)
    waiting = await flow.push_sign_in(LOGIN)
    await control(client, "POST", f"/users/{LOGIN}/push/deny")
    denied = await flow.poll()
    assert denied.message_keys == ["api.authn.poll.error.push_rejected"]
    assert _current(denied)["contextualData"] == _current(waiting)["contextualData"]
    _flat_resend(flow, denied)


# --- item 6: the rejected push's resend remediation --------------------------------------------------------------


def _assert_nested_resend(flow: Flow, response: Response) -> dict[str, Any]:
    """The ``resend`` remediation of ``authenticator-verification-ov-resend-push-notification.json``."""
    resend = response.remediation("resend")
    assert response.remediations == ["resend", "select-authenticator-authenticate"]
    assert resend["relatesTo"] == ["$.currentAuthenticator"] and resend["href"].endswith("/idp/idx/challenge")
    assert resend["value"][0] == {
        "name": "authenticator",
        "type": "object",
        "label": "Okta Verify",
        "value": {
            "form": {
                "value": [
                    {"name": "id", "required": True, "value": flow.okta_verify_id(), "mutable": False},
                    {"name": "methodType", "required": False, "value": "push", "mutable": False},
                ]
            }
        },
    }
    return resend


async def test_rejected_push_resend_has_okta_nested_shape_and_works_as_posted(client, flow: Flow):
    """Source: ``authenticator-verification-ov-resend-push-notification.json`` (the nested
    ``value.form.value[id, methodType]``) and the Gen2 ``authenticator-verification-okta-verify-reject-push.json``
    (the rejection message). Posted back the way okta-auth-js does (the raw nested value), it sends a new push."""
    denied = await _denied(client, flow)
    resend = _assert_nested_resend(flow, denied)
    again = await flow.post("/idp/idx/challenge", {"authenticator": resend["value"][0]["value"]})
    assert again.status == 200 and again.remediations[0] == "challenge-poll"
    assert len(await _pending_pushes(client)) == 1


# --- item 7: an expired push -------------------------------------------------------------------------------------


async def test_expired_push_answers_resend_like_a_push_no_longer_pending(client, flow: Flow):
    """Source: ``authenticator-verification-ov-resend-push-notification.json``, the capture of a push that is no
    longer pending: 200, ``resend`` then ``select-authenticator-authenticate``, no message, ``currentAuthenticator``
    with its ``contextualData`` and ``resend``. Sending again works."""
    expired = await _expired(client, flow, number_challenge=True)
    assert expired.status == 200
    _assert_nested_resend(flow, expired)
    assert "messages" not in expired.body
    assert set(_current(expired)["contextualData"]) == {"correctAnswer"}
    _flat_resend(flow, expired)
    again = await flow.post("/idp/idx/challenge", {"authenticator": {"id": flow.okta_verify_id(), **PUSH}})
    assert again.status == 200 and again.remediations[0] == "challenge-poll"


async def test_expired_push_polled_again_is_refused_and_changes_nothing(client, flow: Flow):
    """After the expiry the poll is gone (as in the capture): polling is a 400 and the resend page stays."""
    expired = await _expired(client, flow)
    refused = await flow.poll()
    assert refused.status == 400 and refused.message_keys == ["E0000001"]
    assert (await flow.introspect(stateToken=expired.body["stateHandle"])).remediations == expired.remediations


async def test_terminal_expiry_is_a_per_user_choice(client, flow: Flow):
    """Source: the Gen2 ``error-404-verification-timed-out.json``: with ``when_expired: terminal`` the poll answers
    404 ``core.system.transaction_resource_not_found`` with no remediation."""
    expired = await _expired(client, flow, when_expired="terminal")
    assert expired.status == 404
    assert expired.message_keys == ["core.system.transaction_resource_not_found"]
    assert "remediation" not in expired.body


# --- item 8: enrollment details, identify, texts -----------------------------------------------------------------


async def test_enrollment_carries_the_device_name_and_no_invented_fields(client, flow: Flow):
    """Source: ``identify/verify-ov-mfa.json``: the Okta Verify enrollment is ``{profile: {deviceName}, type, key,
    id, displayName, methods}``; no ``authenticatorId``. The name is the user's phone's (``device_name``)."""
    body = {"password": "s3cret-Passw0rd", "authenticators": {"okta_verify": {"device_name": "Pixel 8"}}}
    response = await client.put(f"/_mock/v1/users/{LOGIN}", json=body)
    assert response.status == 200
    assert (await response.json())["authenticators"]["okta_verify"]["device_name"] == "Pixel 8"
    await flow.start()
    listed = await flow.identify(LOGIN)
    [enrollment] = listed.body["authenticatorEnrollments"]["value"]
    assert enrollment == {
        "profile": {"deviceName": "Pixel 8"},
        "type": "app",
        "key": "okta_verify",
        "id": enrollment["id"],
        "displayName": "Okta Verify",
        "methods": [{"type": "push"}, {"type": "totp"}],
    }
    assert enrollment["id"].startswith("pfd")


async def test_method_options_come_in_okta_order(client, flow: Flow):
    """Source: ``identify/verify-ov-mfa.json`` and ``challenge/verify-ov-select-method.json``: "Enter a code"
    (totp) before "Get a push notification" (push), in the list and on the method page alike."""
    expected = [{"label": "Enter a code", "value": "totp"}, {"label": "Get a push notification", "value": "push"}]
    await put_user(client, LOGIN)
    await flow.start()
    listed = await flow.identify(LOGIN)
    page = await flow.choose()
    for response in (listed, page):
        fields = _okta_verify_option(response)["value"]["form"]["value"]
        assert next(f for f in fields if f["name"] == "methodType")["options"] == expected
    data = page.remediation("authenticator-verification-data")["value"][0]["form"]["value"]
    assert next(f for f in data if f["name"] == "methodType")["options"] == expected


async def test_identify_labels_remember_me_and_names_the_password(client, flow: Flow):
    """Source: ``identify/error-wrong-password.json``: ``rememberMe`` is labelled "Remember this device" and
    ``currentAuthenticator`` is the password (``okta_password``). Okta adds ``recover`` only where the org allows
    recovery; mock-idx has none, so no ``recover`` leads to a route that does not exist."""
    identify = await flow.start()
    fields = identify.remediation("identify")["value"]
    assert [f for f in fields if f["name"] == "rememberMe"] == [
        {"name": "rememberMe", "type": "boolean", "label": "Remember this device"}
    ]
    password = _current(identify)
    assert {k: password[k] for k in ("type", "key", "displayName", "methods")} == {
        "type": "password",
        "key": "okta_password",
        "displayName": "Password",
        "methods": [{"type": "password"}],
    }
    assert password["id"].startswith("aut") and "recover" not in password


async def test_expired_session_is_worded_as_okta_words_it(client, flow: Flow):
    """Source: ``identify/error-session-expired.json``: ``idx.session.expired`` reads "The session has expired."."""
    response = await flow.post("/idp/idx/identify", {"stateHandle": "02unknown", "identifier": LOGIN}, with_state=False)
    assert response.status == 401
    assert [m["message"] for m in response.body["messages"]["value"]] == ["The session has expired."]


async def test_reused_code_is_worded_as_okta_words_it(client, flow: Flow):
    """Source: the widget's ``error-authenticator-verification-on-google-otp-used-passcode.json``:
    ``authfactor.challenge.soft_token.used_passcode`` reads "API error: Each code can only be used once. ..."."""
    user = await put_user(client, LOGIN)
    code = totp_now(user["authenticators"]["okta_verify"]["totp"]["secret"])
    await flow.start()
    await flow.identify(LOGIN)
    await flow.choose("totp")
    await flow.answer(code)
    other = Flow(client)
    await other.start()
    await other.identify(LOGIN)
    await other.choose("totp")
    reused = await other.answer(code)
    assert reused.status == 403
    challenge = reused.remediation("challenge-authenticator")["value"][0]["form"]["value"][0]
    assert [m["message"] for m in challenge["messages"]["value"]] == [
        "API error: Each code can only be used once. Please wait for a new code and try again."
    ]
