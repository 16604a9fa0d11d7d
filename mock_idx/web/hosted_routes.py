"""Okta's hosted sign-in page, built in and rendered on the server: where ``/v1/authorize`` sends a browser.

- ``GET /signin?stateToken=…`` shows the hosted transaction's current step, brought up to date (a tap on the phone,
  an expiry). While a push waits the page reloads itself at the policy's poll interval (a tiny script, or a meta
  refresh when scripts are off) with ``poll=1``, and each such reload is one IDX ``poll`` step, so a scripted phone
  that answers "at the second poll" answers here as it does for an embedded app.
- ``POST /signin`` (a form: ``stateToken``, ``action`` and the step's fields) takes one step and answers 303 to the
  page of the step it led to (post/redirect/get), or shows the same step again with Okta's message when the engine
  refused it, in the texts the IDX documents use (:mod:`mock_idx.idx.messages`).
- ``GET /login/token/redirect?stateToken=…``: once the sign-in succeeded, ends it, starts the browser's Okta session
  (the ``sid`` cookie) and sends the browser back to the app (:func:`.client_redirects.to_app`).

The ``stateToken`` is the page's CSRF guard: unguessable, and only ever in this page and its URLs (never sent on as
a referrer). Nothing needs JavaScript. A token that is malformed is a 400 page, one that names no live hosted sign-in
(unknown, expired, finished, or an embedded app's) a 404 page: never a 500, never a redirect.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from markupsafe import Markup

from ..config import WIDGET_PAGE
from ..idx.messages import ERRORS, PUSH_REJECTED, Placement
from ..idx.render import METHOD_LABELS, OKTA_VERIFY
from ..model.errors import IdxError, Reason
from ..model.tokens import AuthorizationServer
from ..model.transaction import CHOOSING_AGAIN_ALLOWED, Step, Transaction
from . import hosted_widget, templates
from .app_keys import ENGINE, SETTINGS, USER
from .client_redirects import origin_of, to_app
from .request_parsing import MalformedBody, base_url, delivery, form_fields, remember, sign_in_context
from .session_cookie import session_id, set_session_cookie

SIGNIN_PATH = "/signin"
TOKEN_REDIRECT_PATH = "/login/token/redirect"
JSON = "application/json"
METHODS_VIEW = "methods"
STATE_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
"""What a state handle can look like (``02`` and URL-safe base64); anything else is refused before any lookup."""
MAX_FIELD_CHARS = 4096
"""Longer than any username, password or code; a longer value is refused, not looked up."""
STATIC = Path(__file__).parent.parent / "static"
PAGE_STYLE = Markup((STATIC / "signin.css").read_text(encoding="utf-8"))
PAGE_SCRIPT = Markup((STATIC / "signin.js").read_text(encoding="utf-8"))
"""Inlined into every page under the page's nonce: served from ``/_mock/static`` they would need the control
token, which a user signing in to an app never has."""

PUSH_EXPIRED_TEXT = "Your push notification has expired."
"""The Sign-In Widget's text (``oktaverify.timeout``) for a push that went unanswered: Okta's IDX answer has none."""
FIELD_NAMES = {("identifier",): "identifier", ("credentials", "passcode"): "password", ("credentials", "totp"): "code"}
"""Where a field error of an IDX form goes on this page's forms."""
BAD_REQUEST_TEXT = "This sign-in link is not valid."
PRIVATE_HEADERS = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}
"""On every page and redirect: each carries a stateToken, which no cache may keep and no referrer may leak."""
METHOD_PAGE_STEPS = (Step.SELECT_AUTHENTICATOR, Step.SELECT_METHOD)
PUSH_PAGE_STEPS = (Step.PUSH_WAITING, Step.PUSH_REJECTED, Step.PUSH_EXPIRED)

Fields = dict[str, str]
Action = Callable[[web.Request, Transaction, Fields], Awaitable[Transaction]]


class BadForm(Exception):
    """A form this page never sends: repeated or oversized fields, a file, a body that is not a form."""


# --- the handlers --------------------------------------------------------------------------------------------------


