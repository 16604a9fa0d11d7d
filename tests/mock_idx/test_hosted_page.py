"""The built-in hosted sign-in page (``/signin``) and its last hop (``/login/token/redirect``), over plain HTTP: every
step a person takes, read off the page the way a browser without scripts would see it (forms, buttons, alerts), and
what the app finally receives. The browser itself is in e2e/test_hosted_page.py.

A hosted sign-in is opened with the engine's ``authorize`` (what ``/v1/authorize`` calls), then walked through the
page's own forms only.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from mock_idx.config import Settings
from mock_idx.model.transaction import Interaction
from mock_idx.web.app_keys import ENGINE
from tests.support import pkce
from tests.support.fixtures import app_in_loop
from tests.support.hosted_pages import (
    CLIENT_ID,
    STATE,
    Page,
    finish,
    landing,
    open_page,
    path_of,
    poll,
    press,
    read,
    redeem,
    server_of,
    session_cookie,
    start,
    step,
    to_app,
)
from tests.support.idx import PASSWORD, REDIRECT_URI, Flow, advance, control, put_user

LOGIN = "hosted.user@example.com"
APP_ORIGIN = "http://localhost:7777"


async def signed_in_to_push(client: TestClient[Any, Any], login: str = LOGIN, **push: Any) -> Page:
    """A fresh user's hosted sign-in, up to the push sent."""
    await put_user(client, login, **push)
    page = await open_page(client, (await start(client)).url)
    page = await step(client, page, "Sign in", identifier=login, password=PASSWORD)
    return await step(client, page, "Get a push notification")


# --- the flows --------------------------------------------------------------------------------------------------------


async def test_push_sign_in_from_the_first_page_to_tokens(client):
    await put_user(client, LOGIN)
    hosted = await start(client, login_hint=LOGIN)

    page = await open_page(client, hosted.url)
    assert page.status == 200 and page.heading == "Sign In"
    assert hosted.transaction.interaction.client_label in page.text  # the app's label heads every page
    form, _ = page.form_with("Sign in")
    assert form.inputs["identifier"] == LOGIN  # login_hint fills the username in
    assert page.buttons == ["Sign in"]  # nothing to cancel yet

    page = await step(client, page, "Sign in", password=PASSWORD)
    assert page.heading == "Verify it's you with a security method"
    assert page.buttons == ["Enter a code Okta Verify", "Get a push notification Okta Verify", "Back to sign in"]

    page = await step(client, page, "Get a push notification")
    assert page.heading == "Get a push notification"
    assert "Push notification sent" in page.text and "Respond on your mobile device to continue." in page.text
    assert page.buttons == ["Back to sign in"] and list(page.links) == ["Verify with something else"]

    status, _ = await control(client, "POST", f"/users/{LOGIN}/push/approve")
    assert status == 200
    response = await client.get(path_of(page.poll["url"]), allow_redirects=False)
    assert response.status == 303
    answer = await finish(client, response.headers["Location"])

    params = landing(answer)
    assert params["state"] == STATE and set(params) == {"code", "state"}
    sid = session_cookie(answer)
    assert sid["httponly"] and sid["path"] == "/" and sid["samesite"] == "Lax" and not sid["secure"]
    assert (await client.app[ENGINE].session(sid.value)) is not None
    tokens = await redeem(client, params["code"], hosted.verifier)
    assert tokens.id_token and tokens.access_token


