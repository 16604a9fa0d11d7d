"""The official Okta Sign-In Widget, unmodified, in Chromium, drives every authenticator mock_idx offers to a signed-in
app with tokens: enrollment and verification, as a person would do them.

7.x runs each flow with its Gen2 bundle and its Gen3 one (as test_compat_widget.py does). Each test loads its own org
(a scenario: the authenticators the org has, what sign-on needs, its users) through the control API, so the widget
meets exactly the documents Okta would send for that policy. The person's other devices are mock_idx's own pages: the
phone (``/_mock/device/{login}``: "Add account" for an Okta Verify QR code, push taps, the texts it received) and the
email inbox (``/_mock/inbox/{login}``), each opened in a browser context of its own.

Widget 6.x (the newest 6.x, Gen2 only, see test_widget6.py) runs the email-code fallback and the SMS enrollment and
verification too: its IDX views for both exist since 5.x. 6.x has no per-row accessible names ("Select Email."), so
its list rows are picked by their visible text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pyotp
import pytest
import yaml
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from e2e.compat.compat_support import COMPAT_DIR, COMPAT_SETTINGS
from e2e.compat.widget_driver import (
    add_account_on_device,
    answer_security_question,
    assert_tokens_for,
    choose_authenticator,
    choose_okta_verify,
    code_emailed_to,
    code_texted_to,
    email_code_instead,
    enter_passcode,
    enter_password,
    google_authenticator_secret,
    identify,
    receive_sms_code,
    send_phone_number,
    set_up_authenticator,
    set_up_security_question,
    sign_in_with_password,
    tap_on_device,
    unlock_with,
    verify_with_something_else,
    wait_for_view,
    widget_result,
)
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(**COMPAT_SETTINGS)

GENERATIONS = (2, 3)
WIDGET_CLIENT_ID = "mock-widget-client"
PASSWORD = "Correct-Horse-Battery-9"
PHONE_TYPED = "2015550123"
"""What the person types after the widget's +1 (United States, its default country)."""
PHONE_E164 = "+12015550123"
QUESTION = "What is the name of your first stuffed animal?"
QUESTION_KEY = "name_of_first_plush_toy"
CLOCK_STEP = 120
"""Seconds the fake's clock is moved on before a Google Authenticator code is computed on it: four 30 s steps, so a
code from the test machine's own clock would not do, yet within okta-auth-js's 300 s clock skew for the tokens'
``iat``."""
WIDGET_START_MS = 30_000
"""How long the widget may take to start (download and run its bundle, then introspect): longer than a step's usual
10 s on a busy machine, where starting is by far the slowest part."""
WIDGET6_DIST = COMPAT_DIR / "widget6/node_modules/@okta/okta-signin-widget/dist"


def load_org(
    mock_idx: MockIdx,
    folder: Path,
    enrollment: dict[str, str],
    users: dict[str, dict[str, Any]],
    *,
    sign_on: str = "when_enrolled",
    identifier_first: bool = False,
    lockout: dict[str, Any] | None = None,
    password_policy: dict[str, Any] | None = None,
) -> dict[str, MockUser]:
    """The org of one test, as a scenario file an admin would write: its authenticators and their policy (and its
    lockout and password policies), and its users (by login: the authenticators each has enrolled already). The users
    come back to sign in as."""
    scenario = {
        "settings": {
            "authenticators": {
                "enrollment": enrollment,
                "sign_on": sign_on,
                "identifier_first": identifier_first,
            },
            "lockout": lockout or {},
            "password_policy": password_policy or {},
        },
        "users": [
            {"login": login, "password": PASSWORD, "authenticators": enrolled} for login, enrolled in users.items()
        ],
    }
    path = folder / "org.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    mock_idx.load_scenario(path)
    stored = {user["login"]: user for user in mock_idx.users()}
    return {
        login: MockUser(
            login=login, password=PASSWORD, id=stored[login]["id"], profile=stored[login]["profile"], totp_secret=None
        )
        for login in users
    }


