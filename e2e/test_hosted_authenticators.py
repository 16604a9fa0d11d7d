"""mock-idx's own hosted sign-in page in Chromium with the authenticators beyond the password and Okta Verify's push:
setting up Okta Verify by its QR code (tapped on the phone, the mock's device page) and then a push with it, an email
code and the email's magic link, setting up a phone by SMS, and an identifier-first org. Each sign-in ends in the app
(:mod:`e2e.hosted_app`) with a code that buys tokens for the user. The same pages over plain HTTP, wrong inputs and
all, are tests/mock_idx/test_hosted_authenticators.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from e2e.hosted_app import App, SignIn, authorize_url, expect_back_in_the_app, expect_tokens
from e2e.hosted_app import app as app  # its fixtures, shared
from e2e.hosted_app import phone as phone
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(poll_refresh_ms=200)

PASSWORD = "correct-Horse-9"
PHONE = "+1 201-555-0123"


def put_org(mock_idx: MockIdx, folder: Path, login: str, enrollment: dict[str, str], **settings: Any) -> MockUser:
    """The org's authenticator policy, with one user who has a password and nothing else (or ``enrolled``)."""
    enrolled = settings.pop("enrolled", {})
    scenario = {
        "settings": {"authenticators": {"enrollment": {"okta_password": "required", **enrollment}, **settings}},
        "users": [{"login": login, "password": PASSWORD, "authenticators": enrolled}],
    }
    path = folder / "org.yaml"
    path.write_text(json.dumps(scenario), encoding="utf-8")  # JSON is YAML
    mock_idx.load_scenario(path)
    user = next(found for found in mock_idx.users() if found["login"] == login)
    return MockUser(login=login, password=PASSWORD, id=user["id"], profile=user["profile"], totp_secret=None, raw=user)


async def sign_in(page: Page, mock_idx: MockIdx, app: App, user: MockUser, **extra: str) -> SignIn:
    """From the app's redirect through the username and password."""
    request = authorize_url(mock_idx, app, login_hint=user.login, **extra)
    await page.goto(request.url)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()
    return request


async def test_okta_verify_set_up_by_qr_code_then_a_push(
    mock_idx: MockIdx, app: App, tmp_path: Path, page: Page, phone: Page
) -> None:
    user = put_org(mock_idx, tmp_path, "qr@example.com", {"okta_verify": "required"}, sign_on="okta_verify")
    request = await sign_in(page, mock_idx, app, user)
    await expect(page.get_by_role("heading", name="Set up security methods")).to_be_visible()
    await page.get_by_role("button", name=re.compile(r"^Okta Verify")).click()
    await expect(page.get_by_role("heading", name="Set up Okta Verify via QR code")).to_be_visible()
    await expect(page.get_by_role("img", name="QR code to set up Okta Verify")).to_be_visible()

    await phone.goto(mock_idx.device_url(user.login))
    await phone.locator("#activations").get_by_role("button", name="Add account").click()
    await expect(phone.get_by_role("status")).to_contain_text("Account added")

    await expect_back_in_the_app(page, app)  # the QR page's poll saw the phone's new account
    await expect_tokens(mock_idx, app, request, user)

    app.received.clear()
    request = await sign_in(page, mock_idx, app, user, prompt="login")  # the browser's session would skip the page
    await page.get_by_role("button", name="Get a push notification").click()
    await expect(page.get_by_text("Push notification sent")).to_be_visible()
    await phone.get_by_role("button", name="Yes, it's me", exact=True).click()
    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, request, user)


async def test_email_code_after_a_wrong_one(mock_idx: MockIdx, app: App, tmp_path: Path, page: Page) -> None:
    user = put_org(mock_idx, tmp_path, "mail@example.com", {"okta_email": "optional"}, enrolled={"email": {}})
    request = await sign_in(page, mock_idx, app, user)
    await page.get_by_role("button", name=re.compile(r"^Email")).click()
    await expect(page.get_by_role("heading", name="Verify with your email")).to_be_visible()

    code = mock_idx.last_code(user.login, "email")
    await page.get_by_label("Enter Code").fill("000000" if code != "000000" else "111111")
    await page.get_by_role("button", name="Verify", exact=True).click()
    await expect(page.get_by_role("alert")).to_have_text("Invalid code. Try again.")
    await page.get_by_label("Enter Code").fill(code)
    await page.get_by_role("button", name="Verify", exact=True).click()

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, request, user)


async def test_the_email_link_opened_in_another_tab_moves_the_sign_in_on(
    mock_idx: MockIdx, app: App, tmp_path: Path, page: Page
) -> None:
    user = put_org(mock_idx, tmp_path, "link@example.com", {"okta_email": "optional"}, enrolled={"email": {}})
    request = await sign_in(page, mock_idx, app, user)
    await page.get_by_role("button", name=re.compile(r"^Email")).click()
    await expect(page.get_by_role("heading", name="Verify with your email")).to_be_visible()

    link = mock_idx.messages(user.login, "email")[0]["link"]
    other_tab = await page.context.new_page()  # the same browser: it has the sign-in's cookie
    await other_tab.goto(link)
    await expect(other_tab.get_by_test_id("email-link-success")).to_be_visible()

    await expect_back_in_the_app(page, app)  # the waiting tab's poll saw the link opened
    await expect_tokens(mock_idx, app, request, user)


async def test_phone_set_up_by_sms(mock_idx: MockIdx, app: App, tmp_path: Path, page: Page, phone: Page) -> None:
    user = put_org(mock_idx, tmp_path, "sms@example.com", {"phone_number": "required"}, sign_on="one_factor")
    request = await sign_in(page, mock_idx, app, user)
    await page.get_by_role("button", name=re.compile(r"^Phone")).click()
    await expect(page.get_by_role("heading", name="Set up phone authentication")).to_be_visible()

    await page.get_by_label("Phone number").fill("12")
    await page.get_by_role("button", name="Receive a code via SMS").click()
    await expect(page.get_by_role("alert")).to_have_text("Unable to initiate factor enrollment: Invalid Phone Number.")
    await expect(page.get_by_label("Phone number")).to_have_value("12")
    await page.get_by_label("Phone number").fill(PHONE)
    await page.get_by_role("button", name="Receive a code via SMS").click()
    await expect(page.get_by_text("A code was sent to +1 XXX-XXX-0123.")).to_be_visible()

    await phone.goto(mock_idx.device_url(user.login))  # the code, read off the phone's SMS
    code = await phone.locator("#texts .code").first.inner_text()
    await page.get_by_label("Enter Code").fill(code)
    await page.get_by_role("button", name="Verify", exact=True).click()

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, request, user)
    stored = next(found for found in mock_idx.users() if found["login"] == user.login)
    assert stored["authenticators"]["phone"]["number"] == "+12015550123"


async def test_identifier_first(mock_idx: MockIdx, app: App, tmp_path: Path, page: Page) -> None:
    user = put_org(mock_idx, tmp_path, "first@example.com", {}, identifier_first=True, sign_on="one_factor")
    request = authorize_url(mock_idx, app)
    await page.goto(request.url)
    await expect(page.get_by_label("Password")).to_have_count(0)
    await page.get_by_label("Username").fill(user.login)
    await page.get_by_role("button", name="Next").click()

    await expect(page.get_by_role("heading", name="Verify with your password")).to_be_visible()
    await expect(page.get_by_text(user.login)).to_be_visible()
    await page.get_by_label("Password").fill("not-the-password")
    await page.get_by_role("button", name="Verify", exact=True).click()
    await expect(page.get_by_role("alert")).to_have_text("Password is incorrect")
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Verify", exact=True).click()

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, request, user)
