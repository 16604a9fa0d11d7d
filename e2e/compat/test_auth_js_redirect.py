"""okta-auth-js 8, unmodified, in Chromium: a single-page app signs in through mock_idx's hosted page by redirect.

The app (redirect_spa/index.html) is served by a tiny aiohttp app on a port of its own, so it is another origin than
mock_idx, but on the same host name: the same *site*, as an app on app.example.com is to its org on
example.okta.com's custom domain. That is what lets the hidden iframe of ``token.getWithoutPrompt()`` carry Okta's
``sid`` cookie (SameSite=Lax is sent same-site). The SDK does everything an app's code would ask it to:

- ``signInWithRedirect`` sends the browser to ``/v1/authorize`` (PKCE S256, state, nonce), the hosted page signs the
  user in with a push tapped on the device page, and ``handleLoginRedirect`` back on the app exchanges the code and
  verifies the id_token itself (RS256 signature against ``/v1/keys``, issuer, audience, nonce, lifetime);
- ``token.getWithoutPrompt()`` renews in a hidden iframe (``prompt=none``, ``response_mode=okta_post_message``): the
  page it loads posts the code to the app's window, and the app's own page never moves;
- ``session.exists()`` reads ``/api/v1/sessions/me`` with credentials;
- ``signOut()`` revokes the access token and goes to ``/v1/logout`` with ``id_token_hint`` and
  ``post_logout_redirect_uri``; after that the session is gone, and ``getWithoutPrompt`` fails with
  ``login_required``.

The page only reports what the SDK answered; every assertion is here. If the SDK refuses something mock_idx sent,
mock_idx is wrong (the SDK is what real apps run).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from aiohttp import web
from playwright.async_api import Page, Request, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from e2e.artifacts import RecordedContexts
from e2e.compat.compat_support import COMPAT_SETTINGS, NODE_MODULES
from e2e.compat.widget_driver import tap_on_device
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx
from mock_idx.testing import BackgroundServer

pytestmark = pytest.mark.mock_idx(**COMPAT_SETTINGS)

SPA_PAGE = Path(__file__).parent / "redirect_spa" / "index.html"
AUTH_JS_DIST = NODE_MODULES / "@okta/okta-auth-js/dist"
CLIENT_ID = "okta-auth-js-spa"
"""No clients are registered: any id is a public client that may go back to a loopback host, as in a quick start."""
CALLBACK_PATH = "/login/callback"
SIGNED_OUT_PATH = "/signed-out"
SCOPES = {"openid", "profile", "email"}


# -- the app ------------------------------------------------------------------------------------------------------


def spa_app(issuer: str) -> web.Application:
    """The single-page app: every route is the one page (with its config), plus okta-auth-js's browser bundle."""
    template = SPA_PAGE.read_text(encoding="utf-8")

    async def page(request: web.Request) -> web.Response:
        origin = f"{request.scheme}://{request.host}"
        config = {
            "issuer": issuer,
            "clientId": CLIENT_ID,
            "redirectUri": f"{origin}{CALLBACK_PATH}",
            "postLogoutRedirectUri": f"{origin}{SIGNED_OUT_PATH}",
        }
        html = template.replace("__SPA_CONFIG__", json.dumps(config).replace("</", "<\\/"))
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_static("/okta-auth-js/", AUTH_JS_DIST)
    app.router.add_get("/{path:.*}", page)
    return app


@pytest.fixture
def spa_url(mock_idx: MockIdx) -> Iterator[str]:
    """The app's origin: another port on mock_idx's host (127.0.0.1), so another origin but the same site."""
    with BackgroundServer(lambda: spa_app(mock_idx.issuer), host=urlsplit(mock_idx.url).hostname or "") as server:
        yield server.url


@dataclass
class Traffic:
    """Every request the user's browser made to mock_idx, in order, and which frame made it."""

    requests: list[tuple[Request, bool]]
    """(the request, whether it came from the top-level page rather than an iframe)."""

    def to(self, path: str) -> list[Request]:
        return [r for r, _ in self.requests if urlsplit(r.url).path == path]

    def from_iframes(self, path: str) -> list[Request]:
        return [r for r, top in self.requests if not top and urlsplit(r.url).path == path]


