"""The Okta Verify challenge pages of the ASP.NET guide: method choice, push wait + poll, rejection, code entry."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from aiohttp_session import get_session

from ..flow import (
    ChoicePage,
    current_step,
    idx_client,
    render,
    require_context,
    settle,
    texts,
)
from ..forms import read_form
from ..idx import AuthenticationStatus as Status
from ..idx import AuthResponse, IdxClient, IdxError
from ..navigation import (
    CHALLENGE_POLL,
    ENTER_CODE,
    LOGIN,
    PUSH_EXPIRED,
    PUSH_REJECTED,
    PUSH_SENT,
    RESEND_PUSH,
    SELECT_METHOD,
)
from ..session_state import add_notices, idx_context

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

PUSH_EXPIRED_TEXT = "Your push notification has expired."


def _is(status: Status) -> Callable[[AuthResponse], bool]:
    """A `current_step` test: the page shows while the transaction is in this status."""
    return lambda response: response.status is status


# -- method choice ---------------------------------------------------------------------------------------------

ChoicePage(
    path=SELECT_METHOD,
    template="select_method.html",
    field="method_type",
    missing="Select a security method.",
    choices=lambda response: [(m.value, m.label) for m in response.method_types],
    choose=IdxClient.select_method,
).register(routes)


# -- push ------------------------------------------------------------------------------------------------------


@routes.get(PUSH_SENT)
async def push_sent(request: web.Request) -> web.Response:
    response = await current_step(request, _is(Status.AwaitingChallengeAuthenticatorPollResponse))
    return await render(
        "push_sent.html",
        request,
        {"correct_answer": response.correct_answer, "refresh_ms": response.poll_refresh_ms, "poll_url": CHALLENGE_POLL},
    )


@routes.get(CHALLENGE_POLL)
async def challenge_poll(request: web.Request) -> web.Response:
    """The guide's ChallengePoll: `{ContinuePolling, Refresh, Next}` for the PushSent page's script.

    Always JSON, even when the flow ends or fails, because the script can only follow `Next`; `Refresh` is 0
    once polling stops.
    """
    session = await get_session(request)
    context = idx_context(session)
    if context is None:
        return _poll_json(False, 0, LOGIN)
    try:
        response = await idx_client(request).poll(context)
    except IdxError as exc:
        log.warning("challenge poll failed: %s", exc)
        add_notices(session, ["Sign-in could not be completed. Start again."])
        return _poll_json(False, 0, LOGIN)
    if response.continue_polling:
        return _poll_json(True, response.poll_refresh_ms, PUSH_SENT)
    next_page = await settle(request, response)
    return _poll_json(False, 0, PUSH_EXPIRED if response.status is Status.Terminal else next_page)


@routes.get(PUSH_REJECTED)
async def push_rejected(request: web.Request) -> web.Response:
    """A push that failed and may be sent again: denied on the phone (Okta says so in a message), or expired
    unanswered (Okta's default: the same `resend` with no message at all)."""
    response = await current_step(request, _is(Status.PushChallengeFailed))
    reason = texts(response.errors)
    title = "Push rejected" if reason else "Push expired"
    return await render("push_rejected.html", request, {"title": title, "reason": reason or [PUSH_EXPIRED_TEXT]})


@routes.post(RESEND_PUSH)
async def resend_push(request: web.Request) -> web.Response:
    response = await idx_client(request).resend_push(await require_context(request))
    raise web.HTTPFound(await settle(request, response))


@routes.get(PUSH_EXPIRED)
async def push_expired(request: web.Request) -> web.Response:
    return await render("push_expired.html", request, {})


# -- code entry ------------------------------------------------------------------------------------------------


@routes.get(ENTER_CODE)
async def enter_code_page(request: web.Request) -> web.Response:
    await current_step(request, _is(Status.AwaitingAuthenticatorVerification))
    return await _render_enter_code(request)


@routes.post(ENTER_CODE)
async def enter_code(request: web.Request) -> web.Response:
    context = await require_context(request)
    code = (await read_form(request)).get("code", "").strip()
    if not code:
        return await _render_enter_code(request, ["Enter the code from Okta Verify."], status=400)
    response = await idx_client(request).verify_code(context, code)
    if response.status is Status.AwaitingAuthenticatorVerification and response.errors:
        return await _render_enter_code(request, texts(response.errors), status=401)
    raise web.HTTPFound(await settle(request, response))


async def _render_enter_code(request: web.Request, errors: list[str] | None = None, status: int = 200) -> web.Response:
    return await render("enter_code.html", request, {"errors": errors or []}, status=status)


def _poll_json(continue_polling: bool, refresh_ms: int, next_url: str) -> web.Response:
    return web.json_response({"ContinuePolling": continue_polling, "Refresh": refresh_ms, "Next": next_url})
