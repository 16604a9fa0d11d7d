"""``--hosted-page widget`` in Chromium: an app redirects to ``/v1/authorize``, and the hosted page is the official
Okta Sign-In Widget, unmodified, bootstrapped as Okta's own hosted page bootstraps it (the org's URL and the
sign-in's ``stateToken``, no OAuth client). The widget walks the sign-in over IDX, follows the ``success-redirect`` to
``/login/token/redirect``, and the browser lands in the app with a code that buys tokens with the app's PKCE
verifier. Widget 7.x (this folder's install) and 6.x (widget6/, when installed) alike.

The app is e2e/hosted_app.py's (a callback on a port of its own, recording what it is sent); the phone is the
control API, or the device page in a browser of its own.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from e2e.compat.compat_support import COMPAT_SETTINGS
from e2e.compat.test_widget6 import WIDGET6_INSTALL_HINT, WIDGET6_PACKAGE
from e2e.compat.widget_driver import enter_code, sign_in_with_password, wait_for_view
from e2e.hosted_app import App, SignIn, authorize_url, expect_back_in_the_app, expect_tokens
from e2e.hosted_app import app as app  # its fixtures, shared
from e2e.hosted_app import phone as phone
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(**COMPAT_SETTINGS, hosted_page="widget")

WIDGET6_DIST: Path = WIDGET6_PACKAGE / "dist"
WIDGET6 = pytest.param(
    {"widget_dist": WIDGET6_DIST},
    id="widget6",
    marks=pytest.mark.skipif(
        not (WIDGET6_PACKAGE / "package.json").is_file() and not os.environ.get("CI"),
        reason=f"Okta Sign-In Widget 6.x not installed: run `{WIDGET6_INSTALL_HINT}`",
    ),
)
BOTH_WIDGETS = pytest.mark.parametrize("mock_idx", [pytest.param({}, id="widget7"), WIDGET6], indirect=True)
SUBMIT_THROTTLE_MS = 200
"""The widget's forms drop a submit within this long of the one before (courage's BaseForm throttles its save,
``trailing: false``): a test that submits again at once would see its second click ignored."""
ROWS = {"push": "Get a push notification", "totp": "Enter a code"}
"""Each Okta Verify method's row on the widget's method page, by its visible title (6.x has no per-row label)."""


@pytest.fixture
def refused_by_csp(page: Page) -> list[str]:
    """What the page's Content-Security-Policy refused while the test ran, as the console reports each: the policy
    must let the widget do everything it does."""
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    return refused


# -- steps a person takes in the widget -----------------------------------------------------------------------------


async def open_hosted_widget(page: Page, mock_idx: MockIdx, app: App) -> SignIn:
    """The app's redirect: ``/v1/authorize`` sends the browser to ``/signin``, where the widget shows its first form."""
    sign_in = authorize_url(mock_idx, app)
    await page.goto(sign_in.url)
    assert page.url.startswith(f"{mock_idx.url}/signin?stateToken=02")
    await wait_for_view(page, "identify")
    return sign_in


async def choose(page: Page, method: str) -> None:
    await page.locator(".authenticator-row", has_text=ROWS[method]).get_by_role("link", name="Select").click()
    await wait_for_view(page, "challenge-poll" if method == "push" else "challenge-authenticator")


def paths_called(mock_idx: MockIdx) -> list[str]:
    return [entry["path"] for entry in mock_idx.journal()]


def assert_walked_as_okta_hosted(mock_idx: MockIdx) -> None:
    """The widget resumed the server's sign-in (introspect with the stateToken) rather than starting one of its own,
    on the Identity Engine, and finished it through the org's redirect."""
    called = paths_called(mock_idx)
    assert "/idp/idx/introspect" in called and "/login/token/redirect" in called
    assert not [path for path in called if path.endswith("/v1/interact") or path.endswith("/v1/token")]
    assert not [path for path in called if path.startswith("/api/v1/authn")]  # never the Classic Engine


# -- the flows ------------------------------------------------------------------------------------------------------


@BOTH_WIDGETS
async def test_push_approved_over_the_control_api(
    mock_idx: MockIdx, app: App, page: Page, refused_by_csp: list[str]
) -> None:
    user = mock_idx.add_user()
    sign_in = await open_hosted_widget(page, mock_idx, app)
    await sign_in_with_password(page, user)
    await wait_for_view(page, "select-authenticator-authenticate")
    await choose(page, "push")
    mock_idx.wait_for_push(user.login)
    mock_idx.approve_push(user.login)

    await expect_back_in_the_app(page, app)
    assert_walked_as_okta_hosted(mock_idx)
    await expect_tokens(mock_idx, app, sign_in, user)
    assert refused_by_csp == []
    [sid] = [cookie for cookie in await page.context.cookies(mock_idx.url) if cookie["name"] == "sid"]
    assert sid["httpOnly"]

    again = authorize_url(mock_idx, app)  # the org's session, from the widget's sign-in, signs the app in again
    await page.goto(again.url)
    await expect_back_in_the_app(page, app)
    assert app.received[-1]["state"] == again.state and "code" in app.received[-1]


async def test_wrong_password_then_a_code_from_okta_verify(
    mock_idx: MockIdx, app: App, page: Page, refused_by_csp: list[str]
) -> None:
    user = mock_idx.add_user()
    sign_in = await open_hosted_widget(page, mock_idx, app)
    await sign_in_with_password(page, replace(user, password="not-" + user.password))
    # Okta's answer, errors.E0000004 "Authentication failed", in the widget's own words for that key
    await expect(page.get_by_role("alert").filter(has_text="Unable to sign in").first).to_be_visible()
    await page.wait_for_timeout(SUBMIT_THROTTLE_MS)  # a person takes longer to retype a password

    await page.locator('input[name="credentials.passcode"]').fill(user.password)
    await page.get_by_role("button", name="Sign in").click()
    await wait_for_view(page, "select-authenticator-authenticate")
    await choose(page, "totp")
    await enter_code(page, mock_idx.totp_code(user.login))

    await expect_back_in_the_app(page, app)
    assert_walked_as_okta_hosted(mock_idx)
    await expect_tokens(mock_idx, app, sign_in, user)
    assert refused_by_csp == []


async def test_back_to_sign_in_then_a_push_tapped_on_the_phone(
    mock_idx: MockIdx, app: App, page: Page, phone: Page, refused_by_csp: list[str]
) -> None:
    """The widget's "Back to sign in" cancels the sign-in; the server answers a fresh one for the same app (a new
    state handle, which the widget goes on with), and its redirect still returns the app's own state."""
    user = mock_idx.add_user()
    sign_in = await open_hosted_widget(page, mock_idx, app)
    await sign_in_with_password(page, user)
    await wait_for_view(page, "select-authenticator-authenticate")
    await page.get_by_role("link", name="Back to sign in").click()
    await page.wait_for_function("window.__widgetViews.filter(v => v.formName === 'identify').length === 2")

    await sign_in_with_password(page, user)
    await choose(page, "push")
    await phone.goto(mock_idx.device_url(user.login))
    await phone.get_by_role("button", name="Yes, it's me", exact=True).click()

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, sign_in, user)
    assert refused_by_csp == []
