"""No other web page can drive mock-idx's control plane, proved in a real Chromium.

mock-idx listens on loopback with no control token by default, so the developer's own browser is the way in: any
page they visit can send requests to 127.0.0.1. Each test here leaves a sign-in waiting for a push tap, then has a
page on another origin (``origin_pages``, its own server and port) try one way to tap it, reset the org, add a fault
or read a TOTP secret; the browser, not a hand-built request, decides what is sent (``Origin``, ``Sec-Fetch-Site``,
preflights) and what the page may read. Afterwards the control API, from Python, must show nothing changed, and the
journal must show the request did arrive and was refused, so a test cannot pass just because an attack never left
the page.

Attacking origins: ``http://attacker.test:P`` (cross-site) and ``http://127.0.0.1:P`` (same site, other port).
Chromium's ``--host-resolver-rules`` points ``attacker.test`` and ``rebind.test`` at 127.0.0.1, so this module
launches its own Chromium; ``rebind.test`` stands for a DNS-rebinding page, same-origin with mock-idx in name only.
The positive controls (the device page's own tap, an SPA's CORS calls, a rebinding page the server was told to
trust) show the same machinery does succeed where it should.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from e2e.artifacts import RecordedContexts
from e2e.browser import NoBrowserError, launch_options
from e2e.origin_pages import TRY_FETCH, attacker_app, smuggled_json
from mock_idx.pytest_plugin import MockIdx
from mock_idx.testing import BackgroundServer
from tests.support.idx import PASSWORD, Flow

ATTACKER_HOST = "attacker.test"
REBIND_HOST = "rebind.test"
RESOLVER_RULES = f"--host-resolver-rules=MAP {ATTACKER_HOST} 127.0.0.1, MAP {REBIND_HOST} 127.0.0.1"
VICTIM = "victim@example.com"
BYSTANDER = "bystander@example.com"
"""Added before every attack: a reset would take them away."""
DISCOVERY = "/oauth2/default/.well-known/openid-configuration"
ORG_DISCOVERY = "/.well-known/openid-configuration"
APPROVE = f"/_mock/v1/users/{VICTIM}/push/approve"
FAULTS = "/_mock/v1/faults"
REFUSED_CROSS_SITE = 403
MISDIRECTED = 421


# --- the browser, the other site and the waiting sign-in --------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """This module's own Chromium (it replaces the session's for these tests only): name-resolution rules are a
    launch flag, and the attacking and rebinding names need them."""
    try:
        async with async_playwright() as playwright:
            options = launch_options(playwright.chromium.executable_path)
            options["args"] = [*options["args"], RESOLVER_RULES]
            chromium = await playwright.chromium.launch(**options)
            try:
                yield chromium
            finally:
                await chromium.close()
    except NoBrowserError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="module")
def attacker_port() -> Iterator[int]:
    """The other site's server, one for the module; each test reaches it under the name it needs."""
    with BackgroundServer(attacker_app) as server:
        yield _port(server.url)


@pytest.fixture
def cross_site(attacker_port: int) -> str:
    """Another site altogether: the browser sends ``Sec-Fetch-Site: cross-site``."""
    return f"http://{ATTACKER_HOST}:{attacker_port}"


@pytest.fixture(params=["cross-site", "same-site"])
def other_origin(request: pytest.FixtureRequest, attacker_port: int) -> str:
    """Another origin, either on another site or on mock-idx's own host at another port (``same-site``: a
    different origin all the same, and just as refused)."""
    host = ATTACKER_HOST if request.param == "cross-site" else "127.0.0.1"
    return f"http://{host}:{attacker_port}"


@dataclass(frozen=True)
class ControlPlane:
    """What an attack on the control plane would change: the waiting push, the secret, the fault rules, the org."""

    pending_pushes: tuple[tuple[str, str], ...]
    totp_secret: str
    faults: tuple[str, ...]
    logins: frozenset[str]


def observe(mock_idx: MockIdx) -> ControlPlane:
    users = {user["login"]: user for user in mock_idx.users()}
    return ControlPlane(
        pending_pushes=tuple((push["id"], push["state"]) for push in mock_idx.pushes(VICTIM)),
        totp_secret=users[VICTIM]["authenticators"]["okta_verify"]["totp"]["secret"],
        faults=tuple(str(rule) for rule in mock_idx.faults()),
        logins=frozenset(users),
    )


