"""The official Okta Sign-In Widget 6.x (the newest 6.x, pinned in widget6/package-lock.json), unmodified, signs in
against mock_idx in Chromium.

6.x has no Gen3 bundle and runs the Identity Engine only with ``useInteractionCodeFlow: true``; mock_idx's
``/_mock/widget`` must recognise it from its files and start it that way, or the widget would post to the Classic
``/api/v1/authn``, which mock_idx does not serve. The widget's install is its own npm package dir (``widget6/``), so
the 7.x one the other widget tests use stays as it is. The phone is the control API: tests talk to the server over
HTTP only.
"""

from __future__ import annotations

import json
import os

import pytest
from playwright.async_api import Page

from e2e.artifacts import RecordedContexts
from e2e.compat.compat_support import COMPAT_DIR, COMPAT_SETTINGS
from e2e.compat.widget_driver import assert_tokens_for, sign_in_with_password, wait_for_view, widget_result
from mock_idx.pytest_plugin import MockIdx

WIDGET6_DIR = COMPAT_DIR / "widget6"
WIDGET6_PACKAGE = WIDGET6_DIR / "node_modules/@okta/okta-signin-widget"
WIDGET6_INSTALL_HINT = "npm ci --prefix e2e/compat/widget6"
WIDGET_CLIENT_ID = "mock-widget-client"
PUSH_ROW_TEXT = "Get a push notification"
"""6.x labels its authenticator rows visibly only; 7.x's per-row "Select to get a push notification..." accessible
name, which widget_driver.py picks by, came later."""

pytestmark = pytest.mark.mock_idx(**{**COMPAT_SETTINGS, "widget_dist": WIDGET6_PACKAGE / "dist"})


@pytest.fixture(scope="module", autouse=True)
def widget6_version() -> str:
    """The installed 6.x widget's version; skips (locally) or fails (CI) when it is not installed."""
    manifest = WIDGET6_PACKAGE / "package.json"
    if not manifest.is_file():
        reason = f"Okta Sign-In Widget 6.x not installed: run `{WIDGET6_INSTALL_HINT}`"
        if os.environ.get("CI"):
            pytest.fail(f"CI must install it first. {reason}", pytrace=False)
        pytest.skip(reason)
    version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    assert version.startswith("6."), f"{WIDGET6_DIR} must pin a 6.x widget, not {version}"
    return version


async def open_widget(pages: RecordedContexts, mock_idx: MockIdx) -> Page:
    page = await pages.new_page("browser")
    response = await page.goto(f"{mock_idx.url}/_mock/widget")
    assert response is not None and response.status == 200
    return page


async def choose_okta_verify_push(page: Page) -> None:
    """The "Select" button of the widget's "Get a push notification / Okta Verify" row, then its polling page."""
    await page.locator(".authenticator-row", has_text=PUSH_ROW_TEXT).get_by_role("link", name="Select").click()
    await wait_for_view(page, "challenge-poll")


def paths_called(mock_idx: MockIdx) -> list[str]:
    return [entry["path"] for entry in mock_idx.journal()]


async def test_widget_6_signs_in_with_password_and_an_okta_verify_push_approved_over_the_control_api(
    mock_idx: MockIdx, pages: RecordedContexts, widget6_version: str
) -> None:
    user = mock_idx.add_user()
    page = await open_widget(pages, mock_idx)
    assert await page.locator("#widget-name").inner_text() == f"Sign-In Widget {widget6_version}"
    await sign_in_with_password(page, user)
    await choose_okta_verify_push(page)
    mock_idx.wait_for_push(user.login)
    mock_idx.approve_push(user.login)
    assert_tokens_for(await widget_result(page), user=user, issuer=mock_idx.issuer, client_id=WIDGET_CLIENT_ID)
    called = paths_called(mock_idx)
    assert "/oauth2/default/v1/interact" in called and "/idp/idx/authenticators/poll" in called
    assert not [path for path in called if path.startswith("/api/v1/authn")]  # never the Classic Engine


async def test_widget_6_has_no_gen3_page(mock_idx: MockIdx, pages: RecordedContexts) -> None:
    page = await pages.new_page("browser")
    response = await page.goto(f"{mock_idx.url}/_mock/widget?gen=3")
    assert response is not None and response.status == 404
    await page.get_by_role("link", name="Gen2 page").click()
    await page.locator('input[name="identifier"]').wait_for()  # the 6.x widget, rendered from its own bundle
    assert page.url == f"{mock_idx.url}/_mock/widget?gen=2"
