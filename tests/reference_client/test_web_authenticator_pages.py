"""The reference web app's generic authenticator pages with aiohttp's test client against mock_idx: what to set up
("Set up later"), Okta Verify's QR code page with its poll and "Send me a link instead", the phone number page, the
code page for email and SMS with "Resend code", and the security question pages. Each wrong input comes back as the
same form with Okta's message and what was typed kept."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pyotp

from mock_idx.pytest_plugin import MockIdx
from tests.reference_client.authenticator_orgs import PASSWORD, PHONE, PHONE_E164, other_code, put_org, required
from tests.reference_client.conftest import Page, Visitor


async def log_in(visitor: Visitor, login: str, landing: str) -> Page:
    await visitor.get("/login")
    posted = await visitor.post("/login", {"username": login, "password": PASSWORD})
    assert (posted.status, posted.location) == (302, landing), posted.text
    return await visitor.get(landing)


def choices(page: Page, name: str) -> dict[str, str]:
    """label -> value of the page's radio buttons named `name`."""
    found = re.findall(rf'name="{name}" value="([^"]+)" required>\s*([^<]+?)\s*</label>', page.text)
    return {label: value for value, label in found}


async def pick(visitor: Visitor, path: str, name: str, label: str) -> str:
    page = await visitor.get(path)
    chosen = await visitor.post(path, {name: choices(page, name)[label]})
    assert chosen.status == 302, chosen.text
    assert chosen.location is not None
    return chosen.location


def error_texts(page: Page) -> list[str]:
    block = re.search(r'<div class="errors" role="alert" id="form-errors">(.*?)</div>', page.text, re.S)
    return [html.unescape(t) for t in re.findall(r"<p>(.*?)</p>", block.group(1))] if block else []


# -- Okta Verify enrollment ------------------------------------------------------------------------------------------


async def test_okta_verify_qr_page_polls_until_the_phone_adds_the_account(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"qr@example.com": {}}, required("okta_verify"), sign_on="one_factor")
    listed = await log_in(visitor, "qr@example.com", "/enroll/select-authenticator")
    assert "<h1>Set up security methods</h1>" in listed.text and "Set up later" not in listed.text
    assert (
        await pick(visitor, "/enroll/select-authenticator", "authenticator_id", "Okta Verify") == "/okta-verify/enroll"
    )

    page = await visitor.get("/okta-verify/enroll")
    assert "<h1>Set up Okta Verify</h1>" in page.text
    assert re.search(r'<img class="qr-code" id="authenticator-qr-code" src="data:image/png;base64,[^"]+"', page.text)
    assert 'href="/okta-verify/select-enrollment-channel">Send me a link instead</a>' in page.text
    refresh = mock_idx.settings.poll_refresh_ms
    assert f'data-poll-url="/okta-verify/enroll-poll" data-refresh="{refresh}"' in page.text
    assert await enroll_poll(visitor) == {"ContinuePolling": True, "Refresh": refresh, "Next": "/okta-verify/enroll"}

    mock_idx.activate_okta_verify("qr@example.com")

    assert await enroll_poll(visitor) == {"ContinuePolling": False, "Refresh": 0, "Next": "/"}
    assert "<h1>Welcome, Qr</h1>" in (await visitor.get("/")).text


async def test_send_me_a_link_instead_by_sms_keeps_a_refused_number_and_says_where_it_went(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"link@example.com": {}}, required("okta_verify"), sign_on="one_factor")
    await log_in(visitor, "link@example.com", "/enroll/select-authenticator")
    await pick(visitor, "/enroll/select-authenticator", "authenticator_id", "Okta Verify")
    channels = await visitor.get("/okta-verify/select-enrollment-channel")
    assert "<h1>More options</h1>" in channels.text and "Which option do you want to try?" in channels.text
    assert list(choices(channels, "channel")) == ["Email", "SMS"]

    asked = await pick(visitor, "/okta-verify/select-enrollment-channel", "channel", "SMS")
    assert asked == "/okta-verify/enrollment-channel-data"
    form = await visitor.get(asked)
    assert "<h1>Set up Okta Verify via SMS</h1>" in form.text and ">Send me the setup link</button>" in form.text
    refused = await visitor.post(asked, {"value": "12"})
    assert refused.status == 400
    assert error_texts(refused) == ["Unable to initiate factor enrollment: Invalid Phone Number."]
    assert 'value="12"' in refused.text

    sent = await visitor.post(asked, {"value": PHONE})
    assert sent.location == "/okta-verify/enroll"
    waiting = await visitor.get("/okta-verify/enroll")
    assert f'<strong id="sent-to">{PHONE_E164}</strong>' in waiting.text and "authenticator-qr-code" not in waiting.text
    [text] = mock_idx.messages("link@example.com", "sms")
    mock_idx.activate_okta_verify("link@example.com", uri=text["link"])
    assert (await enroll_poll(visitor))["Next"] == "/"