@dataclass(frozen=True)
class WaitingSignIn:
    """The sign-in an attack would complete, and the control plane as it was before the attack."""

    flow: Flow
    before: ControlPlane
    journal_length: int
    """Where the attack's part of the journal begins."""

    def assert_untouched(self, mock_idx: MockIdx) -> None:
        assert observe(mock_idx) == self.before

    def answers(self, mock_idx: MockIdx, method: str, path: str) -> list[int]:
        """What mock-idx answered ``method path`` with since the sign-in began waiting, oldest first: the proof that
        a request arrived, and how it was refused."""
        since = mock_idx.journal()[self.journal_length :]
        return [entry["status"] for entry in since if entry["method"] == method and entry["path"] == path]


@pytest_asyncio.fixture(loop_scope="session")
async def waiting(mock_idx: MockIdx) -> AsyncIterator[WaitingSignIn]:
    """A sign-in waiting for the victim's tap (push ``manual``), a bystander in the org and a fault rule that
    matches nothing (for an attack to clear)."""
    mock_idx.add_user(VICTIM, PASSWORD, profile={"name": "Val Victim"}, push="manual")
    mock_idx.add_user(BYSTANDER, PASSWORD)
    mock_idx.add_fault(route="/nowhere/*", status=503)
    async with aiohttp.ClientSession(base_url=mock_idx.url) as http:
        flow = Flow(http)  # the driver only needs post(), which a session has
        assert "challenge-poll" in (await flow.push_sign_in(VICTIM)).remediations
        before = observe(mock_idx)
        assert len(before.pending_pushes) == 1 and len(before.faults) == 1 and {BYSTANDER, VICTIM} <= before.logins
        yield WaitingSignIn(flow, before, journal_length=len(mock_idx.journal()))


async def try_fetch(page: Page, url: str, **init: Any) -> dict[str, Any]:
    seen: dict[str, Any] = await page.evaluate(TRY_FETCH, {"url": url, "init": init})
    return seen