async def signin_page(request: web.Request) -> web.StreamResponse:
    """The current step of the hosted sign-in; with ``poll=1`` (the waiting page's poll) a poll first. The page's
    script asks for that poll as JSON (``{"next": null}`` while the push waits, else the URL to go to), so the page
    stays put, and a click on it is never lost to a reload; without scripts the meta refresh reloads the page.

    ``view=methods`` ("Verify with something else") shows the choice of method from any step that allows choosing
    again, changing nothing: the push or code in progress is withdrawn only once another method is chosen. (Asking
    the engine for the choice itself would send a push at once to a user who ticked "Send push automatically".)"""
    transaction = await _transaction_in_query(request)
    if isinstance(transaction, web.Response):
        return transaction
    if request.app[SETTINGS].hosted_page == WIDGET_PAGE:  # the real widget walks the sign-in itself, over IDX
        return hosted_widget.signin_page(request, transaction)
    engine = request.app[ENGINE]
    try:
        if request.query.get("poll") == "1" and transaction.step is Step.PUSH_WAITING:
            transaction = await engine.poll(transaction)
        else:
            transaction = await engine.up_to_date(transaction)
    except IdxError as error:  # the transaction vanished between reading and writing it
        return await _refused(request, error, transaction, {})
    if request.query.get("poll") == "1" and JSON in request.headers.get("Accept", ""):
        return _poll_answer(request, transaction)
    if transaction.step is Step.SUCCESS:
        raise _see_other(_token_redirect_url(request, transaction))
    if request.query.get("view") == METHODS_VIEW and transaction.step in CHOOSING_AGAIN_ALLOWED:
        return _step_page(request, transaction, methods=True)
    return _step_page(request, transaction)


async def signin_step(request: web.Request) -> web.StreamResponse:
    """One step of the sign-in, as the page's forms post it; 303 to the page that follows."""
    try:
        fields = await _form(request)
    except BadForm:
        return _error_page(request, 400, BAD_REQUEST_TEXT)
    token = _state_token(fields.get("stateToken"))
    if token is None:
        return _error_page(request, 400, BAD_REQUEST_TEXT)
    transaction = await _hosted_transaction(request, token)
    if transaction is None:
        return _expired_page(request)
    action = ACTIONS.get(fields.get("action", ""), _unknown_action)
    try:
        after = await action(request, transaction, fields)
    except IdxError as error:
        return await _refused(request, error, transaction, fields)
    remember(request, after)
    if after.step is Step.SUCCESS:
        raise _see_other(_token_redirect_url(request, after))
    raise _see_other(_signin_url(request, after))


async def token_redirect(request: web.Request) -> web.StreamResponse:
    """The sign-in succeeded: end it (once), start the browser's session and send the browser back to the app."""
    transaction = await _transaction_in_query(request)
    if isinstance(transaction, web.Response):
        return transaction
    engine = request.app[ENGINE]
    try:
        transaction = await engine.up_to_date(transaction)
        if transaction.step is not Step.SUCCESS:  # not there yet: back to the step it is on
            raise _see_other(_signin_url(request, transaction))
        hosted = await engine.complete_hosted_sign_in(transaction, _server_of(request, transaction))
    except IdxError:  # another tab finished it first
        return _expired_page(request)
    previous = session_id(request)
    if previous and previous != hosted.session.id:  # a fresh sign-in (prompt=login, max_age) replaces the session
        await engine.end_session(previous)
    response = to_app(request, hosted.redirect)
    set_session_cookie(request, response, hosted.session.id)
    return response


# --- the steps -----------------------------------------------------------------------------------------------------


async def _identify(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    identifier, password = fields.get("identifier", ""), fields.get("password", "")
    given = ((("identifier",), identifier), (("credentials", "passcode"), password))
    blank = tuple(path for path, value in given if not value)
    if blank:
        raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=blank)
    request[USER] = identifier
    return await request.app[ENGINE].identify(transaction, identifier, password)


async def _choose(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """A method picked on the method page (``push`` or ``totp``)."""
    method = fields.get("method", "")
    if not method:
        raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "no method chosen")
    engine = request.app[ENGINE]
    okta_verify = engine.authenticators.okta_verify_id
    return await engine.choose_authenticator(
        transaction, okta_verify, method, sign_in_context(request), delivery(request)
    )


async def _resend(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    return await request.app[ENGINE].resend(transaction, sign_in_context(request), delivery(request))


async def _answer(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    code = fields.get("code", "").strip()
    if not code:
        raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("credentials", "totp"),))
    return await request.app[ENGINE].answer_totp(transaction, code)


