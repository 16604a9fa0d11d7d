"""``--hosted-page widget``: ``/signin`` starts the real Sign-In Widget on the sign-in's ``stateToken``, as Okta's own
hosted page does, instead of the built-in page; without a widget installed the server refuses to start. Over HTTP,
with stand-in widget files (the real 7.x and 6.x bundles run in Chromium in e2e/compat/test_hosted_widget.py).

The widget's side of the sign-in is driven here with the IDX requests it sends (introspect with the page's
``stateToken``, then the same steps as an embedded widget), down to the ``success-redirect`` it follows.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from mock_idx import cli
from mock_idx.config import Settings
from mock_idx.web.app_keys import ENGINE
from mock_idx.web.widget_dist import ENV_VAR, GEN2, INSTALL_HINT
from tests.mock_idx.test_widget_page import make_dist
from tests.support import pkce
from tests.support.fixtures import app_in_loop
from tests.support.idx import REDIRECT_URI, Flow, put_user
from tests.support.processes import serving

LOGIN = "widget.user@example.com"
CLIENT_ID = "hosted-widget-app"
STATE = "app-state-w"
CONFIG = re.compile(r"new OktaSignIn\((\{.*?\})\);")


# --- the settings and the command line --------------------------------------------------------------------------------


def test_the_built_in_page_is_the_default() -> None:
    assert Settings().hosted_page == "builtin"


@pytest.mark.parametrize("value", ["", "Widget", "okta", "builtin "])
def test_only_builtin_or_widget_is_a_hosted_page(value: str) -> None:
    with pytest.raises(ValueError, match=r"^--hosted-page must be builtin or widget, not "):
        Settings(hosted_page=value)


def test_a_widget_page_without_a_widget_cannot_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Named by the setting or found nowhere: one line, saying where it looked and how to get the widget."""
    not_found = r"^--hosted-page widget: Sign-In Widget not found"
    with pytest.raises(ValueError, match=not_found) as named:
        Settings(hosted_page="widget", widget_dist=tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)  # no node_modules here
    with pytest.raises(ValueError, match=not_found) as found_nowhere:
        Settings(hosted_page="widget")
    for problem in (str(named.value), str(found_nowhere.value)):
        assert f"`{INSTALL_HINT}`" in problem and "\n" not in problem
    assert str(tmp_path) in str(named.value)


def test_a_widget_page_starts_with_a_widget_of_either_version(tmp_path: Path) -> None:
    for major in (7, 6):
        dist = make_dist(tmp_path / str(major) / "dist", major=major)
        assert Settings(hosted_page="widget", widget_dist=dist).hosted_page == "widget"


def test_a_widget_page_is_refused_beside_a_control_token(tmp_path: Path) -> None:
    """The token guards all of ``/_mock``, the widget's files too: the page would load and the widget would not."""
    with pytest.raises(ValueError, match=r"^--hosted-page widget does not work with --control-token: "):
        Settings(hosted_page="widget", widget_dist=make_dist(tmp_path / "dist"), control_token="t0ken")


def test_the_cli_refuses_to_serve_a_widget_page_without_a_widget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--hosted-page", "widget", "--widget-dist", str(tmp_path), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mock-idx: --hosted-page widget: Sign-In Widget not found")
    assert INSTALL_HINT in err and "Traceback" not in err