def enrolled(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    """The user's authenticators as the server keeps them now."""
    [user] = [user for user in mock_idx.users() if user["login"] == login]
    authenticators: dict[str, Any] = user["authenticators"]
    return authenticators


def server_time(mock_idx: MockIdx) -> float:
    """Now on the fake's (virtual) clock, which moving it on by nothing reads."""
    return datetime.fromisoformat(mock_idx.advance_clock(0)["now"]).timestamp()


async def open_widget(pages: RecordedContexts, mock_idx: MockIdx, gen: int, context: str = "browser") -> Page:
    page = await pages.new_page(context)
    response = await page.goto(f"{mock_idx.url}/_mock/widget?gen={gen}", timeout=WIDGET_START_MS)
    assert response is not None and response.status == 200
    await page.locator('input[name="identifier"]').wait_for(timeout=WIDGET_START_MS)
    return page


async def signed_in(page: Page, mock_idx: MockIdx, user: MockUser) -> list[str]:
    """The widget resolved with tokens for ``user`` and reported no error on the way (a document it could not take
    shows as one): the ``amr`` of the ID token, which says what the sign-in verified."""
    result = await widget_result(page)
    assert_tokens_for(result, user=user, issuer=mock_idx.issuer, client_id=WIDGET_CLIENT_ID)
    assert await page.evaluate("window.__widgetErrors") == []
    amr: list[str] = result["idToken"]["claims"]["amr"]
    return amr


# --- 1. Okta Verify: enrolled by QR code, then a push --------------------------------------------------------------


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_okta_verify_enrolled_by_its_qr_code_then_a_push_approved_on_the_phone_signs_in(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    enrollment = {"okta_password": "required", "okta_verify": "required"}
    user = load_org(mock_idx, tmp_path, enrollment, {"new@example.com": {}}, sign_on="okta_verify")["new@example.com"]
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, user)
    await set_up_authenticator(page, "Okta Verify")
    await wait_for_view(page, "enroll-poll")
    qr_code = page.locator('img[src^="data:image/png;base64,"]')
    await expect(qr_code).to_be_visible()
    phone = await pages.new_page("phone")
    await add_account_on_device(phone, mock_idx.device_url(user.login))  # as scanning the QR code does
    await signed_in(page, mock_idx, user)
    assert "okta_verify" in enrolled(mock_idx, user.login)

    again = await open_widget(pages, mock_idx, gen, "browser-later")
    await sign_in_with_password(again, user)
    await choose_okta_verify(again, "push")
    await tap_on_device(phone, mock_idx.device_url(user.login), "approve")
    assert await signed_in(again, mock_idx, user) == ["pwd", "swk", "mfa"]


# --- 2. Email: the fallback from Okta Verify -----------------------------------------------------------------------


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_email_code_from_the_inbox_after_verify_with_something_else_signs_in(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    enrollment = {"okta_password": "required", "okta_verify": "optional", "okta_email": "optional"}
    users: dict[str, dict[str, Any]] = {"mail@example.com": {"okta_verify": {}, "email": {}}}
    user = load_org(mock_idx, tmp_path, enrollment, users)["mail@example.com"]
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, user)
    await choose_okta_verify(page, "push")  # no phone at hand: the push is never answered
    await verify_with_something_else(page)
    await choose_authenticator(page, "Email")
    await wait_for_view(page, "challenge-authenticator")
    await email_code_instead(page)
    code = await code_emailed_to(await pages.new_page("mail"), mock_idx.inbox_url(user.login))
    assert code == mock_idx.last_code(user.login, "email")
    await enter_passcode(page, code)
    assert await signed_in(page, mock_idx, user) == ["pwd", "email", "mfa"]


# --- 3. Phone: SMS enrollment, then a sign-in verified by SMS ------------------------------------------------------


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_sms_enrollment_with_a_typed_number_then_a_sign_in_verified_by_sms(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    enrollment = {"okta_password": "required", "phone_number": "required"}
    user = load_org(mock_idx, tmp_path, enrollment, {"sms@example.com": {}})["sms@example.com"]
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, user)
    await set_up_authenticator(page, "Phone")
    await wait_for_view(page, "authenticator-enrollment-data")
    await send_phone_number(page, PHONE_TYPED)
    phone = await pages.new_page("phone")
    await enter_passcode(page, await code_texted_to(phone, mock_idx.device_url(user.login)))
    assert await signed_in(page, mock_idx, user) == ["pwd", "sms", "mfa"]
    assert enrolled(mock_idx, user.login)["phone"]["number"] == PHONE_E164

    again = await open_widget(pages, mock_idx, gen, "browser-later")
    await sign_in_with_password(again, user)
    await choose_authenticator(again, "Phone")
    await wait_for_view(again, "authenticator-verification-data")
    await receive_sms_code(again)
    sign_in_text, _enrollment_text = mock_idx.messages(user.login, "sms")
    assert sign_in_text["to"] == PHONE_E164
    await enter_passcode(again, await code_texted_to(phone, mock_idx.device_url(user.login)))
    assert await signed_in(again, mock_idx, user) == ["pwd", "sms", "mfa"]


# --- 4. Google Authenticator ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_google_authenticator_enrolled_with_the_secret_on_the_page_and_a_code_on_the_servers_clock(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    enrollment = {"okta_password": "required", "google_otp": "required"}
    user = load_org(mock_idx, tmp_path, enrollment, {"ga@example.com": {}})["ga@example.com"]
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, user)
    await set_up_authenticator(page, "Google Authenticator")
    await wait_for_view(page, "enroll-authenticator")
    secret = await google_authenticator_secret(page)
    mock_idx.advance_clock(CLOCK_STEP)
    await enter_passcode(page, pyotp.TOTP(secret).at(server_time(mock_idx)))
    assert await signed_in(page, mock_idx, user) == ["pwd", "otp", "mfa"]
    assert enrolled(mock_idx, user.login)["google_authenticator"]["secret"] == secret