async def test_from_the_authorize_endpoint_to_the_token_endpoint(client):
    """The whole hosted flow as an app drives it: ``/v1/authorize`` → the page → the app → ``/v1/token``; then the
    browser's session signs the app in again without a page."""
    await put_user(client, LOGIN, outcome="approve")
    verifier = pkce.new_verifier()
    query = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "scope": "openid profile email",
        "redirect_uri": REDIRECT_URI,
        "state": STATE,
        "nonce": "nonce-2",
        "code_challenge": pkce.challenge(verifier),
        "code_challenge_method": "S256",
        "login_hint": LOGIN,
    }
    response = await client.get("/oauth2/default/v1/authorize", params=query, allow_redirects=False)
    assert response.status == 302 and urlsplit(response.headers["Location"]).path == "/signin"
    page = await open_page(client, response.headers["Location"])
    assert page.forms[0].inputs["identifier"] == LOGIN
    page = await step(client, page, "Sign in", password=PASSWORD)
    page = await step(client, page, "Get a push notification")
    response = await client.get(path_of(page.poll["url"]), allow_redirects=False)  # the phone approves now
    params = landing(await finish(client, response.headers["Location"]))

    form = {
        "grant_type": "authorization_code",
        "code": params["code"],
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        "client_id": CLIENT_ID,
    }
    response = await client.post("/oauth2/default/v1/token", data=form)
    tokens = await response.json()
    assert response.status == 200, tokens
    keys = await (await client.get("/oauth2/default/v1/keys")).json()
    key = jwt.PyJWKSet.from_dict(keys)[jwt.get_unverified_header(tokens["id_token"])["kid"]]
    claims = jwt.decode(
        tokens["id_token"], key=key, algorithms=["RS256"], audience=CLIENT_ID, issuer=server_of(client).issuer
    )
    assert claims["nonce"] == "nonce-2" and claims["preferred_username"] == LOGIN
    assert set(claims["amr"]) == {"pwd", "swk", "mfa"}

    again = await client.get("/oauth2/default/v1/authorize", params={**query, "state": "2"}, allow_redirects=False)
    assert landing(again)["state"] == "2"  # single sign-on: the sid cookie signs the app in without a page


async def test_the_waiting_page_reloads_itself_and_each_reload_is_one_poll(client):
    """A phone scripted to approve "at the second poll" approves at the page's second reload, as it does for an
    embedded app: showing the waiting page is no poll, each reload is one."""
    page = await signed_in_to_push(client, outcome="approve", after_polls=1)
    assert page.poll["ms"] == "100"  # the policy's interval (the test settings' 100 ms)
    assert page.meta_refresh == f"1;url={page.poll['url']}"  # without scripts: whole seconds only
    assert parse_qs(urlsplit(page.poll["url"]).query)["poll"] == ["1"]

    again = await open_page(client, page.url)  # a plain reload polls nothing
    assert again.heading == "Get a push notification" and again.poll
    first = await poll(client, page)
    assert first.poll, "approved at the first poll"
    response = await client.get(path_of(first.poll["url"]), allow_redirects=False)
    assert response.status == 303 and urlsplit(response.headers["Location"]).path == "/login/token/redirect"


async def poll_as_the_script_does(client: TestClient[Any, Any], page: Page) -> dict[str, Any]:
    response = await client.get(path_of(page.poll["url"]), headers={"Accept": "application/json"})
    assert response.status == 200 and response.headers["Cache-Control"] == "no-cache, no-store"
    answer: dict[str, Any] = await response.json()
    return answer


async def test_the_pages_script_polls_in_the_background_and_learns_where_to_go(client):
    page = await signed_in_to_push(client, outcome="approve", after_polls=1)
    assert await poll_as_the_script_does(client, page) == {"next": None}  # the first poll: still waiting
    answer = await poll_as_the_script_does(client, page)  # the second: approved
    assert urlsplit(answer["next"]).path == "/login/token/redirect"
    assert landing(await finish(client, answer["next"]))["state"] == STATE

    page = await signed_in_to_push(client, "denied@example.com", outcome="deny")
    answer = await poll_as_the_script_does(client, page)
    assert answer["next"] == page.url  # the page again, which now shows the rejection
    assert (await open_page(client, answer["next"])).alerts == ["You have chosen to reject this login."]


async def test_rejected_push_then_resent(client):
    page = await signed_in_to_push(client)
    await control(client, "POST", f"/users/{LOGIN}/push/deny")

    page = await poll(client, page)
    assert page.alerts == ["You have chosen to reject this login."]
    assert page.buttons == ["Resend push notification", "Back to sign in"]
    assert list(page.links) == ["Verify with something else"]
    assert not page.poll and not page.meta_refresh

    page = await step(client, page, "Resend push notification")
    assert "Push notification sent" in page.text and page.poll
    await control(client, "POST", f"/users/{LOGIN}/push/approve")
    response = await client.get(path_of(page.poll["url"]), allow_redirects=False)
    assert landing(await finish(client, response.headers["Location"]))["state"] == STATE


async def test_expired_push_offers_a_resend(client):
    page = await signed_in_to_push(client)
    await advance(client, client.app[ENGINE].policy.push_lifetime + 1)

    page = await poll(client, page)
    assert page.alerts == ["Your push notification has expired."]
    assert page.buttons == ["Resend push notification", "Back to sign in"]
    assert list(page.links) == ["Verify with something else"]
    page = await step(client, page, "Resend push notification")
    assert page.poll


