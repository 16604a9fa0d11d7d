"""The official Okta Sign-In Widget, unmodified, in Chromium (7.x, its Gen2 and Gen3 bundles): a suspended user is
refused with Okta's message for a username and password it cannot sign in ("Unable to sign in", the widget's words
for ``errors.E0000004``), and a new user activates their account from the activation token (the widget's
``authParams.activationToken``, sent to ``/v1/interact``) by setting a password, then is signed in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from e2e.compat.compat_support import COMPAT_SETTINGS
from e2e.compat.widget_driver import (
    assert_tokens_for,
    set_up_authenticator,
    sign_in_with_password,
    wait_for_view,
    widget_result,
)
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(**COMPAT_SETTINGS)

GENERATIONS = (2, 3)
WIDGET_CLIENT_ID = "mock-widget-client"
PASSWORD = "Correct-Horse-Battery-9"
NEW_PASSWORD = "Fresh-Staple-Battery-42"
WIDGET_START_MS = 30_000
"""How long the widget may take to start (download and run its bundle, then introspect) on a busy machine."""
UNABLE_TO_SIGN_IN = re.compile("Unable to sign in")


def load_users(mock_idx: MockIdx, folder: Path, users: list[dict[str, object]]) -> None:
    scenario = {"settings": {"authenticators": {"enrollment": {"okta_password": "required"}}}, "users": users}
    path = folder / "org.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    mock_idx.load_scenario(path)


async def open_widget(pages: RecordedContexts, url: str) -> Page:
    page = await pages.new_page("browser")
    response = await page.goto(url, timeout=WIDGET_START_MS)
    assert response is not None and response.status == 200
    return page


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_a_suspended_user_is_refused_with_okta_s_message(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    login = "suspended@example.com"
    load_users(mock_idx, tmp_path, [{"login": login, "password": PASSWORD, "authenticators": {}}])
    mock_idx.suspend(login)
    page = await open_widget(pages, f"{mock_idx.url}/_mock/widget?gen={gen}")
    await page.locator('input[name="identifier"]').wait_for(timeout=WIDGET_START_MS)
    user = MockUser(login=login, password=PASSWORD, id="", profile={}, totp_secret=None)
    await sign_in_with_password(page, user)
    await expect(page.get_by_text(UNABLE_TO_SIGN_IN).first).to_be_visible()
    assert await page.evaluate("window.__widgetResult") is None  # still on the sign-in form, no tokens
    await expect(page.locator('input[name="identifier"]')).to_be_visible()


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_the_activation_token_has_the_new_user_set_a_password_and_signs_them_in(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    login = "new.hire@example.com"
    load_users(mock_idx, tmp_path, [{"login": login, "password": None, "status": "STAGED", "authenticators": {}}])
    token = mock_idx.activate(login, send_email=False)["activationToken"]
    page = await open_widget(pages, f"{mock_idx.url}/_mock/widget?gen={gen}&activation_token={token}")
    await set_up_authenticator(page, "Password")  # "Set up security methods": the password, required now
    await wait_for_view(page, "enroll-authenticator")
    await page.locator('input[name="credentials.passcode"]').fill(NEW_PASSWORD)
    await page.locator('input[name="confirmPassword"]').fill(NEW_PASSWORD)
    await page.get_by_role("button", name=re.compile("^Next$|^Set password$|^Save$")).click()
    result = await widget_result(page)
    stored = mock_idx.user(login)
    user = MockUser(login=login, password=NEW_PASSWORD, id=stored["id"], profile=stored["profile"], totp_secret=None)
    assert_tokens_for(result, user=user, issuer=mock_idx.issuer, client_id=WIDGET_CLIENT_ID)
    assert stored["status"] == "ACTIVE"