# --- 5. Security question ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_security_question_chosen_and_answered_then_answered_again_to_sign_in(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    enrollment = {"okta_password": "required", "security_question": "required"}
    user = load_org(mock_idx, tmp_path, enrollment, {"kba@example.com": {}})["kba@example.com"]
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, user)
    await set_up_authenticator(page, "Security Question")
    await wait_for_view(page, "enroll-authenticator")
    await set_up_security_question(page, QUESTION, "Mister Bear")
    await signed_in(page, mock_idx, user)
    assert enrolled(mock_idx, user.login)["security_question"]["question_key"] == QUESTION_KEY

    again = await open_widget(pages, mock_idx, gen, "browser-later")
    await sign_in_with_password(again, user)
    await choose_authenticator(again, "Security Question")
    await wait_for_view(again, "challenge-authenticator")
    await expect(again.locator("#okta-sign-in")).to_contain_text(QUESTION)
    await answer_security_question(again, "  mister BEAR ")
    assert await signed_in(again, mock_idx, user) == ["pwd", "kba", "mfa"]


# --- 6. Identifier first -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_identifier_first_asks_the_username_then_the_password_on_its_own_page(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    users = load_org(
        mock_idx,
        tmp_path,
        {"okta_password": "required"},
        {"first@example.com": {}},
        sign_on="one_factor",
        identifier_first=True,
    )
    user = users["first@example.com"]
    page = await open_widget(pages, mock_idx, gen)
    await expect(page.locator('input[name="identifier"]')).to_be_visible()
    assert await page.locator('input[name="credentials.passcode"]').count() == 0
    await identify(page, user.login)
    await enter_password(page, PASSWORD)
    assert await signed_in(page, mock_idx, user) == ["pwd"]