async def test_terminal_timeout_only_lets_the_user_start_again(client):
    page = await signed_in_to_push(client, outcome="manual", when_expired="terminal")
    await advance(client, client.app[ENGINE].policy.push_lifetime + 1)

    page = await open_page(client, page.url)  # shown without a poll too
    assert page.alerts == ["Verification timed out. Please try again"]
    assert page.buttons == ["Back to sign in"]

    refused = await read(await client.post("/signin", data={**page.forms[0].hidden, "action": "resend"}))
    assert refused.status == 400 and refused.alerts == ["Verification timed out. Please try again"]

    page = await step(client, page, "Back to sign in")
    assert page.heading == "Sign In"


async def test_number_challenge_shows_the_number_to_tap(client):
    page = await signed_in_to_push(client, number_challenge=True)
    _, pending = await control(client, "GET", f"/users/{LOGIN}/pushes")
    [push] = pending["pushes"]
    shown = re.search(r"then tap (\d+) in Okta Verify to continue", page.text)
    assert shown, page.text

    wrong = next(n for n in push["options"] if str(n) != shown.group(1))
    await control(client, "POST", f"/users/{LOGIN}/push/approve", json={"answer": wrong})
    page = await poll(client, page)
    assert page.alerts == ["You have chosen to reject this login."]  # a wrong number is a denial

    page = await step(client, page, "Resend push notification")
    shown = re.search(r"then tap (\d+) in Okta Verify", page.text)
    assert shown
    await control(client, "POST", f"/users/{LOGIN}/push/approve", json={"answer": int(shown.group(1))})
    response = await client.get(path_of(page.poll["url"]), allow_redirects=False)
    assert landing(await finish(client, response.headers["Location"]))["state"] == STATE


async def test_code_sign_in_with_a_wrong_code_first(client):
    await put_user(client, LOGIN)
    hosted = await start(client)
    page = await open_page(client, hosted.url)
    page = await step(client, page, "Sign in", identifier=LOGIN, password=PASSWORD)
    page = await step(client, page, "Enter a code")
    assert page.heading == "Enter a code" and "Enter code from Okta Verify app" in page.text
    assert page.buttons == ["Verify", "Back to sign in"] and list(page.links) == ["Verify with something else"]

    _, totp = await control(client, "GET", f"/users/{LOGIN}/totp")
    wrong = f"{(int(totp['code']) + 500_000) % 1_000_000:06d}"
    refused = await read(await press(client, page, "Verify", code=wrong))
    assert refused.status == 400 and refused.alerts == ["Invalid code. Try again."]
    assert refused.heading == "Enter a code"

    blank = await read(await press(client, refused, "Verify", code=" "))
    assert blank.status == 400 and blank.alerts == ["This field cannot be left blank"]

    params = landing(await to_app(client, blank, "Verify", code=totp["code"]))
    tokens = await redeem(client, params["code"], hosted.verifier)
    assert tokens.access_token


async def test_verify_with_something_else_goes_back_to_the_methods(client):
    page = await signed_in_to_push(client)
    methods = await open_page(client, page.links["Verify with something else"])
    assert methods.heading == "Verify it's you with a security method" and not methods.poll
    _, pending = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert len(pending["pushes"]) == 1  # only looking: the push is withdrawn once another method is chosen

    page = await step(client, methods, "Enter a code")
    assert page.heading == "Enter a code"
    _, pending = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert pending["pushes"] == []
    page = await open_page(client, page.links["Verify with something else"])
    page = await step(client, page, "Get a push notification")
    assert page.poll


async def test_send_push_automatically_does_not_trap_the_user_in_pushes(client):
    """A user who ticked "Send push automatically" (elsewhere) can still choose a code here."""
    body = {"password": PASSWORD, "authenticators": {"okta_verify": {"auto_challenge": True}}}
    assert (await client.put(f"/_mock/v1/users/{LOGIN}", json=body)).status == 200
    page = await open_page(client, (await start(client)).url)
    page = await step(client, page, "Sign in", identifier=LOGIN, password=PASSWORD)
    page = await step(client, page, "Get a push notification")
    page = await open_page(client, page.links["Verify with something else"])
    page = await step(client, page, "Enter a code")
    assert page.heading == "Enter a code"


