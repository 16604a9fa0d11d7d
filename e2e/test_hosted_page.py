"""The built-in hosted sign-in page in Chromium, the way an app that redirects to Okta uses it, with the phone in a
second browser: the mock's device page, where pushes are tapped.

The app is a tiny aiohttp server on a port of its own: ``/v1/authorize`` sends the browser to the hosted page, the
person signs in there, and the app's callback records what it was sent back (``code`` and ``state``), then redeems
the code at ``/v1/token`` with its PKCE verifier, as a real app's back end would. Each test ends on the app's page and
on tokens whose id_token verifies against the server's keys.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
import jwt
import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx
from tests.support import pkce

PUSH_LIFETIME_S = 60
"""Short enough that advancing the clock past it expires the push but not the whole sign-in."""
pytestmark = pytest.mark.mock_idx(poll_refresh_ms=200, push_lifetime=PUSH_LIFETIME_S)

CLIENT_ID = "hosted-page-app"
"""No clients are registered: any id is a public client that may go back to a loopback host."""
SIGNED_IN = "Signed in to the app"
APP_LABEL = "mock-idx app"
"""What every page heads with: the app's label (an unregistered client's is the default one)."""


# -- the app --------------------------------------------------------------------------------------------------------


@dataclass
class App:
    """The relying party: where its callback is, and every query its callback received."""

    url: str
    received: list[dict[str, str]] = field(default_factory=list)

    @property
    def redirect_uri(self) -> str:
        return f"{self.url}/callback"


@pytest_asyncio.fixture(loop_scope="session")
async def app() -> AsyncIterator[App]:
    """The app's callback, on a free loopback port in the browser's loop."""
    holder: list[App] = []

    async def callback(request: web.Request) -> web.Response:
        holder[0].received.append(dict(request.query))
        return web.Response(text=f"<!doctype html><title>App</title><h1>{SIGNED_IN}</h1>", content_type="text/html")

    application = web.Application()
    application.router.add_get("/callback", callback)
    async with TestServer(application, host="127.0.0.1") as server:
        holder.append(App(str(server.make_url("")).rstrip("/")))
        yield holder[0]


@pytest_asyncio.fixture(loop_scope="session")
async def phone(pages: RecordedContexts) -> Page:
    """The user's phone: the mock's Okta Verify page, in a browser of its own."""
    return await pages.new_page("phone")


@dataclass
class SignIn:
    """One authorization request, as the app made it."""

    url: str
    state: str
    nonce: str
    verifier: str


def authorize_url(mock_idx: MockIdx, app: App, **extra: str) -> SignIn:
    verifier, state, nonce = pkce.new_verifier(), secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    query = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "scope": "openid profile email",
        "redirect_uri": app.redirect_uri,
        "state": state,
        "nonce": nonce,
        "code_challenge": pkce.challenge(verifier),
        "code_challenge_method": "S256",
        **extra,
    }
    return SignIn(f"{mock_idx.issuer}/v1/authorize?{urlencode(query)}", state, nonce, verifier)


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


async def open_phone(phone: Page, mock_idx: MockIdx, user: MockUser) -> None:
    await phone.goto(mock_idx.device_url(user.login))
    await expect(phone.get_by_role("heading", name=user.profile["name"])).to_be_visible()


async def tap(phone: Page, button: str, outcome: str) -> None:
    """Tap a button of the waiting push; the phone says ``outcome`` and has nothing left to answer."""
    await phone.get_by_role("button", name=button, exact=True).click()
    await expect(phone.get_by_role("status")).to_contain_text(outcome)
    await expect(phone.get_by_text("No sign-in is waiting.")).to_be_visible()


# -- what the app ends up with ----------------------------------------------------------------------------------


async def expect_back_in_the_app(page: Page, app: App) -> None:
    await expect(page.get_by_role("heading", name=SIGNED_IN)).to_be_visible()
    assert page.url.startswith(f"{app.redirect_uri}?")


async def expect_tokens(mock_idx: MockIdx, app: App, sign_in: SignIn, user: MockUser) -> None:
    """The app got one code with its state, and the code (with the PKCE verifier) buys tokens for the user."""
    [received] = app.received
    assert received["state"] == sign_in.state and set(received) == {"code", "state"}
    form = {
        "grant_type": "authorization_code",
        "code": received["code"],
        "redirect_uri": app.redirect_uri,
        "code_verifier": sign_in.verifier,
        "client_id": CLIENT_ID,
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{mock_idx.issuer}/v1/token", data=form) as response:
            tokens: dict[str, Any] = await response.json()
            assert response.status == 200, tokens
        async with http.get(f"{mock_idx.issuer}/v1/keys") as response:
            keys: dict[str, Any] = await response.json()
    header = jwt.get_unverified_header(tokens["id_token"])
    key = jwt.PyJWKSet.from_dict(keys)[header["kid"]]
    claims = jwt.decode(tokens["id_token"], key=key, algorithms=["RS256"], audience=CLIENT_ID, issuer=mock_idx.issuer)
    assert claims["nonce"] == sign_in.nonce and claims["preferred_username"] == user.login
    assert tokens["access_token"] and tokens["token_type"] == "Bearer"
