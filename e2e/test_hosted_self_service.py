"""mock-idx's own hosted sign-in page in Chromium for the rest of a user's life: "Forgot password?" by email code, an
expired password changed, "Unlock account?" after a lockout, and "Sign up". Each ends in the app (:mod:`e2e.hosted_app`)
with a code that buys tokens for the user. The same pages over plain HTTP, refusals and all, are
tests/mock_idx/test_hosted_self_service.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from e2e.hosted_app import App, authorize_url, expect_back_in_the_app, expect_tokens
from e2e.hosted_app import app as app  # its fixtures, shared
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(poll_refresh_ms=200)

PASSWORD = "correct-Horse-9"
NEW_PASSWORD = "Brand-new-Passw0rd"
LOGIN = "someone@example.com"
ENROLLMENT = {"okta_password": "required", "okta_email": "optional"}
"""Email in the org: what recovery (and unlock) verify with."""


def put_org(mock_idx: MockIdx, folder: Path, **settings: Any) -> MockUser:
    """:data:`LOGIN` with a password and email, signing in with the password alone, in an org with ``settings``."""
    scenario = {
        "settings": {"authenticators": {"sign_on": "one_factor", "enrollment": ENROLLMENT}, **settings},
        "users": [{"login": LOGIN, "password": PASSWORD, "authenticators": {"email": {}}}],
    }
    path = folder / "org.yaml"
    path.write_text(json.dumps(scenario), encoding="utf-8")  # JSON is YAML
    mock_idx.load_scenario(path)
    return mock_user(mock_idx, LOGIN, PASSWORD)


def mock_user(mock_idx: MockIdx, login: str, password: str) -> MockUser:
    found = mock_idx.user(login)
    return MockUser(
        login=login, password=password, id=found["id"], profile=found["profile"], totp_secret=None, raw=found
    )


async def type_code(page: Page, code: str) -> None:
    await page.get_by_label("Enter Code").fill(code)
    await page.get_by_role("button", name="Verify", exact=True).click()


async def test_forgot_password_by_email_code_then_signed_in(
    mock_idx: MockIdx, app: App, tmp_path: Path, page: Page
) -> None:
    user = put_org(mock_idx, tmp_path)
    request = authorize_url(mock_idx, app)
    await page.goto(request.url)
    await page.get_by_role("button", name="Forgot password?").click()
    await expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    await page.get_by_label("Username").fill(user.login)
    await page.get_by_role("button", name="Next").click()
    await page.get_by_role("button", name=re.compile(r"^Email")).click()
    await type_code(page, mock_idx.last_code(user.login, "email"))

    await expect(page.get_by_text("At least 8 characters")).to_be_visible()
    await page.get_by_label("New password").fill("short")
    await page.get_by_role("button", name="Reset Password").click()
    await expect(page.get_by_role("alert")).to_contain_text("Password requirements were not met.")
    await page.get_by_label("New password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Reset Password").click()

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, request, user)


async def test_an_expired_password_is_changed_on_the_way_to_the_app(
    mock_idx: MockIdx, app: App, tmp_path: Path, page: Page
) -> None:
    user = put_org(mock_idx, tmp_path)
    mock_idx.expire_password(user.login)
    request = authorize_url(mock_idx, app, login_hint=user.login)
    await page.goto(request.url)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Your password has expired")).to_be_visible()
    await page.get_by_label("New password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Change Password").click()

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, request, user)


async def test_unlock_account_by_email_code_then_sign_in(
    mock_idx: MockIdx, app: App, tmp_path: Path, page: Page
) -> None:
    lockout = {"max_attempts": 1, "self_service_unlock": ["email"], "show_lockout_failures": True}
    user = put_org(mock_idx, tmp_path, lockout=lockout)
    request = authorize_url(mock_idx, app, login_hint=user.login)
    await page.goto(request.url)
    await page.get_by_label("Password").fill("not-the-password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_have_text(
        "Your account is locked because of too many authentication attempts."
    )
    await page.get_by_role("button", name="Unlock account?").click()
    await page.get_by_label("Username").fill(user.login)
    await page.get_by_role("button", name="Send Email").click()
    await type_code(page, mock_idx.last_code(user.login, "email"))
    await expect(page.get_by_role("alert")).to_have_text("Your account is now unlocked!")
    await page.get_by_role("button", name="Back to sign in").click()

    await page.get_by_label("Username").fill(user.login)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()
    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, request, user)


async def test_sign_up_then_set_a_password_then_the_app(
    mock_idx: MockIdx, app: App, tmp_path: Path, page: Page
) -> None:
    put_org(mock_idx, tmp_path, registration={"enabled": True})
    request = authorize_url(mock_idx, app)
    await page.goto(request.url)
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.get_by_role("heading", name="Sign up")).to_be_visible()
    await page.get_by_label("First name").fill("Nina")
    await page.get_by_label("Last name").fill("Newcomer")
    await page.get_by_label("Email").fill(LOGIN)
    await page.get_by_role("button", name="Sign Up").click()
    await expect(page.get_by_role("alert")).to_have_text("A user with this Email already exists")

    await page.get_by_label("Email").fill("newcomer@example.com")
    await page.get_by_role("button", name="Sign Up").click()
    await page.get_by_role("button", name=re.compile(r"^Password")).click()
    await page.get_by_label("Enter password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Verify", exact=True).click()
    await expect(page.get_by_role("heading", name="Set up security methods")).to_be_visible()
    await page.get_by_role("button", name="Continue").click()  # email is optional

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, request, mock_user(mock_idx, "newcomer@example.com", NEW_PASSWORD))