async def test_the_methods_view_only_shows_where_choosing_again_is_allowed(client):
    await put_user(client, LOGIN)
    hosted = await start(client)
    page = await open_page(client, f"{hosted.url}&view=methods")
    assert page.heading == "Sign In"  # nothing to choose before the password


async def test_wrong_password_keeps_the_username(client):
    await put_user(client, LOGIN)
    page = await open_page(client, (await start(client)).url)

    refused = await read(await press(client, page, "Sign in", identifier=LOGIN, password="not-it"))
    assert refused.status == 400 and refused.heading == "Sign In"
    assert refused.alerts == ["Authentication failed"]
    assert refused.forms[0].inputs["identifier"] == LOGIN

    unknown = await read(await press(client, page, "Sign in", identifier="nobody@example.com", password="x"))
    assert unknown.alerts == ["Authentication failed"]  # no user enumeration

    blank = await read(await press(client, page, "Sign in", identifier="", password=""))
    assert blank.status == 400 and blank.alerts == ["This field cannot be left blank"] * 2


async def test_cancel_starts_a_fresh_sign_in_and_ends_the_old_one(client):
    page = await signed_in_to_push(client)
    old_url = page.url

    page = await step(client, page, "Back to sign in")
    assert page.heading == "Sign In" and page.forms[0].inputs["identifier"] == ""
    assert page.forms[0].hidden["stateToken"] not in old_url
    _, pending = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert pending["pushes"] == []

    gone = await open_page(client, old_url)
    assert gone.status == 404 and gone.alerts == ["The session has expired."]


async def test_a_user_without_okta_verify_goes_straight_back_to_the_app(client):
    response = await client.put(f"/_mock/v1/users/{LOGIN}", json={"password": PASSWORD, "authenticators": {}})
    assert response.status == 200
    page = await open_page(client, (await start(client)).url)
    assert landing(await to_app(client, page, "Sign in", identifier=LOGIN, password=PASSWORD))["state"] == STATE


async def test_the_redirect_to_the_app_happens_once(client):
    await put_user(client, LOGIN)
    hosted = await start(client)
    page = await open_page(client, hosted.url)
    page = await step(client, page, "Sign in", identifier=LOGIN, password=PASSWORD)
    early = await client.get(
        f"/login/token/redirect?stateToken={hosted.transaction.state_handle}", allow_redirects=False
    )
    assert early.status == 303 and urlsplit(early.headers["Location"]).path == "/signin"  # not signed in yet

    page = await step(client, page, "Enter a code")
    _, totp = await control(client, "GET", f"/users/{LOGIN}/totp")
    response = await press(client, page, "Verify", code=totp["code"])
    first = await finish(client, response.headers["Location"])
    assert first.status == 302
    again = await read(await finish(client, response.headers["Location"]))
    assert again.status == 404 and again.alerts == ["The session has expired."]


async def test_a_finished_sign_in_is_ended_without_being_written_back_first(client, monkeypatch):
    """The redirect to the app ends a sign-in whose success is already stored: it is deleted as it is, not saved
    again a moment before (one store write fewer per sign-in), and the app still gets its code."""
    response = await client.put(f"/_mock/v1/users/{LOGIN}", json={"password": PASSWORD, "authenticators": {}})
    assert response.status == 200
    page = await open_page(client, (await start(client)).url)
    response = await press(client, page, "Sign in", identifier=LOGIN, password=PASSWORD)
    store = client.app[ENGINE].store
    saved: list[str] = []
    save = store.save_transaction

    async def counted(transaction: Any, ttl: float) -> None:
        saved.append(transaction.id)
        await save(transaction, ttl)

    monkeypatch.setattr(store, "save_transaction", counted)
    landed = await finish(client, response.headers["Location"])
    assert landed.status == 302 and landing(landed)["state"] == STATE and saved == []


async def test_a_new_sign_in_replaces_the_browsers_older_session(client):
    await put_user(client, LOGIN, outcome="approve")
    engine = client.app[ENGINE]
    sessions = []
    for _ in range(2):
        page = await open_page(client, (await start(client, prompt="login")).url)
        page = await step(client, page, "Sign in", identifier=LOGIN, password=PASSWORD)
        page = await step(client, page, "Get a push notification")
        response = await client.get(path_of(page.poll["url"]), allow_redirects=False)
        sessions.append(session_cookie(await finish(client, response.headers["Location"])).value)
    assert await engine.session(sessions[0]) is None
    assert await engine.session(sessions[1]) is not None