def watch(page: Page, mock_idx: MockIdx) -> Traffic:
    traffic = Traffic([])

    def seen(request: Request) -> None:
        if request.url.startswith(mock_idx.url):
            traffic.requests.append((request, request.frame == page.main_frame))

    page.on("request", seen)
    return traffic


# -- the hosted page ----------------------------------------------------------------------------------------------


BACK_IN_THE_APP_MS = 30_000


async def sign_in_on_hosted_page(page: Page, phone: Page, mock_idx: MockIdx, user: MockUser) -> None:
    """What the user does on Okta's hosted page: username and password, Okta Verify's push, a tap on the phone (the
    page polls by itself and goes on to the app)."""
    await expect(page).to_have_url(re.compile(rf"^{re.escape(mock_idx.url)}/signin\?"))
    await page.get_by_label("Username").fill(user.login)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("button", name="Get a push notification").click()
    await expect(page.get_by_role("status")).to_have_text("Push notification sent")
    await tap_on_device(phone, mock_idx.device_url(user.login), "approve")


# -- the steps, as the app's code calls the SDK --------------------------------------------------------------------


async def open_app(page: Page, spa_url: str) -> None:
    response = await page.goto(f"{spa_url}/")
    assert response is not None and response.ok
    assert await page.evaluate("authClient.features.isPKCESupported() && authClient.features.isTokenVerifySupported()")


async def sign_in_with_redirect(
    page: Page, phone: Page, spa_url: str, mock_idx: MockIdx, user: MockUser
) -> dict[str, Any]:
    """``signInWithRedirect`` → the hosted page → back on the app's callback, where ``handleLoginRedirect`` ran; what
    it settled with (the tokens it stored)."""
    await open_app(page, spa_url)
    await page.evaluate("() => { spa.signIn(); }")  # it navigates away: nothing to wait for here
    await sign_in_on_hosted_page(page, phone, mock_idx, user)
    # the waiting page polls every few seconds, then the browser goes org -> app: allow for a busy machine
    await page.wait_for_url(f"{spa_url}{CALLBACK_PATH}?**", timeout=BACK_IN_THE_APP_MS)
    await page.wait_for_function("window.__callback !== null")
    result: dict[str, Any] = await page.evaluate("window.__callback")
    return result


async def renew(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = await page.evaluate("spa.renew()")
    return result


async def session_exists(page: Page) -> bool:
    exists: bool = await page.evaluate("spa.sessionExists()")
    return exists


async def sign_out(page: Page, spa_url: str) -> None:
    """``signOut()``: it revokes the access token, then leaves for ``/v1/logout``, which sends the browser back to
    the app's post-logout page. If the SDK gives up on the way, its error is the failure."""
    await page.evaluate("() => { spa.signOut(); }")  # it navigates away: nothing to wait for here
    signed_out = re.compile(rf"^{re.escape(spa_url + SIGNED_OUT_PATH)}(\?.*)?$")
    try:
        await page.wait_for_url(signed_out)
    except PlaywrightTimeoutError:
        error = await page.evaluate("window.__signOutError")
        raise AssertionError(f"signOut() did not get back to the app, at {page.url}; the SDK said {error}") from None
    await page.wait_for_function("window.spa !== undefined")


# -- what the tokens must be ---------------------------------------------------------------------------------------


def assert_verified_tokens(tokens: dict[str, Any], *, mock_idx: MockIdx, user: MockUser) -> dict[str, Any]:
    """Tokens the SDK verified (it refuses an id_token that fails) for this user, this app and this issuer; checked
    again here against the published keys. The id_token's claims."""
    id_token, access_token = tokens["idToken"], tokens["accessToken"]
    assert id_token is not None and access_token is not None, tokens
    claims = id_token["claims"]
    assert (claims["iss"], claims["aud"], claims["preferred_username"]) == (mock_idx.issuer, CLIENT_ID, user.login)
    assert set(access_token["scopes"]) >= SCOPES
    assert access_token["type"] == "Bearer"
    keys = jwt.PyJWKClient(f"{mock_idx.issuer}/v1/keys")
    signing_key = keys.get_signing_key_from_jwt(id_token["raw"])
    verified = jwt.decode(id_token["raw"], signing_key.key, algorithms=["RS256"], audience=CLIENT_ID)
    assert verified == claims
    return dict(claims)


def query_of(request: Request) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(request.url).query).items()}