def _port(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


# --- 1, 2: "simple" requests, which a browser sends without asking ----------------------------------------------------

SIMPLE_WRITES = {
    "text-plain-json": {"headers": {"Content-Type": "text/plain"}, "body": "{}"},
    "no-body": {},
}


@pytest.mark.parametrize("request_body", SIMPLE_WRITES.values(), ids=SIMPLE_WRITES.keys())
async def test_no_cors_post_cannot_approve_the_push(
    mock_idx: MockIdx, waiting: WaitingSignIn, other_origin: str, request_body: dict[str, Any], pages: RecordedContexts
) -> None:
    page = await pages.new_page("attacker")
    await page.goto(other_origin)
    seen = await try_fetch(page, mock_idx.url + APPROVE, method="POST", mode="no-cors", **request_body)
    assert seen == {"type": "opaque", "status": 0, "text": "", "error": None}  # sent, and blind
    assert waiting.answers(mock_idx, "POST", APPROVE) == [REFUSED_CROSS_SITE]
    waiting.assert_untouched(mock_idx)


# --- 3: HTML forms, posted by a page that submits itself --------------------------------------------------------------

FORM_TARGETS = {
    "approve": (APPROVE, '{"note": "="}'),
    "reset": ("/_mock/v1/reset", '{"note": "="}'),
    "faults": (FAULTS, '{"status": 500, "route": "/idp/idx/=*"}'),
}
"""Each path, and the JSON its ``text/plain`` form posts (the ``=`` is the form's own, between field name and value);
with no guard, the first two are accepted as they are and the third adds a fault rule."""
FORM_ENCODINGS = ("text/plain", "application/x-www-form-urlencoded")


@pytest.mark.parametrize("enctype", FORM_ENCODINGS)
@pytest.mark.parametrize("target", FORM_TARGETS.values(), ids=FORM_TARGETS.keys())
async def test_auto_submitted_form_is_refused(
    mock_idx: MockIdx,
    waiting: WaitingSignIn,
    cross_site: str,
    target: tuple[str, str],
    enctype: str,
    pages: RecordedContexts,
) -> None:
    path, document = target
    name, value = smuggled_json(document)  # as text/plain, the body is this JSON document
    form = {"action": mock_idx.url + path, "enctype": enctype, "name": name, "value": value}
    page = await pages.new_page("attacker")
    async with page.expect_response(mock_idx.url + path) as posted:
        await page.goto(f"{cross_site}/form?{urlencode(form)}")
    response = await posted.value
    assert response.request.method == "POST"
    assert response.status == REFUSED_CROSS_SITE
    assert waiting.answers(mock_idx, "POST", path) == [REFUSED_CROSS_SITE]
    waiting.assert_untouched(mock_idx)


# --- 4: requests that need a preflight, and credentials ---------------------------------------------------------------


PREFLIGHTED = {
    "json-approve": (APPROVE, {"method": "POST", "headers": {"Content-Type": "application/json"}, "body": "{}"}),
    "delete-faults": (FAULTS, {"method": "DELETE"}),
}


@pytest.mark.parametrize("credentials", ["omit", "include"])
@pytest.mark.parametrize("attack", PREFLIGHTED.values(), ids=PREFLIGHTED.keys())
async def test_write_that_needs_a_preflight_dies_at_it(
    mock_idx: MockIdx,
    waiting: WaitingSignIn,
    cross_site: str,
    attack: tuple[str, dict[str, Any]],
    credentials: str,
    pages: RecordedContexts,
) -> None:
    path, init = attack
    page = await pages.new_page("attacker")
    await page.goto(cross_site)
    seen = await try_fetch(page, mock_idx.url + path, credentials=credentials, **init)
    assert seen["error"] and "TypeError" in seen["error"]
    assert waiting.answers(mock_idx, "OPTIONS", path), "the browser asked first"
    assert waiting.answers(mock_idx, init["method"], path) == [], "and, not granted, never sent the request"
    waiting.assert_untouched(mock_idx)


async def test_credentialed_simple_post_is_refused_and_unreadable(
    mock_idx: MockIdx, waiting: WaitingSignIn, cross_site: str, pages: RecordedContexts
) -> None:
    page = await pages.new_page("attacker")
    await page.goto(cross_site)
    seen = await try_fetch(
        page,
        mock_idx.url + APPROVE,
        method="POST",
        credentials="include",
        headers={"Content-Type": "text/plain"},
        body="{}",
    )
    assert seen["error"] and "TypeError" in seen["error"]  # no CORS grant: not even the refusal is readable
    assert waiting.answers(mock_idx, "POST", APPROVE) == [REFUSED_CROSS_SITE]
    waiting.assert_untouched(mock_idx)


# --- 5: reading secrets -----------------------------------------------------------------------------------------------

SECRET_READS = {
    "user": f"/_mock/v1/users/{VICTIM}",
    "users": "/_mock/v1/users",
    "totp-code": f"/_mock/v1/users/{VICTIM}/totp",
}


@pytest.mark.parametrize("mode", ["cors", "no-cors"])
@pytest.mark.parametrize("path", SECRET_READS.values(), ids=SECRET_READS.keys())
async def test_other_origin_cannot_read_the_totp_secret(
    mock_idx: MockIdx, waiting: WaitingSignIn, cross_site: str, path: str, mode: str, pages: RecordedContexts
) -> None:
    page = await pages.new_page("attacker")
    await page.goto(cross_site)
    seen = await try_fetch(page, mock_idx.url + path, mode=mode, credentials="include")
    if mode == "cors":
        assert seen["error"] and "TypeError" in seen["error"]
    else:
        assert seen == {"type": "opaque", "status": 0, "text": "", "error": None}
    assert waiting.answers(mock_idx, "GET", path) == [200], (
        "mock-idx answered; the browser kept the answer from the page"
    )
    waiting.assert_untouched(mock_idx)


# --- 6: framing -------------------------------------------------------------------------------------------------------


async def framed(page: Page, attacker: str, src: str) -> str:
    """The text of ``src`` as a frame on the attacker's page shows it, once the page (frame included) has loaded."""
    await page.goto(f"{attacker}/frame?{urlencode({'src': src})}")
    frame = next(f for f in page.frames if f != page.main_frame)
    return await frame.locator("body").inner_text()


async def test_device_page_refuses_to_be_framed(
    mock_idx: MockIdx, waiting: WaitingSignIn, cross_site: str, pages: RecordedContexts
) -> None:
    page = await pages.new_page("attacker")
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    device = mock_idx.device_url(VICTIM)
    async with page.expect_response(device) as served:
        text = await framed(page, cross_site, device)
    assert "Yes, it's me" not in text and "Val Victim" not in text
    assert any("frame-ancestors" in line or "X-Frame-Options" in line for line in console), console
    response = await served.value
    assert response.status == 200  # the page was served, and the browser would not show it: because of these
    assert response.headers.get("x-frame-options") == "DENY"
    assert "frame-ancestors 'none'" in response.headers.get("content-security-policy", "")
    waiting.assert_untouched(mock_idx)


async def test_a_frame_shows_what_it_may(mock_idx: MockIdx, cross_site: str, pages: RecordedContexts) -> None:
    """The control for the test above: the same frame does show a page that does not forbid it."""
    page = await pages.new_page("attacker")
    text = await framed(page, cross_site, mock_idx.url + DISCOVERY)
    assert mock_idx.issuer in text


# --- 7: DNS rebinding -------------------------------------------------------------------------------------------------


async def rebinding_page(page: Page, mock_idx: MockIdx) -> str:
    """A page of ``http://rebind.test:<mock-idx's port>``, its script run as the page's own (``page.evaluate``).

    In a real attack the page first comes from the attacker's address and its later requests reach 127.0.0.1 once the
    name is re-pointed. Chromium itself stops that first kind of page (Private Network Access: a page from a public
    address may not call loopback), but not every browser does. So this page is loaded after the re-pointing, from
    127.0.0.1: the browser then has no objection left, and mock-idx's ``Host`` check is the only guard.
    """
    origin = f"http://{REBIND_HOST}:{_port(mock_idx.url)}"
    await page.goto(f"{origin}/rebound")
    return origin


async def test_rebinding_page_is_misdirected(
    mock_idx: MockIdx, waiting: WaitingSignIn, pages: RecordedContexts
) -> None:
    page = await pages.new_page("rebinding")
    await rebinding_page(page, mock_idx)
    approve = await try_fetch(page, APPROVE, method="POST", headers={"Content-Type": "application/json"}, body="{}")
    user = await try_fetch(page, SECRET_READS["user"])
    discovery = await try_fetch(page, DISCOVERY)
    assert (approve["status"], user["status"], discovery["status"]) == (MISDIRECTED,) * 3
    assert waiting.before.totp_secret not in user["text"]
    assert REBIND_HOST not in discovery["text"]
    assert set(waiting.answers(mock_idx, "POST", APPROVE)) == {MISDIRECTED}  # Chromium retries a 421 once
    waiting.assert_untouched(mock_idx)


@pytest.mark.mock_idx(allowed_hosts=(REBIND_HOST,))
async def test_rebinding_page_works_when_its_host_is_allowed(
    mock_idx: MockIdx, waiting: WaitingSignIn, pages: RecordedContexts
) -> None:
    """The control for the test above: the same page, once the server answers to its name, reads and approves."""
    page = await pages.new_page("rebinding")
    origin = await rebinding_page(page, mock_idx)
    user = await try_fetch(page, SECRET_READS["user"])
    discovery = await try_fetch(page, DISCOVERY)
    approve = await try_fetch(page, APPROVE, method="POST", headers={"Content-Type": "application/json"}, body="{}")
    assert (approve["status"], user["status"], discovery["status"]) == (200, 200, 200)
    assert json.loads(user["text"])["authenticators"]["okta_verify"]["totp"]["secret"] == waiting.before.totp_secret
    assert json.loads(discovery["text"])["issuer"] == f"{origin}/oauth2/default"
    assert mock_idx.pushes(VICTIM) == []


# --- 8: what must keep working ----------------------------------------------------------------------------------------


async def test_device_page_still_approves_the_push(
    mock_idx: MockIdx, waiting: WaitingSignIn, pages: RecordedContexts
) -> None:
    page = await pages.new_page("phone")
    await page.goto(mock_idx.device_url(VICTIM))
    await page.get_by_role("button", name="Yes, it's me").click()
    await expect(page.get_by_role("status")).to_contain_text("Approved")
    assert waiting.answers(mock_idx, "POST", APPROVE) == [200]
    assert mock_idx.pushes(VICTIM) == []
    assert "successWithInteractionCode" in (await waiting.flow.poll()).body


async def test_spa_on_another_origin_still_calls_the_okta_apis(
    mock_idx: MockIdx, other_origin: str, pages: RecordedContexts
) -> None:
    page = await pages.new_page("spa")
    await page.goto(other_origin)
    discovery = await try_fetch(page, mock_idx.url + ORG_DISCOVERY, credentials="include")
    interact = await try_fetch(
        page,
        mock_idx.issuer + "/v1/interact",
        method="POST",
        credentials="include",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(
            {
                "client_id": "spa",
                "scope": "openid",
                "redirect_uri": "http://localhost:7777/callback",  # ad-hoc clients go to loopback hosts only
                "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "code_challenge_method": "S256",
                "state": "s",
            }
        ),
    )
    assert (discovery["type"], discovery["status"]) == ("cors", 200)
    assert json.loads(discovery["text"])["issuer"] == mock_idx.url
    assert (interact["type"], interact["status"]) == ("cors", 200)
    assert json.loads(interact["text"])["interaction_handle"]
