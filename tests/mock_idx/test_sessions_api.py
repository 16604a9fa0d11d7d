"""``/api/v1/sessions/me`` over HTTP, on both stores: what okta-auth-js's ``session.get()``, ``session.exists()`` and
``closeSession()`` read, called with the ``sid`` cookie from an app on another origin (CORS with credentials)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from mock_idx.config import Settings
from mock_idx.web.app_keys import ENGINE
from tests.mock_idx.test_authorize import LOGIN, authorize, back_to_app, base_of, hosted_sign_in, query
from tests.support.fixtures import app_in_loop
from tests.support.idx import advance

ME = "/api/v1/sessions/me"
APP_ORIGIN = "http://localhost:3000"
OKTA_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def cookie(sid: str) -> dict[str, str]:
    return {"Cookie": f"sid={sid}"}


def parse(timestamp: str) -> float:
    assert OKTA_TIME.match(timestamp), timestamp
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


async def assert_no_session(response: Any) -> None:
    """Okta's answer when the browser has no session: what okta-auth-js's closeSession() reads as "already gone"."""
    assert response.status == 404
    body = await response.json()
    assert body["errorCode"] == "E0000007"
    assert body["errorSummary"] == "Not found: Resource not found: me (Session)"
    assert set(body) == {"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"}


async def test_the_current_session_as_okta_shows_it(client):
    signed_in = await hosted_sign_in(client)
    session = signed_in.session
    response = await client.get(ME, headers=cookie(session.id))
    assert response.status == 200 and response.content_type == "application/json"
    body = await response.json()
    base = base_of(client)
    user = await client.app[ENGINE].user(LOGIN)
    assert body["id"] == session.okta_id and body["id"].startswith("102") and body["id"] != session.id
    assert body["userId"] == user.id and body["login"] == LOGIN and body["status"] == "ACTIVE"
    assert body["amr"] == ["pwd", "swk", "mfa"] and body["mfaActive"] is True
    assert body["idp"]["type"] == "OKTA" and re.match(r"^00o[A-Za-z0-9]{17}$", body["idp"]["id"])
    assert parse(body["expiresAt"]) - parse(body["createdAt"]) == 7200  # the default lifetime, from sign-in
    assert parse(body["lastPasswordVerification"]) == parse(body["lastFactorVerification"])
    assert abs(parse(body["lastPasswordVerification"]) - parse(body["createdAt"])) < 5
    assert body["_links"] == {
        "self": {"href": f"{base}{ME}", "hints": {"allow": ["GET", "DELETE"]}},
        "refresh": {"href": f"{base}{ME}/lifecycle/refresh", "hints": {"allow": ["POST"]}},
        "user": {"name": "Ada Lovelace", "href": f"{base}/api/v1/users/me", "hints": {"allow": ["GET"]}},
    }
    again = await (await client.get(ME, headers=cookie(session.id))).json()
    assert again["idp"] == body["idp"] and again["id"] == body["id"]


async def test_the_session_is_never_shown_without_its_cookie(client):
    await hosted_sign_in(client)
    await assert_no_session(await client.get(ME))
    for junk in ("nope", "x" * 300, "", '"quoted"'):
        await assert_no_session(await client.get(ME, headers=cookie(junk)))


async def test_using_the_session_keeps_it_alive_until_its_idle_timeout_moves(client):
    """Okta's idle timeout slides with use; expiresAt shows the nearer of the two ends."""
    signed_in = await hosted_sign_in(client)
    sid = signed_in.session.id
    first = await (await client.get(ME, headers=cookie(sid))).json()
    await advance(client, 3600)
    later = await (await client.get(ME, headers=cookie(sid))).json()
    assert later["expiresAt"] == first["expiresAt"]  # idle timeout = lifetime: the lifetime ends it first
    await advance(client, 3601)
    await assert_no_session(await client.get(ME, headers=cookie(sid)))


async def test_delete_ends_the_session_once(client):
    signed_in = await hosted_sign_in(client)
    sid = signed_in.session.id
    response = await client.delete(ME, headers=cookie(sid))
    assert response.status == 204 and await response.read() == b""
    assert "sid=" in response.headers["Set-Cookie"] and "Max-Age=0" in response.headers["Set-Cookie"]
    await assert_no_session(await client.get(ME, headers=cookie(sid)))
    await assert_no_session(await client.delete(ME, headers=cookie(sid)))
    await assert_no_session(await client.delete(ME))
    back = back_to_app(await authorize(client, query(prompt="none"), sid=sid))
    assert back["error"] == "login_required"


