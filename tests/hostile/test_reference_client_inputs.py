"""Hostile input for the reference client: it answers its own page (4xx, or the error page for a broken identity
provider), never a bare 500, never a traceback, and a refused request never changes the user's session.

Class 1: what a browser (or anyone with a socket) can send: bodies, headers, cookies. Class 2: what an identity
provider can answer, served by a tiny fake IdP on a free loopback port and driven through the app's real routes.
Last, hypothesis throws random requests at every route of the app signed in part-way against mock_idx.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_idx.testing import BackgroundServer
from reference_client.app import SESSION_COOKIE, SESSIONS_KEY, create_app
from reference_client.config import AppConfig
from reference_client.idx import IdxClientConfig

ERROR_PAGE = "<h1>Something went wrong</h1>"
LOGIN_PAGE = "<h1>Sign in</h1>"
PROTOCOL_ERROR = "400 Bad Request"
"""What aiohttp's HTTP parser answers itself, before any app code runs, to a request line or Host it cannot parse."""
CSRF_INPUT = re.compile(rb'name="csrf_token" value="([^"]+)"')


def csrf_token_in(page: bytes) -> str:
    """The CSRF token of the page's form; a page without one fails the test here."""
    found = CSRF_INPUT.search(page)
    assert found is not None, page[:300]
    return found.group(1).decode()


ROUTES = [
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/select-authenticator"),
    ("POST", "/select-authenticator"),
    ("GET", "/okta-verify/select-method"),
    ("POST", "/okta-verify/select-method"),
    ("GET", "/okta-verify/push-sent"),
    ("GET", "/okta-verify/challenge-poll"),
    ("GET", "/okta-verify/push-rejected"),
    ("POST", "/okta-verify/resend-push"),
    ("GET", "/okta-verify/push-expired"),
    ("GET", "/okta-verify/enter-code"),
    ("POST", "/okta-verify/enter-code"),
    ("POST", "/cancel"),
    ("POST", "/logout"),
    ("GET", "/static/poll.js"),
]


# -- a raw HTTP/1.1 exchange, so header bytes go out exactly as written -------------------------------------------


