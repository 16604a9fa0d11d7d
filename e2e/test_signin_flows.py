"""Every sign-in flow of the reference client, walked in a real browser as a person would, with the phone in a second
browser: the mock's device page, where pushes are tapped and codes read.

Each test ends on the page the person would see (checked by its visible text) and on what mock_idx recorded for
the user in its journal, so a flow that only *looks* right in the browser still fails.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, expect

import reference_client
from e2e.artifacts import RecordedContexts
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

PUSH_LIFETIME_S = 60
"""Short enough that advancing the clock past it expires the push but not the whole sign-in."""
pytestmark = pytest.mark.mock_idx(poll_refresh_ms=200, push_lifetime=PUSH_LIFETIME_S)

POLL = "/idp/idx/authenticators/poll"
PUSH_METHOD = "Get a push notification"
CODE_METHOD = "Enter a code"
RATE_LIMIT_PACE_MS = 61_000
"""After a 429 the app waits as long as the mock's X-Rate-Limit-Reset says (a minute): the page's clock skips it."""


@pytest_asyncio.fixture(loop_scope="session")
async def phone(pages: RecordedContexts) -> Page:
    """The user's phone: the mock's Okta Verify page, in a browser of its own."""
    return await pages.new_page("phone")


# -- the flows -------------------------------------------------------------------------------------------------


async def test_push_approved_on_the_phone(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    await start_push(page, app_url, user)

    await open_phone(phone, mock_idx, user)
    await tap(phone, "Yes, it's me", "Approved.")

    await expect_signed_in(page, user)
    expect_journal(mock_idx, user, [*METHOD_CHOSEN, ("POST", approve_path(user), 200)])
    expect_journal(mock_idx, user, [TOKEN])


async def test_push_denied_then_resent(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    await start_push(page, app_url, user)
    await open_phone(phone, mock_idx, user)

    await tap(phone, "No, it's not me", "Denied.")
    await expect(page.get_by_role("heading", name="Push rejected")).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text("You have chosen to reject this login.")

    await page.get_by_role("button", name="Resend push notification").click()
    await expect(page.get_by_role("heading", name="Push Sent")).to_be_visible()
    await tap(phone, "Yes, it's me", "Approved.")  # the phone shows the new push by itself

    await expect_signed_in(page, user)
    expect_journal(
        mock_idx,
        user,
        [
            *METHOD_CHOSEN,
            ("POST", deny_path(user), 200),
            ("POST", "/idp/idx/challenge", 200),
            ("POST", approve_path(user), 200),
        ],
    )


async def test_push_times_out(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user(
        push={"outcome": "manual", "when_expired": "terminal"}
    )  # the terminal expiry; Okta's default offers resend
    await start_push(page, app_url, user)
    await open_phone(phone, mock_idx, user)
    await expect(phone.get_by_role("button", name="Yes, it's me")).to_be_visible()

    mock_idx.advance_clock(PUSH_LIFETIME_S + 1)

    await expect(page.get_by_role("heading", name="Push expired")).to_be_visible()
    await expect(page.get_by_text("Your push notification has expired.")).to_be_visible()
    await expect(phone.get_by_text("No sign-in is waiting.")).to_be_visible()
    expect_journal(mock_idx, user, [*METHOD_CHOSEN, ("POST", "/idp/idx/introspect", 404)])


async def test_number_challenge(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user(number_challenge=True)
    await start_push(page, app_url, user)
    await open_phone(phone, mock_idx, user)

    shown = await number_to_tap(page)
    wrong = (
        await phone.get_by_role("button", name=re.compile(r"^\d+$"))
        .filter(has_not_text=re.compile(rf"^{shown}$"))
        .first.inner_text()
    )
    await tap(phone, wrong, "Wrong number")
    await expect(page.get_by_role("heading", name="Push rejected")).to_be_visible()

    await page.get_by_role("button", name="Resend push notification").click()
    await expect(page.get_by_role("heading", name="Push Sent")).to_be_visible()
    await tap(phone, await number_to_tap(page), "Approved.")

    await expect_signed_in(page, user)
    expect_journal(
        mock_idx,
        user,
        [
            *METHOD_CHOSEN,
            ("POST", approve_path(user), 200),
            ("POST", "/idp/idx/challenge", 200),
            ("POST", approve_path(user), 200),
        ],
    )


async def test_code_from_the_phone(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    await start_code(page, app_url, user)

    await enter_code(page, await code_on(phone, mock_idx, user))

    await expect_signed_in(page, user)
    expect_journal(mock_idx, user, [*METHOD_CHOSEN, ("POST", "/idp/idx/challenge/answer", 200)])


async def test_wrong_code_then_right_code(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    await start_code(page, app_url, user)
    code = await code_on(phone, mock_idx, user)

    await enter_code(page, f"{(int(code) + 500_000) % 1_000_000:06d}")
    await expect(page.get_by_role("heading", name="Enter a code")).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text("Invalid code. Try again.")

    await enter_code(page, code)

    await expect_signed_in(page, user)
    expect_journal(
        mock_idx,
        user,
        [*METHOD_CHOSEN, ("POST", "/idp/idx/challenge/answer", 401), ("POST", "/idp/idx/challenge/answer", 200)],
    )


async def test_verify_with_something_else(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    await start_push(page, app_url, user)

    await page.get_by_role("link", name="Verify with something else").click()
    await choose(page, CODE_METHOD)
    await expect(page.get_by_role("heading", name="Enter a code")).to_be_visible()
    await enter_code(page, await code_on(phone, mock_idx, user))

    await expect_signed_in(page, user)
    expect_journal(
        mock_idx,
        user,
        [*METHOD_CHOSEN, ("POST", "/idp/idx/challenge", 200), ("POST", "/idp/idx/challenge/answer", 200)],
    )


async def test_cancel(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    await start_push(page, app_url, user)

    await page.get_by_role("button", name="Cancel").click()

    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await expect(page.get_by_label("Username")).to_be_empty()
    await open_phone(phone, mock_idx, user)
    await expect(phone.get_by_text("No sign-in is waiting.")).to_be_visible()
    expect_journal(mock_idx, user, [*METHOD_CHOSEN, ("POST", "/idp/idx/cancel", 200)])


async def test_sign_out(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    await start_push(page, app_url, user)
    await open_phone(phone, mock_idx, user)
    await tap(phone, "Yes, it's me", "Approved.")
    await expect_signed_in(page, user)

    await page.get_by_role("button", name="Sign out").click()

    await expect(page.get_by_role("heading", name="Welcome", exact=True)).to_be_visible()
    await expect(page.get_by_text("You are not signed in.")).to_be_visible()
    await page.goto(f"{app_url}/")  # a reload must not bring the session back
    await expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect_journal(mock_idx, user, [TOKEN, ("POST", "/oauth2/default/v1/revoke", 200)])


async def test_wrong_password(mock_idx: MockIdx, app_url: str, page: Page) -> None:
    user = mock_idx.add_user()

    await submit_password(page, app_url, user.login, "not-the-password")

    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text("Authentication failed")
    await expect(page.get_by_label("Username")).to_have_value(user.login)
    expect_journal(mock_idx, user, [("POST", "/idp/idx/identify", 400)])


async def test_rate_limited_poll_is_survived(mock_idx: MockIdx, app_url: str, page: Page, phone: Page) -> None:
    user = mock_idx.add_user()
    await page.clock.install()  # the app's poll timers run on a clock the test can move on
    await sign_in(page, app_url, user)
    mock_idx.fail_next(POLL, 429, user=user.login)

    async with page.expect_response(re.compile(r"/okta-verify/challenge-poll$")):
        await choose(page, PUSH_METHOD)  # the page's first poll is answered 429 by the mock
    await expect(page.get_by_role("heading", name="Push Sent")).to_be_visible()
    await open_phone(phone, mock_idx, user)
    await tap(phone, "Yes, it's me", "Approved.")
    await page.clock.run_for(RATE_LIMIT_PACE_MS)

    await expect_signed_in(page, user)
    expect_journal(mock_idx, user, [*METHOD_CHOSEN, ("POST", POLL, 429), ("POST", approve_path(user), 200)])


# -- steps a person takes --------------------------------------------------------------------------------------


async def submit_password(page: Page, app_url: str, login: str, password: str) -> None:
    await page.goto(f"{app_url}/login")
    await page.get_by_label("Username").fill(login)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def sign_in(page: Page, app_url: str, user: MockUser) -> None:
    """Password, then Okta Verify: ends on the choice of method."""
    await submit_password(page, app_url, user.login, user.password)
    await choose(page, "Okta Verify")
    await expect(page.get_by_role("heading", name="Verify it's you with a security method")).to_be_visible()


async def choose(page: Page, option: str) -> None:
    await page.get_by_label(option).check()
    await page.get_by_role("button", name="Submit").click()


async def start_push(page: Page, app_url: str, user: MockUser) -> None:
    await sign_in(page, app_url, user)
    await choose(page, PUSH_METHOD)
    await expect(page.get_by_role("heading", name="Push Sent")).to_be_visible()


async def start_code(page: Page, app_url: str, user: MockUser) -> None:
    await sign_in(page, app_url, user)
    await choose(page, CODE_METHOD)
    await expect(page.get_by_role("heading", name="Enter a code")).to_be_visible()


async def enter_code(page: Page, code: str) -> None:
    await page.get_by_label("Enter code").fill(code)
    await page.get_by_role("button", name="Verify").click()


async def number_to_tap(page: Page) -> str:
    """The number the app asks the person to tap on the phone."""
    prompt = page.get_by_text("On your mobile device, tap")
    match = re.search(r"tap\s+(\d+)", await prompt.inner_text())
    assert match, f"no number in {await prompt.inner_text()!r}"
    return match.group(1)


async def open_phone(phone: Page, mock_idx: MockIdx, user: MockUser) -> None:
    await phone.goto(mock_idx.device_url(user.login))
    await expect(phone.get_by_role("heading", name=name_of(user))).to_be_visible()


async def tap(phone: Page, button: str, outcome: str) -> None:
    """Tap a button of the waiting push; the phone says ``outcome`` and has nothing left to answer."""
    await phone.get_by_role("button", name=button, exact=True).click()
    await expect(phone.get_by_role("status")).to_contain_text(outcome)
    await expect(phone.get_by_text("No sign-in is waiting.")).to_be_visible()


async def code_on(phone: Page, mock_idx: MockIdx, user: MockUser) -> str:
    """The one-time code the phone shows right now."""
    await open_phone(phone, mock_idx, user)
    code = phone.get_by_role("region", name="One-time code").get_by_text(re.compile(r"^\d{6}$"))
    return await code.inner_text()


# -- what the person and the mock end up with ------------------------------------------------------------------

METHOD_CHOSEN = [
    ("POST", "/idp/idx/identify", 200),
    ("POST", "/idp/idx/challenge", 200),
    ("POST", "/idp/idx/challenge", 200),
]
"""Password accepted, Okta Verify chosen, then push or code chosen."""
TOKEN = ("POST", "/oauth2/default/v1/token", 200)


def approve_path(user: MockUser) -> str:
    return f"/_mock/v1/users/{user.login}/push/approve"


def deny_path(user: MockUser) -> str:
    return f"/_mock/v1/users/{user.login}/push/deny"


def name_of(user: MockUser) -> str:
    return user.profile["name"]


async def expect_signed_in(page: Page, user: MockUser) -> None:
    await expect(page.get_by_role("heading", name=f"Welcome, {name_of(user)}")).to_be_visible()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def expect_journal(mock_idx: MockIdx, user: MockUser, expected: list[tuple[str, str, int]]) -> None:
    """The user's journal holds these entries in this order; others, such as polls, may come between."""
    seen = [(e["method"], e["path"], e["status"]) for e in mock_idx.journal(user.login)]
    remaining = iter(seen)
    missing = [step for step in expected if step not in remaining]  # `in` consumes the iterator: order counts
    assert not missing, f"journal lacks {missing[0]} (in order); it holds:\n" + "\n".join(map(str, seen))


