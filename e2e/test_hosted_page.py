"""The built-in hosted sign-in page in Chromium, the way an app that redirects to Okta uses it, with the phone in a
second browser: the mock's device page, where pushes are tapped.

The app is a tiny aiohttp server on a port of its own: ``/v1/authorize`` sends the browser to the hosted page, the
person signs in there, and the app's callback records what it was sent back (``code`` and ``state``), then redeems
the code at ``/v1/token`` with its PKCE verifier, as a real app's back end would. Each test ends on the app's page and
on tokens whose id_token verifies against the server's keys.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from e2e.hosted_app import APP_LABEL, App, SignIn, authorize_url, expect_back_in_the_app, expect_tokens, open_phone
from e2e.hosted_app import app as app  # its fixtures, shared
from e2e.hosted_app import phone as phone
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

PUSH_LIFETIME_S = 60
"""Short enough that advancing the clock past it expires the push but not the whole sign-in."""
pytestmark = pytest.mark.mock_idx(poll_refresh_ms=200, push_lifetime=PUSH_LIFETIME_S)


# -- the flows ------------------------------------------------------------------------------------------------------


async def test_push_approved_on_the_phone(mock_idx: MockIdx, app: App, page: Page, phone: Page) -> None:
    """Also measures (prints, never asserts) a hosted push sign-in as a person lives it: the app's redirect, the
    password, the push, the tap on the phone, back in the app."""
    user = mock_idx.add_user()
    await open_phone(phone, mock_idx, user)  # the phone is in the person's hand before they start
    started = time.perf_counter()
    sign_in = await start_push(page, mock_idx, app, user)
    assert page.url.startswith(f"{mock_idx.url}/signin?stateToken=")
    await expect(page.get_by_text("Respond on your mobile device to continue.")).to_be_visible()
    push_sent = time.perf_counter()
    await expect(phone.get_by_role("button", name="Yes, it's me", exact=True)).to_be_visible()
    push_shown = time.perf_counter()

    await phone.get_by_role("button", name="Yes, it's me", exact=True).click()
    await expect_back_in_the_app(page, app)
    done = time.perf_counter()
    print(
        f"\nhosted push sign-in in Chromium, tap included: {(done - started) * 1000:.0f} ms from the app's redirect "
        f"to its callback ({(push_sent - started) * 1000:.0f} ms to the push sent page, "
        f"{(push_shown - push_sent) * 1000:.0f} ms more until the phone page shows it, "
        f"{(done - push_shown) * 1000:.0f} ms from the tap back to the app; the page polls every 200 ms)"
    )
    await expect(phone.get_by_text("No sign-in is waiting.")).to_be_visible()
    await expect_tokens(mock_idx, app, sign_in, user)


async def test_push_denied_then_resent(mock_idx: MockIdx, app: App, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    sign_in = await start_push(page, mock_idx, app, user)
    await open_phone(phone, mock_idx, user)

    await tap(phone, "No, it's not me", "Denied.")
    await expect(page.get_by_role("alert")).to_have_text("You have chosen to reject this login.")

    await page.get_by_role("button", name="Resend push notification").click()
    await expect(page.get_by_text("Push notification sent")).to_be_visible()
    await tap(phone, "Yes, it's me", "Approved.")  # the phone shows the new push by itself

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, sign_in, user)


async def test_push_expires_through_the_clock_then_resent(mock_idx: MockIdx, app: App, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    sign_in = await start_push(page, mock_idx, app, user)
    await open_phone(phone, mock_idx, user)
    await expect(phone.get_by_role("button", name="Yes, it's me")).to_be_visible()

    mock_idx.advance_clock(PUSH_LIFETIME_S + 1)

    await expect(page.get_by_role("alert")).to_have_text("Your push notification has expired.")
    await expect(phone.get_by_text("No sign-in is waiting.")).to_be_visible()
    await page.get_by_role("button", name="Resend push notification").click()
    await tap(phone, "Yes, it's me", "Approved.")

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, sign_in, user)


async def test_terminal_timeout_through_the_clock(mock_idx: MockIdx, app: App, page: Page, phone: Page) -> None:
    user = mock_idx.add_user(push={"outcome": "manual", "when_expired": "terminal"})
    await start_push(page, mock_idx, app, user)

    mock_idx.advance_clock(PUSH_LIFETIME_S + 1)

    await expect(page.get_by_role("alert")).to_have_text("Verification timed out. Please try again")
    await expect(page.get_by_role("button")).to_have_text(["Back to sign in"])  # the only way on
    await page.get_by_role("button", name="Back to sign in").click()
    await expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    assert app.received == []


async def test_number_challenge(mock_idx: MockIdx, app: App, page: Page, phone: Page) -> None:
    user = mock_idx.add_user(number_challenge=True)
    sign_in = await start_push(page, mock_idx, app, user)
    await open_phone(phone, mock_idx, user)

    shown = await number_to_tap(page)
    wrong = (
        await phone.get_by_role("button", name=re.compile(r"^\d+$"))
        .filter(has_not_text=re.compile(rf"^{shown}$"))
        .first.inner_text()
    )
    await tap(phone, wrong, "Wrong number")
    await expect(page.get_by_role("alert")).to_have_text("You have chosen to reject this login.")

    await page.get_by_role("button", name="Resend push notification").click()
    await tap(phone, await number_to_tap(page), "Approved.")

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, sign_in, user)


async def test_code_from_the_control_api(mock_idx: MockIdx, app: App, page: Page) -> None:
    user = mock_idx.add_user()
    sign_in = await sign_in_with_password(page, mock_idx, app, user)
    await page.get_by_role("button", name="Enter a code").click()
    await expect(page.get_by_role("heading", name="Enter a code")).to_be_visible()

    code = mock_idx.totp_code(user.login)
    await page.get_by_label("Enter code from Okta Verify app").fill(f"{(int(code) + 500_000) % 1_000_000:06d}")
    await page.get_by_role("button", name="Verify", exact=True).click()
    await expect(page.get_by_role("alert")).to_have_text("Invalid code. Try again.")

    await page.get_by_label("Enter code from Okta Verify app").fill(code)
    await page.get_by_role("button", name="Verify", exact=True).click()

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, sign_in, user)


async def test_verify_with_something_else(mock_idx: MockIdx, app: App, page: Page) -> None:
    """From a waiting push to a code: the page's background poll must not pull the browser back to the push."""
    user = mock_idx.add_user()
    sign_in = await start_push(page, mock_idx, app, user)

    await page.get_by_role("link", name="Verify with something else").click()
    await expect(page.get_by_role("heading", name="Verify it's you with a security method")).to_be_visible()
    await page.wait_for_timeout(600)  # three poll intervals
    await expect(page.get_by_role("heading", name="Verify it's you with a security method")).to_be_visible()
    await page.get_by_role("button", name="Enter a code").click()
    assert mock_idx.pushes(user.login) == []  # the push is withdrawn from the phone
    await page.get_by_label("Enter code from Okta Verify app").fill(mock_idx.totp_code(user.login))
    await page.get_by_role("button", name="Verify", exact=True).click()

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, sign_in, user)