# -- the tests ----------------------------------------------------------------------------------------------------


async def test_sign_in_with_redirect_gets_tokens_the_sdk_verified(
    mock_idx: MockIdx, spa_url: str, pages: RecordedContexts
) -> None:
    assert urlsplit(spa_url).hostname == urlsplit(mock_idx.url).hostname and spa_url != mock_idx.url
    user = mock_idx.add_user()
    page, phone = await pages.new_page("browser"), await pages.new_page("phone")
    traffic = watch(page, mock_idx)

    result = await sign_in_with_redirect(page, phone, spa_url, mock_idx, user)

    assert result["status"] == "SUCCESS", result
    claims = assert_verified_tokens(result["tokens"], mock_idx=mock_idx, user=user)
    assert await page.evaluate("window.__restoredTo") == "/profile"
    (authorize,) = traffic.to("/oauth2/default/v1/authorize")
    asked = query_of(authorize)
    assert asked["client_id"] == CLIENT_ID
    assert asked["redirect_uri"] == f"{spa_url}{CALLBACK_PATH}"
    assert asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256"
    assert set(asked["scope"].split()) == SCOPES
    assert claims["nonce"] == asked["nonce"]
    assert len(traffic.to("/oauth2/default/v1/token")) == 1  # the code, exchanged once by the SDK
    cookies = {c["name"]: c for c in await page.context.cookies(mock_idx.url)}
    assert cookies["sid"]["httpOnly"]


async def test_no_session_no_tokens_without_a_prompt(mock_idx: MockIdx, spa_url: str, page: Page) -> None:
    await open_app(page, spa_url)

    assert not await session_exists(page)
    renewal = await renew(page)

    assert (renewal["status"], renewal["errorCode"]) == ("ERROR", "login_required"), renewal
    assert page.url == f"{spa_url}/"


async def test_renewal_in_a_hidden_iframe_then_sign_out(
    mock_idx: MockIdx, spa_url: str, pages: RecordedContexts
) -> None:
    user = mock_idx.add_user()
    page, phone = await pages.new_page("browser"), await pages.new_page("phone")
    signed_in = await sign_in_with_redirect(page, phone, spa_url, mock_idx, user)
    assert signed_in["status"] == "SUCCESS", signed_in
    first = signed_in["tokens"]
    app_page = page.url
    traffic = watch(page, mock_idx)

    renewal = await renew(page)

    assert renewal["status"] == "SUCCESS", renewal
    claims = assert_verified_tokens(renewal["tokens"], mock_idx=mock_idx, user=user)
    assert renewal["tokens"]["accessToken"]["raw"] != first["accessToken"]["raw"]
    assert claims["sub"] == first["idToken"]["claims"]["sub"]
    assert page.url == app_page  # no page: the app stayed where it was
    (silent,) = traffic.from_iframes("/oauth2/default/v1/authorize")
    asked = query_of(silent)
    assert (asked["prompt"], asked["response_mode"]) == ("none", "okta_post_message")
    assert await session_exists(page)

    await sign_out(page, spa_url)

    (logout,) = traffic.to("/oauth2/default/v1/logout")
    asked = query_of(logout)
    assert asked["id_token_hint"] == first["idToken"]["raw"]
    assert asked["post_logout_redirect_uri"] == f"{spa_url}{SIGNED_OUT_PATH}"
    assert [r.method for r in traffic.to("/oauth2/default/v1/revoke")] == ["POST"]
    assert not await session_exists(page)
    after = await renew(page)
    assert (after["status"], after["errorCode"]) == ("ERROR", "login_required"), after
