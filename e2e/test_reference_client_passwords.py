"""The reference client's password pages in a real browser: "Forgot password?" by a code emailed to the person (read
from mock_idx's fake inbox through the plugin), a wrong code and a weak password each answered with Okta's message on
the same form; and an expired password changed right after signing in.

Each test ends on the page the person would see and on what mock_idx recorded for the user in its journal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from e2e.test_reference_client_authenticators import (
    ANSWER,
    PASSWORD,
    TOKEN,
    enter_code,
    expect_journal,
    expect_signed_in,
    put_org,
    submit_password,
)
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(poll_refresh_ms=200)

NEW_PASSWORD = "Brand-new-Passw0rd"
EMAIL_OPTIONAL = {"okta_password": "required", "okta_email": "optional"}


async def test_forgot_password_by_a_code_from_the_inbox(
    mock_idx: MockIdx, app_url: str, tmp_path: Path, page: Page
) -> None:
    login = "forgot@example.com"
    put_org(mock_idx, tmp_path, login, {"email": {}}, EMAIL_OPTIONAL, "one_factor")
    await page.goto(f"{app_url}/login")
    await page.get_by_role("link", name="Forgot password?").click()
    await expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    await page.get_by_label("Username").fill(login)
    await page.get_by_role("button", name="Next").click()

    await expect(page.get_by_role("heading", name="Enter a code")).to_be_visible()
    code = mock_idx.reset_code(login)
    await enter_code(page, f"{(int(code) + 1) % 1_000_000:06d}")
    await expect(page.get_by_role("alert")).to_have_text("Invalid code. Try again.")
    await enter_code(page, code)

    await expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    await expect(page.locator("#password-requirements")).to_contain_text("At least 8 characters")
    await set_new_password(page, "short", "Reset Password")
    await expect(page.locator("#new-password-errors")).to_have_text(
        "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, "
        "an uppercase letter, a number, no parts of your username."
    )
    await set_new_password(page, NEW_PASSWORD, "Reset Password")

    await expect_signed_in(page)
    expect_journal(
        mock_idx,
        login,
        [("POST", ANSWER, 401), ("POST", ANSWER, 200), ("POST", ANSWER, 400), ("POST", ANSWER, 200), TOKEN],
    )


async def test_an_expired_password_is_changed_after_signing_in(
    mock_idx: MockIdx, app_url: str, tmp_path: Path, page: Page
) -> None:
    login = "expired@example.com"
    put_org(mock_idx, tmp_path, login, {}, {"okta_password": "required"}, "one_factor")
    mock_idx.expire_password(login)
    await submit_password(page, app_url, login)

    await expect(page.get_by_role("heading", name="Your password has expired")).to_be_visible()
    await set_new_password(page, PASSWORD, "Change Password", again="Not-the-same-1")
    await expect(page.get_by_role("alert")).to_have_text("New passwords must match")
    await set_new_password(page, NEW_PASSWORD, "Change Password")

    await expect_signed_in(page)
    assert mock_idx.user(login)["status"] == "ACTIVE"
    expect_journal(mock_idx, login, [("POST", ANSWER, 200), TOKEN])


async def set_new_password(page: Page, password: str, button: str, again: str | None = None) -> None:
    await page.get_by_label("New password").fill(password)
    await page.get_by_label("Re-enter password").fill(password if again is None else again)
    await page.get_by_role("button", name=button).click()
