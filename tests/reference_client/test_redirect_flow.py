"""The reference client's second way in, "Sign in with Okta (redirect)": the button sends the browser to the org's
`/v1/authorize`, the hosted page signs the user in (push approved over the control API, as the phone would), and the
callback redeems the code as a confidential web app (client_secret_basic, PKCE too) and lands on the welcome page.

Both apps run for real on loopback ports: mock_idx (the plugin's fixture) and the reference client (in the test's
loop), with one cookie-keeping browser stand-in posting the hosted page's forms as a browser would. Two orgs: the
demo's (no clients registered: any client id is a public client, any secret is ignored) and one that registers the
app as a `web` client, whose secret is checked.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer
from yarl import URL

from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx
from reference_client.app import create_app
from reference_client.config import AppConfig
from reference_client.idx import IdxClientConfig
from tests.reference_client.browser_stand_in import Browser, Page
from tests.support.net import free_port

CLIENT_ID = "reference-client-redirect"
CLIENT_SECRET = "reference-client-secret"
BUTTON = "Sign in with Okta (redirect)"
CALLBACK = "/authorization-code/callback"
AUTHORIZE = "/oauth2/default/v1/authorize"
TOKEN = "/oauth2/default/v1/token"
ERROR_PAGE = "<h1>Something went wrong</h1>"
NOT_FROM_HERE = "This sign-in did not start here"


# -- the two apps and the browser ---------------------------------------------------------------------------------


def app_config(mock_idx: MockIdx, *, secret: str | None = CLIENT_SECRET, **app: Any) -> AppConfig:
    idx = IdxClientConfig(
        issuer=mock_idx.issuer,
        client_id=CLIENT_ID,
        redirect_uri="http://127.0.0.1:8081/login/callback",
        client_secret=secret,
        scopes=app.pop("scopes", ("openid", "profile", "email")),
    )
    return AppConfig(idx=idx, **app)


@asynccontextmanager
async def reference_client(config: AppConfig, port: int = 0) -> AsyncIterator[URL]:
    """The reference client on a loopback port, in this test's loop; yields its base URL."""
    async with TestServer(create_app(config), host="127.0.0.1", port=port) as server:
        yield server.make_url("")


@pytest.fixture
async def app_url(mock_idx: MockIdx) -> AsyncIterator[URL]:
    """The reference client as the demo runs it: an unregistered client id (its secret is sent, and ignored)."""
    async with reference_client(app_config(mock_idx)) as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    # unsafe: keep cookies for IP-address hosts (both apps are on 127.0.0.1), as a browser does
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield Browser(session)


def register_web_client(mock_idx: MockIdx, tmp_path: Path, callback: str) -> None:
    """Load a scenario that registers the reference client as a confidential web app (client_secret_basic)."""
    client = {"client_id": CLIENT_ID, "type": "web", "client_secret": CLIENT_SECRET, "redirect_uris": [callback]}
    scenario = {"description": "the reference client as a web app", "settings": {"clients": [client]}}
    path = tmp_path / "web-client.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    mock_idx.load_scenario(path)


# -- walking the hosted page --------------------------------------------------------------------------------------


async def click_the_button(browser: Browser, app_url: URL) -> Page:
    """Open the app's sign-in page and follow its redirect button wherever it leads."""
    login = await browser.open(app_url / "login")
    links = re.findall(r'<a class="[^"]*" href="([^"]+)">' + re.escape(BUTTON) + "</a>", login.text)
    assert len(links) == 1, login.text
    return await browser.open(app_url.join(URL(html.unescape(links[0]))))


async def hosted_push_sign_in(browser: Browser, app_url: URL, mock_idx: MockIdx, user: MockUser) -> Page:
    """The button, the hosted page (username and password, then Okta Verify push), the tap; where the browser ends."""
    signin = await click_the_button(browser, app_url)
    assert signin.went_through(AUTHORIZE) and signin.url.path == "/signin", signin.hops
    credentials = {"identifier": user.login, "password": user.password}
    methods = await browser.submit(signin, signin.form_with_fields("identifier", "password"), credentials, "Sign in")
    form, _ = methods.form_with_button("Get a push notification")
    waiting = await browser.submit(methods, form, button="Get a push notification")
    [poll_url] = re.findall(r'data-poll-url="([^"]+)"', waiting.text)
    mock_idx.approve_push(user.login)
    return await browser.open(html.unescape(poll_url))  # the waiting page's own reload


def expect_welcome(page: Page, app_url: URL, name: str) -> None:
    assert (page.status, page.url) == (200, app_url.join(URL("/"))), (page.status, page.hops)
    assert f"<h1>Welcome, {name}</h1>" in page.text