async def _cancel(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """ "Back to sign in": this sign-in ends and a fresh one for the same app starts, with a new stateToken."""
    return await request.app[ENGINE].cancel(transaction)


async def _unknown_action(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    raise IdxError(Reason.MALFORMED_REQUEST, transaction, "unknown action")


ACTIONS: dict[str, Action] = {
    "identify": _identify,
    "choose": _choose,
    "resend": _resend,
    "answer": _answer,
    "cancel": _cancel,
}


# --- reading the request -------------------------------------------------------------------------------------------


def _state_token(value: str | None) -> str | None:
    return value if value is not None and STATE_TOKEN.fullmatch(value) else None


async def _form(request: web.Request) -> Fields:
    try:
        form = await form_fields(request)
    except MalformedBody:
        raise BadForm() from None
    fields: Fields = {}
    for key in set(form.keys()):
        values = form.getall(key)
        if len(values) != 1 or not isinstance(values[0], str) or len(values[0]) > MAX_FIELD_CHARS:
            raise BadForm()
        fields[key] = values[0]
    return fields


async def _transaction_in_query(request: web.Request) -> Transaction | web.Response:
    """The hosted sign-in the query's ``stateToken`` names, or the page that says why there is none."""
    token = _state_token(request.query.get("stateToken"))
    if token is None:
        return _error_page(request, 400, BAD_REQUEST_TEXT)
    transaction = await _hosted_transaction(request, token)
    return transaction if transaction is not None else _expired_page(request)


async def _hosted_transaction(request: web.Request, token: str) -> Transaction | None:
    """The live hosted sign-in this token names; an embedded app's transaction is none of this page's business."""
    try:
        transaction = await request.app[ENGINE].by_state_handle(token)
    except IdxError:
        return None
    if not transaction.interaction.hosted:
        return None
    return remember(request, transaction)


def _server_of(request: web.Request, transaction: Transaction) -> AuthorizationServer:
    """The authorization server the sign-in was asked of, as ``oauth_routes.authorization_server`` names it."""
    base = base_url(request)
    server = transaction.interaction.authorization_server
    if server is None:
        return AuthorizationServer(id=None, issuer=base, audience=base)
    return AuthorizationServer(id=server, issuer=f"{base}/oauth2/{server}", audience=f"api://{server}")


def _see_other(location: str) -> web.HTTPSeeOther:
    """A redirect between the page's own steps; the stateToken in it goes nowhere else (no referrer, no cache)."""
    return web.HTTPSeeOther(location, headers=PRIVATE_HEADERS)


def _signin_url(request: web.Request, transaction: Transaction, **extra: str) -> str:
    query = urlencode({"stateToken": transaction.state_handle, **extra})
    return f"{base_url(request)}{SIGNIN_PATH}?{query}"


def _token_redirect_url(request: web.Request, transaction: Transaction) -> str:
    return f"{base_url(request)}{TOKEN_REDIRECT_PATH}?{urlencode({'stateToken': transaction.state_handle})}"


# --- the pages -----------------------------------------------------------------------------------------------------


async def _refused(request: web.Request, error: IdxError, transaction: Transaction, fields: Fields) -> web.Response:
    """The step the sign-in is on, again, with Okta's message for what was refused (the form keeps the username)."""
    if error.reason is Reason.SESSION_EXPIRED:
        return _expired_page(request)
    shown = error.transaction or transaction
    if shown.step is Step.SUCCESS:  # a form posted again after the sign-in was done (another tab, the back button)
        raise _see_other(_token_redirect_url(request, shown))
    spec = ERRORS[error.reason]
    errors: dict[str, str] = {}
    if spec.placement is Placement.FIELD:
        for path in error.fields or (spec.field,):
            if path in FIELD_NAMES:
                errors[FIELD_NAMES[path]] = spec.text
    message = None if errors else spec.text
    return _step_page(request, shown, status=400, message=message, errors=errors, identifier=fields.get("identifier"))


def _step_page(
    request: web.Request,
    transaction: Transaction,
    *,
    methods: bool = False,
    status: int = 200,
    message: str | None = None,
    errors: dict[str, str] | None = None,
    identifier: str | None = None,
) -> web.Response:
    step = transaction.step
    interaction = transaction.interaction
    context: dict[str, Any] = {
        "app_label": interaction.client_label,
        "state_token": transaction.state_handle,
        "action_url": f"{base_url(request)}{SIGNIN_PATH}",
        "message": message,
        "errors": errors or {},
        "methods_url": _signin_url(request, transaction, view=METHODS_VIEW),
    }
    if step is Step.IDENTIFY:
        template, heading = "signin_identify.html", "Sign In"
        context["identifier"] = identifier if identifier is not None else interaction.login_hint or ""
    elif step in METHOD_PAGE_STEPS or methods:
        template, heading = "signin_methods.html", "Verify it's you with a security method"
        context["methods"] = _methods(transaction)
    elif step in PUSH_PAGE_STEPS:
        template, heading = "signin_push.html", "Get a push notification"
        push_view = _push_view(request, transaction)
        context.update(push_view, message=message or push_view["notice"])
    elif step is Step.TOTP_CHALLENGE:
        template, heading = "signin_code.html", "Enter a code"
    else:  # TIMED_OUT: nothing goes on but starting again
        template, heading = "signin_timed_out.html", OKTA_VERIFY
        context["message"] = message or ERRORS[Reason.VERIFICATION_TIMED_OUT].text
    context["heading"] = heading
    return render_page(request, template, context, status)


def _methods(transaction: Transaction) -> list[dict[str, str]]:
    enrollment = transaction.user.okta_verify if transaction.user else None
    if enrollment is None:
        return []
    return [
        {"value": method.value, "label": label}
        for method, label in METHOD_LABELS.items()
        if enrollment.supports(method)
    ]


def _push_view(request: web.Request, transaction: Transaction) -> dict[str, Any]:
    """The push page: waiting (with the number to tap, and the poll), rejected, or expired."""
    step = transaction.step
    push = transaction.push
    view: dict[str, Any] = {"waiting": step is Step.PUSH_WAITING, "notice": None, "number": None, "poll": None}
    if step is Step.PUSH_REJECTED:
        view["notice"] = PUSH_REJECTED[1]
    elif step is Step.PUSH_EXPIRED:
        view["notice"] = PUSH_EXPIRED_TEXT
    else:
        if push is not None and push.correct_answer is not None:
            view["number"] = str(push.correct_answer)
        refresh_ms = request.app[ENGINE].policy.poll_refresh_ms
        view["poll"] = {
            "url": _signin_url(request, transaction, poll="1"),
            "page_url": _signin_url(request, transaction),
            "ms": refresh_ms,
            "seconds": max(1, math.ceil(refresh_ms / 1000)),  # a meta refresh counts whole seconds only
        }
    return view


def _poll_answer(request: web.Request, transaction: Transaction) -> web.Response:
    """For the waiting page's script: where to go now (``None``: stay, the push still waits)."""
    step = transaction.step
    next_url = None
    if step is Step.SUCCESS:
        next_url = _token_redirect_url(request, transaction)
    elif step is not Step.PUSH_WAITING:
        next_url = _signin_url(request, transaction)
    return web.json_response({"next": next_url}, headers=PRIVATE_HEADERS)


def _expired_page(request: web.Request) -> web.Response:
    return _error_page(request, 404, ERRORS[Reason.SESSION_EXPIRED].text)


def _error_page(request: web.Request, status: int, message: str) -> web.Response:
    """A page with no sign-in to go on with (no app is known to send the user back to)."""
    context = {"heading": "Sign In", "message": message, "app_label": None}
    return render_page(request, "signin_error.html", context, status)


def render_page(request: web.Request, template: str, context: dict[str, Any], status: int) -> web.Response:
    """A page of the org's own (sign-in, email link): nonce-locked scripts and styles, never framed or cached."""
    nonce = secrets.token_urlsafe(18)
    context.update(nonce=nonce, style=PAGE_STYLE, script=PAGE_SCRIPT)
    response = templates.render_template(template, request, context, status=status)
    response.headers.update(PRIVATE_HEADERS)
    response.headers.update(
        {
            "Content-Security-Policy": (
                f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src data:; "
                f"connect-src 'self' {origin_of(base_url(request))}; base-uri 'none'; frame-ancestors 'none'"
            ),
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
        }
    )
    return response
