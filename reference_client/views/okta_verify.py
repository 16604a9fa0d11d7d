"""The Okta Verify push pages of the ASP.NET guide: push wait + poll, rejection, expiry. (Its method choice and code
entry are the generic pages of `views.authenticators` and `views.answers`.)"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from aiohttp_session import get_session

from ..flow import (
    current_step,
    idx_client,
    poll_json,
    render,
    require_context,
    settle,
    texts,
)
from ..idx import AuthenticationStatus as Status
from ..idx import AuthResponse, IdxError
from ..navigation import (
    CHALLENGE_POLL,
    LOGIN,
    PUSH_EXPIRED,
    PUSH_REJECTED,
    PUSH_SENT,
    RESEND_PUSH,
)
from ..session_state import add_notices, idx_context

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

PUSH_EXPIRED_TEXT = "Your push notification has expired."


def _is(status: Status) -> Callable[[AuthResponse], bool]:
    """A `current_step` test: the page shows while the transaction is in this status."""
    return lambda response: response.status is status


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
        return poll_json(False, 0, LOGIN)
    try:
        response = await idx_client(request).poll(context)
    except IdxError as exc:
        log.warning("challenge poll failed: %s", exc)
        add_notices(session, ["Sign-in could not be completed. Start again."])
        return poll_json(False, 0, LOGIN)
    if response.continue_polling:
        return poll_json(True, response.poll_refresh_ms, PUSH_SENT)
    next_page = await settle(request, response)
    return poll_json(False, 0, PUSH_EXPIRED if response.status is Status.Terminal else next_page)


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
    response = await idx_client(request).resend(await require_context(request))
    raise web.HTTPFound(await settle(request, response))


@routes.get(PUSH_EXPIRED)
async def push_expired(request: web.Request) -> web.Response:
    return await render("push_expired.html", request, {})
