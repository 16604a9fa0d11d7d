"""The built-in hosted sign-in page with every authenticator, over plain HTTP on both stores: each flow walked through
the page's own forms (as a browser without scripts would, plus the poll its script makes) to the app's redirect with
a code; each wrong input answered with Okta's message on the same page, the form kept; and forms no page sends refused
with the sign-in left as it was. The browser itself is in e2e/test_hosted_authenticators.py; the wire these pages
stand in for is tests/mock_idx/test_authenticator_flows.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import jwt
import pyotp
import pytest
from aiohttp.test_utils import TestClient

from tests.support.hosted_pages import (
    STATE,
    HostedSignIn,
    Page,
    finish,
    landing,
    open_page,
    path_of,
    press,
    read,
    redeem,
    start,
    step,
)
from tests.support.idx import PASSWORD, advance, control
from tests.support.idx_steps import load_org, user

Client = TestClient[Any, Any]

PHONE = "+1 201-555-0123"
PHONE_E164 = "+12015550123"
MASKED_PHONE = "+1 XXX-XXX-0123"
VERIFY_LIST = "Verify it's you with a security method"
ENROLL_LIST = "Set up security methods"
OTHER = "Verify with something else"
BLANK = "This field cannot be left blank"
INVALID_CODE = "Invalid code. Try again."


# --- the org, the inbox and the phone -------------------------------------------------------------------------------


async def put_org(
    client: Client,
    users: list[dict[str, Any]],
    enrollment: dict[str, str] | None = None,
    sign_on: str = "when_enrolled",
    **authenticators: Any,
) -> None:
    await load_org(client, users, enrollment, sign_on, **authenticators)


async def messages(client: Client, login: str, channel: str) -> list[dict[str, Any]]:
    status, body = await control(client, "GET", f"/users/{login}/messages?channel={channel}")
    assert status == 200, body
    found: list[dict[str, Any]] = body["messages"]
    return found


async def newest_code(client: Client, login: str, channel: str) -> str:
    listed = await messages(client, login, channel)
    assert listed, f"no {channel} message for {login}"
    code: str = listed[0]["code"]
    return code


async def enrolled(client: Client, login: str) -> dict[str, Any]:
    status, body = await control(client, "GET", f"/users/{login}")
    assert status == 200, body
    found: dict[str, Any] = body["authenticators"]
    return found


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# --- walking the page -----------------------------------------------------------------------------------------------


async def signed_in(client: Client, login: str) -> tuple[HostedSignIn, Page]:
    """A hosted sign-in past the username and password: the page that comes next."""
    hosted = await start(client)
    page = await open_page(client, hosted.url)
    return hosted, await step(client, page, "Sign in", identifier=login, password=PASSWORD)


async def poll_as_the_script_does(client: Client, page: Page) -> dict[str, Any]:
    response = await client.get(path_of(page.poll["url"]), headers={"Accept": "application/json"})
    assert response.status == 200, await response.text()
    answer: dict[str, Any] = await response.json()
    return answer


async def back_in_the_app(client: Client, hosted: HostedSignIn, location: str) -> list[str]:
    """The app got its code and state; the ``amr`` of the tokens the code buys."""
    params = landing(await finish(client, location))
    assert params["state"] == STATE and set(params) == {"code", "state"}
    tokens = await redeem(client, params["code"], hosted.verifier)
    amr: list[str] = jwt.decode(tokens.id_token, options={"verify_signature": False})["amr"]
    return amr


async def refused(client: Client, page: Page, button: str, **fields: str) -> Page:
    """Press ``button`` and expect the same step again, refused (a 4xx page, not a redirect)."""
    response = await press(client, page, button, **fields)
    again = await read(response)
    assert 400 <= again.status < 500 and again.heading == page.heading, (again.status, again.heading, again.alerts)
    return again


# --- verifying: the list and each authenticator ---------------------------------------------------------------------


async def test_the_list_offers_every_enrolled_authenticator_in_the_orgs_order(client: Client) -> None:
    login = "many@example.com"
    everything = user(
        login,
        okta_verify={},
        email={},
        phone={"number": PHONE},
        google_authenticator={},
        security_question={"question_key": "disliked_food", "answer": "Brussels sprouts"},
    )
    await put_org(client, [everything])
    _, page = await signed_in(client, login)
    assert page.heading == VERIFY_LIST and "Select from the following options" in page.text
    assert page.buttons == [
        "Enter a code Okta Verify",
        "Get a push notification Okta Verify",
        "Email m**y@e***e.com",
        f"Phone {MASKED_PHONE}",
        "Google Authenticator",
        "Security Question",
        "Back to sign in",
    ]


async def test_email_code_wrong_then_blank_then_sent_again_then_right(client: Client) -> None:
    login = "mail@example.com"
    await put_org(client, [user(login, email={})])
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Email")
    assert page.heading == "Verify with your email"
    assert "We sent an email to m**l@e***e.com. Click the verification link in your email" in page.text
    assert page.poll and not page.meta_refresh  # a reload would wipe the code being typed
    assert page.buttons == ["Verify", "Send again", "Back to sign in"] and list(page.links) == [OTHER]
    code = await newest_code(client, login, "email")

    wrong = await refused(client, page, "Verify", code=other_than(code))
    assert wrong.status == 400 and wrong.alerts == [INVALID_CODE]
    blank = await refused(client, wrong, "Verify", code="  ")
    assert blank.alerts == [BLANK]

    again = await step(client, blank, "Send again")
    assert again.heading == "Verify with your email"
    assert len(await messages(client, login, "email")) == 2
    response = await press(client, again, "Verify", code=await newest_code(client, login, "email"))
    assert await back_in_the_app(client, hosted, response.headers["Location"]) == ["pwd", "email", "mfa"]


async def test_the_email_magic_link_moves_the_waiting_page_on(client: Client) -> None:
    login = "link@example.com"
    await put_org(client, [user(login, email={})])
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Email")
    assert await poll_as_the_script_does(client, page) == {"next": None}

    link = (await messages(client, login, "email"))[0]["link"]
    opened = await client.get(path_of(link))  # in this browser: the page set its cookie
    assert opened.status == 200 and "email-link-success" in await opened.text()
    answer = await poll_as_the_script_does(client, page)
    assert urlsplit(answer["next"]).path == "/login/token/redirect"
    assert "email" in await back_in_the_app(client, hosted, answer["next"])


async def test_verify_with_something_else_from_the_email_code_to_google_authenticator(client: Client) -> None:
    login = "switch@example.com"
    secret = pyotp.random_base32()
    await put_org(client, [user(login, email={}, google_authenticator={"secret": secret})])
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Email")
    listed = await open_page(client, page.links[OTHER])
    assert listed.heading == VERIFY_LIST
    page = await step(client, listed, "Google Authenticator")
    assert page.heading == "Verify with Google Authenticator"
    assert "Enter the temporary code generated in your Google Authenticator app" in page.text

    wrong = await refused(client, page, "Verify", code=other_than(pyotp.TOTP(secret).now()))
    assert wrong.alerts == ["API error: Your code doesn't match our records. Please try again."]
    response = await press(client, wrong, "Verify", code=pyotp.TOTP(secret).now())
    assert await back_in_the_app(client, hosted, response.headers["Location"]) == ["pwd", "otp", "mfa"]


async def test_phone_asks_sms_or_voice_and_a_call_again_waits_thirty_seconds(client: Client) -> None:
    login = "voice@example.com"
    await put_org(client, [user(login, phone={"number": PHONE})])
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Phone")
    assert page.heading == "Verify with your phone" and f"Send a code via SMS to {MASKED_PHONE}." in page.text
    assert page.buttons == ["Receive a code via SMS", "Receive a voice call instead", "Back to sign in"]
    assert await messages(client, login, "sms") == []  # nothing sent before the person chooses

    page = await step(client, page, "Receive a voice call instead")
    assert f"Calling {MASKED_PHONE}. Enter the code below to verify." in page.text
    assert page.buttons == ["Verify", "Call again", "Back to sign in"]
    too_soon = await press(client, page, "Call again")
    shown = await read(too_soon)
    assert too_soon.status == 429 and shown.heading == "Verify with your phone"
    assert shown.alerts == ["You have reached the limit of call requests, please try again later."]

    await advance(client, 31)
    page = await step(client, shown, "Call again")
    calls = await messages(client, login, "voice")
    assert len(calls) == 2
    response = await press(client, page, "Verify", code=calls[0]["code"])
    assert await back_in_the_app(client, hosted, response.headers["Location"]) == ["pwd", "tel", "mfa"]


async def test_sms_code_sent_again_is_the_same_code(client: Client) -> None:
    login = "sms@example.com"
    await put_org(client, [user(login, phone={"number": PHONE})])
    hosted, page = await signed_in(client, login)
    page = await step(client, await step(client, page, "Phone"), "Receive a code via SMS")
    assert f"A code was sent to {MASKED_PHONE}. Enter the code below to verify." in page.text
    assert "Haven't received an SMS?" in page.text
    too_soon = await refused(client, page, "Send again")
    assert too_soon.alerts == ["You have reached the limit of sms requests, please try again later."]
    await advance(client, 31)
    page = await step(client, too_soon, "Send again")
    sent = await messages(client, login, "sms")
    assert len(sent) == 2 and sent[0]["code"] == sent[1]["code"]
    response = await press(client, page, "Verify", code=sent[0]["code"])
    assert await back_in_the_app(client, hosted, response.headers["Location"]) == ["pwd", "sms", "mfa"]


async def test_security_question_answered_after_a_wrong_answer(client: Client) -> None:
    login = "kba@example.com"
    question = {"question_key": "disliked_food", "answer": "Brussels sprouts"}
    await put_org(client, [user(login, security_question=question)])
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Security Question")
    assert page.heading == "Verify with your Security Question"
    assert "What is the food you least liked as a child?" in page.text
    wrong = await refused(client, page, "Verify", answer="broccoli")
    assert wrong.alerts == ["Your answer doesn't match our records. Please try again."]
    response = await press(client, wrong, "Verify", answer="  brussels SPROUTS ")
    assert await back_in_the_app(client, hosted, response.headers["Location"]) == ["pwd", "kba", "mfa"]


# --- enrolling ------------------------------------------------------------------------------------------------------


async def test_email_enrolled_by_its_code_then_optional_ones_skipped_with_continue(client: Client) -> None:
    login = "new@example.com"
    enrollment = {"okta_password": "required", "okta_email": "required", "phone_number": "optional"}
    await put_org(client, [user(login)], enrollment, sign_on="one_factor")
    hosted, page = await signed_in(client, login)
    assert page.heading == ENROLL_LIST and "Set up required" in page.text
    assert page.buttons == ["Email Verify with a link or code sent to your email", "Back to sign in"]

    page = await step(client, page, "Email")
    assert page.heading == "Verify with your email" and page.poll
    assert list(page.links) == ["Return to authenticator list"]
    wrong = await refused(client, page, "Verify", code=other_than(await newest_code(client, login, "email")))
    assert wrong.alerts == [INVALID_CODE]
    page = await step(client, wrong, "Verify", code=await newest_code(client, login, "email"))

    assert page.heading == ENROLL_LIST and "Set up optional" in page.text
    assert page.buttons == ["Phone Verify with a code sent to your phone", "Continue", "Back to sign in"]
    response = await press(client, page, "Continue")
    assert "email" in await back_in_the_app(client, hosted, response.headers["Location"])
    assert "email" in await enrolled(client, login)


async def test_sms_enrollment_checks_the_number_and_keeps_what_was_typed(client: Client) -> None:
    login = "newphone@example.com"
    await put_org(client, [user(login)], {"okta_password": "required", "phone_number": "required"}, "one_factor")
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Phone")
    assert page.heading == "Set up phone authentication"
    assert page.buttons == ["Receive a code via SMS", "Receive a code via voice call", "Back to sign in"]

    bad = await refused(client, page, "Receive a code via SMS", phoneNumber="12")
    assert bad.alerts == ["Unable to initiate factor enrollment: Invalid Phone Number."]
    assert bad.forms[0].inputs["phoneNumber"] == "12"
    blank = await refused(client, bad, "Receive a code via SMS", phoneNumber=" ")
    assert blank.alerts == [BLANK]

    page = await step(client, blank, "Receive a code via SMS", phoneNumber=PHONE)
    assert page.heading == "Set up phone authentication"
    assert f"A code was sent to {MASKED_PHONE}." in page.text
    sms = (await messages(client, login, "sms"))[0]
    assert sms["to"] == PHONE_E164
    response = await press(client, page, "Verify", code=sms["code"])
    assert "sms" in await back_in_the_app(client, hosted, response.headers["Location"])
    assert (await enrolled(client, login))["phone"]["number"] == PHONE_E164


async def test_google_authenticator_enrolled_with_its_qr_code_or_secret(client: Client) -> None:
    login = "ga@example.com"
    await put_org(client, [user(login)], {"okta_password": "required", "google_otp": "required"}, "one_factor")
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Google Authenticator")
    assert page.heading == "Set up Google Authenticator"
    [qr] = page.images
    assert qr.startswith("data:image/png;base64,")
    assert "Can't scan QR code?" in page.text
    secret = next(word for word in page.texts if word.strip().isalnum() and len(word.strip()) >= 16).strip()

    wrong = await refused(client, page, "Verify", code=other_than(pyotp.TOTP(secret).now()))
    assert wrong.alerts == ["Invalid code. Try again."]  # enrollment's wrong code, as Okta's enroll captures say it
    response = await press(client, wrong, "Verify", code=pyotp.TOTP(secret).now())
    assert "otp" in await back_in_the_app(client, hosted, response.headers["Location"])
    assert (await enrolled(client, login))["google_authenticator"]["secret"] == secret


async def test_security_question_enrollment_predefined_and_custom_by_okta_rules(client: Client) -> None:
    login = "newkba@example.com"
    enrollment = {"okta_password": "required", "security_question": "required"}
    await put_org(client, [user(login)], enrollment, "one_factor")
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Security Question")
    assert page.heading == "Set up security question"
    form, _ = page.form_with("Verify")
    assert form.choices["questionKey"][0] == "disliked_food" and form.choices["questionKey"][-1] == "custom"

    short = await refused(client, page, "Verify", questionKey="favorite_toy", answer="abc")
    assert short.alerts == ["The security question answer must be at least 4 characters in length"]
    assert short.forms[0].inputs["questionKey"] == "favorite_toy"  # the choice is kept
    no_question = await refused(client, short, "Verify", questionKey="custom", question=" ", answer="Rex the dog")
    assert no_question.alerts == [BLANK]
    inside = await refused(
        client, no_question, "Verify", questionKey="custom", question="What is my pet's name, Rex?", answer="Rex?"
    )
    assert inside.alerts == ["The security question answer is too weak, answer must not be part of the question"]
    assert inside.forms[0].inputs["question"] == "What is my pet's name, Rex?"
    unknown = await refused(client, inside, "Verify", questionKey="not_a_question", answer="anything")
    assert unknown.alerts == ["This field has an invalid value"]

    response = await press(client, unknown, "Verify", questionKey="custom", question="Where is home?", answer="Lisbon")
    assert "kba" in await back_in_the_app(client, hosted, response.headers["Location"])
    assert (await enrolled(client, login))["security_question"]["question"] == "Where is home?"


async def test_okta_verify_enrolled_by_qr_code_then_a_push(client: Client) -> None:
    login = "qr@example.com"
    await put_org(client, [user(login)], {"okta_password": "required", "okta_verify": "required"}, "okta_verify")
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Okta Verify")
    assert page.heading == "Set up Okta Verify via QR code"
    assert "When prompted, tap Scan a QR code, then scan the QR code below:" in page.text
    assert len(page.images) == 1 and page.images[0].startswith("data:image/png;base64,")
    assert page.poll and page.meta_refresh == f"1;url={page.poll['url']}"
    assert list(page.links) == ["Can't scan?", "Return to authenticator list"]
    assert await poll_as_the_script_does(client, page) == {"next": None}

    status, _ = await control(client, "POST", f"/users/{login}/okta-verify/activate")
    assert status == 200
    answer = await poll_as_the_script_does(client, page)
    assert "swk" in await back_in_the_app(client, hosted, answer["next"])

    hosted, page = await signed_in(client, login)  # the new Okta Verify answers pushes
    page = await step(client, page, "Get a push notification")
    await control(client, "POST", f"/users/{login}/push/approve")
    answer = await poll_as_the_script_does(client, page)
    assert "swk" in await back_in_the_app(client, hosted, answer["next"])


async def test_okta_verify_setup_link_by_email_checked_and_sent_again(client: Client) -> None:
    login = "viaemail@example.com"
    await put_org(client, [user(login)], {"okta_password": "required", "okta_verify": "required"}, "one_factor")
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Okta Verify")
    channels = await open_page(client, page.links["Can't scan?"])
    assert channels.heading == "More options" and "Which option do you want to try?" in channels.text
    assert channels.buttons == ["Email me a setup link", "Text me a setup link", "Back to sign in"]

    page = await step(client, channels, "Email me a setup link")
    assert page.heading == "Set up Okta Verify via email link"
    bad = await refused(client, page, "Send me the setup link", to="not-an-address")
    assert bad.alerts == ["Invalid email address."] and bad.forms[0].inputs["to"] == "not-an-address"
    blank = await refused(client, bad, "Send me the setup link", to="")
    assert blank.alerts == [BLANK]

    page = await step(client, blank, "Send me the setup link", to=login)
    assert page.heading == "Check your email" and f"We sent an email to {login} with an Okta Verify setup" in page.text
    page = await step(client, page, "Send again")
    mails = await messages(client, login, "email")
    assert len(mails) == 2
    status, _ = await control(client, "POST", f"/users/{login}/okta-verify/activate", json={"uri": mails[0]["link"]})
    assert status == 200
    answer = await poll_as_the_script_does(client, page)
    assert "swk" in await back_in_the_app(client, hosted, answer["next"])


async def test_okta_verify_setup_link_by_sms_after_trying_another_way(client: Client) -> None:
    login = "viasms@example.com"
    await put_org(client, [user(login)], {"okta_password": "required", "okta_verify": "required"}, "one_factor")
    hosted, page = await signed_in(client, login)
    qr_code = await step(client, page, "Okta Verify")
    page = await step(client, await open_page(client, qr_code.links["Can't scan?"]), "Email me a setup link")
    channels = await open_page(client, page.links["Try a different way"])
    assert channels.buttons == ["Scan a QR code", "Text me a setup link", "Back to sign in"]
    page = await step(client, channels, "Text me a setup link")
    assert page.heading == "Set up Okta Verify via SMS"
    bad = await refused(client, page, "Send me the setup link", to="12")
    assert bad.alerts == ["Unable to initiate factor enrollment: Invalid Phone Number."]

    page = await step(client, bad, "Send me the setup link", to=PHONE)
    assert page.heading == "Check your text messages" and f"We sent an SMS to {PHONE_E164}" in page.text
    text = (await messages(client, login, "sms"))[0]
    status, _ = await control(client, "POST", f"/users/{login}/okta-verify/activate", json={"uri": text["link"]})
    assert status == 200
    reload = await client.get(path_of(page.poll["url"]), allow_redirects=False)  # as a page without scripts does
    assert reload.status == 303
    assert "swk" in await back_in_the_app(client, hosted, reload.headers["Location"])


# --- identifier first -----------------------------------------------------------------------------------------------


async def test_identifier_first_asks_the_username_then_the_password_whoever_it_names(client: Client) -> None:
    login = "first@example.com"
    await put_org(client, [user(login)], identifier_first=True, sign_on="one_factor")
    hosted = await start(client)
    page = await open_page(client, hosted.url)
    assert page.heading == "Sign In" and page.buttons == ["Next"]
    assert list(page.forms[0].inputs) == ["identifier"]
    blank = await refused(client, page, "Next", identifier="")
    assert blank.alerts == [BLANK]

    for unknown_or_wrong in (("nobody@example.com", PASSWORD), (login, "wrong-password")):
        attempt = await open_page(client, (await start(client)).url)
        attempt = await step(client, attempt, "Next", identifier=unknown_or_wrong[0])
        assert attempt.heading == "Verify with your password" and unknown_or_wrong[0] in attempt.text
        assert attempt.buttons == ["Verify", "Forgot password?", "Back to sign in"] and attempt.links == {}
        wrong = await refused(client, attempt, "Verify", password=unknown_or_wrong[1])
        assert wrong.alerts == ["Password is incorrect"]  # alike for both: no user enumeration

    page = await step(client, page, "Next", identifier=login)
    shown = await open_page(client, f"{hosted.url}&view=methods")  # no list before the first factor
    assert shown.heading == "Verify with your password"
    empty = await refused(client, page, "Verify", password="")
    assert empty.alerts == [BLANK]
    response = await press(client, empty, "Verify", password=PASSWORD)
    assert await back_in_the_app(client, hosted, response.headers["Location"]) == ["pwd"]


# --- forms no page sends ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [
        {"action": "choose", "authenticator": "okta_sms"},
        {"action": "choose", "authenticator": "okta_email", "method": "sms"},
        {"action": "choose", "authenticator": "okta_verify", "method": "push"},  # not enrolled
        {"action": "choose", "authenticator": "okta_password"},
        {"action": "enroll", "authenticator": "google_otp"},
        {"action": "enroll", "authenticator": ""},
        {"action": "phone", "method": "sms", "phoneNumber": PHONE},
        {"action": "channel", "channel": "email"},
        {"action": "send_link", "to": "a@example.com"},
        {"action": "skip"},
        {"action": "answer", "questionKey": "custom", "question": "Q?", "answer": "an answer"},
        {"action": "answer", "answer": "x" * 1001},
        {"action": "identify", "identifier": "mail@example.com", "password": PASSWORD},
        {"action": "resend", "extra": "\x00"},
    ],
)
async def test_posts_no_page_sends_leave_the_email_challenge_as_it_was(client: Client, junk: dict[str, str]) -> None:
    login = "steady@example.com"
    await put_org(client, [user(login, email={})])
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Email")
    if junk["action"] == "resend":
        await advance(client, 61)  # past the email's own resend limit: the junk field alone must not matter
    response = await client.post("/signin", data={"stateToken": hosted.transaction.state_handle, **junk})
    shown = await read(response)
    if junk["action"] == "resend":
        assert response.status == 200 and shown.heading == "Verify with your email"  # extra fields are ignored
    else:
        assert 400 <= response.status < 500 and shown.alerts, (junk, response.status)
        assert shown.heading == "Verify with your email", junk
    again = await open_page(client, hosted.url)
    assert again.heading == "Verify with your email"
    response = await press(client, again, "Verify", code=await newest_code(client, login, "email"))
    assert "email" in await back_in_the_app(client, hosted, response.headers["Location"])


async def test_lists_and_views_only_show_where_they_belong(client: Client) -> None:
    login = "views@example.com"
    await put_org(client, [user(login)], {"okta_password": "required", "okta_verify": "required"}, "one_factor")
    hosted = await start(client)
    for view in ("methods", "channels", "../x"):
        page = await open_page(client, f"{hosted.url}&view={view}")
        assert page.status == 200 and page.heading == "Sign In", view
    _, page = await signed_in(client, login)
    channels = await open_page(client, f"{page.url}&view=channels")  # not on the list: no channels to show
    assert channels.heading == ENROLL_LIST
    page = await step(client, page, "Okta Verify")
    listed = await open_page(client, page.links["Return to authenticator list"])
    assert listed.heading == ENROLL_LIST and listed.buttons[0].startswith("Okta Verify")
    assert "Continue" not in listed.buttons  # nothing optional to skip
    refused_skip = await read(await client.post("/signin", data={**listed.forms[0].hidden, "action": "skip"}))
    assert refused_skip.status == 400 and refused_skip.heading == "Set up Okta Verify via QR code"
    assert refused_skip.alerts == ["Api validation failed: this step is not available now"]


@pytest.mark.parametrize(
    "junk",
    [
        {"action": "phone", "method": "fax", "phoneNumber": PHONE},
        {"action": "phone", "method": "sms", "phoneNumber": "1" * 80},
        {"action": "phone", "method": "sms", "phoneNumber": "+1 201-555-0123 ext. 7"},
        {"action": "choose", "authenticator": "phone_number", "method": "sms"},  # verifying: not on this step
        {"action": "enroll", "authenticator": "okta_sms"},
        {"action": "enroll", "authenticator": "google_otp"},  # not in the org
        {"action": "channel", "channel": "qrcode"},
        {"action": "send_link", "to": PHONE},
        {"action": "skip"},
        {"action": "answer", "code": "123456"},
        {"action": "resend"},
    ],
)
async def test_posts_no_page_sends_leave_the_phone_enrollment_as_it_was(client: Client, junk: dict[str, str]) -> None:
    login = "steadyphone@example.com"
    await put_org(client, [user(login)], {"okta_password": "required", "phone_number": "required"}, "one_factor")
    hosted, page = await signed_in(client, login)
    page = await step(client, page, "Phone")
    response = await client.post("/signin", data={"stateToken": hosted.transaction.state_handle, **junk})
    shown = await read(response)
    assert 400 <= response.status < 500 and shown.alerts, (junk, response.status)
    assert shown.heading == "Set up phone authentication", junk
    assert await messages(client, login, "sms") == []
    page = await step(client, await open_page(client, hosted.url), "Receive a code via SMS", phoneNumber=PHONE)
    response = await press(client, page, "Verify", code=await newest_code(client, login, "sms"))
    assert "sms" in await back_in_the_app(client, hosted, response.headers["Location"])