def token_requests(mock_idx: MockIdx) -> list[dict[str, Any]]:
    return [e for e in mock_idx.journal() if (e["method"], e["path"]) == ("POST", TOKEN)]


# -- the flow -----------------------------------------------------------------------------------------------------


async def test_the_login_page_offers_both_ways_in(browser, app_url):
    page = await browser.open(app_url / "login")
    assert '<button type="submit">Sign in</button>' in page.text  # the embedded flow's form stays
    assert f'<a class="button secondary" href="/login/redirect">{BUTTON}</a>' in page.text


async def test_the_button_asks_authorize_for_a_code_with_pkce_state_and_nonce(browser, app_url, mock_idx):
    async with browser.session.get(app_url / "login" / "redirect", allow_redirects=False) as response:
        assert response.status == 302
        location = URL(response.headers["Location"])
    assert str(location.with_query(None)) == f"{mock_idx.issuer}/v1/authorize"
    query = dict(location.query)
    assert set(query) == {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
    }
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == str(app_url.join(URL(CALLBACK)))
    assert query["scope"] == "openid profile email offline_access"
    assert query["code_challenge_method"] == "S256" and re.fullmatch(r"[A-Za-z0-9_-]{43}", query["code_challenge"])
    assert len(query["state"]) >= 43 and len(query["nonce"]) >= 43 and query["state"] != query["nonce"]


async def test_push_approved_on_the_hosted_page_lands_on_the_welcome_page(browser, app_url, mock_idx):
    user = mock_idx.add_user(profile={"name": "Rita Redirect"})
    page = await hosted_push_sign_in(browser, app_url, mock_idx, user)

    expect_welcome(page, app_url, "Rita Redirect")
    assert page.went_through("/login/token/redirect") and page.went_through(CALLBACK)
    assert f'<th scope="row">preferred_username</th><td>{user.login}' in page.text
    assert len(token_requests(mock_idx)) == 1  # one code, redeemed once
    again = await browser.open(app_url / "login")  # signed in: the sign-in page sends the user on
    assert again.url == app_url.join(URL("/"))


async def test_a_registered_web_client_signs_in_with_its_secret(browser, mock_idx, tmp_path):
    port = free_port()
    callback = f"http://127.0.0.1:{port}{CALLBACK}"
    register_web_client(mock_idx, tmp_path, callback)
    user = mock_idx.add_user(profile={"name": "Wes Webapp"})
    async with reference_client(app_config(mock_idx, callback_uri=callback), port) as app_url:
        page = await hosted_push_sign_in(browser, app_url, mock_idx, user)
        expect_welcome(page, app_url, "Wes Webapp")
        assert [e["status"] for e in token_requests(mock_idx)] == [200]

        [sign_out] = [form for form in page.forms if form.action == str(app_url.join(URL("/logout")))]
        home = await browser.submit(page, sign_out, button="Sign out")
        assert "You are not signed in." in home.text
    revocations = [e["status"] for e in mock_idx.journal() if e["path"] == "/oauth2/default/v1/revoke"]
    assert revocations == [200, 200]  # refresh and access token, with the secret the code was redeemed with


async def test_a_registered_web_client_with_the_wrong_secret_gets_the_error_page(browser, mock_idx, tmp_path):
    port = free_port()
    callback = f"http://127.0.0.1:{port}{CALLBACK}"
    register_web_client(mock_idx, tmp_path, callback)
    user = mock_idx.add_user()
    config = app_config(mock_idx, secret="not-the-secret", callback_uri=callback)
    async with reference_client(config, port) as app_url:
        page = await hosted_push_sign_in(browser, app_url, mock_idx, user)
        assert (page.status, page.url.path) == (502, CALLBACK)
        assert ERROR_PAGE in page.text and "(invalid_client)" in page.text
        assert [e["status"] for e in token_requests(mock_idx)] == [401]
        home = await browser.open(app_url)
        assert "You are not signed in." in home.text


# -- the callback refuses what this visitor did not start ---------------------------------------------------------


async def test_a_callback_with_another_state_is_refused_and_the_code_never_redeemed(browser, app_url, mock_idx):
    user = mock_idx.add_user()
    async with browser.session.get(app_url / "login" / "redirect", allow_redirects=False) as response:
        sent_state = URL(response.headers["Location"]).query["state"]
    forged = await browser.open(app_url.join(URL(CALLBACK)).with_query(code="stolen-code", state="x" + sent_state))
    assert (forged.status, ERROR_PAGE in forged.text, NOT_FROM_HERE in forged.text) == (400, True, True)

    page = await hosted_push_sign_in(browser, app_url, mock_idx, user)  # the real one still works afterwards
    expect_welcome(page, app_url, user.profile["name"])
    assert len(token_requests(mock_idx)) == 1