# --- 7. Locked out by a wrong password, then "Unlock account?" by email --------------------------------------------


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_a_wrong_password_locks_the_account_and_unlock_account_by_email_code_lets_the_user_in_again(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    enrollment = {"okta_password": "required", "okta_email": "optional", "phone_number": "optional"}
    lockout = {"max_attempts": 1, "self_service_unlock": ["email", "sms"]}
    users: dict[str, dict[str, Any]] = {"locked@example.com": {"email": {}, "phone": {"number": PHONE_E164}}}
    user = load_org(mock_idx, tmp_path, enrollment, users, sign_on="one_factor", lockout=lockout)["locked@example.com"]
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, replace(user, password="Wrong-Horse-Battery-9"))
    await expect(page.get_by_text("Unable to sign in")).to_be_visible()  # errors.E0000004 in the widget's words
    assert mock_idx.user(user.login)["status"] == "LOCKED_OUT"

    await page.get_by_role("link", name="Unlock account?").click()
    await wait_for_view(page, "select-authenticator-unlock-account")
    await unlock_with(page, user.login, "Email")
    await wait_for_view(page, "challenge-authenticator")
    await email_code_instead(page)
    await enter_passcode(page, mock_idx.last_code(user.login, "email"))
    await expect(page.get_by_text("Account successfully unlocked!")).to_be_visible()
    assert mock_idx.user(user.login)["status"] == "ACTIVE"

    again = await open_widget(pages, mock_idx, gen, "browser-later")
    await sign_in_with_password(again, user)
    assert await signed_in(again, mock_idx, user) == ["pwd"]


# --- widget 6.x ----------------------------------------------------------------------------------------------------

WIDGET6 = pytest.mark.mock_idx(widget_dist=WIDGET6_DIST)


@pytest.fixture
def widget6_installed() -> None:
    if not (WIDGET6_DIST.parent / "package.json").is_file():
        pytest.skip("Okta Sign-In Widget 6.x not installed: run `npm ci --prefix e2e/compat/widget6`")


async def pick_row(page: Page, text: str) -> None:
    """6.x's authenticator lists: the "Select" (or "Set up") link of the row showing ``text``."""
    row = page.locator(".authenticator-row", has_text=text)
    await row.get_by_role("link", name=re.compile("^(Select|Set up)$")).click()


@WIDGET6
async def test_widget_6_email_code_after_verify_with_something_else(
    mock_idx: MockIdx, pages: RecordedContexts, tmp_path: Path, widget6_installed: None
) -> None:
    enrollment = {"okta_password": "required", "okta_verify": "optional", "okta_email": "optional"}
    users: dict[str, dict[str, Any]] = {"mail6@example.com": {"okta_verify": {}, "email": {}}}
    user = load_org(mock_idx, tmp_path, enrollment, users)["mail6@example.com"]
    page = await open_widget(pages, mock_idx, 2)
    await sign_in_with_password(page, user)
    await pick_row(page, "Get a push notification")
    await wait_for_view(page, "challenge-poll")
    await verify_with_something_else(page)
    await pick_row(page, "Email")
    await wait_for_view(page, "challenge-authenticator")
    await email_code_instead(page)
    await enter_passcode(page, await code_emailed_to(await pages.new_page("mail"), mock_idx.inbox_url(user.login)))
    await signed_in(page, mock_idx, user)


@WIDGET6
async def test_widget_6_sms_enrollment_then_a_sign_in_verified_by_sms(
    mock_idx: MockIdx, pages: RecordedContexts, tmp_path: Path, widget6_installed: None
) -> None:
    enrollment = {"okta_password": "required", "phone_number": "required"}
    user = load_org(mock_idx, tmp_path, enrollment, {"sms6@example.com": {}})["sms6@example.com"]
    page = await open_widget(pages, mock_idx, 2)
    await sign_in_with_password(page, user)
    await pick_row(page, "Phone")
    await wait_for_view(page, "authenticator-enrollment-data")
    await send_phone_number(page, PHONE_TYPED)
    phone = await pages.new_page("phone")
    await enter_passcode(page, await code_texted_to(phone, mock_idx.device_url(user.login)))
    await signed_in(page, mock_idx, user)

    again = await open_widget(pages, mock_idx, 2, "browser-later")
    await sign_in_with_password(again, user)
    await pick_row(again, "Phone")
    await wait_for_view(again, "authenticator-verification-data")
    await receive_sms_code(again)
    await enter_passcode(again, await code_texted_to(phone, mock_idx.device_url(user.login)))
    await signed_in(again, mock_idx, user)