# -- the Push Sent page's poller against a late answer ---------------------------------------------------------

POLLER_PAGE = """<!doctype html><title>Push Sent</title><h1>Push Sent</h1>
<p id="push-poll" data-poll-url="/poll" data-refresh="10">Waiting…</p>
<p><a href="/leave">Verify with something else</a></p>
<form method="post" action="/leave"><button type="submit">Cancel</button></form>
<script src="/static/poll.js"></script>"""


@pytest.mark.parametrize("leave_by", ["Cancel", "Verify with something else"])
async def test_a_poll_answer_arriving_after_the_user_left_is_ignored(page: Page, leave_by: str) -> None:
    """The cancel race, made deterministic: the poll's answer ("expired") is held until the user has left, and the
    page they chose waits until that answer went out. The real poll.js must land on the chosen page."""
    poll_started, user_left, poll_answered = asyncio.Event(), asyncio.Event(), asyncio.Event()
    expired_requested = []

    async def push_page(request: web.Request) -> web.Response:
        return web.Response(text=POLLER_PAGE, content_type="text/html")

    async def poll(request: web.Request) -> web.Response:
        poll_started.set()
        try:
            await asyncio.wait_for(user_left.wait(), timeout=10)
            return web.json_response({"ContinuePolling": False, "Refresh": 0, "Next": "/expired"})
        finally:  # answered, or cancelled by aiohttp because the page aborted the request
            poll_answered.set()

    async def leave(request: web.Request) -> web.Response:
        user_left.set()
        await asyncio.wait_for(poll_answered.wait(), timeout=10)
        await asyncio.sleep(0.3)  # lets a late answer reach the page first: the race the poller must win
        return web.Response(text="<!doctype html><h1>Left</h1>", content_type="text/html")

    async def expired(request: web.Request) -> web.Response:
        expired_requested.append(request.path)
        return web.Response(text="<!doctype html><h1>Push expired</h1>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/push", push_page)
    app.router.add_get("/poll", poll)
    app.router.add_route("*", "/leave", leave)
    app.router.add_get("/expired", expired)
    app.router.add_static("/static", Path(reference_client.__file__).parent / "static")
    async with TestServer(app, host="127.0.0.1") as server:
        await page.goto(str(server.make_url("/push")))
        await asyncio.wait_for(poll_started.wait(), timeout=10)

        await page.get_by_role("button" if leave_by == "Cancel" else "link", name=leave_by).click()

        await expect(page.get_by_role("heading", name="Left")).to_be_visible()
        assert page.url.endswith("/leave") and expired_requested == []