async def test_a_code_planted_in_another_browser_is_refused(browser, app_url, mock_idx):
    """Login CSRF: an attacker's own code and state, replayed in the victim's browser, sign nobody in there."""
    user = mock_idx.add_user()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        attacker = Browser(session)
        signin = await click_the_button(attacker, app_url)
        credentials = {"identifier": user.login, "password": user.password}
        methods = await attacker.submit(signin, signin.form_with_fields("identifier"), credentials, "Sign in")
        form, _ = methods.form_with_button("Get a push notification")
        waiting = await attacker.submit(methods, form, button="Get a push notification")
        [poll_url] = re.findall(r'data-poll-url="([^"]+)"', waiting.text)
        mock_idx.approve_push(user.login)
        # the attacker stops at the redirect back to the app, keeping its code and state
        async with session.get(html.unescape(poll_url), allow_redirects=False) as answer:
            token_redirect = URL(answer.headers["Location"])
        async with session.get(token_redirect, allow_redirects=False) as answer:
            planted = URL(answer.headers["Location"])
    assert planted.path == CALLBACK and {"code", "state"} <= set(planted.query)

    victim = await browser.open(planted)
    assert (victim.status, NOT_FROM_HERE in victim.text) == (400, True)
    assert token_requests(mock_idx) == []
    assert "You are not signed in." in (await browser.open(app_url)).text


async def test_a_callback_is_good_once(browser, app_url, mock_idx):
    user = mock_idx.add_user()
    page = await hosted_push_sign_in(browser, app_url, mock_idx, user)
    [callback] = [url for _, url in page.hops if url.path == CALLBACK]
    replay = await browser.open(callback)
    assert (replay.status, NOT_FROM_HERE in replay.text) == (400, True)
    assert len(token_requests(mock_idx)) == 1


# -- errors the identity provider sends back ----------------------------------------------------------------------


async def test_an_error_callback_shows_oktas_error_on_the_error_page(browser, app_url):
    async with browser.session.get(app_url / "login" / "redirect", allow_redirects=False) as response:
        state = URL(response.headers["Location"]).query["state"]
    description = "User is not assigned to the client application."
    callback = app_url.join(URL(CALLBACK)).with_query(state=state, error="access_denied", error_description=description)
    page = await browser.open(callback)
    assert page.status == 403 and ERROR_PAGE in page.text
    assert f"Sign-in did not complete: {description} (access_denied)." in page.text
    again = await browser.open(callback)  # the state is spent by the error too
    assert (again.status, NOT_FROM_HERE in again.text) == (400, True)


async def test_authorize_refusing_the_request_ends_on_the_error_page(browser, mock_idx):
    """A scope the org does not know: /v1/authorize sends the browser straight back with Okta's invalid_scope."""
    config = app_config(mock_idx, scopes=("openid", "profile", "email", "no.such.scope"))
    async with reference_client(config) as app_url:
        page = await click_the_button(browser, app_url)
    assert page.went_through(AUTHORIZE) and page.url.path == CALLBACK
    assert page.status == 403 and ERROR_PAGE in page.text and "(invalid_scope)" in page.text
    assert token_requests(mock_idx) == []


async def test_a_callback_without_a_code_or_error_is_the_error_page(browser, app_url):
    async with browser.session.get(app_url / "login" / "redirect", allow_redirects=False) as response:
        state = URL(response.headers["Location"]).query["state"]
    page = await browser.open(app_url.join(URL(CALLBACK)).with_query(state=state))
    assert page.status == 400 and "came back without an authorization code" in page.text


@pytest.mark.parametrize(
    "query",
    [
        "",
        "code=c",
        "state=&code=c",
        "state=a%20b&code=c",
        "state=%ff%fe&error=x&error_description=%ed%a0%80",
        "state=" + "a" * 5000 + "&code=c",
        "state=a&state=b&code=c",
        "code=a&code=b&state=s",
        "error=access_denied&error_description=%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
async def test_hostile_callbacks_get_the_error_page_and_leave_the_session_alone(browser, app_url, query):
    async with browser.session.get(app_url / "login" / "redirect", allow_redirects=False) as response:
        pending_state = URL(response.headers["Location"]).query["state"]
    page = await browser.open(f"{app_url.join(URL(CALLBACK))}?{query}")
    assert page.status == 400 and ERROR_PAGE in page.text and "<script>" not in page.text
    # the sign-in in flight was not consumed by any of them
    page = await browser.open(app_url.join(URL(CALLBACK)).with_query(state=pending_state, error="access_denied"))
    assert page.status == 403 and "(access_denied)" in page.text
