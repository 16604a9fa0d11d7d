"""Hostile visits to the email's magic link, ``GET /email/verify/{transaction}?token=`` (on both stores): a token
missing, huge, odd or unknown, someone else's sign-in, expired, used. Each answer is an HTML page of the org's (never a
5xx or a traceback), with the same security headers as its other pages, and no visit verifies a sign-in but the one
the link was sent for, in the browser that sign-in runs in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient
from yarl import URL

from mock_idx.model.authenticators import AuthenticatorKey
from mock_idx.web.email_link_routes import SIGN_IN_COOKIE
from tests.support.idx import PASSWORD, Flow, advance, control
from tests.support.idx_steps import LOGIN, choose, messages, reach, snapshot

OTHER = "other@example.com"
LEAKS = ("Traceback", 'File "', "site-packages", "mock_idx/")
EXPIRED_TEXT = "This email link has expired."


class Page:
    def __init__(self, status: int, headers: Any, text: str) -> None:
        self.status, self.headers, self.text = status, headers, text


class SignIn:
    """A sign-in waiting for its email: its flow, and the link and code the email carries."""

    def __init__(self, flow: Flow, link: str, code: str) -> None:
        self.flow, self.link, self.code = flow, link, code

    @property
    def transaction_id(self) -> str:
        return urlsplit(self.link).path.rsplit("/", 1)[1]

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.link).query)["token"][0]


async def waiting_for_email(client: TestClient[Any, Any], login: str) -> SignIn:
    flow = Flow(client)
    await flow.start()
    await flow.identify(login)
    challenged = await choose(flow, client, AuthenticatorKey.EMAIL)
    assert challenged.remediations[0] == "challenge-authenticator", challenged.body
    newest = (await messages(client, login, "email"))[0]
    return SignIn(flow, newest["link"], newest["code"])


@pytest.fixture
async def sign_ins(client: TestClient[Any, Any]) -> tuple[SignIn, SignIn]:
    """Two sign-ins waiting for an email: :data:`LOGIN`'s and :data:`OTHER`'s."""
    await reach(Flow(client), client, "email challenge")
    status, body = await control(
        client, "PUT", f"/users/{OTHER}", json={"password": PASSWORD, "authenticators": {"email": {}}}
    )
    assert status == 200, body
    return await waiting_for_email(client, LOGIN), await waiting_for_email(client, OTHER)


async def visit(client: TestClient[Any, Any], path: str, browser_of: SignIn | None = None) -> Page:
    """``path`` opened in a browser with no cookie of this server's, or in the browser ``browser_of`` runs in."""
    client.session.cookie_jar.clear()
    headers = {"Cookie": f"{SIGN_IN_COOKIE}={browser_of.transaction_id}"} if browser_of else {}
    response = await client.get(URL(path, encoded=True), headers=headers)
    return Page(response.status, response.headers, await response.text(errors="replace"))


def assert_org_page(page: Page) -> None:
    """An HTML page with the org pages' headers: never framed, cached, sniffed, or leaking the URL's token."""
    assert page.status < 500 and not any(leak in page.text for leak in LEAKS), page.text[:500]
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src 'nonce-" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]


def assert_expired_page(page: Page) -> None:
    assert_org_page(page)
    assert page.status == 404 and EXPIRED_TEXT in page.text, page.text[:500]


async def still_waiting(sign_in: SignIn) -> None:
    polled = await sign_in.flow.post("/idp/idx/challenge/poll", {})
    assert polled.status == 200 and polled.remediations[0] == "challenge-authenticator", polled.body


def link_path(sign_in: SignIn, token: str | None = None, transaction_id: str | None = None) -> str:
    query = "" if token is None else f"?token={token}"
    return f"/email/verify/{transaction_id or sign_in.transaction_id}{query}"


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "A" * 201,
        "A" * 5000,
        "ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi",
        "%00",
        "%F0%9F%98%80",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%20",
        "..%2F..%2F_mock%2Fv1%2Fusers",
    ],
)
async def test_a_missing_huge_odd_or_unknown_token_is_the_expired_page_and_verifies_nothing(
    client: TestClient[Any, Any], sign_ins: tuple[SignIn, SignIn], token: str | None
) -> None:
    mine, _ = sign_ins
    before = await snapshot(mine.flow)
    page = await visit(client, link_path(mine, token), browser_of=mine)
    assert_expired_page(page)
    assert "<script>alert" not in page.text
    assert await snapshot(mine.flow) == before
    await still_waiting(mine)