@pytest.mark.parametrize("mode", ["fragment", "form_post", "okta_post_message"])
async def test_every_response_mode_reaches_the_app(client, mode):
    response = await client.put(f"/_mock/v1/users/{LOGIN}", json={"password": PASSWORD, "authenticators": {}})
    assert response.status == 200
    page = await open_page(client, (await start(client, response_mode=mode)).url)
    answer = await to_app(client, page, "Sign in", identifier=LOGIN, password=PASSWORD)
    assert answer.headers["Cache-Control"] == "no-cache, no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert session_cookie(answer).value
    if mode == "fragment":
        location = answer.headers["Location"]
        assert answer.status == 302 and location.startswith(f"{REDIRECT_URI}#")
        params = parse_qs(urlsplit(location).fragment)
    elif mode == "form_post":
        sent = await read(answer)
        [form] = sent.forms
        assert sent.status == 200 and form.action == REDIRECT_URI
        params = {key: [value] for key, value in form.hidden.items()}
        assert sent.buttons == ["Continue"]  # for a browser without scripts
    else:
        sent = await read(answer)
        found = re.search(r"var answer = (\{.*?\});\s*var app = window\.opener \|\| window\.parent;", sent.html, re.S)
        assert found, sent.html
        params = {key: [value] for key, value in json.loads(found.group(1)).items()}
        assert f'app.postMessage(answer, "{APP_ORIGIN}");' in sent.html  # the app's origin only, never "*"
        assert f"frame-ancestors {APP_ORIGIN}" in answer.headers["Content-Security-Policy"]
    assert params["state"] == [STATE] and len(params["code"][0]) > 20
    if mode != "fragment":
        [nonce] = set((await read(answer)).nonces)
        policy = answer.headers["Content-Security-Policy"]
        assert f"script-src 'nonce-{nonce}'" in policy and "default-src 'none'" in policy


async def test_the_session_cookie_is_secure_and_cross_site_behind_https(tmp_path):
    settings = Settings(public_url="https://login.example.test", poll_refresh_ms=100)
    async with app_in_loop(settings) as client:
        response = await client.put(f"/_mock/v1/users/{LOGIN}", json={"password": PASSWORD, "authenticators": {}})
        assert response.status == 200
        page = await open_page(client, (await start(client)).url)
        assert page.forms[0].action == "https://login.example.test/signin"
        answer = await to_app(client, page, "Sign in", identifier=LOGIN, password=PASSWORD)
        sid = session_cookie(answer)
        assert sid["secure"] and sid["httponly"] and sid["samesite"] == "None"


async def test_every_page_is_private_and_runs_only_its_own_script(client):
    page = await signed_in_to_push(client)
    policy = page.headers["Content-Security-Policy"]
    [nonce] = set(page.nonces)
    assert len(page.nonces) == 2 and len(nonce) >= 22
    assert f"script-src 'nonce-{nonce}'" in policy and "frame-ancestors 'none'" in policy
    assert "default-src 'none'" in policy and "form-action" not in policy  # the way to the app is a redirect
    assert "connect-src 'self' http://127.0.0.1:" in policy  # the script's polls, and nothing else
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-cache, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    again = await open_page(client, page.url)
    assert set(again.nonces) != {nonce}  # a fresh nonce every time


async def test_the_journal_names_the_user_of_each_page(client):
    page = await signed_in_to_push(client)
    await poll(client, page)
    _, journal = await control(client, "GET", "/journal", params={"user": LOGIN})
    seen = [(e["method"], e["path"], e["status"]) for e in journal["entries"]]
    assert ("POST", "/signin", 303) in seen and ("GET", "/signin", 200) in seen


# --- what no page sends -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["", "?stateToken=", f"?stateToken={'a' * 300}", "?stateToken=%ff%fe", "?stateToken=02<script>", "?x=1&stateToken"],
)
@pytest.mark.parametrize("path", ["/signin", "/login/token/redirect"])
async def test_a_malformed_state_token_is_a_400_page(client, path, query):
    page = await read(await client.get(f"{path}{query}", allow_redirects=False))
    assert page.status == 400 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.alerts == ["This sign-in link is not valid."]


