"""Applying fault rules on the wire: the request path's innermost step (:func:`inject`), how a request's user is
found, and Okta's failure answers.

The rules and their matching live in :mod:`mock_idx.model.faults`; this module only knows HTTP. A faulted request never
reaches its handler, so :func:`inject` itself notes the transaction, the user and what it did, for the journal.
(Named ``fault_injection``, it was ``faults``, so it is not mistaken for the model's rules.)
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..idx.messages import TOO_MANY_REQUESTS
from ..idx.render import Reply, render_messages_only
from ..model.faults import NO_FAULT, FaultDecision
from ..model.transaction import Transaction
from . import rate_limits
from .app_keys import ENGINE, FAULTS, NOTE, TRANSACTION, USER
from .request_parsing import MalformedBody, form_fields, json_body
from .responses import Area, area_of, classic_error, failure, idx_json

if TYPE_CHECKING:
    from .middleware import Handler

EXEMPT_PREFIXES = ("/_mock/v1/faults", "/_mock/v1/reset", "/_mock/static")
"""Never faulted, so a test can always take its faults back."""
DROPPED = 444
"""What the journal shows for a dropped connection (nginx's "closed without response")."""
RATE_LIMITED = ("E0000047", "API call exceeded rate limit due to too many requests.")
SERVER_ERROR_CODE = "E0000009"
OAUTH_SERVER_ERRORS = {503: "temporarily_unavailable"}


async def inject(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Delays, fails or drops the requests that a rule names; everything else passes untouched (and unread).
    Called by :mod:`.middleware` as the last step before the handler, not installed as a middleware of its own."""
    if request.path.startswith(EXEMPT_PREFIXES):
        return await handler(request)
    plan = request.app[FAULTS]
    concerned = await plan.concerns(request.path)
    if not concerned:
        return await handler(request)
    user = await request_user(request) if any(rule.user for rule in concerned) else None
    decision = await plan.decide(request.path, user, concerned)
    if decision is NO_FAULT:
        return await handler(request)
    request[NOTE] = decision.note()
    if decision.delay_ms:
        await asyncio.sleep(decision.delay_ms / 1000)
        request.app[ENGINE].read_header_again()  # the org may have changed while the request waited
    if decision.drop:
        return _drop(request)
    if decision.status is not None:
        return fault_response(request, decision)
    return await handler(request)


async def request_user(request: web.Request) -> str | None:
    """Whose request this is: the login in the path (control and device routes), else the transaction found from the
    body's handles (IDX) or interaction code (token endpoint), else the identifier being submitted."""
    login = request.match_info.get("login")
    if login:
        request[USER] = login
        return login
    body = await _body(request)
    transaction = await _transaction(request, body)
    if transaction is not None:
        request[TRANSACTION] = transaction
    user = (transaction.login if transaction else None) or _text(body.get("identifier"))
    if user:
        request[USER] = user
    return user


def fault_response(request: web.Request, decision: FaultDecision) -> web.Response:
    """The failure in the shape each area speaks: IDX ``messages``, OAuth ``error``, Okta's classic body elsewhere.
    A faulted ``/_mock`` route (any but :data:`EXEMPT_PREFIXES`, so control API routes too) answers the classic body,
    not the control API's ``{error, message}``."""
    status = decision.status or 500
    if status == 429:
        return _rate_limited(request)
    reason = _phrase(status)
    if area_of(request.path) is Area.CONTROL:
        return _classic(status, SERVER_ERROR_CODE, reason)
    oauth_error = OAUTH_SERVER_ERRORS.get(status, "server_error")
    return failure(
        request,
        status,
        reason,
        code=SERVER_ERROR_CODE,
        oauth_error=oauth_error,
        error_id=f"oaeFault{SERVER_ERROR_CODE[-4:]}",
    )


def _rate_limited(request: web.Request) -> web.Response:
    if area_of(request.path) is Area.IDX:
        response = idx_json(request, Reply(429, render_messages_only(*TOO_MANY_REQUESTS)))
    else:
        response = _classic(429, *RATE_LIMITED)
    response.headers.update(rate_limits.exhausted())  # a wall-clock reset, whatever the virtual clock says
    return response


def _classic(status: int, code: str, summary: str) -> web.Response:
    """Okta's classic body; the ``errorId`` tells a deliberate failure from a real one (the fuzzers rely on it)."""
    return classic_error(status, code, summary, error_id=f"oaeFault{code[-4:]}")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Server Error"


def _drop(request: web.Request) -> web.Response:
    """Closes the connection; aiohttp then finds it closed and sends nothing, so the client sees a reset."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=DROPPED)


async def _body(request: web.Request) -> dict[str, Any]:
    """The body as JSON or form fields, read once: aiohttp keeps it, so the handler reads it again for free."""
    if not request.can_read_body:
        return {}
    try:
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return dict(await form_fields(request))
        body = await json_body(request)
    except MalformedBody:
        return {}
    return body if isinstance(body, dict) else {}


async def _transaction(request: web.Request, body: dict[str, Any]) -> Transaction | None:
    """The transaction the first handle in the body names (IDX steps, introspect, the token endpoint)."""
    return await request.app[ENGINE].find_transaction(
        state_handle=_text(body.get("stateHandle")) or _text(body.get("stateToken")),
        interaction_handle=_text(body.get("interactionHandle")),
        interaction_code=_text(body.get("interaction_code")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