async def test_enroll_poll_without_a_sign_in_sends_the_page_to_login(visitor: Visitor) -> None:
    assert await enroll_poll(visitor) == {"ContinuePolling": False, "Refresh": 0, "Next": "/login"}


# -- codes -----------------------------------------------------------------------------------------------------------


async def test_email_code_page_refuses_a_wrong_code_then_signs_in(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"mail@example.com": {"email": {}}})
    await log_in(visitor, "mail@example.com", "/select-authenticator")
    assert await pick(visitor, "/select-authenticator", "authenticator_id", "Email") == "/verify/enter-code"

    page = await visitor.get("/verify/enter-code")
    assert "<h1>Enter a code</h1>" in page.text and "<strong>m**l@e***e.com</strong>" in page.text
    assert '<label for="code">Enter code</label>' in page.text and ">Resend code</button>" in page.text
    assert 'href="/select-authenticator">Verify with something else</a>' in page.text
    code = mock_idx.last_code("mail@example.com", "email")
    wrong = await visitor.post("/verify/enter-code", {"code": other_code(code)})
    assert wrong.status == 401 and error_texts(wrong) == ["Invalid code. Try again."]
    assert '<label for="code">Enter code</label>' in wrong.text  # the form is kept
    empty = await visitor.post("/verify/enter-code", {"code": " "})
    assert empty.status == 400 and error_texts(empty) == ["Enter the code."]

    assert (await visitor.post("/verify/enter-code", {"code": code})).location == "/"


async def test_phone_enrollment_pages_refuse_a_bad_number_and_an_early_resend(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"sms@example.com": {}}, required("phone_number"), sign_on="one_factor")
    await log_in(visitor, "sms@example.com", "/enroll/select-authenticator")
    assert await pick(visitor, "/enroll/select-authenticator", "authenticator_id", "Phone") == "/enroll/phone-number"
    form = await visitor.get("/enroll/phone-number")
    assert '<label for="phone_number">Phone number</label>' in form.text and "Voice call" in form.text

    bad = await visitor.post("/enroll/phone-number", {"method_type": "sms", "phone_number": "12"})
    assert bad.status == 400 and error_texts(bad) == ["Unable to initiate factor enrollment: Invalid Phone Number."]
    assert 'value="12"' in bad.text
    sent = await visitor.post("/enroll/phone-number", {"method_type": "sms", "phone_number": PHONE})
    assert sent.location == "/verify/enter-code"

    resent = await visitor.post("/verify/resend")
    assert resent.location == "/verify/enter-code"
    page = await visitor.get("/verify/enter-code")
    assert "You have reached the limit of sms requests, please try again later." in page.text
    code = mock_idx.last_code("sms@example.com", "sms")
    assert (await visitor.post("/verify/enter-code", {"code": code})).location == "/"


async def test_google_authenticator_code_page_shows_the_qr_code_and_the_key(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"ga@example.com": {}}, required("google_otp"), sign_on="one_factor")
    await log_in(visitor, "ga@example.com", "/enroll/select-authenticator")
    chosen = await pick(visitor, "/enroll/select-authenticator", "authenticator_id", "Google Authenticator")
    assert chosen == "/verify/enter-code"
    page = await visitor.get(chosen)
    assert re.search(r'id="authenticator-qr-code" src="data:image/png;base64,', page.text)
    [secret] = re.findall(r'<code id="shared-secret">([A-Z2-7]+)</code>', page.text)
    assert ">Resend code</button>" not in page.text  # nothing was sent

    assert (await visitor.post(chosen, {"code": pyotp.TOTP(secret).now()})).location == "/"


