"""The official Okta Sign-In Widget (7.x, Gen2 and Gen3), unmodified, in Chromium: "Forgot password?" by an emailed
code to a new password and a signed-in app, an expired password changed on the way in, and one about to expire
(the policy's maximum age nearly reached on the virtual clock) put off with "Remind me later" or changed there (the
widget's own views for ``identify-recovery``, ``reset-authenticator``, ``reenroll-authenticator`` and
``reenroll-authenticator-warning``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from e2e.compat.compat_support import COMPAT_SETTINGS
from e2e.compat.test_widget_authenticators import GENERATIONS, load_org, open_widget, signed_in
from e2e.compat.widget_driver import (
    choose_authenticator,
    code_emailed_to,
    email_code_instead,
    enter_passcode,
    sign_in_with_password,
    wait_for_view,
)
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(**COMPAT_SETTINGS)

NEW_PASSWORD = "Another-Horse-Battery-7"
EMAIL_ORG = {"okta_password": "required", "okta_email": "optional"}
DAY = 86_400
EXPIRING_POLICY = {"max_age_days": 90, "expire_warn_days": 10}
PASSWORD_AGE = 85 * DAY + 60  # five days short of the policy's 90, inside its 10 days of warning: 4 whole days left


async def new_password(page: Page, password: str, button: str) -> None:
    """The widget's new-password form: the password, typed again where the widget asks for it, then ``button``."""
    await page.locator('input[name="credentials.passcode"]').fill(password)
    confirm = page.locator('input[name="confirmPassword"]')
    if await confirm.count():
        await confirm.fill(password)
    await page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_forgot_password_by_emailed_code_then_signed_in(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    user = load_org(mock_idx, tmp_path, EMAIL_ORG, {"forgot@example.com": {"email": {}}}, sign_on="one_factor")[
        "forgot@example.com"
    ]
    page = await open_widget(pages, mock_idx, gen)
    await page.get_by_role("link", name="Forgot password?").click()
    await wait_for_view(page, "identify-recovery")
    await page.locator('input[name="identifier"]').fill(user.login)
    await page.get_by_role("button", name="Next").click()
    await wait_for_view(page, "select-authenticator-authenticate")
    await choose_authenticator(page, "Email")
    await wait_for_view(page, "challenge-authenticator")
    await email_code_instead(page)
    code = await code_emailed_to(await pages.new_page("mail"), mock_idx.inbox_url(user.login))
    assert code == mock_idx.reset_code(user.login)
    await enter_passcode(page, code)
    await wait_for_view(page, "reset-authenticator")
    await new_password(page, NEW_PASSWORD, "Reset Password")
    assert await signed_in(page, mock_idx, user) == ["email", "pwd", "mfa"]


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_an_expired_password_is_changed_then_signed_in(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    user = load_org(mock_idx, tmp_path, {"okta_password": "required"}, {"old@example.com": {}}, sign_on="one_factor")[
        "old@example.com"
    ]
    mock_idx.expire_password(user.login)
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, user)
    await wait_for_view(page, "reenroll-authenticator")
    await new_password(page, NEW_PASSWORD, "Change Password")
    assert await signed_in(page, mock_idx, user) == ["pwd"]
    assert mock_idx.user(user.login)["status"] == "ACTIVE"


async def warned_of_expiry(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> tuple[Page, MockUser]:
    """A user whose password, set when the org was loaded, is ``PASSWORD_AGE`` old on the virtual clock, signed in
    with it: the widget's expiry warning, which says how many whole days are left."""
    user = load_org(
        mock_idx,
        tmp_path,
        {"okta_password": "required"},
        {"ageing@example.com": {}},
        sign_on="one_factor",
        password_policy=EXPIRING_POLICY,
    )["ageing@example.com"]
    mock_idx.advance_clock(PASSWORD_AGE)
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, user)
    await wait_for_view(page, "reenroll-authenticator-warning")
    await expect(page.get_by_text("Your password will expire in 4 days", exact=True)).to_be_visible()
    return page, user


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_an_expiring_password_is_put_off_with_remind_me_later_then_signed_in(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    page, user = await warned_of_expiry(mock_idx, pages, gen, tmp_path)
    await (  # a link or a button, as the generation draws it: either posts the document's skip remediation
        page.get_by_role("link", name="Remind me later").or_(page.get_by_role("button", name="Remind me later")).click()
    )
    assert await signed_in(page, mock_idx, user) == ["pwd"]
    assert mock_idx.user(user.login)["status"] == "ACTIVE"


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_an_expiring_password_is_changed_from_the_warning_then_signed_in(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    page, user = await warned_of_expiry(mock_idx, pages, gen, tmp_path)
    await new_password(page, NEW_PASSWORD, "Change Password")
    assert await signed_in(page, mock_idx, user) == ["pwd"]
    again = await open_widget(pages, mock_idx, gen, context="again")
    await sign_in_with_password(again, replace(user, password=NEW_PASSWORD))
    assert await signed_in(again, mock_idx, user) == ["pwd"]  # straight in: the new password's 90 days just began
