"""The app a hosted sign-in goes back to, for the browser tests of mock-idx's hosted page: a tiny aiohttp server on a
port of its own whose callback records what it was sent (``code`` and ``state``); the authorization request it makes;
and the checks that the browser came back to it with a code that buys tokens for the user. Also the phone (the
mock's device page) in a browser of its own.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
import jwt
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx
from tests.support import pkce

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


# -- the phone and the app --------------------------------------------------------------------------------------


async def open_phone(phone: Page, mock_idx: MockIdx, user: MockUser) -> None:
    await phone.goto(mock_idx.device_url(user.login))
    await expect(phone.get_by_role("heading", name=user.profile["name"])).to_be_visible()


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