async def test_over_https_the_cookie_is_expired_with_the_attributes_it_was_set_with(store_setting):
    """Behind https the hosted page sets ``sid`` with ``SameSite=None; Secure`` (for the hidden-iframe renewal); a
    browser keeps a cross-site answer's cookie only with those, so closeSession() from the app expires it so too."""
    async with app_in_loop(Settings(public_url="https://idp.test", store=store_setting)) as secure:
        signed_in = await hosted_sign_in(secure)
        response = await secure.delete(ME, headers={"Origin": APP_ORIGIN, **cookie(signed_in.session.id)})
        assert response.status == 204
        expired = response.headers["Set-Cookie"]
        assert "Max-Age=0" in expired and "Secure" in expired and "SameSite=None" in expired and "HttpOnly" in expired
    async with app_in_loop(Settings(store=store_setting)) as plain:
        signed_in = await hosted_sign_in(plain)
        expired = (await plain.delete(ME, headers=cookie(signed_in.session.id))).headers["Set-Cookie"]
        assert "Secure" not in expired and "SameSite=Lax" in expired and "HttpOnly" in expired


async def test_an_app_on_another_origin_reads_and_ends_the_session_with_credentials(client):
    """okta-auth-js calls with ``credentials: include`` and an ``Accept``/``Content-Type`` that need a preflight:
    the origin is echoed (``*`` would forbid cookies) with ``Access-Control-Allow-Credentials: true``."""
    signed_in = await hosted_sign_in(client)
    sid = signed_in.session.id
    for method in ("GET", "DELETE"):
        preflight = await client.options(
            ME,
            headers={
                "Origin": APP_ORIGIN,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "accept, content-type, x-okta-user-agent-extended",
            },
        )
        assert preflight.status == 204
        assert preflight.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
        assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
        assert method in preflight.headers["Access-Control-Allow-Methods"]
        assert "x-okta-user-agent-extended" in preflight.headers["Access-Control-Allow-Headers"]
    read = await client.get(ME, headers={"Origin": APP_ORIGIN, "Accept": "application/json", **cookie(sid)})
    assert read.status == 200 and read.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert read.headers["Access-Control-Allow-Credentials"] == "true" and "Origin" in read.headers["Vary"]
    ended = await client.delete(ME, headers={"Origin": APP_ORIGIN, **cookie(sid)})
    assert ended.status == 204 and ended.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    gone = await client.get(ME, headers={"Origin": APP_ORIGIN, **cookie(sid)})
    assert gone.status == 404 and gone.headers["Access-Control-Allow-Origin"] == APP_ORIGIN  # readable: E0000007


async def test_the_pages_a_browser_navigates_to_grant_no_other_origin_a_read(client):
    """A page of another origin that could read /v1/authorize with the user's cookie would read the code of an
    okta_post_message answer (or a hosted page's state token): Okta grants these no CORS, nor does the fake."""
    signed_in = await hosted_sign_in(client)
    headers = {"Origin": "http://evil.localhost:8000", **cookie(signed_in.session.id)}
    params = query(prompt="none", response_mode="okta_post_message")
    silent = await client.get("/oauth2/default/v1/authorize", params=params, headers=headers)
    assert silent.status == 200 and "Access-Control-Allow-Origin" not in silent.headers
    for path in ("/oauth2/v1/logout", "/signin", "/login/token/redirect"):
        response = await client.get(path, headers=headers, allow_redirects=False)
        assert "Access-Control-Allow-Origin" not in response.headers, path
    preflight = await client.options(
        "/oauth2/default/v1/authorize",
        headers={"Origin": "http://evil.localhost:8000", "Access-Control-Request-Method": "GET"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


async def test_the_journal_names_the_sessions_user(client):
    signed_in = await hosted_sign_in(client)
    await client.get(ME, headers=cookie(signed_in.session.id))
    await client.delete(ME, headers=cookie(signed_in.session.id))
    journal = await (await client.get("/_mock/v1/journal")).json()
    entries = [e for e in journal["entries"] if e["path"] == ME]
    assert [(e["method"], e["status"], e["user"]) for e in entries] == [("GET", 200, LOGIN), ("DELETE", 204, LOGIN)]