@pytest.mark.parametrize("path", ["/signin", "/login/token/redirect"])
async def test_an_unknown_or_embedded_state_token_is_the_expired_page(client, path):
    flow = Flow(client)
    await flow.start()  # an embedded app's transaction: not the hosted page's to show
    for token in ("02" + "x" * 40, flow.state_handle):
        page = await read(await client.get(f"{path}?stateToken={token}", allow_redirects=False))
        assert page.status == 404 and page.alerts == ["The session has expired."]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"action": "identify"},
        {"stateToken": "", "action": "identify"},
        {"stateToken": "02" + "x" * 40, "action": "identify"},
    ],
)
async def test_posts_without_a_live_state_token_are_refused(client, body):
    page = await read(await client.post("/signin", data=body, allow_redirects=False))
    assert page.status in (400, 404) and page.alerts


async def test_posts_no_page_sends_are_4xx_pages_and_keep_the_sign_in(client):
    await put_user(client, LOGIN)
    hosted = await start(client)
    token = hosted.transaction.state_handle
    repeated = [("stateToken", token), ("stateToken", token), ("action", "cancel")]
    upload = FormData({"stateToken": token, "action": "identify"})
    upload.add_field("identifier", b"x", filename="x.txt")
    attempts: list[dict[str, Any]] = [
        {"data": {"stateToken": token, "action": "steal"}},
        {"data": {"stateToken": token, "action": "choose", "method": "push"}},  # out of place
        {"data": {"stateToken": token, "action": "answer", "code": "123456"}},
        {"data": {"stateToken": token}},
        {"data": {"stateToken": token, "action": "identify", "identifier": "x" * 5000, "password": "p"}},
        {"data": repeated},
        {"data": upload},
        {"json": {"stateToken": token, "action": "cancel"}},
        {"data": b"\xff\xfe", "headers": {"Content-Type": "application/x-www-form-urlencoded; charset=klingon"}},
        {"data": b"stateToken=%ff", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
    ]
    for attempt in attempts:
        response = await client.post("/signin", allow_redirects=False, **attempt)
        assert 400 <= response.status < 500, (attempt, response.status)
        assert response.headers["Content-Type"] == "text/html; charset=utf-8", attempt
        await response.read()
    page = await open_page(client, hosted.url)
    assert page.status == 200 and page.heading == "Sign In"  # still there, still at the start


async def test_junk_beside_a_live_state_token_changes_nothing(client):
    page = await signed_in_to_push(client)
    for junk in ("poll=2", "view=../admin", "poll=1&poll=1", "action=cancel", "x=%ff", f"s={'y' * 3000}"):
        shown = await open_page(client, f"{page.url}&{junk}")
        assert shown.status == 200 and shown.heading == "Get a push notification", junk
    _, pending = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert len(pending["pushes"]) == 1  # no GET cancelled or replaced the push


async def test_methods_the_user_has_not_enrolled_are_refused(client):
    await put_user(client, LOGIN, methods=("totp",))
    page = await open_page(client, (await start(client)).url)
    page = await step(client, page, "Sign in", identifier=LOGIN, password=PASSWORD)
    assert page.buttons == ["Enter a code Okta Verify", "Back to sign in"]
    form, _ = page.form_with("Enter a code")
    for method in ("push", "sms", ""):
        refused = await read(await client.post("/signin", data={**form.hidden, "method": method}))
        assert refused.status == 400 and refused.alerts == ["Api validation failed: authenticator"]


async def test_other_methods_on_the_page_are_405(client):
    for method in ("PUT", "DELETE", "PATCH"):
        response = await client.request(method, "/signin")
        assert response.status == 405
        await response.read()


async def test_the_hosted_page_is_only_for_hosted_sign_ins(client):
    """An embedded app's transaction (``/v1/interact``) is not for the hosted page to finish."""
    engine = client.app[ENGINE]
    interaction = Interaction(
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT_URI,
        scope="openid",
        code_challenge=pkce.challenge(pkce.new_verifier()),
        code_challenge_method="S256",
        state="s",
        nonce=None,
        authorization_server="default",
    )
    transaction = await engine.interact(interaction)
    page = await read(await client.post("/signin", data={"stateToken": transaction.state_handle, "action": "cancel"}))
    assert page.status == 404
    assert (await engine.by_state_handle(transaction.state_handle)).state_handle == transaction.state_handle