def raw_request(method: str, path: str, headers: dict[str, bytes] | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close"]
    fields = {"Content-Length": str(len(body)).encode(), **(headers or {})}
    lines += [name.encode() + b": " + value for name, value in fields.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def parse_reply(reply: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = reply.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return int(status_line.split()[1]), headers, body


async def exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        reply = await asyncio.wait_for(reader.read(), timeout=20)
    finally:
        writer.close()
    return parse_reply(reply)


class Browser:
    """One visitor's cookie and CSRF token, taken from a login page of the app on `port`."""

    def __init__(self, port: int, app: web.Application) -> None:
        self.port, self.app = port, app
        self.cookie = self.csrf = ""

    async def open_login(self) -> None:
        status, headers, body = await exchange(self.port, raw_request("GET", "/login"))
        assert status == 200
        self.cookie = headers["set-cookie"].split(";")[0].split("=", 1)[1]
        self.csrf = csrf_token_in(body)

    def session(self) -> dict[str, Any] | None:
        return self.app[SESSIONS_KEY].data_of(self.cookie)

    def form(self, **fields: str) -> bytes:
        return urlencode({"csrf_token": self.csrf, **fields}).encode()


def assert_own_page(status: int, headers: dict[str, str], body: bytes, expected: str) -> None:
    assert status < 500 or expected == ERROR_PAGE, (status, body[:300])
    assert b"Traceback" not in body and b"Server got itself in trouble" not in body
    if expected.startswith("/"):
        assert (status, headers.get("location")) == (302, expected)
    elif expected == PROTOCOL_ERROR:
        assert status == 400 and headers["content-type"].startswith("text/plain")
    else:
        assert headers["content-type"].startswith("text/html"), headers
        assert expected.encode() in body, body[:500]


# -- class 1: hostile browser input -------------------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"


def multipart(part_headers: str, value: bytes = b"x", *, close: bool = True) -> tuple[dict[str, bytes], bytes]:
    body = b"--XX\r\n" + part_headers.encode() + b"\r\n\r\n" + value + (b"\r\n--XX--\r\n" if close else b"")
    return {"Content-Type": b"multipart/form-data; boundary=XX"}, body


def urlencoded(body: bytes, content_type: str = FORM, /, **headers: bytes) -> tuple[dict[str, bytes], bytes]:
    return {"Content-Type": content_type.encode(), **headers}, body


# (id, method, path, how to build headers+body from the browser's csrf token, expected page or redirect, status)
BROWSER_CASES: list[tuple[str, str, str, Callable[[Browser], tuple[dict[str, bytes], bytes]], str, int]] = [
    ("unknown-charset", "POST", "/login", lambda b: urlencoded(b.form(), f"{FORM}; charset=klingon"), ERROR_PAGE, 400),
    (
        "percent-encoded-non-utf8",
        "POST",
        "/login",
        lambda b: urlencoded(b.form() + b"&username=%ff%fe"),
        LOGIN_PAGE,
        400,
    ),
    ("raw-non-utf8-bytes", "POST", "/login", lambda b: urlencoded(b.form() + b"&username=\xff\xfe"), ERROR_PAGE, 400),
    ("nul-in-field", "POST", "/login", lambda b: urlencoded(b.form() + b"&username=a%00b&password=p"), ERROR_PAGE, 400),
    (
        "multipart-unknown-transfer-encoding",
        "POST",
        "/login",
        lambda b: multipart('Content-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: rot13'),
        ERROR_PAGE,
        400,
    ),
    (
        "multipart-truncated",
        "POST",
        "/login",
        lambda b: multipart('Content-Disposition: form-data; name="a"', close=False),
        ERROR_PAGE,
        400,
    ),
    (
        "multipart-file-part",
        "POST",
        "/login",
        lambda b: multipart('Content-Disposition: form-data; name="csrf_token"; filename="x.txt"', b.csrf.encode()),
        ERROR_PAGE,
        400,
    ),
    (
        "multipart-unknown-part-charset",
        "POST",
        "/login",
        lambda b: multipart('Content-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=klingon'),
        ERROR_PAGE,
        400,
    ),
    (
        "gzip-garbage",
        "POST",
        "/login",
        lambda b: urlencoded(b"not gzip", **{"Content-Encoding": b"gzip"}),
        ERROR_PAGE,
        400,
    ),
    (
        "deflate-garbage",
        "POST",
        "/login",
        lambda b: urlencoded(b"not deflate", **{"Content-Encoding": b"deflate"}),
        ERROR_PAGE,
        400,
    ),
    (
        "gzip-truncated",
        "POST",
        "/login",
        lambda b: urlencoded(gzip.compress(b.form())[:-12], **{"Content-Encoding": b"gzip"}),
        ERROR_PAGE,
        403,  # inflates to a part of the form without its token
    ),
    ("oversized-body", "POST", "/login", lambda b: urlencoded(b.form() + b"&x=" + b"a" * 200_000), ERROR_PAGE, 413),
    ("repeated-csrf", "POST", "/login", lambda b: urlencoded(b.form() + b"&csrf_token=other"), ERROR_PAGE, 400),
    (
        "repeated-username",
        "POST",
        "/login",
        lambda b: urlencoded(b.form(username="a") + b"&username=b"),
        ERROR_PAGE,
        400,
    ),
    ("missing-csrf", "POST", "/login", lambda b: urlencoded(b"username=a&password=b"), ERROR_PAGE, 403),
    ("json-body", "POST", "/login", lambda b: urlencoded(b'{"csrf_token": 1}', "application/json"), ERROR_PAGE, 403),
    ("missing-fields", "POST", "/login", lambda b: urlencoded(b.form()), LOGIN_PAGE, 400),
    ("missing-choice", "POST", "/select-authenticator", lambda b: urlencoded(b.form()), "/login", 302),
    ("method-not-allowed", "PATCH", "/login", lambda b: ({}, b""), ERROR_PAGE, 405),
    ("method-not-http", "BREW", "/login", lambda b: ({}, b""), PROTOCOL_ERROR, 400),
    ("unknown-path", "GET", "/%ff%fe/../x", lambda b: ({}, b""), ERROR_PAGE, 404),
    (
        "non-utf8-authorization",
        "GET",
        "/login",
        lambda b: ({"Authorization": b"Bearer \xff\xfe\x80"}, b""),
        LOGIN_PAGE,
        200,
    ),
    ("non-utf8-host", "GET", "/login", lambda b: ({"Host": b"\xff\xfe.example"}, b""), PROTOCOL_ERROR, 400),
    (
        "non-utf8-cookie",
        "GET",
        "/login",
        lambda b: ({"Cookie": SESSION_COOKIE.encode() + b"=\xff\xfe"}, b""),
        LOGIN_PAGE,
        200,
    ),
    (
        "garbage-cookie",
        "GET",
        "/okta-verify/push-sent",
        lambda b: ({"Cookie": b"reference_client_session=x%00;;="}, b""),
        "/login",
        302,
    ),
    (
        "forged-session-id",
        "GET",
        "/okta-verify/enter-code",
        lambda b: ({"Cookie": SESSION_COOKIE.encode() + b"=" + b"A" * 43}, b""),
        "/login",
        302,
    ),
    (
        "huge-cookie",
        "GET",
        "/",
        lambda b: ({"Cookie": SESSION_COOKIE.encode() + b"=" + b"A" * 7000}, b""),
        "<h1>Welcome</h1>",
        200,
    ),
]


@pytest.fixture
async def unreachable_idp_app() -> AsyncIterator[tuple[int, web.Application]]:
    """The app pointed at an issuer nobody serves: class 1 is about what the app does before it asks one."""
    config = AppConfig(idx=IdxClientConfig("http://127.0.0.1:9/oauth2/default", "c", "http://127.0.0.1/cb"))
    server = TestServer(create_app(config), host="127.0.0.1")
    await server.start_server()
    try:
        assert server.port is not None
        yield server.port, server.app
    finally:
        await server.close()


@pytest.mark.parametrize(
    ("method", "path", "build", "expected", "status"),
    [pytest.param(*case[1:], id=case[0]) for case in BROWSER_CASES],
)
async def test_hostile_browser_input_gets_the_apps_own_answer(
    unreachable_idp_app, method, path, build, expected, status
):
    port, app = unreachable_idp_app
    browser = Browser(port, app)
    await browser.open_login()
    before = browser.session()
    headers, body = build(browser)
    headers = {"Cookie": f"{SESSION_COOKIE}={browser.cookie}".encode(), **headers}

    got_status, got_headers, got_body = await exchange(port, raw_request(method, path, headers, body))

    assert got_status == status
    assert_own_page(got_status, got_headers, got_body, expected)
    if status >= 400:
        assert browser.session() == before  # refused: the session did not change


async def test_an_unreadable_body_never_reaches_the_identity_provider(unreachable_idp_app):
    """A refused form is refused before the app calls out: the unreachable issuer would have made it a 503."""
    port, app = unreachable_idp_app
    browser = Browser(port, app)
    await browser.open_login()
    headers = {"Cookie": f"{SESSION_COOKIE}={browser.cookie}".encode(), "Content-Type": f"{FORM}; charset=x".encode()}
    status, _, _ = await exchange(
        port, raw_request("POST", "/login", headers, browser.form(username="a", password="b"))
    )
    assert status == 400


# -- class 2: an identity provider answering garbage ----------------------------------------------------------------

Answer = Callable[[web.Request], Awaitable[web.StreamResponse]]
APP_TIMEOUT_S = 0.5


def answer_text(body: str | bytes, status: int = 200, content_type: str = "text/plain") -> Answer:
    async def answer(request: web.Request) -> web.StreamResponse:
        raw = body.encode() if isinstance(body, str) else body
        return web.Response(body=raw, status=status, headers={"Content-Type": content_type})

    return answer


def answer_json(document: Any, status: int = 200) -> Answer:
    return answer_text(json.dumps(document), status, "application/ion+json; okta-version=1.0.0")


def identify_document(href: str = "/idp/idx/identify", **changes: Any) -> dict[str, Any]:
    """An identify step as Okta sends it; `href` relative to the fake's own URL, `changes` override form keys."""
    form = {
        "name": "identify",
        "href": href,
        "method": "POST",
        "value": [
            {"name": "identifier", "label": "Username"},
            {"name": "credentials", "form": {"value": [{"name": "passcode", "secret": True}]}},
            {"name": "stateHandle", "value": "state-1", "mutable": False},
        ],
        **changes,
    }
    return {"version": "1.0.0", "stateHandle": "state-1", "remediation": {"type": "array", "value": [form]}}


async def drop_connection(request: web.Request) -> web.StreamResponse:
    assert request.transport is not None
    request.transport.close()
    return web.Response()


async def truncated_body(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json", "Content-Length": "1000"})
    await response.prepare(request)
    await response.write(b'{"remediation": {"type": "arr')
    assert request.transport is not None
    request.transport.close()
    return response


async def too_slow(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(APP_TIMEOUT_S * 6)
    return web.json_response(identify_document())


# (id, which IdP call answers the garbage, the answer, the status of the user's page), the page being the error page
# unless the case says otherwise in IDP_CASES_NOT_ON_THE_ERROR_PAGE.
IDP_CASES: list[tuple[str, str, Answer, int]] = [
    ("interact-not-json", "interact", answer_text("hello"), 502),
    ("interact-html", "interact", answer_text("<html><body>Okta</body></html>", content_type="text/html"), 502),
    ("interact-handle-a-number", "interact", answer_json({"interaction_handle": 5}), 502),
    ("interact-500-html", "interact", answer_text("<h1>oops</h1>", 500, "text/html"), 503),
    ("introspect-not-json", "introspect", answer_text("not json at all"), 502),
    ("introspect-html", "introspect", answer_text("<!doctype html><p>maintenance</p>", content_type="text/html"), 502),
    ("introspect-json-array", "introspect", answer_json([1, 2, 3]), 502),
    ("introspect-empty", "introspect", answer_text(b""), 502),
    ("remediation-a-string", "introspect", answer_json({"remediation": "identify"}), 409),
    ("remediation-value-a-string", "introspect", answer_json({"remediation": {"value": "identify"}}), 409),
    ("fields-not-a-list", "introspect", answer_json(identify_document(value="identifier")), 401),
    (
        "options-a-number",
        "introspect",
        answer_json(identify_document(value=[{"name": "identifier", "options": 5}])),
        502,
    ),
    ("form-field-a-string", "introspect", answer_json(identify_document(value=[{"name": "x", "form": "y"}])), 401),
    (
        "messages-a-string",
        "introspect",
        answer_json({**identify_document(), "messages": "boom", "remediation": 1}),
        409,
    ),
    ("method-not-a-token", "introspect", answer_json(identify_document(method="PO ST")), 502),
    ("href-not-a-url", "introspect", answer_json(identify_document(href="::not a url::")), 502),
    ("href-not-http", "introspect", answer_json(identify_document(href="ftp://127.0.0.1/x")), 502),
    ("deeply-nested", "introspect", answer_text("[" * 100_000 + "]" * 100_000, content_type="application/json"), 502),
    ("larger-than-a-megabyte", "introspect", answer_text(b"{" + b" " * 2_000_000 + b"}"), 502),
    ("not-utf8", "introspect", answer_text(b'{"remediation": "\xff\xfe"}', content_type="application/json"), 502),
    ("unknown-charset", "introspect", answer_text(b"{}", content_type="application/json; charset=klingon"), 502),
    ("truncated-body", "introspect", truncated_body, 503),
    ("connection-dropped", "introspect", drop_connection, 503),
    ("slower-than-the-timeout", "introspect", too_slow, 503),
    ("http-500-odd-body", "introspect", answer_text(b"\x00\x01\x02", 500, "application/octet-stream"), 503),
    ("http-503-idx-body", "introspect", answer_json({"messages": {"value": [{"message": "busy"}]}}, 503), 503),
    ("http-429", "introspect", answer_text("slow down", 429), 429),
    ("state-handle-a-number-then-html", "identify", answer_text("<html>", content_type="text/html"), 502),
    (
        "identify-success-not-a-form",
        "identify",
        answer_json({"successWithInteractionCode": "yes", "remediation": 3}),
        302,
    ),
    ("identify-dropped", "identify", drop_connection, 503),
]


IDP_CASES_NOT_ON_THE_ERROR_PAGE = {
    # No form to put credentials in reads as an identifier-first org: the identifier goes alone, the fake's normal
    # identify answer follows, and the user is back on the login page with its message.
    "fields-not-a-list": LOGIN_PAGE,
    "form-field-a-string": LOGIN_PAGE,
    # A document with nothing left to do ends the sign-in: back to login, with a notice.
    "identify-success-not-a-form": "/login",
}


@pytest.fixture
async def fake_idp() -> AsyncIterator[tuple[TestServer, dict[str, Answer]]]:
    """An IdP whose interact, introspect and identify answers a test can replace; by default a normal identify."""
    answers: dict[str, Answer] = {
        "interact": answer_json({"interaction_handle": "handle-1"}),
        "introspect": answer_json({**identify_document(), "stateHandle": 42}),
        "identify": answer_json(identify_document()),
    }

    def route(stage: str) -> Answer:
        async def handle(request: web.Request) -> web.StreamResponse:
            return await answers[stage](request)

        return handle

    app = web.Application()
    app.router.add_post("/oauth2/default/v1/interact", route("interact"))
    app.router.add_post("/idp/idx/introspect", route("introspect"))
    app.router.add_post("/idp/idx/identify", route("identify"))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield server, answers
    finally:
        await server.close()


@pytest.fixture
async def app_on_fake_idp(fake_idp) -> AsyncIterator[tuple[int, web.Application, dict[str, Answer]]]:
    idp, answers = fake_idp
    issuer = str(idp.make_url("/oauth2/default"))
    config = AppConfig(idx=IdxClientConfig(issuer, "c", "http://127.0.0.1/cb"), http_timeout_seconds=APP_TIMEOUT_S)
    server = TestServer(create_app(config), host="127.0.0.1")
    await server.start_server()
    try:
        assert server.port is not None
        yield server.port, server.app, answers
    finally:
        await server.close()


def absolute_hrefs(answer: Answer, base: str) -> Answer:
    """The fake's documents name their hrefs relative to it; make them absolute, as Okta does."""

    async def rewritten(request: web.Request) -> web.StreamResponse:
        response = await answer(request)
        if isinstance(response, web.Response) and isinstance(response.body, bytes | bytearray):
            body = bytes(response.body).replace(b'"href": "/idp/', f'"href": "{base}/idp/'.encode())
            response.body = body
        return response

    return rewritten


@pytest.mark.parametrize(
    ("stage", "answer", "status", "page"),
    [
        pytest.param(*case[1:], IDP_CASES_NOT_ON_THE_ERROR_PAGE.get(case[0], ERROR_PAGE), id=case[0])
        for case in IDP_CASES
    ],
)
async def test_identity_provider_garbage_ends_on_the_apps_page(app_on_fake_idp, fake_idp, stage, answer, status, page):
    port, app, answers = app_on_fake_idp
    base = str(fake_idp[0].make_url("")).rstrip("/")
    answers.update({name: absolute_hrefs(a, base) for name, a in answers.items()})
    answers[stage] = absolute_hrefs(answer, base)
    browser = Browser(port, app)
    await browser.open_login()
    before = browser.session()
    headers = {"Cookie": f"{SESSION_COOKIE}={browser.cookie}".encode(), "Content-Type": FORM.encode()}

    reply = await exchange(port, raw_request("POST", "/login", headers, browser.form(username="a", password="b")))

    got_status, got_headers, got_body = reply
    assert got_status == status
    assert_own_page(got_status, got_headers, got_body, page)
    if status >= 400:
        assert browser.session() == before


# -- hypothesis: random requests at every route ------------------------------------------------------------------

HEADER_NAMES = [
    "Content-Type",
    "Content-Encoding",
    "Cookie",
    "Authorization",
    "Accept",
    "X-Anything",
    "Transfer-Encoding",
]
CONTENT_TYPES = [
    FORM,
    f"{FORM}; charset=latin-1",
    f"{FORM}; charset=nope",
    "multipart/form-data; boundary=b",
    "text/plain",
]
header_bytes = st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@st.composite
def hostile_requests(draw: st.DrawFn, csrf: str, session_id: str) -> bytes:
    method, path = draw(st.sampled_from(ROUTES))
    method = draw(st.sampled_from([method, method, "PUT", "DELETE", "OPTIONS"]))
    headers: dict[str, bytes] = {"Cookie": f"{SESSION_COOKIE}={session_id}".encode()}
    if draw(st.booleans()):
        headers["Content-Type"] = draw(st.sampled_from(CONTENT_TYPES)).encode()
    headers.update(draw(st.dictionaries(st.sampled_from(HEADER_NAMES), header_bytes, max_size=3)))
    headers.pop("Transfer-Encoding", None)  # a chunked framing of our Content-Length body would only be a 400
    fields = draw(
        st.dictionaries(st.sampled_from(["username", "password", "code", "authenticator_id", "x"]), st.text())
    )
    if draw(st.booleans()):
        fields["csrf_token"] = csrf
    body = draw(st.one_of(st.binary(max_size=300), st.just(urlencode(fields).encode())))
    return raw_request(method, path, headers, body)


def exchange_in_this_thread(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    return parse_reply(reply)


@pytest.fixture
def app_in_a_thread(mock_idx: Any) -> Iterator[tuple[BackgroundServer, web.Application]]:
    config = AppConfig(idx=IdxClientConfig(mock_idx.issuer, "hostile-tests", "http://127.0.0.1/cb"))
    app = create_app(config)
    with BackgroundServer(lambda: app) as server:
        yield server, app


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_requests_at_every_route_never_500_and_refusals_change_nothing(app_in_a_thread, mock_idx, data):
    server, app = app_in_a_thread
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    _, headers, body = exchange_in_this_thread(port, raw_request("GET", "/login"))
    session_id = headers["set-cookie"].split(";")[0].split("=", 1)[1]
    csrf = csrf_token_in(body)
    store = app[SESSIONS_KEY]
    before = server.call(store.data_of, session_id)

    status, _, _ = exchange_in_this_thread(port, data.draw(hostile_requests(csrf, session_id)))

    assert status < 500
    if status >= 400:
        assert server.call(store.data_of, session_id) == before
