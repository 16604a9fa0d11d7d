"""``/v1/authorize`` over HTTP, on both stores: Okta's checks and where each sends the browser (the error page, back to
the app in its response mode, or the hosted sign-in page), single sign-on with the ``sid`` session, the session on
the virtual clock, RP-initiated logout, and the discovery document that advertises all of it.

A browser session is made the way the hosted page makes one: a hosted transaction driven to success with the engine's
own steps, then ``complete_hosted_sign_in`` (the page itself is tested in test_hosted_page.py).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric import rsa

from mock_idx.config import Settings
from mock_idx.model.authenticator_steps import Delivery
from mock_idx.model.authorize import AuthorizeRequest
from mock_idx.model.engine import CodeRedemption, Engine, HostedSignIn
from mock_idx.model.push import SignInContext
from mock_idx.model.tokens import AuthorizationServer, TokenSet
from mock_idx.model.transaction import Step, Transaction
from mock_idx.web.app_keys import ENGINE
from tests.support import pkce
from tests.support.fixtures import app_in_loop
from tests.support.idx import PASSWORD, REDIRECT_URI, advance, put_user

LOGIN = "sso.user@example.com"
SERVER = "/oauth2/default"
SPA = "spa-app"
WEB = "web-app"
WEB_REDIRECT = "https://web.test/callback"
SCENARIO = """\
settings:
  session_lifetime: 7200
  session_idle_timeout: 1800
  custom_scopes: ["orders:read"]
  clients:
    - client_id: spa-app
      type: spa
      label: The SPA
      redirect_uris: [http://localhost:7777/callback]
      post_logout_redirect_uris: [http://localhost:7777/bye]
      grant_types: [authorization_code, refresh_token, implicit]
    - client_id: web-app
      type: web
      client_secret: web-app-secret-0123456789
      redirect_uris: [https://web.test/callback]
      post_logout_redirect_uris: [https://web.test/bye]
    - client_id: code-only
      type: spa
      redirect_uris: [http://localhost:7777/callback]
"""


@pytest.fixture
async def registered(store_setting: str, tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    """A server whose scenario registers clients (a SPA allowed the implicit grant, a confidential web app, a SPA
    allowed codes only), on the same store as ``client``."""
    scenario = tmp_path / "clients.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    async with app_in_loop(Settings(scenario=str(scenario), store=store_setting, poll_refresh_ms=100)) as server:
        yield server


# --- helpers (test_sessions_api.py and the hostile suite use them too) -----------------------------------------------


def base_of(client: TestClient[Any, Any]) -> str:
    return str(client.make_url("")).rstrip("/")


def server_at(client: TestClient[Any, Any], path: str = SERVER) -> AuthorizationServer:
    """The authorization server ``path`` names, as the web layer builds it for a request to this test server."""
    base = base_of(client)
    server_id = path.removeprefix("/oauth2").strip("/") or None
    if server_id is None:
        return AuthorizationServer(id=None, issuer=base, audience=base)
    return AuthorizationServer(id=server_id, issuer=f"{base}/oauth2/{server_id}", audience=f"api://{server_id}")


@dataclass
class Pkce:
    verifier: str

    @property
    def challenge(self) -> str:
        return pkce.challenge(self.verifier)


def query(client_id: str = "test-client", pkce_pair: Pkce | None = None, /, **overrides: str | None) -> dict[str, str]:
    """An app's authorize parameters: a code with PKCE, in the query; ``name=None`` leaves one out (``client_id``
    too)."""
    pair = pkce_pair or Pkce(pkce.new_verifier())
    params: dict[str, str | None] = {
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid profile email",
        "state": "state-1",
        "nonce": "nonce-1",
        "code_challenge": pair.challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return {name: value for name, value in params.items() if value is not None}


async def authorize(
    client: TestClient[Any, Any],
    params: dict[str, str],
    *,
    server: str = SERVER,
    sid: str | None = None,
    method: str = "GET",
) -> ClientResponse:
    headers = {"Cookie": f"sid={sid}"} if sid else {}
    url = f"{server}/v1/authorize"
    if method == "GET":
        return await client.get(url, params=params, headers=headers, allow_redirects=False)
    return await client.post(url, data=params, headers=headers, allow_redirects=False)


async def hosted_sign_in(
    client: TestClient[Any, Any],
    login: str = LOGIN,
    *,
    client_id: str = "test-client",
    redirect_uri: str = REDIRECT_URI,
    server: str = SERVER,
    pkce_pair: Pkce | None = None,
) -> HostedSignIn:
    """A browser's session, made as the hosted page makes it: ``login`` (its phone approving at the first poll) signs
    in by push through a hosted transaction, driven with the engine's steps to success, then completed."""
    await put_user(client, login, outcome="approve")
    engine: Engine = client.app[ENGINE]
    pair = pkce_pair or Pkce(pkce.new_verifier())
    request = AuthorizeRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        response_type="code",
        scope="openid profile email",
        state="first-state",
        nonce="first-nonce",
        code_challenge=pair.challenge,
        code_challenge_method="S256",
    )
    authorization_server = server_at(client, server)
    transaction = await engine.authorize(request, authorization_server, None)
    assert isinstance(transaction, Transaction)
    transaction = await engine.identify(transaction, login, PASSWORD)
    okta_verify = engine.authenticators.okta_verify_id
    transaction = await engine.choose_authenticator(
        transaction, okta_verify, "push", SignInContext(), Delivery("http://127.0.0.1")
    )
    transaction = await engine.poll(transaction)
    assert transaction.step is Step.SUCCESS
    return await engine.complete_hosted_sign_in(transaction, authorization_server)


async def redeem(
    client: TestClient[Any, Any], code: str, pair: Pkce, *, client_id: str = "test-client", server: str = SERVER
) -> TokenSet:
    """A code for tokens, through the engine (the token endpoint is tested on its own)."""
    engine: Engine = client.app[ENGINE]
    await engine.now()  # the policy in force
    registered_client = engine.policy.find_client(client_id)
    assert registered_client is not None
    redemption = CodeRedemption(registered_client, code, REDIRECT_URI, pair.verifier, server_at(client, server))
    return await engine.redeem_authorization_code(redemption)


async def assert_error_page(response: ClientResponse, error: str, description: str | None = None) -> str:
    """Okta's error page: 400, HTML on the org, the error code and its description; never a redirect."""
    text = await response.text()
    assert response.status == 400, text
    assert response.content_type == "text/html"
    assert "Location" not in response.headers
    assert "400" in text and "Bad Request" in text
    assert re.search(rf'id="error-code">{re.escape(error)}<', text), text
    if description is not None:
        assert description in html.unescape(text)
    return text


def back_to_app(response: ClientResponse, fragment: bool = False) -> dict[str, str]:
    """The parameters a 302 back to the app carries, in its query or its fragment (each once)."""
    assert response.status == 302, response.headers
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    carried = parse_qs(location.fragment if fragment else location.query, keep_blank_values=True)
    assert all(len(values) == 1 for values in carried.values())
    if fragment:
        assert not location.query
    return {name: values[0] for name, values in carried.items()}


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.action = values.get("action") or ""
        if tag == "input" and values.get("type") == "hidden":
            self.fields[values.get("name") or ""] = values.get("value") or ""


async def form_post_fields(response: ClientResponse) -> dict[str, str]:
    """What an auto-posting ``form_post`` page sends to the redirect URI."""
    assert response.status == 200 and response.content_type == "text/html"
    page = _HiddenInputs()
    page.feed(await response.text())
    assert page.action == REDIRECT_URI
    return page.fields


async def post_message_data(response: ClientResponse) -> dict[str, Any]:
    """The object an ``okta_post_message`` page posts to the window that loaded it (the JSON literal in its script)."""
    assert response.status == 200 and response.content_type == "text/html"
    text = await response.text()
    found = re.search(r"(\{\"[^<]*?\})\s*;", text)
    assert found, text
    data: dict[str, Any] = json.loads(found.group(1))
    assert '"http://localhost:7777"' in text  # posted to the redirect URI's origin only
    return data


# --- errors with no safe way back: the error page, never a redirect -----------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_an_unknown_client_gets_the_error_page(registered, method):
    response = await authorize(registered, query("nobody"), method=method)
    await assert_error_page(response, "invalid_client", "Invalid value for 'client_id' parameter.")


async def test_a_redirect_uri_the_client_did_not_register_gets_the_error_page(registered):
    for redirect in ("https://evil.test/callback", "http://localhost:7777/callback/", WEB_REDIRECT):
        response = await authorize(registered, query(SPA, redirect_uri=redirect))
        await assert_error_page(
            response,
            "invalid_request",
            "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
        )


async def test_an_ad_hoc_client_is_sent_to_loopback_hosts_only(client):
    """With no clients registered, any id is a public client, but never an open redirector."""
    for redirect in ("https://evil.test/cb", "javascript:alert(1)", "http://localhost.evil.test/cb", "//evil.test/"):
        response = await authorize(client, query(redirect_uri=redirect))
        await assert_error_page(response, "invalid_request")
    for redirect in ("http://127.0.0.1:9/cb", "http://[::1]/cb", "http://app.localhost:3000/cb"):
        response = await authorize(client, query(redirect_uri=redirect))
        assert response.status == 302 and urlsplit(response.headers["Location"]).path == "/signin"


async def test_a_missing_client_id_or_redirect_uri_gets_the_error_page(client):
    await assert_error_page(await authorize(client, query(client_id=None)), "invalid_request")
    await assert_error_page(await authorize(client, query(redirect_uri=None)), "invalid_request")


async def test_an_unknown_response_mode_gets_the_error_page(client):
    """Without a response mode it knows, Okta has no way to answer the app."""
    for mode in ("web_message", "QUERY", "jwt"):
        await assert_error_page(await authorize(client, query(response_mode=mode)), "invalid_request")


async def test_repeated_parameters_get_the_error_page(client):
    """Which of two redirect URIs (or client ids, or states) is the app's? Neither is trusted."""
    for name in ("client_id", "redirect_uri", "state", "scope"):
        params = [*query().items(), (name, query()[name])]
        response = await client.get(f"{SERVER}/v1/authorize", params=params, allow_redirects=False)
        await assert_error_page(response, "invalid_request", f"The '{name}' parameter must appear once")


async def test_the_error_page_shows_what_it_was_given_as_text_only(registered):
    response = await authorize(registered, query("<script>alert(1)</script>"))
    text = await assert_error_page(response, "invalid_client")
    assert "<script>alert" not in text
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-cache, no-store"


# --- errors once the way back is known: back to the app, in its response mode, with the state -----------------------


@pytest.mark.parametrize(
    ("overrides", "error", "description"),
    [
        ({"response_type": None}, "invalid_request", "The 'response_type' parameter is required."),
        ({"response_type": "code token"}, "unsupported_response_type", "The response type 'code token' is not"),
        ({"response_type": "password"}, "unsupported_response_type", "The response type 'password' is not"),
        ({"scope": "openid launch_missiles"}, "invalid_scope", "One or more scopes are not configured"),
        ({"scope": None}, "invalid_scope", "'scope' must be provided"),
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request", "PKCE code challenge is required"),
        ({"code_challenge_method": "plain"}, "invalid_request", "The 'code_challenge_method' parameter must be 'S256'"),
        ({"code_challenge": "too-short"}, "invalid_request", "between 43 and 128 characters"),
        ({"prompt": "select_account"}, "invalid_request", "The 'prompt' parameter is invalid"),
        ({"idp": "0oa-nobody"}, "invalid_request", "The 'idp' parameter is not a valid identity provider"),
        ({"max_age": "-1"}, "invalid_request", "The 'max_age' parameter must be a non-negative integer."),
        ({"max_age": "soon"}, "invalid_request", "The 'max_age' parameter must be a non-negative integer."),
        ({"sessionToken": "20111abc"}, "invalid_request", "The session token is invalid."),
        ({"state": "s" * 2049}, "invalid_request", "The 'state' parameter may be at most 2048 characters long."),
        ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported", "The 'request' parameter is not supported."),
    ],
)
async def test_refusals_go_back_to_the_app_with_the_state(client, overrides, error, description):
    back = back_to_app(await authorize(client, query(**overrides)))
    assert back["error"] == error and description in back["error_description"]
    assert back["state"] == overrides.get("state", "state-1")


async def test_a_refusal_without_a_state_carries_none(client):
    back = back_to_app(await authorize(client, query(state=None, scope="nope")))
    assert back == {"error": "invalid_scope", "error_description": back["error_description"]}


async def test_a_client_not_allowed_the_implicit_grant_is_told_so(registered):
    params = query("code-only", response_type="id_token token", response_mode="fragment")
    back = back_to_app(await authorize(registered, params), fragment=True)
    assert back["error"] == "unauthorized_client" and back["state"] == "state-1"


async def test_a_confidential_client_may_leave_pkce_out_and_a_public_one_may_not(registered):
    params = query(WEB, redirect_uri=WEB_REDIRECT, code_challenge=None, code_challenge_method=None)
    response = await authorize(registered, params)
    assert response.status == 302 and urlsplit(response.headers["Location"]).path == "/signin"
    refused = await authorize(registered, query(SPA, code_challenge=None, code_challenge_method=None))
    assert back_to_app(refused)["error"] == "invalid_request"


@pytest.mark.parametrize("server", ["/oauth2/default", "/oauth2"])
async def test_prompt_none_without_a_session_is_login_required_in_every_response_mode(client, server):
    """What okta-auth-js's getWithoutPrompt (okta_post_message) and every other silent renewal read."""
    expected = {
        "error": "login_required",
        "error_description": "The client specified not to prompt, but the user is not logged in.",
        "state": "state-1",
    }
    assert back_to_app(await authorize(client, query(prompt="none"), server=server)) == expected
    fragment = await authorize(client, query(prompt="none", response_mode="fragment"), server=server)
    assert back_to_app(fragment, fragment=True) == expected
    posted = await authorize(client, query(prompt="none", response_mode="form_post"), server=server)
    assert await form_post_fields(posted) == expected
    message = await authorize(client, query(prompt="none", response_mode="okta_post_message"), server=server)
    assert await post_message_data(message) == expected


async def test_prompt_none_with_a_bad_session_cookie_is_login_required(client):
    for sid in ("not-a-session", "x" * 500):
        back = back_to_app(await authorize(client, query(prompt="none"), sid=sid))
        assert back["error"] == "login_required"


async def test_an_unknown_authorization_server_is_okta_not_found(registered, tmp_path):
    scenario = tmp_path / "servers.yaml"
    scenario.write_text("settings:\n  authorization_servers: [default]\n", encoding="utf-8")
    async with app_in_loop(Settings(scenario=str(scenario))) as limited:
        response = await authorize(limited, query(), server="/oauth2/elsewhere")
        assert response.status == 404 and (await response.json())["errorCode"] == "E0000007"


# --- a new sign-in: the hosted page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("server", ["/oauth2/default", "/oauth2"])
async def test_a_new_sign_in_goes_to_the_hosted_page_with_its_state_token(client, method, server):
    params = query(login_hint="ada@example.com", client_id="my-spa")
    response = await authorize(client, params, server=server, method=method)
    assert response.status == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == base_of(client) and location.path == "/signin"
    (state_token,) = parse_qs(location.query)["stateToken"]
    transaction = await client.app[ENGINE].by_state_handle(state_token)
    interaction = transaction.interaction
    assert interaction.hosted and interaction.client_id == "my-spa" and interaction.state == "state-1"
    assert interaction.login_hint == "ada@example.com" and interaction.redirect_uri == REDIRECT_URI
    assert interaction.authorization_server == server_at(client, server).id
    assert interaction.nonce == "nonce-1" and interaction.code_challenge == params["code_challenge"]


async def test_the_page_is_labelled_with_the_registered_clients_name(registered):
    response = await authorize(registered, query(SPA))
    (state_token,) = parse_qs(urlsplit(response.headers["Location"]).query)["stateToken"]
    transaction = await registered.app[ENGINE].by_state_handle(state_token)
    assert transaction.interaction.client_label == "The SPA"


async def test_prompt_consent_is_accepted_and_ignored(client):
    response = await authorize(client, query(prompt="consent"))
    assert response.status == 302 and urlsplit(response.headers["Location"]).path == "/signin"


async def test_the_journal_ties_the_request_to_its_sign_in(client):
    response = await authorize(client, query())
    (state_token,) = parse_qs(urlsplit(response.headers["Location"]).query)["stateToken"]
    transaction = await client.app[ENGINE].by_state_handle(state_token)
    journal = await (await client.get("/_mock/v1/journal")).json()
    entry = next(e for e in journal["entries"] if e["path"] == f"{SERVER}/v1/authorize")
    assert entry["status"] == 302 and entry["transaction"] == transaction.id


# --- single sign-on: a live session answers without a page -------------------------------------------------------


async def test_a_live_session_answers_a_second_app_with_a_code_and_no_page(registered):
    signed_in = await hosted_sign_in(registered, client_id=SPA)
    assert signed_in.redirect.params["state"] == "first-state" and "code" in signed_in.redirect.params
    pair = Pkce(pkce.new_verifier())
    back = back_to_app(await authorize(registered, query("code-only", pair, state="second"), sid=signed_in.session.id))
    assert set(back) == {"code", "state"} and back["state"] == "second"
    tokens = await redeem(registered, back["code"], pair, client_id="code-only")
    claims = jwt.decode(tokens.id_token or "", options={"verify_signature": False})
    assert claims["aud"] == "code-only" and claims["nonce"] == "nonce-1" and claims["preferred_username"] == LOGIN
    assert claims["amr"] == ["pwd", "swk", "mfa"]


async def test_a_code_from_a_session_is_bound_to_its_client_and_verifier(registered):
    signed_in = await hosted_sign_in(registered, client_id=SPA)
    pair = Pkce(pkce.new_verifier())
    back = back_to_app(await authorize(registered, query("code-only", pair), sid=signed_in.session.id))
    with pytest.raises(Exception, match="invalid or has expired"):
        await redeem(registered, back["code"], pair, client_id=SPA)


@pytest.mark.parametrize("server", ["/oauth2/default", "/oauth2", "/oauth2/another"])
async def test_prompt_none_with_a_live_session_answers_in_each_response_mode(client, server):
    """okta-auth-js's token renewal: getWithoutPrompt in a hidden iframe gets the code by postMessage. The session is
    the org's: it signs the browser in at every authorization server."""
    signed_in = await hosted_sign_in(client)
    sid = signed_in.session.id
    silent = await authorize(client, query(prompt="none", response_mode="okta_post_message"), server=server, sid=sid)
    message = await post_message_data(silent)
    assert set(message) == {"code", "state"} and message["state"] == "state-1"
    posted = await form_post_fields(
        await authorize(client, query(prompt="none", response_mode="form_post"), server=server, sid=sid)
    )
    assert set(posted) == {"code", "state"}
    fragment = await authorize(client, query(response_mode="fragment"), server=server, sid=sid)
    assert set(back_to_app(fragment, fragment=True)) == {"code", "state"}


async def test_the_implicit_grant_answers_tokens_in_the_fragment(client):
    """okta-auth-js ``responseType: ['id_token', 'token']``: tokens straight from the session, no code."""
    signed_in = await hosted_sign_in(client)
    params = query(response_type="id_token token", code_challenge=None, code_challenge_method=None)
    back = back_to_app(await authorize(client, params, sid=signed_in.session.id), fragment=True)
    assert set(back) == {"access_token", "id_token", "token_type", "expires_in", "scope", "state"}
    claims = jwt.decode(back["id_token"], options={"verify_signature": False})
    assert claims["nonce"] == "nonce-1" and claims["iss"] == f"{base_of(client)}{SERVER}"
    in_the_query = await authorize(client, {**params, "response_mode": "query"}, sid=signed_in.session.id)
    await assert_error_page(in_the_query, "invalid_request", "The 'query' response mode is not allowed")


async def test_prompt_login_and_max_age_zero_force_the_page(client):
    signed_in = await hosted_sign_in(client)
    sid = signed_in.session.id
    await advance(client, 2)
    for forcing in ({"prompt": "login"}, {"max_age": "0"}, {"max_age": "1"}):
        response = await authorize(client, query(**forcing), sid=sid)
        assert response.status == 302 and urlsplit(response.headers["Location"]).path == "/signin", forcing
    young_enough = await authorize(client, query(max_age="3600"), sid=sid)
    assert set(back_to_app(young_enough)) == {"code", "state"}


async def test_max_age_with_prompt_none_is_login_required_once_the_sign_in_is_too_old(client):
    signed_in = await hosted_sign_in(client)
    await advance(client, 120)
    back = back_to_app(await authorize(client, query(prompt="none", max_age="60"), sid=signed_in.session.id))
    assert back["error"] == "login_required"


# --- the session on the virtual clock ----------------------------------------------------------------------------


async def test_the_session_ends_after_its_lifetime_however_much_it_is_used(registered):
    signed_in = await hosted_sign_in(registered, client_id=SPA)
    sid = signed_in.session.id
    for _ in range(4):  # used every 25 minutes: never idle for the 30-minute idle timeout
        await advance(registered, 1500)
        assert set(back_to_app(await authorize(registered, query(SPA, prompt="none"), sid=sid))) == {"code", "state"}
    await advance(registered, 1500)  # 2 h 5 min after sign-in: past the 2-hour lifetime
    back = back_to_app(await authorize(registered, query(SPA, prompt="none"), sid=sid))
    assert back["error"] == "login_required"
    assert (await registered.get("/api/v1/sessions/me", headers={"Cookie": f"sid={sid}"})).status == 404


async def test_the_session_ends_after_its_idle_timeout(registered):
    signed_in = await hosted_sign_in(registered, client_id=SPA)
    await advance(registered, 1801)
    response = await authorize(registered, query(SPA, prompt="none"), sid=signed_in.session.id)
    assert back_to_app(response)["error"] == "login_required"
    page = await authorize(registered, query(SPA), sid=signed_in.session.id)
    assert urlsplit(page.headers["Location"]).path == "/signin"


# --- logout ------------------------------------------------------------------------------------------------------


async def session_and_id_token(client: TestClient[Any, Any], client_id: str, server: str = SERVER) -> tuple[str, str]:
    """A live session, and an ID token the app got through it."""
    signed_in = await hosted_sign_in(client, client_id=client_id, server=server)
    pair = Pkce(pkce.new_verifier())
    back = back_to_app(await authorize(client, query(client_id, pair), server=server, sid=signed_in.session.id))
    tokens = await redeem(client, back["code"], pair, client_id=client_id, server=server)
    assert tokens.id_token is not None
    return signed_in.session.id, tokens.id_token


async def logout(client: TestClient[Any, Any], sid: str | None = None, server: str = SERVER, **params: str):
    headers = {"Cookie": f"sid={sid}"} if sid else {}
    return await client.get(f"{server}/v1/logout", params=params, headers=headers, allow_redirects=False)


async def session_is_alive(client: TestClient[Any, Any], sid: str) -> bool:
    response = await client.get("/api/v1/sessions/me", headers={"Cookie": f"sid={sid}"})
    assert response.status in (200, 404)
    return response.status == 200


async def test_logout_ends_the_session_and_goes_back_with_the_state(registered):
    sid, id_token = await session_and_id_token(registered, SPA)
    response = await logout(
        registered, sid, id_token_hint=id_token, post_logout_redirect_uri="http://localhost:7777/bye", state="a b"
    )
    assert response.status == 302 and response.headers["Location"] == "http://localhost:7777/bye?state=a+b"
    assert "sid=" in response.headers["Set-Cookie"] and "Max-Age=0" in response.headers["Set-Cookie"]
    assert not await session_is_alive(registered, sid)
    back = back_to_app(await authorize(registered, query(SPA, prompt="none"), sid=sid))
    assert back["error"] == "login_required"


async def test_logout_without_a_redirect_ends_the_session_too(client):
    signed_in = await hosted_sign_in(client)
    response = await logout(client, signed_in.session.id)
    assert response.status == 200 and await response.text() == "Signed out."
    assert not await session_is_alive(client, signed_in.session.id)


async def test_logout_refuses_hints_the_server_did_not_sign_with_the_page_and_keeps_the_session(registered):
    sid, id_token = await session_and_id_token(registered, SPA)
    claims = jwt.decode(id_token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(id_token)["kid"]
    forged = jwt.encode(claims, rsa.generate_private_key(65537, 2048), "RS256", headers={"kid": kid})
    unsigned = jwt.encode(claims, "", "none")
    foreign_key = jwt.encode(claims, rsa.generate_private_key(65537, 2048), "RS256", headers={"kid": "other"})
    _, org_token = await session_and_id_token(registered, SPA, server="/oauth2")
    for hint in (forged, unsigned, foreign_key, org_token, "garbage", id_token + "x"):
        response = await logout(
            registered, sid, id_token_hint=hint, post_logout_redirect_uri="http://localhost:7777/bye", state="s"
        )
        await assert_error_page(response, "invalid_request", "The 'id_token_hint' parameter is not a valid")
        assert "Set-Cookie" not in response.headers
    assert await session_is_alive(registered, sid)


async def test_logout_refuses_a_redirect_the_client_did_not_register_with_the_page(registered):
    sid, id_token = await session_and_id_token(registered, SPA)
    for target in ("https://web.test/bye", "https://evil.test/", "http://localhost:7777/bye/"):
        response = await logout(registered, sid, id_token_hint=id_token, post_logout_redirect_uri=target)
        await assert_error_page(response, "invalid_request", "must be a Logout redirect URI")
    unhinted = await logout(registered, sid, post_logout_redirect_uri="http://localhost:7777/bye")
    await assert_error_page(unhinted, "invalid_request", "is required with")
    assert await session_is_alive(registered, sid)


async def test_logout_with_repeated_parameters_gets_the_page(client):
    response = await client.get(f"{SERVER}/v1/logout", params=[("state", "a"), ("state", "b")], allow_redirects=False)
    await assert_error_page(response, "invalid_request")


# --- discovery ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "prefix"),
    [
        ("/.well-known/openid-configuration", "/oauth2"),
        ("/.well-known/oauth-authorization-server", "/oauth2"),
        ("/oauth2/default/.well-known/openid-configuration", "/oauth2/default"),
        ("/oauth2/aus9/.well-known/oauth-authorization-server", "/oauth2/aus9"),
    ],
)
async def test_discovery_lists_exactly_what_is_served(registered, path, prefix):
    config = await (await registered.get(path)).json()
    endpoints = base_of(registered) + prefix
    assert {name: value for name, value in config.items() if name.endswith(("_endpoint", "jwks_uri"))} == {
        "authorization_endpoint": f"{endpoints}/v1/authorize",
        "token_endpoint": f"{endpoints}/v1/token",
        "userinfo_endpoint": f"{endpoints}/v1/userinfo",
        "jwks_uri": f"{endpoints}/v1/keys",
        "introspection_endpoint": f"{endpoints}/v1/introspect",
        "revocation_endpoint": f"{endpoints}/v1/revoke",
        "end_session_endpoint": f"{endpoints}/v1/logout",
    }
    assert config["response_types_supported"] == ["code", "id_token", "token", "id_token token"]
    assert config["response_modes_supported"] == ["query", "fragment", "form_post", "okta_post_message"]
    assert config["grant_types_supported"] == [
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "implicit",
        "interaction_code",
    ]
    methods = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
    assert config["token_endpoint_auth_methods_supported"] == methods
    assert config["introspection_endpoint_auth_methods_supported"] == methods
    assert config["revocation_endpoint_auth_methods_supported"] == methods
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["scopes_supported"][:2] == ["openid", "profile"] and config["scopes_supported"][-1] == "orders:read"
    assert {"sub", "iss", "aud", "nonce", "auth_time", "amr", "at_hash", "email"} <= set(config["claims_supported"])
    assert config["request_parameter_supported"] is False
    assert config["subject_types_supported"] == ["public"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    for name in ("authorization_endpoint", "jwks_uri", "userinfo_endpoint", "end_session_endpoint"):
        answered = await registered.get(config[name].removeprefix(base_of(registered)), allow_redirects=False)
        assert answered.status not in (404, 405, 501), name
    for name in ("token_endpoint", "introspection_endpoint", "revocation_endpoint"):
        answered = await registered.post(config[name].removeprefix(base_of(registered)), data={})
        assert answered.status not in (404, 405, 501), name


async def test_every_claim_discovery_lists_is_one_a_token_or_userinfo_can_carry(client):
    """The list is no wish list: each claim is one the ID token, access token or userinfo of a sign-in carries (``acr``
    when the app asks for a level)."""
    config = await (await client.get("/oauth2/default/.well-known/openid-configuration")).json()
    signed_in = await hosted_sign_in(client)
    pair = Pkce(pkce.new_verifier())
    scope = "openid profile email"
    asked = query("test-client", pair, scope=scope, acr_values="urn:okta:loa:2fa:any")
    back = back_to_app(await authorize(client, asked, sid=signed_in.session.id))
    tokens = await redeem(client, back["code"], pair)
    id_claims = jwt.decode(tokens.id_token or "", options={"verify_signature": False})
    userinfo = await (
        await client.get(f"{SERVER}/v1/userinfo", headers={"Authorization": f"Bearer {tokens.access_token}"})
    ).json()
    carried = set(id_claims) | set(userinfo)
    profile_claims_no_user_here_has = {"zoneinfo", "locale"}
    assert set(config["claims_supported"]) - profile_claims_no_user_here_has <= carried