# -- security question, skip -----------------------------------------------------------------------------------------


async def test_security_question_pages_keep_the_chosen_question_on_a_refusal(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"kba@example.com": {}}, required("security_question"), sign_on="one_factor")
    await log_in(visitor, "kba@example.com", "/enroll/select-authenticator")
    chosen = await pick(visitor, "/enroll/select-authenticator", "authenticator_id", "Security Question")
    assert chosen == "/enroll/security-question"
    page = await visitor.get(chosen)
    assert '<option value="disliked_food">What is the food you least liked as a child?</option>' in page.text

    short = await visitor.post(chosen, {"question_key": "disliked_food", "answer": "abc"})
    assert short.status == 400
    assert error_texts(short)[0].startswith("The security question answer must be at least 4 characters")
    assert '<option value="disliked_food" selected>' in short.text
    unwritten = await visitor.post(chosen, {"question_key": "custom", "question": "", "answer": "abcd"})
    assert error_texts(unwritten) == ["Write your security question."]

    done = await visitor.post(chosen, {"question_key": "custom", "question": "Who let the dogs out?", "answer": "Baha"})
    assert done.location == "/"


async def test_security_question_verification_shows_the_question(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    enrolled = {"question_key": "disliked_food", "answer": "Brussels sprouts"}
    put_org(mock_idx, tmp_path, {"ask@example.com": {"security_question": enrolled}}, sign_on="when_enrolled")
    await log_in(visitor, "ask@example.com", "/select-authenticator")
    await pick(visitor, "/select-authenticator", "authenticator_id", "Security Question")
    page = await visitor.get("/verify/enter-code")
    assert "<h1>Answer your security question</h1>" in page.text
    assert "What is the food you least liked as a child?" in page.text and 'type="password"' in page.text

    wrong = await visitor.post("/verify/enter-code", {"answer": "broccoli"})
    assert wrong.status == 401 and error_texts(wrong)

    assert (await visitor.post("/verify/enter-code", {"answer": "brussels sprouts"})).location == "/"


async def test_set_up_later_skips_the_optional_ones(visitor: Visitor, mock_idx: MockIdx, tmp_path: Path) -> None:
    enrollment = {"okta_password": "required", "okta_email": "required", "phone_number": "optional"}
    put_org(mock_idx, tmp_path, {"later@example.com": {}}, enrollment, sign_on="one_factor")
    await log_in(visitor, "later@example.com", "/enroll/select-authenticator")
    await pick(visitor, "/enroll/select-authenticator", "authenticator_id", "Email")
    code = mock_idx.last_code("later@example.com", "email")
    assert (await visitor.post("/verify/enter-code", {"code": code})).location == "/enroll/select-authenticator"
    optional = await visitor.get("/enroll/select-authenticator")
    assert ">Set up later</button>" in optional.text

    assert (await visitor.post("/enroll/skip")).location == "/"


async def test_identifier_first_wrong_password_is_said_on_the_login_page(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    scenario = {
        "settings": {"authenticators": {"enrollment": required(), "sign_on": "one_factor", "identifier_first": True}},
        "users": [{"login": "first@example.com", "password": PASSWORD, "authenticators": {}}],
    }
    (tmp_path / "first.yaml").write_text(json.dumps(scenario), encoding="utf-8")
    mock_idx.load_scenario(tmp_path / "first.yaml")
    await visitor.get("/login")

    refused = await visitor.post("/login", {"username": "first@example.com", "password": "wrong"})

    assert refused.status == 401 and error_texts(refused) == ["Password is incorrect"]
    assert 'value="first@example.com"' in refused.text
    assert (await visitor.post("/login", {"username": "first@example.com", "password": PASSWORD})).location == "/"


async def enroll_poll(visitor: Visitor) -> dict[str, object]:
    response = await visitor.client.get("/okta-verify/enroll-poll", allow_redirects=False)
    assert response.status == 200 and response.content_type == "application/json"
    reply: dict[str, object] = await response.json()
    return reply
