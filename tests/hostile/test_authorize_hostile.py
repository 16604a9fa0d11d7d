"""Hostile requests to the browser's side of the org: ``/v1/authorize``, ``/v1/logout`` and ``/api/v1/sessions/me``,
as bytes on a raw socket (nothing tidied up by a client library) and as odd parameters.

Oversized, repeated and non-UTF-8 parameters, response modes nobody defined, and junk in the headers and cookies:
never a 500 and never a traceback; a request with no safe way back is Okta's error page (never a redirect), one
whose way back is known goes back with an error, and the session API answers its classic ``E0000007``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from aiohttp.test_utils import TestClient

from mock_idx.web.app_keys import ENGINE
from tests.hostile.test_mock_idx_inputs import LEAKS, NOT_UTF8, Answer, request, send_raw
from tests.mock_idx.test_authorize import assert_error_page, authorize, back_to_app, hosted_sign_in, query

AUTHORIZE = "/oauth2/default/v1/authorize"
LOGOUT = "/oauth2/default/v1/logout"
ME = "/api/v1/sessions/me"
FORM = {"Content_Type": "application/x-www-form-urlencoded"}


def assert_sound(answer: Answer, *, page: bool = False) -> None:
    """No server error and nothing of the server's insides; ``page``: Okta's HTML error page, never a redirect."""
    assert answer.status < 500, answer
    assert not any(leak in answer.body for leak in LEAKS), answer.body[:500]
    if page:
        assert answer.status == 400 and answer.headers["content-type"].startswith("text/html"), answer
        assert "location" not in answer.headers and b"Bad Request" in answer.body


def authorize_target(**overrides: str | None) -> str:
    return f"{AUTHORIZE}?{urlencode(query(**overrides))}"


# --- parameters: oversized, repeated, not UTF-8 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "size"),
    [("client_id", 6000), ("redirect_uri", 6000), ("scope", 6000), ("nonce", 6000), ("login_hint", 6000)],
)
async def test_oversized_parameters_are_refused_or_carried_never_a_500(client, name, size):
    value = "a" * size if name != "redirect_uri" else "http://localhost/" + "a" * size
    answer = await send_raw(client, *request("GET", f"{AUTHORIZE}?{urlencode(query(**{name: value}))}"))
    assert_sound(answer)
    if name in ("client_id", "redirect_uri", "login_hint", "nonce"):
        assert answer.status in (302, 400)
    else:
        assert answer.status == 302 and "error=invalid_scope" in answer.headers["location"]


async def test_a_request_line_longer_than_the_server_reads_is_refused_by_the_parser(client):
    answer = await send_raw(client, *request("GET", f"{AUTHORIZE}?state={'s' * 20000}"))
    assert 400 <= answer.status < 500 and not any(leak in answer.body for leak in LEAKS)


async def test_an_oversized_state_goes_back_as_an_error_not_echoed_in_full(client):
    back = back_to_app(await authorize(client, query(state="s" * 5000)))
    assert back["error"] == "invalid_request" and back["state"] == "s" * 5000


@pytest.mark.parametrize("name", sorted(query()))
async def test_every_parameter_repeated_gets_the_error_page(client, name):
    target = f"{AUTHORIZE}?{urlencode(query())}&{quote(name)}=again"
    assert_sound(await send_raw(client, *request("GET", target)), page=True)
    body = f"{urlencode(query())}&{quote(name)}=again".encode()
    assert_sound(await send_raw(client, *request("POST", AUTHORIZE, body, **FORM)), page=True)


@pytest.mark.parametrize("name", ["client_id", "redirect_uri", "state", "scope", "response_mode", "prompt", "idp"])
@pytest.mark.parametrize("encoded", ["%FF%FE", "%C3%28", "%ED%A0%80", "%00", "%0D%0ALocation:%20http://evil.test"])
async def test_parameters_that_are_not_utf8_or_carry_control_characters_never_break_anything(client, name, encoded):
    params = query()
    params.pop(name, None)
    target = f"{AUTHORIZE}?{urlencode(params)}&{name}={encoded}"
    answer = await send_raw(client, *request("GET", target))
    assert_sound(answer)
    location = answer.headers.get("location", "")
    assert "\r" not in location and "\n" not in location and "evil.test" not in urlsplit(location).netloc


async def test_raw_non_utf8_bytes_in_the_target_are_refused(client):
    head = b"GET " + AUTHORIZE.encode() + b"?client_id=" + NOT_UTF8 + b" HTTP/1.1\r\nHost: 127.0.0.1"
    assert_sound(await send_raw(client, head))


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded; charset=latin-1", b"client_id=\xff\xfe"),
        ("application/x-www-form-urlencoded; charset=klingon", b"client_id=a"),
        ("application/x-www-form-urlencoded", NOT_UTF8),
        ("application/json", b'{"client_id": "test-client"}'),
        ("text/plain", b"client_id=test-client"),
        ("multipart/form-data; boundary=xYzZY", b"--xYzZY\r\nContent-Disposition: form-data; name=client_id\r\n"),
        (
            "multipart/form-data; boundary=xYzZY",
            b'--xYzZY\r\nContent-Disposition: form-data; name="client_id"; filename="a.txt"\r\n\r\nx\r\n--xYzZY--\r\n',
        ),
    ],
)
async def test_post_bodies_that_are_not_a_plain_form_get_the_error_page(client, content_type, body):
    answer = await send_raw(client, *request("POST", AUTHORIZE, body, Content_Type=content_type))
    assert_sound(answer, page=True)


# --- response modes and other values nobody defined ----------------------------------------------------------------


@pytest.mark.parametrize(
    "mode", ["QUERY", "query ", " fragment", "form_post\x00", "web_message", "jwt", "query.jwt", "x" * 3000, "🙂"]
)
async def test_response_modes_nobody_defined_get_the_error_page(client, mode):
    await assert_error_page(await authorize(client, query(response_mode=mode)), "invalid_request")


@pytest.mark.parametrize(
    "overrides",
    [
        {"response_type": "code code"},
        {"response_type": " code "},
        {"response_type": "token id_token"},
        {"response_type": "id_token", "code_challenge": None, "code_challenge_method": None},
        {"prompt": "none login"},
        {"max_age": "99999999999999999999"},
        {"max_age": "١٢"},  # Arabic-Indic digits: digits to str.isdigit, not to Okta
        {"scope": "openid " * 500},
        {"code_challenge": "x" * 129},
        {"code_challenge_method": "s256"},
        {"idp": "\x00"},
        {"login_hint": "<script>alert(1)</script>"},
    ],
)
async def test_odd_values_are_answered_never_a_500(client, overrides):
    response = await authorize(client, query(**overrides))
    assert response.status in (302, 400), await response.text()
    if response.status == 302:
        location = urlsplit(response.headers["Location"])
        assert location.path in ("/callback", "/signin")


# --- headers and cookies -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": b"sid=" + NOT_UTF8},
        {"Cookie": "sid=" + "x" * 7000},
        {"Cookie": "sid=a; sid=b; sid=c"},
        {"Cookie": 'sid="\\"\\x00"'},
        {"Cookie": "=; ;;; sid"},
        {"Origin": "null"},
        {"Origin": b"http://\xff"},
        {"Accept": "*/*;q=nonsense", "Accept_Language": "x" * 4000},
        {"X_Forwarded_Host": "evil.test", "X_Forwarded_Proto": "javascript"},
        {"Referer": "javascript:alert(1)"},
    ],
)
@pytest.mark.parametrize("target", [AUTHORIZE, LOGOUT, ME])
async def test_junk_headers_never_break_the_browser_endpoints(client, headers, target):
    path = authorize_target(prompt="none") if target == AUTHORIZE else target
    answer = await send_raw(client, *request("GET", path, **headers))
    assert_sound(answer)
    if answer.status == 302:
        assert "evil.test" not in urlsplit(answer.headers["location"]).netloc
    if target == ME and answer.status == 404:
        assert answer.json()["errorCode"] == "E0000007"


async def test_a_foreign_host_is_refused_before_anything_reads_the_request(client):
    answer = await send_raw(client, *request("GET", authorize_target(), host="evil.test"))
    assert answer.status == 421 and b"evil.test" not in answer.body


async def test_a_session_cookie_from_another_session_or_truncated_signs_nobody_in(client):
    signed_in = await hosted_sign_in(client)
    sid = signed_in.session.id
    for junk in (sid[:-1], sid + "x", sid.upper(), signed_in.session.okta_id, sid + "%00"):
        back = back_to_app(await authorize(client, query(prompt="none"), sid=junk))
        assert back["error"] == "login_required", junk
    assert await client.app[ENGINE].session(sid) is not None


# --- logout and the session API ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"id_token_hint": "a.b.c"},
        {"id_token_hint": "x" * 6000},
        {"id_token_hint": "eyJhbGciOiJub25lIn0.e30."},
        {"id_token_hint": "\x00"},
        {"post_logout_redirect_uri": "javascript:alert(1)"},
        {"id_token_hint": "a.b.c", "post_logout_redirect_uri": "https://evil.test/"},
        {"id_token_hint": "", "post_logout_redirect_uri": ""},
    ],
)
async def test_logout_with_junk_gets_the_error_page_never_a_redirect(client, params):
    response = await client.get(LOGOUT, params=params, allow_redirects=False)
    assert response.status in (200, 400), await response.text()
    assert "Location" not in response.headers
    if response.status == 400:
        await assert_error_page(response, "invalid_request")


@pytest.mark.parametrize("method", ["PUT", "PATCH", "POST"])
async def test_the_session_api_refuses_other_methods_in_okta_shape(client, method):
    response = await client.request(method, ME)
    assert response.status == 405
    body: dict[str, Any] = await response.json()
    assert body["errorCode"] == "E0000022"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_authorize_refuses_other_methods(client, method):
    response = await client.request(method, AUTHORIZE)
    assert response.status == 405


async def test_the_error_page_survives_every_character(client: TestClient[Any, Any]):
    """The error page echoes the client id the app sent (in Okta's description); everything is text in it."""
    for client_id in ("\u202e", "a\x00b", "</dd><script>alert(1)</script>", "{{ 7*7 }}", "é" * 1000):
        response = await authorize(client, query(client_id=client_id, redirect_uri="https://evil.test/"))
        text = await assert_error_page(response, "invalid_request")
        assert "<script>alert" not in text and "49" not in text
