"""The official Okta Sign-In Widget 7, unmodified, in Chromium (its Gen2 and its Gen3 bundle), signs a new user up
through mock_idx to the app: "Sign up" on the identify page, the sign-up form (a refusal of Okta's shown on its
field), the email verified with the code from the fake inbox, a password set, and tokens for the new user.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from e2e.compat.compat_support import COMPAT_SETTINGS
from e2e.compat.test_widget_authenticators import GENERATIONS, WIDGET_CLIENT_ID, open_widget
from e2e.compat.widget_driver import (
    assert_tokens_for,
    code_emailed_to,
    enter_passcode,
    set_up_authenticator,
    submit,
    submit_again,
    wait_for_view,
    widget_result,
)
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(**COMPAT_SETTINGS)

PASSWORD = "Correct-Horse-Battery-9"
TAKEN = "taken@example.com"
TAKEN_TEXT = "A user with this Email already exists"


def sign_up_org(mock_idx: MockIdx, folder: Path) -> None:
    """An org that lets people sign up with Okta's default form, who then verify their email and set a password."""
    scenario = {
        "settings": {
            "authenticators": {
                "enrollment": {"okta_password": "required", "okta_email": "required"},
                "sign_on": "one_factor",
            },
            "registration": {"enabled": True, "groups": ["Newcomers"]},
        },
        "users": [{"login": TAKEN, "password": PASSWORD}],
    }
    path = folder / "org.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    mock_idx.load_scenario(path)


async def fill_profile(page: Page, first: str, last: str, email: str, submitted_once: bool = False) -> None:
    """The sign-up form filled and sent (``submitted_once``: again, after the widget showed a refusal on it)."""
    await page.locator('input[name="userProfile.firstName"]').fill(first)
    await page.locator('input[name="userProfile.lastName"]').fill(last)
    await page.locator('input[name="userProfile.email"]').fill(email)
    if submitted_once:
        await submit_again(page, "Sign Up", "/idp/idx/enroll/new")
    else:
        await submit(page, "Sign Up")


async def set_password(page: Page, password: str) -> None:
    await page.locator('input[name="credentials.passcode"]').fill(password)
    await page.locator('input[name="confirmPassword"]').fill(password)
    await submit(page, "Next")


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_a_newcomer_signs_up_verifies_the_email_sets_a_password_and_reaches_the_app(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    sign_up_org(mock_idx, tmp_path)
    login = f"newcomer{gen}@example.com"
    page = await open_widget(pages, mock_idx, gen)
    await page.get_by_role("link", name="Sign up").click()
    await wait_for_view(page, "enroll-profile")
    await fill_profile(page, "Nina", "Newcomer", TAKEN)
    await expect(page.get_by_text(TAKEN_TEXT)).to_be_visible()
    await fill_profile(page, "Nina", "Newcomer", login, submitted_once=True)
    await wait_for_view(page, "select-authenticator-enroll")
    assert mock_idx.user(login)["status"] == "STAGED"
    await set_up_authenticator(page, "Email")
    await wait_for_view(page, "enroll-authenticator")
    await enter_passcode(page, await code_emailed_to(await pages.new_page("mail"), mock_idx.inbox_url(login)))
    await set_up_authenticator(page, "Password")
    await set_password(page, PASSWORD)
    newcomer = MockUser(login=login, password=PASSWORD, id=mock_idx.user(login)["id"], profile={}, totp_secret=None)
    result = await widget_result(page)
    assert_tokens_for(result, user=newcomer, issuer=mock_idx.issuer, client_id=WIDGET_CLIENT_ID)
    assert result["idToken"]["claims"]["amr"] == ["email", "pwd", "mfa"]
    errors = await page.evaluate("window.__widgetErrors")
    assert [error["formName"] for error in errors] == ["enroll-profile"], "the one refusal: the address taken"
    stored = mock_idx.user(login)
    assert (stored["status"], stored["groups"], stored["profile"]["firstName"]) == ("ACTIVE", ["Newcomers"], "Nina")