def test_the_cli_takes_only_the_two_pages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["serve", "--hosted-page", "okta"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1 and "invalid choice: 'okta'" in err


def test_serve_with_the_widget_page_sends_authorize_to_the_widget(tmp_path: Path) -> None:
    """The option reaches the server a shell user starts: an app's ``/v1/authorize`` lands on the widget."""
    dist = make_dist(tmp_path / "dist")
    with serving("--hosted-page", "widget", "--widget-dist", str(dist)) as (port, _, _):
        query = urlencode(authorize_query("http://127.0.0.1:7777/callback", pkce.new_verifier()))
        url = f"http://127.0.0.1:{port}/oauth2/default/v1/authorize?{query}"
        with urllib.request.urlopen(url, timeout=10) as page:  # follows the 302 to /signin
            assert urlsplit(page.url).path == "/signin"
            assert f'src="http://127.0.0.1:{port}/_mock/widget/static/{GEN2.script}"' in page.read().decode()


def test_serve_help_names_the_two_pages() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mock_idx", "serve", "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0 and "--hosted-page {builtin,widget}" in result.stdout


# --- the page ---------------------------------------------------------------------------------------------------------


@pytest.fixture(params=[7, 6], ids=["widget7", "widget6"])
def dist(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return make_dist(tmp_path / "dist", major=request.param)


@pytest.fixture
def settings(store_setting: str, dist: Path) -> Settings:
    """The suite's settings (fast polls, each store in turn) with the widget as the hosted page."""
    return Settings(poll_refresh_ms=100, store=store_setting, hosted_page="widget", widget_dist=dist)


def authorize_query(redirect_uri: str, verifier: str, **extra: str) -> dict[str, str]:
    return {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "scope": "openid profile email",
        "redirect_uri": redirect_uri,
        "state": STATE,
        "nonce": "nonce-w",
        "code_challenge": pkce.challenge(verifier),
        "code_challenge_method": "S256",
        **extra,
    }


async def authorize(client: TestClient[Any, Any], verifier: str, **extra: str) -> str:
    """An app's ``/v1/authorize``: the ``/signin`` URL it sends the browser to."""
    query = authorize_query(REDIRECT_URI, verifier, **extra)
    response = await client.get("/oauth2/default/v1/authorize", params=query, allow_redirects=False)
    assert response.status == 302, await response.text()
    location = response.headers["Location"]
    assert urlsplit(location).path == "/signin", location
    return location


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def widget_options(html: str) -> dict[str, Any]:
    """What the page hands ``new OktaSignIn``."""
    found = CONFIG.search(html)
    assert found is not None, html
    options: dict[str, Any] = json.loads(found.group(1))
    return options


async def open_widget_page(client: TestClient[Any, Any], url: str) -> tuple[ClientResponse, str]:
    response = await client.get(local(url), allow_redirects=False)
    return response, await response.text()


async def test_authorize_lands_on_the_widget_started_as_okta_starts_it(client: TestClient[Any, Any]) -> None:
    """The org's URL and the sign-in's stateToken, and nothing of an OAuth client: no issuer, clientId or
    redirectUri, and no ``useInteractionCodeFlow``, not even for 6.x (it would start an interaction of its own)."""
    location = await authorize(client, pkce.new_verifier())
    token = parse_qs(urlsplit(location).query)["stateToken"][0]
    response, html = await open_widget_page(client, location)
    assert response.status == 200 and response.content_type == "text/html"
    base = str(client.make_url("")).rstrip("/")
    static = f"{base}/_mock/widget/static"
    assert widget_options(html) == {
        "baseUrl": base,
        "stateToken": token,
        "language": "en",
        "assets": {"baseUrl": static},
        "logo": f"{static}/img/okta-signin-widget.png",
    }
    assert f'<script src="{static}/{GEN2.script}"></script>' in html
    assert f'<link rel="stylesheet" href="{static}/{GEN2.stylesheet}">' in html
    assert "renderEl" in html and 'action="' not in html  # the widget's page, no built-in form


async def test_the_page_is_private_and_runs_only_the_widget_and_its_own_script(client: TestClient[Any, Any]) -> None:
    response, html = await open_widget_page(client, await authorize(client, pkce.new_verifier()))
    headers = response.headers
    assert headers["Cache-Control"] == "no-cache, no-store" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    nonces = re.findall(r'<(?:script|style) nonce="([^"]+)"', html)
    assert len(nonces) == 2 and len(set(nonces)) == 1
    base = str(client.make_url("")).rstrip("/")
    assert policy["script-src"] == f"'self' {base} 'nonce-{nonces[0]}'"
    assert policy["default-src"] == "'none'" and policy["connect-src"] == f"'self' {base}"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    assert "form-action" not in policy  # the widget's form GET ends at the app, wherever it is
    again, other = await open_widget_page(client, await authorize(client, pkce.new_verifier()))
    assert re.findall(r'<script nonce="([^"]+)"', other) != nonces[:1]  # a new nonce each time
    await again.release()


async def test_the_widget_walks_the_sign_in_over_idx_and_its_redirect_signs_the_browser_in(
    client: TestClient[Any, Any],
) -> None:
    """What the widget sends, from the page's stateToken to the ``success-redirect`` it follows: the app gets a
    code and its state, the browser the ``sid`` session, and the code buys tokens."""
    await put_user(client, LOGIN, outcome="approve")
    verifier = pkce.new_verifier()
    _, html = await open_widget_page(client, await authorize(client, verifier))
    token = widget_options(html)["stateToken"]

    widget = Flow(client, state_handle=token)
    introspected = await widget.introspect(stateToken=token)  # auth-js idx.start({stateHandle})
    assert introspected.status == 200 and "identify" in introspected.remediations
    await widget.identify(LOGIN)
    await widget.choose()
    await widget.choose("push")
    done = await widget.poll()  # the phone approves at the first poll
    assert done.status == 200 and "successWithInteractionCode" not in done.body
    redirect = done.body["success"]
    assert redirect["name"] == "success-redirect" and urlsplit(redirect["href"]).path == "/login/token/redirect"

    answer = await client.get(local(redirect["href"]), allow_redirects=False)  # the widget's form GET
    assert answer.status == 302
    landing = urlsplit(answer.headers["Location"])
    assert f"{landing.scheme}://{landing.netloc}{landing.path}" == REDIRECT_URI
    params = {key: values[0] for key, values in parse_qs(landing.query).items()}
    assert params["state"] == STATE and set(params) == {"code", "state"}
    cookies = SimpleCookie()
    for header in answer.headers.getall("Set-Cookie", []):
        cookies.load(header)
    assert await client.app[ENGINE].session(cookies["sid"].value) is not None

    form = {
        "grant_type": "authorization_code",
        "code": params["code"],
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        "client_id": CLIENT_ID,
    }
    tokens = await client.post("/oauth2/default/v1/token", data=form)
    assert tokens.status == 200, await tokens.text()
    assert {"id_token", "access_token"} <= set(await tokens.json())


async def test_the_widgets_cancel_starts_a_fresh_sign_in_for_the_same_app(client: TestClient[Any, Any]) -> None:
    """ "Back to sign in" in the widget is IDX ``cancel``: the answer is a new sign-in the widget goes on with, and
    its ``success-redirect`` still returns to the app that asked."""
    await put_user(client, LOGIN, outcome="approve")
    _, html = await open_widget_page(client, await authorize(client, pkce.new_verifier()))
    first = widget_options(html)["stateToken"]
    widget = Flow(client, state_handle=first)
    await widget.introspect(stateToken=first)
    await widget.identify(LOGIN)
    restarted = await widget.post("/idp/idx/cancel", {})
    assert restarted.status == 200 and "identify" in restarted.remediations and widget.state_handle != first
    await widget.identify(LOGIN)
    await widget.choose()
    await widget.choose("push")
    done = await widget.poll()
    answer = await client.get(local(done.body["success"]["href"]), allow_redirects=False)
    assert answer.status == 302 and answer.headers["Location"].startswith(f"{REDIRECT_URI}?")
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["state"] == [STATE]
    stale, _ = await open_widget_page(client, f"/signin?stateToken={first}")
    assert stale.status == 404  # the cancelled sign-in is no page's any more


# --- what no widget page should show ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?stateToken=", f"?stateToken={'a' * 300}", "?stateToken=02<script>"])
async def test_a_malformed_state_token_is_the_400_page_not_the_widget(client: TestClient[Any, Any], query: str) -> None:
    response = await client.get(f"/signin{query}", allow_redirects=False)
    html = await response.text()
    assert response.status == 400 and "This sign-in link is not valid." in html and "OktaSignIn" not in html


async def test_an_unknown_or_embedded_state_token_is_the_expired_page(client: TestClient[Any, Any]) -> None:
    embedded = Flow(client)
    await embedded.start()
    for token in ("02" + "x" * 40, embedded.state_handle):
        response = await client.get(f"/signin?stateToken={token}", allow_redirects=False)
        html = await response.text()
        assert response.status == 404 and "The session has expired." in html and "OktaSignIn" not in html


async def test_junk_beside_a_live_state_token_still_starts_the_widget_on_it(client: TestClient[Any, Any]) -> None:
    """The built-in page's own parameters (``poll``, ``view``) and anything else mean nothing to the widget's page:
    no GET of it takes a step, and each hands the widget the same sign-in."""
    await put_user(client, LOGIN)
    location = await authorize(client, pkce.new_verifier())
    token = parse_qs(urlsplit(location).query)["stateToken"][0]
    for junk in ("poll=1", "view=methods", "action=cancel", "x=%ff", f"s={'y' * 3000}", 'q="</script><script>'):
        response, html = await open_widget_page(client, f"{location}&{junk}")
        assert response.status == 200 and widget_options(html)["stateToken"] == token, junk
        assert "</script><script>" not in html.split("new OktaSignIn", 1)[1].split("</script>", 1)[0]
    widget = Flow(client, state_handle=token)
    assert "identify" in (await widget.introspect(stateToken=token)).remediations  # still at the start


async def test_a_widget_gone_since_start_up_is_a_503_page_saying_how_to_get_it(tmp_path: Path) -> None:
    dist = make_dist(tmp_path / "dist")
    async with app_in_loop(Settings(hosted_page="widget", widget_dist=dist)) as client:
        location = await authorize(client, pkce.new_verifier())
        (dist / GEN2.script).unlink()
        response, html = await open_widget_page(client, location)
        assert response.status == 503 and INSTALL_HINT in html and "OktaSignIn" not in html
        assert response.headers["Cache-Control"] == "no-cache, no-store"


async def test_the_built_in_page_is_untouched_by_the_option(tmp_path: Path) -> None:
    """A widget installed changes nothing while the option is not given."""
    async with app_in_loop(Settings(widget_dist=make_dist(tmp_path / "dist"))) as client:
        response, html = await open_widget_page(client, await authorize(client, pkce.new_verifier()))
        assert response.status == 200 and "OktaSignIn" not in html and 'name="identifier"' in html


async def test_the_built_in_forms_still_refuse_what_they_always_refused(client: TestClient[Any, Any]) -> None:
    """POST /signin is the built-in page's; in widget mode it still takes no step without a live state token."""
    for body in ({}, {"stateToken": "02" + "x" * 40, "action": "identify"}):
        response = await client.post("/signin", data=body, allow_redirects=False)
        assert response.status in (400, 404)
        await response.read()