async def test_wrong_password(mock_idx: MockIdx, app: App, page: Page) -> None:
    user = mock_idx.add_user(okta_verify=False)
    sign_in = authorize_url(mock_idx, app)
    await page.goto(sign_in.url)

    await page.get_by_label("Username").fill(user.login)
    await page.get_by_label("Password").fill("not-the-password")
    await page.get_by_role("button", name="Sign in").click()

    await expect(page.get_by_role("alert")).to_have_text("Authentication failed")
    await expect(page.get_by_label("Username")).to_have_value(user.login)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()

    await expect_back_in_the_app(page, app)  # a password-only user needs no phone
    await expect_tokens(mock_idx, app, sign_in, user)


async def test_cancel(mock_idx: MockIdx, app: App, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    await start_push(page, mock_idx, app, user)

    await page.get_by_role("button", name="Back to sign in").click()

    await expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    await expect(page.get_by_label("Username")).to_have_value(user.login)  # a fresh sign-in for the same request
    await open_phone(phone, mock_idx, user)
    await expect(phone.get_by_text("No sign-in is waiting.")).to_be_visible()
    await page.wait_for_timeout(600)  # three poll intervals: the withdrawn push page must not come back
    await expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    assert app.received == []


async def test_without_javascript(mock_idx: MockIdx, app: App, pages: RecordedContexts, phone: Page) -> None:
    """The page needs no script: a waiting push reloads itself by its meta refresh (whole seconds)."""
    page = await pages.new_page("browser without scripts", java_script_enabled=False)
    user = mock_idx.add_user()
    sign_in = await start_push(page, mock_idx, app, user)
    await open_phone(phone, mock_idx, user)
    await tap(phone, "Yes, it's me", "Approved.")

    await expect_back_in_the_app(page, app)
    await expect_tokens(mock_idx, app, sign_in, user)


# -- steps a person takes ---------------------------------------------------------------------------------------


async def sign_in_with_password(page: Page, mock_idx: MockIdx, app: App, user: MockUser) -> SignIn:
    """From the app's redirect to the choice of Okta Verify method; the username comes from ``login_hint``."""
    sign_in = authorize_url(mock_idx, app, login_hint=user.login)
    await page.goto(sign_in.url)
    await expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    await expect(page.get_by_text(APP_LABEL, exact=True)).to_be_visible()
    await expect(page.get_by_label("Username")).to_have_value(user.login)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Verify it's you with a security method")).to_be_visible()
    return sign_in


async def start_push(page: Page, mock_idx: MockIdx, app: App, user: MockUser) -> SignIn:
    sign_in = await sign_in_with_password(page, mock_idx, app, user)
    await page.get_by_role("button", name="Get a push notification").click()
    await expect(page.get_by_role("heading", name="Get a push notification")).to_be_visible()
    await expect(page.get_by_text("Push notification sent")).to_be_visible()
    return sign_in


async def number_to_tap(page: Page) -> str:
    """The number the page asks the person to tap on the phone."""
    prompt = page.get_by_text("On your mobile device, open the Okta Verify prompt")
    match = re.search(r"tap\s+(\d+)\s+in Okta Verify", await prompt.inner_text())
    assert match, f"no number in {await prompt.inner_text()!r}"
    return match.group(1)


async def tap(phone: Page, button: str, outcome: str) -> None:
    """Tap a button of the waiting push; the phone says ``outcome`` and has nothing left to answer."""
    await phone.get_by_role("button", name=button, exact=True).click()
    await expect(phone.get_by_role("status")).to_contain_text(outcome)
    await expect(phone.get_by_text("No sign-in is waiting.")).to_be_visible()