async def test_a_token_that_is_not_utf8_is_refused_without_a_500(
    client: TestClient[Any, Any], sign_ins: tuple[SignIn, SignIn]
) -> None:
    mine, _ = sign_ins
    page = await visit(client, link_path(mine, "%ff%fe"), browser_of=mine)
    assert 400 <= page.status < 500 and not any(leak in page.text for leak in LEAKS)
    await still_waiting(mine)


async def test_a_token_under_another_sign_in_s_id_verifies_neither(
    client: TestClient[Any, Any], sign_ins: tuple[SignIn, SignIn]
) -> None:
    mine, theirs = sign_ins
    for browser in (mine, theirs, None):
        page = await visit(client, link_path(mine, theirs.token), browser_of=browser)
        assert_expired_page(page)
        page = await visit(client, link_path(theirs, mine.token), browser_of=browser)
        assert_expired_page(page)
    await still_waiting(mine)
    await still_waiting(theirs)


async def test_someone_else_s_link_in_my_browser_shows_their_code_and_verifies_no_one(
    client: TestClient[Any, Any], sign_ins: tuple[SignIn, SignIn]
) -> None:
    mine, theirs = sign_ins
    page = await visit(client, link_path(theirs, theirs.token), browser_of=mine)
    assert_org_page(page)
    assert page.status == 200 and theirs.code in page.text and mine.code not in page.text
    await still_waiting(mine)
    await still_waiting(theirs)


async def test_an_expired_link_verifies_nothing_even_in_the_right_browser(
    client: TestClient[Any, Any], sign_ins: tuple[SignIn, SignIn]
) -> None:
    mine, _ = sign_ins
    await advance(client, 301)
    assert_expired_page(await visit(client, link_path(mine, mine.token), browser_of=mine))
    polled = await mine.flow.post("/idp/idx/challenge/poll", {})
    assert "successWithInteractionCode" not in polled.body, polled.body


async def test_a_used_link_is_the_expired_page_and_does_not_verify_the_next_sign_in(
    client: TestClient[Any, Any], sign_ins: tuple[SignIn, SignIn]
) -> None:
    mine, _ = sign_ins
    opened = await visit(client, link_path(mine, mine.token), browser_of=mine)
    assert_org_page(opened)
    assert opened.status == 200 and mine.code not in opened.text  # the right browser: verified, no code to type
    done = await mine.flow.post("/idp/idx/challenge/poll", {})
    assert "successWithInteractionCode" in done.body, done.body
    following = await waiting_for_email(client, LOGIN)
    assert_expired_page(await visit(client, link_path(mine, mine.token), browser_of=mine))
    assert_expired_page(await visit(client, link_path(following, mine.token), browser_of=following))
    await still_waiting(following)


async def test_the_link_s_cookie_is_http_only_and_scoped_to_the_link(
    client: TestClient[Any, Any], sign_ins: tuple[SignIn, SignIn]
) -> None:
    mine, _ = sign_ins
    introspected = await client.post("/idp/idx/introspect", json={"stateToken": mine.flow.state_handle})
    cookie = introspected.cookies[SIGN_IN_COOKIE]
    assert cookie.value == mine.transaction_id
    assert cookie["httponly"] and cookie["path"] == "/email/verify" and cookie["samesite"] == "Lax"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test_the_link_takes_no_other_method(
    client: TestClient[Any, Any], sign_ins: tuple[SignIn, SignIn], method: str
) -> None:
    mine, _ = sign_ins
    response = await client.request(method, link_path(mine, mine.token))
    text = await response.text()
    assert response.status == 405 and not any(leak in text for leak in LEAKS)
    await still_waiting(mine)
