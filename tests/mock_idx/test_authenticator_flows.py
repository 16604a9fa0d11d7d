"""Every authenticator through the IDX API, the way okta-auth-js drives it: enrollment and verification, each refusal
with Okta's message and the form kept, and what a person reads in the fake inbox or on the phone (on both stores).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import jwt
import pyotp
from aiohttp.test_utils import TestClient

from tests.support.idx import PASSWORD, Flow, Response, advance, control
from tests.support.idx_steps import load_org, user

PHONE = "+1 201-555-0123"
PHONE_E164 = "+12015550123"
put_org = load_org
"""Every test here names its users; the default policy asks a possession factor of each sign-in."""


def option_ids(response: Response, remediation: str) -> dict[str, str]:
    """The authenticators a list offers, by key: the ``id`` each option posts (Okta's ``aut…`` id)."""
    keys = {entry["id"]: entry["key"] for entry in response.body["authenticators"]["value"]}
    enrollments = {e["id"]: e["key"] for e in response.body.get("authenticatorEnrollments", {}).get("value", [])}
    options = response.remediation(remediation)["value"][0]["options"]
    found = {}
    for option in options:
        fields = option["value"]["form"]["value"]
        authenticator_id = next(f["value"] for f in fields if f["name"] == "id")
        index = int(option["relatesTo"].rsplit("[", 1)[1].rstrip("]"))
        listed = "authenticators" if option["relatesTo"].startswith("$.authenticators") else "authenticatorEnrollments"
        key = response.body[listed]["value"][index]["key"]
        found[key] = authenticator_id
    assert set(found) <= set(keys.values()) | set(enrollments.values())
    return found


async def messages(client: Any, login: str, channel: str | None = None) -> list[dict[str, Any]]:
    query = f"?channel={channel}" if channel else ""
    status, body = await control(client, "GET", f"/users/{login}/messages{query}")
    assert status == 200, body
    listed: list[dict[str, Any]] = body["messages"]
    return listed


async def newest_code(client: Any, login: str, channel: str) -> str:
    listed = await messages(client, login, channel)
    assert listed, f"no {channel} message for {login}"
    code: str = listed[0]["code"]
    return code


async def signed_in_with_second_factor(flow: Flow, login: str, key: str, method: str | None = None) -> Response:
    await flow.start()
    listed = await flow.identify(login)
    assert listed.status == 200, listed.body
    authenticator = {"id": option_ids(listed, "select-authenticator-authenticate")[key]}
    if method:
        authenticator["methodType"] = method
    return await flow.post("/idp/idx/challenge", {"authenticator": authenticator})


async def answer(flow: Flow, **credentials: str) -> Response:
    return await flow.post("/idp/idx/challenge/answer", {"credentials": credentials})


def field_messages(response: Response, remediation: str, *path: str) -> list[str]:
    fields = response.remediation(remediation)["value"]
    found: list[dict[str, Any]] = []
    for name in path:
        found = [f for f in fields if f.get("name") == name]
        assert found, f"no field {name} in {remediation}"
        inner = found[0].get("form", {}).get("value", [])
        for option in found[0].get("options", []):
            if isinstance(option.get("value"), dict):
                inner += option["value"].get("form", {}).get("value", [])
        fields = inner
    return [m["message"] for f in found for m in f.get("messages", {}).get("value", [])]


async def tokens_amr(flow: Flow) -> list[str]:
    response = await flow.exchange()
    assert response.status == 200, await response.text()
    claims = jwt.decode((await response.json())["id_token"], options={"verify_signature": False})
    amr: list[str] = claims["amr"]
    return amr


async def current_user(client: Any, login: str) -> dict[str, Any]:
    status, body = await control(client, "GET", f"/users/{login}")
    assert status == 200
    found: dict[str, Any] = body
    return found


def path_of(url: str) -> str:
    """A link from a message, as a path on the test server (the link names the org as the browser reached it)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


# --- email -----------------------------------------------------------------------------------------------------------


async def test_email_code_completes_the_sign_in_and_a_wrong_one_keeps_the_form(flow: Flow, client: Any) -> None:
    await put_org(client, [user("mail@example.com", email={})])
    challenge = await signed_in_with_second_factor(flow, "mail@example.com", "okta_email")
    assert challenge.status == 200, challenge.body
    assert challenge.remediations == ["challenge-authenticator", "select-authenticator-authenticate"]
    current = challenge.body["currentAuthenticatorEnrollment"]["value"]
    assert {"resend", "poll"} <= set(current) and current["profile"]["email"] == "m**l@e***e.com"
    code = await newest_code(client, "mail@example.com", "email")
    wrong = await answer(flow, passcode="000000" if code != "000000" else "111111")
    assert wrong.status == 401
    assert field_messages(wrong, "challenge-authenticator", "credentials", "passcode") == ["Invalid code. Try again."]
    done = await answer(flow, passcode=code)
    assert "successWithInteractionCode" in done.body, done.body
    assert await tokens_amr(flow) == ["pwd", "email", "mfa"]


async def test_an_expired_email_code_is_refused_like_a_wrong_one(flow: Flow, client: Any) -> None:
    await put_org(client, [user("late@example.com", email={})])
    await signed_in_with_second_factor(flow, "late@example.com", "okta_email")
    code = await newest_code(client, "late@example.com", "email")
    await advance(client, 301)
    refused = await answer(flow, passcode=code)
    assert refused.status == 401 and refused.remediations[0] == "challenge-authenticator"


async def test_the_magic_link_opened_in_the_same_browser_completes_the_waiting_tab(flow: Flow, client: Any) -> None:
    await put_org(client, [user("link@example.com", email={})])
    await signed_in_with_second_factor(flow, "link@example.com", "okta_email")
    waiting = await flow.post("/idp/idx/challenge/poll", {})
    assert waiting.remediations[0] == "challenge-authenticator"
    link = (await messages(client, "link@example.com", "email"))[0]["link"]
    page = await client.get(path_of(link))
    assert page.status == 200 and "email-link-success" in await page.text()
    done = await flow.post("/idp/idx/challenge/poll", {})
    assert "successWithInteractionCode" in done.body, done.body


async def test_the_magic_link_in_another_browser_shows_the_code_and_verifies_nothing(
    flow: Flow, client: TestClient[Any, Any]
) -> None:
    await put_org(client, [user("other@example.com", email={})])
    await signed_in_with_second_factor(flow, "other@example.com", "okta_email")
    sent = (await messages(client, "other@example.com", "email"))[0]
    client.session.cookie_jar.clear()  # another browser: none of this one's cookies
    page = await client.get(path_of(sent["link"]))
    assert page.status == 200 and sent["code"] in await page.text()
    still = await flow.post("/idp/idx/challenge/poll", {})
    assert still.remediations[0] == "challenge-authenticator"


async def test_email_is_enrolled_by_the_code_it_is_sent(flow: Flow, client: Any) -> None:
    enrollment = {"okta_password": "required", "okta_email": "required"}
    await put_org(client, [user("new@example.com")], enrollment, sign_on="one_factor")
    await flow.start()
    listed = await flow.identify("new@example.com")
    assert listed.remediations == ["select-authenticator-enroll"]
    sent = await flow.post(
        "/idp/idx/credential/enroll",
        {"authenticator": {"id": option_ids(listed, "select-authenticator-enroll")["okta_email"]}},
    )
    assert sent.remediations[0] == "enroll-authenticator"
    done = await answer(flow, passcode=await newest_code(client, "new@example.com", "email"))
    assert "successWithInteractionCode" in done.body, done.body
    assert "email" in (await current_user(client, "new@example.com"))["authenticators"]


# --- phone -----------------------------------------------------------------------------------------------------------


async def test_sms_enrollment_checks_the_number_and_keeps_it_in_e164(flow: Flow, client: Any) -> None:
    enrollment = {"okta_password": "required", "phone_number": "required"}
    await put_org(client, [user("sms@example.com")], enrollment, sign_on="one_factor")
    await flow.start()
    listed = await flow.identify("sms@example.com")
    phone_id = option_ids(listed, "select-authenticator-enroll")["phone_number"]
    data = await flow.post("/idp/idx/credential/enroll", {"authenticator": {"id": phone_id}})
    assert data.remediations[0] == "authenticator-enrollment-data"
    bad = await flow.post(
        "/idp/idx/credential/enroll", {"authenticator": {"id": phone_id, "methodType": "sms", "phoneNumber": "12"}}
    )
    assert bad.status == 400
    assert [m["message"] for m in bad.body["messages"]["value"]] == [
        "Unable to initiate factor enrollment: Invalid Phone Number."
    ]
    assert bad.remediations[0] == "authenticator-enrollment-data"
    sent = await flow.post(
        "/idp/idx/credential/enroll", {"authenticator": {"id": phone_id, "methodType": "sms", "phoneNumber": PHONE}}
    )
    assert sent.remediations[0] == "enroll-authenticator", sent.body
    sms = (await messages(client, "sms@example.com", "sms"))[0]
    assert sms["to"] == PHONE_E164
    done = await answer(flow, passcode=sms["code"])
    assert "successWithInteractionCode" in done.body, done.body
    assert (await current_user(client, "sms@example.com"))["authenticators"]["phone"]["number"] == PHONE_E164


async def test_sms_resend_is_rate_limited_as_okta_does_until_thirty_seconds_pass(flow: Flow, client: Any) -> None:
    await put_org(client, [user("again@example.com", phone={"number": PHONE})])
    sent = await signed_in_with_second_factor(flow, "again@example.com", "phone_number", "sms")
    assert sent.remediations[0] == "challenge-authenticator", sent.body
    too_soon = await flow.post("/idp/idx/challenge/resend", {})
    assert too_soon.status == 429
    assert [m["i18n"]["key"] for m in too_soon.body["messages"]["value"]] == ["errors.E0000150"]
    assert too_soon.remediations[0] == "challenge-authenticator"
    await advance(client, 31)
    resent = await flow.post("/idp/idx/challenge/resend", {})
    assert resent.status == 200
    sms = await messages(client, "again@example.com", "sms")
    assert len(sms) == 2 and sms[0]["code"] == sms[1]["code"]  # the same code, still good, sent again
    done = await answer(flow, passcode=sms[0]["code"])
    assert "successWithInteractionCode" in done.body


async def test_phone_without_a_method_asks_sms_or_voice_and_a_call_reads_the_code(flow: Flow, client: Any) -> None:
    await put_org(client, [user("voice@example.com", phone={"number": PHONE})])
    asked = await signed_in_with_second_factor(flow, "voice@example.com", "phone_number")
    assert asked.remediations[0] == "authenticator-verification-data"
    phone_id = asked.body["currentAuthenticatorEnrollment"]["value"]["id"]
    assert phone_id.startswith("sms")
    authenticator_id = option_ids(asked, "select-authenticator-authenticate")["phone_number"]
    called = await flow.post("/idp/idx/challenge", {"authenticator": {"id": authenticator_id, "methodType": "voice"}})
    assert called.remediations[0] == "challenge-authenticator"
    call = (await messages(client, "voice@example.com", "voice"))[0]
    done = await answer(flow, passcode=call["code"])
    assert "successWithInteractionCode" in done.body
    assert await tokens_amr(flow) == ["pwd", "tel", "mfa"]


# --- Google Authenticator --------------------------------------------------------------------------------------------


async def test_google_authenticator_enrolls_with_its_shared_secret_and_first_code(flow: Flow, client: Any) -> None:
    enrollment = {"okta_password": "required", "google_otp": "required"}
    await put_org(client, [user("ga@example.com")], enrollment, sign_on="one_factor")
    await flow.start()
    listed = await flow.identify("ga@example.com")
    shown = await flow.post(
        "/idp/idx/credential/enroll",
        {"authenticator": {"id": option_ids(listed, "select-authenticator-enroll")["google_otp"]}},
    )
    contextual = shown.body["currentAuthenticator"]["value"]["contextualData"]
    secret = contextual["sharedSecret"]
    assert contextual["qrcode"]["href"].startswith("data:image/png;base64,")
    wrong = await answer(flow, passcode="000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status in (401, 403) and wrong.remediations[0] == "enroll-authenticator"
    done = await answer(flow, passcode=pyotp.TOTP(secret).now())
    assert "successWithInteractionCode" in done.body, done.body
    assert (await current_user(client, "ga@example.com"))["authenticators"]["google_authenticator"]["secret"] == secret


async def test_a_google_authenticator_code_is_good_once(new_flow: Any, client: Any) -> None:
    secret = pyotp.random_base32()
    await put_org(client, [user("once@example.com", google_authenticator={"secret": secret})])
    first = new_flow()
    await signed_in_with_second_factor(first, "once@example.com", "google_otp")
    code = pyotp.TOTP(secret).now()
    assert "successWithInteractionCode" in (await answer(first, passcode=code)).body
    second = new_flow()
    await signed_in_with_second_factor(second, "once@example.com", "google_otp")
    reused = await answer(second, passcode=code)
    assert reused.status == 403
    assert field_messages(reused, "challenge-authenticator", "credentials", "passcode") == [
        "API error: Each code can only be used once. Please wait for a new code and try again."
    ]


# --- security question -----------------------------------------------------------------------------------------------


async def test_security_question_enrollment_applies_okta_rules_then_verification_ignores_case(
    new_flow: Any, client: Any
) -> None:
    enrollment = {"okta_password": "required", "security_question": "required"}
    await put_org(client, [user("kba@example.com")], enrollment, sign_on="when_enrolled")
    flow = new_flow()
    await flow.start()
    listed = await flow.identify("kba@example.com")
    form = await flow.post(
        "/idp/idx/credential/enroll",
        {"authenticator": {"id": option_ids(listed, "select-authenticator-enroll")["security_question"]}},
    )
    assert form.remediations[0] == "enroll-authenticator"
    short = await answer(flow, questionKey="disliked_food", answer="abc")
    assert short.status == 400
    assert field_messages(short, "enroll-authenticator", "credentials", "answer")[0].startswith(
        "The security question answer must be at least 4 characters"
    )
    inside = await answer(flow, questionKey="custom", question="What is my pet's name, Rex?", answer="Rex?")
    assert inside.status == 400
    done = await answer(flow, questionKey="disliked_food", answer="Brussels sprouts")
    assert "successWithInteractionCode" in done.body, done.body
    again = new_flow()
    challenge = await signed_in_with_second_factor(again, "kba@example.com", "security_question")
    contextual = challenge.body["currentAuthenticatorEnrollment"]["value"]["contextualData"]
    assert contextual["enrolledQuestion"]["questionKey"] == "disliked_food"
    wrong = await answer(again, answer="broccoli")
    assert wrong.status == 401 and wrong.remediations[0] == "challenge-authenticator"
    right = await answer(again, answer="  brussels SPROUTS ")
    assert "successWithInteractionCode" in right.body


# --- identifier first ------------------------------------------------------------------------------------------------


async def test_identifier_first_asks_for_the_password_as_a_challenge_and_never_reveals_unknown_users(
    new_flow: Any, client: Any
) -> None:
    await put_org(client, [user("first@example.com")], identifier_first=True, sign_on="one_factor")
    for login, password in (("first@example.com", "wrong-password"), ("nobody@example.com", PASSWORD)):
        flow = new_flow()
        await flow.start()
        assert [f["name"] for f in flow.last.remediation("identify")["value"]] == [
            "identifier",
            "rememberMe",
            "stateHandle",
        ]
        challenge = await flow.post("/idp/idx/identify", {"identifier": login})
        assert challenge.remediations == ["challenge-authenticator"], challenge.body
        refused = await answer(flow, passcode=password)
        assert refused.status == 401
        assert [m["message"] for m in refused.body["messages"]["value"]] == ["Password is incorrect"]
    flow = new_flow()
    await flow.start()
    await flow.post("/idp/idx/identify", {"identifier": "first@example.com"})
    done = await answer(flow, passcode=PASSWORD)
    assert "successWithInteractionCode" in done.body, done.body


# --- Okta Verify enrollment ------------------------------------------------------------------------------------------


async def test_okta_verify_is_enrolled_by_qr_code_and_then_answers_pushes(new_flow: Any, client: Any) -> None:
    enrollment = {"okta_password": "required", "okta_verify": "required"}
    await put_org(client, [user("qr@example.com")], enrollment, sign_on="okta_verify")
    flow = new_flow()
    await flow.start()
    listed = await flow.identify("qr@example.com")
    qr = await flow.post(
        "/idp/idx/credential/enroll",
        {"authenticator": {"id": option_ids(listed, "select-authenticator-enroll")["okta_verify"]}},
    )
    assert qr.remediations[:2] == ["enroll-poll", "select-enrollment-channel"], qr.body
    assert qr.body["currentAuthenticator"]["value"]["contextualData"]["qrcode"]["href"].startswith("data:image/png")
    waiting = await flow.post("/idp/idx/challenge/poll", {})
    assert waiting.remediations[0] == "enroll-poll"
    status, _ = await control(client, "POST", "/users/qr@example.com/okta-verify/activate")
    assert status == 200
    done = await flow.post("/idp/idx/challenge/poll", {})
    assert "successWithInteractionCode" in done.body, done.body
    push = new_flow()
    await push.start()
    await push.identify("qr@example.com")
    await push.choose()
    sent = await push.choose("push")
    assert sent.remediations[0] == "challenge-poll"
    status, _ = await control(client, "POST", "/users/qr@example.com/push/approve")
    assert status == 200
    assert "successWithInteractionCode" in (await push.poll()).body


async def test_okta_verify_activation_link_by_email_goes_to_the_inbox(flow: Flow, client: Any) -> None:
    enrollment = {"okta_password": "required", "okta_verify": "required"}
    await put_org(client, [user("viaemail@example.com")], enrollment, sign_on="one_factor")
    await flow.start()
    listed = await flow.identify("viaemail@example.com")
    okta_verify = option_ids(listed, "select-authenticator-enroll")["okta_verify"]
    await flow.post("/idp/idx/credential/enroll", {"authenticator": {"id": okta_verify}})
    asked = await flow.post("/idp/idx/credential/enroll", {"authenticator": {"id": okta_verify, "channel": "email"}})
    assert asked.remediations[0] == "enrollment-channel-data", asked.body
    sent = await flow.post("/idp/idx/challenge/send", {"email": "viaemail@example.com"})
    assert sent.remediations[0] == "enroll-poll", sent.body
    assert sent.body["currentAuthenticator"]["value"]["contextualData"]["email"] == "viaemail@example.com"
    mail = (await messages(client, "viaemail@example.com", "email"))[0]
    status, _ = await control(
        client, "POST", "/users/viaemail@example.com/okta-verify/activate", json={"uri": mail["link"]}
    )
    assert status == 200
    assert "successWithInteractionCode" in (await flow.post("/idp/idx/challenge/poll", {})).body


# --- policy ----------------------------------------------------------------------------------------------------------


async def test_optional_authenticators_are_offered_with_skip_after_a_required_one(flow: Flow, client: Any) -> None:
    enrollment = {"okta_password": "required", "okta_email": "required", "phone_number": "optional"}
    await put_org(client, [user("skip@example.com")], enrollment, sign_on="one_factor")
    await flow.start()
    listed = await flow.identify("skip@example.com")
    assert list(option_ids(listed, "select-authenticator-enroll")) == ["okta_email"]
    await flow.post(
        "/idp/idx/credential/enroll",
        {"authenticator": {"id": option_ids(listed, "select-authenticator-enroll")["okta_email"]}},
    )
    optional = await answer(flow, passcode=await newest_code(client, "skip@example.com", "email"))
    assert optional.remediations == ["select-authenticator-enroll", "skip"], optional.body
    done = await flow.post("/idp/idx/skip", {})
    assert "successWithInteractionCode" in done.body, done.body


async def test_refusals_leave_the_step_as_it_was(flow: Flow, client: Any) -> None:
    await put_org(client, [user("steady@example.com", email={})])
    await signed_in_with_second_factor(flow, "steady@example.com", "okta_email")
    for path, body in (
        ("/idp/idx/skip", {}),
        ("/idp/idx/credential/enroll", {"authenticator": {"id": "autNOPE"}}),
        ("/idp/idx/credential/enroll", {"authenticator": "x"}),
        ("/idp/idx/challenge/answer", {"credentials": {"passcode": ["1"]}}),
        ("/idp/idx/challenge/answer", {"credentials": "1"}),
        ("/idp/idx/challenge/send", {"email": "a@b.c"}),
    ):
        refused = await flow.post(path, body)
        assert 400 <= refused.status < 500, (path, refused.status, refused.body)
        again = await flow.introspect(stateToken=flow.state_handle)
        assert again.remediations[0] == "challenge-authenticator", (path, again.body)
    done = await answer(flow, passcode=await newest_code(client, "steady@example.com", "email"))
    assert "successWithInteractionCode" in done.body


async def test_okta_verify_pages_list_every_authenticator_to_verify_with_something_else(
    flow: Flow, client: Any
) -> None:
    await put_org(client, [user("both@example.com", okta_verify={}, email={})])
    await flow.start()
    listed = await flow.identify("both@example.com")
    assert list(option_ids(listed, "select-authenticator-authenticate")) == ["okta_verify", "okta_email"]
    waiting = await flow.post(
        "/idp/idx/challenge",
        {
            "authenticator": {
                "id": option_ids(listed, "select-authenticator-authenticate")["okta_verify"],
                "methodType": "push",
            }
        },
    )
    assert waiting.remediations == ["challenge-poll", "select-authenticator-authenticate"], waiting.body
    assert waiting.body["currentAuthenticator"]["value"]["key"] == "okta_verify"
    email_id = option_ids(waiting, "select-authenticator-authenticate")["okta_email"]
    instead = await flow.post("/idp/idx/challenge", {"authenticator": {"id": email_id}})
    assert instead.remediations[0] == "challenge-authenticator", instead.body
    status, body = await control(client, "GET", "/users/both@example.com/pushes")
    assert status == 200 and body["pushes"] == []  # the push was withdrawn once something else was chosen
    done = await answer(flow, passcode=await newest_code(client, "both@example.com", "email"))
    assert "successWithInteractionCode" in done.body


async def test_identifier_first_journal_names_the_username_before_the_password_is_known(
    flow: Flow, client: Any
) -> None:
    await put_org(client, [user("typed@example.com")], identifier_first=True, sign_on="one_factor")
    await flow.start()
    await flow.post("/idp/idx/identify", {"identifier": "typed@example.com"})
    await answer(flow, passcode="wrong-password")
    _, journal = await control(client, "GET", "/journal", params={"user": "typed@example.com"})
    steps = [(e["path"], e["status"]) for e in journal["entries"]]
    assert ("/idp/idx/identify", 200) in steps and ("/idp/idx/challenge/answer", 401) in steps


async def test_phone_enrollment_refuses_a_method_phones_do_not_have(flow: Flow, client: Any) -> None:
    enrollment = {"okta_password": "required", "phone_number": "required"}
    await put_org(client, [user("push@example.com")], enrollment, sign_on="one_factor")
    await flow.start()
    listed = await flow.identify("push@example.com")
    phone_id = option_ids(listed, "select-authenticator-enroll")["phone_number"]
    await flow.post("/idp/idx/credential/enroll", {"authenticator": {"id": phone_id}})
    refused = await flow.post(
        "/idp/idx/credential/enroll", {"authenticator": {"id": phone_id, "methodType": "push", "phoneNumber": PHONE}}
    )
    assert refused.status == 400
    assert field_messages(refused, "authenticator-enrollment-data", "authenticator", "methodType") == [
        "This field has an invalid value"
    ]
    assert await messages(client, "push@example.com") == []  # nothing was sent


# --- password as an authenticator ------------------------------------------------------------------------------------


async def test_a_user_without_a_password_signs_in_by_email_and_sets_one_the_policy_allows(
    new_flow: Any, client: Any
) -> None:
    enrollment = {"okta_password": "required", "okta_email": "required"}
    await put_org(
        client,
        [{"login": "fresh@example.com", "password": None, "authenticators": {"email": {}}}],
        enrollment,
        sign_on="one_factor",
        identifier_first=True,
    )
    flow = new_flow()
    await flow.start()
    emailed = await flow.post("/idp/idx/identify", {"identifier": "fresh@example.com"})
    assert emailed.remediations == ["challenge-authenticator"], emailed.body
    asked = await answer(flow, passcode=await newest_code(client, "fresh@example.com", "email"))
    assert asked.remediations == ["select-authenticator-enroll"], asked.body
    password_id = option_ids(asked, "select-authenticator-enroll")["okta_password"]
    form = await flow.post("/idp/idx/credential/enroll", {"authenticator": {"id": password_id}})
    assert form.remediations[0] == "enroll-authenticator"
    settings = form.body["currentAuthenticator"]["value"]["settings"]
    assert settings["complexity"]["minLength"] == 8 and settings["complexity"]["excludeUsername"] is True
    for weak in ("short1A", "alllowercase1", "fresh-Passw0rd-fresh"):
        refused = await answer(flow, passcode=weak)
        assert refused.status == 400, (weak, refused.body)
        (message,) = field_messages(refused, "enroll-authenticator", "credentials", "passcode")
        assert message.startswith("Password requirements were not met. Password requirements: at least 8 characters")
        assert refused.remediations[0] == "enroll-authenticator"
    done = await answer(flow, passcode="A-good-Passw0rd")
    assert "successWithInteractionCode" in done.body, done.body
    assert await tokens_amr(flow) == ["email", "pwd", "mfa"]
    again = new_flow()
    await again.start()
    await again.post("/idp/idx/identify", {"identifier": "fresh@example.com"})
    assert "successWithInteractionCode" in (await answer(again, passcode="A-good-Passw0rd")).body
