"""Okta's hosted sign-in page, built in and rendered on the server: where ``/v1/authorize`` sends a browser.

- ``GET /signin?stateToken=…`` shows the hosted transaction's current step, brought up to date (a tap on the phone,
  an expiry). While the step waits for something that happens elsewhere (a push, Okta Verify's activation, an
  email's magic link) the page asks again at the policy's poll interval with ``poll=1`` (a tiny script, or a meta
  refresh when scripts are off), and each such request is one IDX ``poll`` step, so a scripted phone that answers
  "at the second poll" answers here as it does for an embedded app.
- ``POST /signin`` (a form: ``stateToken``, ``action`` and the step's fields, :mod:`.hosted_actions`) takes one step
  and answers 303 to the page of the step it led to (post/redirect/get), or shows the same step again, as stored,
  with Okta's message when the engine refused it, in the texts the IDX documents use (:mod:`mock_idx.idx.messages`).
- ``GET /login/token/redirect?stateToken=…``: once the sign-in succeeded, ends it, starts the browser's Okta session
  (the ``sid`` cookie) and sends the browser back to the app (:func:`.client_redirects.to_app`).

Which page shows which step is :mod:`.hosted_pages`. The ``stateToken`` is the page's CSRF guard: unguessable, and
only ever in this page and its URLs (never sent on as a referrer). Nothing needs JavaScript. A token that is
malformed is a 400 page, one that names no live hosted sign-in (unknown, expired, finished, or an embedded app's) a
404 page: never a 500, never a redirect.
"""

from __future__ import annotations

import re

from aiohttp import web

from ..config import WIDGET_PAGE
from ..idx.messages import ERRORS, Placement, error_message
from ..model.errors import IdxError, Reason
from ..model.tokens import AuthorizationServer
from ..model.transaction import Step, Transaction
from . import hosted_widget
from .app_keys import ENGINE, SETTINGS
from .client_redirects import to_app
from .email_link_routes import remember_email_sign_in
from .hosted_account_pages import PROFILE_FIELD
from .hosted_actions import ACTIONS, Fields, cancel, unknown_action
from .hosted_links import PRIVATE_HEADERS, see_other, signin_url, token_redirect_url
from .hosted_pages import page_field, step_page, waits
from .hosted_parts import Shown
from .hosted_render import bad_link_page, expired_page
from .request_parsing import MalformedBody, base_url, form_fields, remember
from .session_cookie import session_id, set_session_cookie

JSON = "application/json"
STATE_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
"""What a state handle can look like (``02`` and URL-safe base64); anything else is refused before any lookup."""
MAX_FIELD_CHARS = 4096
"""Longer than any username, password, code or answer; a longer value is refused, not looked up."""
KEPT_FIELDS = ("identifier", "phoneNumber", "to", "questionKey", "question")
"""What a refused form shows again as typed (never a password, code or answer), besides the sign-up form's profile
attributes (:data:`.hosted_account_pages.PROFILE_FIELD`)."""
RATE_LIMITED = 429
_ENDED_STATUS = 403
"""A form posted to a sign-in that can no longer go on (the page of why, again)."""


class BadForm(Exception):
    """A form this page never sends: repeated or oversized fields, a file, a body that is not a form."""


# --- the handlers --------------------------------------------------------------------------------------------------


async def signin_page(request: web.Request) -> web.StreamResponse:
    """The current step of the hosted sign-in; with ``poll=1`` (a waiting page's poll) a poll first. The page's
    script asks for that poll as JSON (``{"next": null}`` while the step still waits, else the URL to go to), so the
    page stays put, and a click or a code typed on it is never lost to a reload; without scripts the meta refresh
    reloads the page.

    ``view=methods`` ("Verify with something else", "Return to authenticator list") shows the list to choose from
    again, and ``view=channels`` ("Can't scan?") Okta Verify's other ways to set up, changing nothing: what is in
    progress is withdrawn only once something else is chosen. (Asking the engine for the list itself would send a
    push at once to a user who ticked "Send push automatically".)"""
    transaction = await _transaction_in_query(request)
    if isinstance(transaction, web.Response):
        return transaction
    if request.app[SETTINGS].hosted_page == WIDGET_PAGE:  # the real widget walks the sign-in itself, over IDX
        return hosted_widget.signin_page(request, transaction)
    engine = request.app[ENGINE]
    polled = request.query.get("poll") == "1"
    try:
        if transaction.step is Step.TERMINAL:  # nothing goes on, nothing to bring up to date
            pass
        elif polled and waits(transaction):
            transaction = await engine.poll(transaction)
        else:
            transaction = await engine.up_to_date(transaction)
    except IdxError as error:  # the transaction vanished between reading and writing it
        return await _refused(request, error, transaction.state_handle, {})
    if polled and JSON in request.headers.get("Accept", ""):
        return _poll_answer(request, transaction)
    if transaction.step is Step.SUCCESS:
        raise see_other(token_redirect_url(base_url(request), transaction.state_handle))
    response = step_page(request, transaction, Shown(view=request.query.get("view")))
    remember_email_sign_in(response, transaction)  # the email's magic link, opened in this browser, verifies it
    return response


async def signin_step(request: web.Request) -> web.StreamResponse:
    """One step of the sign-in, as the page's forms post it; 303 to the page that follows."""
    try:
        fields = await _form(request)
    except BadForm:
        return bad_link_page(request)
    token = _state_token(fields.get("stateToken"))
    if token is None:
        return bad_link_page(request)
    transaction = await _hosted_transaction(request, token)
    if transaction is None:
        return expired_page(request)
    action = ACTIONS.get(fields.get("action", ""), unknown_action)
    if transaction.step is Step.TERMINAL and action is not cancel:  # only "Back to sign in" goes on from here
        return step_page(request, transaction, Shown(), _ENDED_STATUS)
    try:
        after = await action(request, transaction, fields)
    except IdxError as error:
        return await _refused(request, error, token, fields)
    remember(request, after)
    if after.step is Step.SUCCESS:
        raise see_other(token_redirect_url(base_url(request), after.state_handle))
    raise see_other(signin_url(base_url(request), after.state_handle))


async def token_redirect(request: web.Request) -> web.StreamResponse:
    """The sign-in succeeded: end it (once), start the browser's session and send the browser back to the app."""
    transaction = await _transaction_in_query(request)
    if isinstance(transaction, web.Response):
        return transaction
    engine = request.app[ENGINE]
    try:
        if transaction.step is not Step.TERMINAL and not _ready_to_end(transaction):
            transaction = await engine.up_to_date(transaction)
        if transaction.step is not Step.SUCCESS:  # not there yet: back to the step it is on
            raise see_other(signin_url(base_url(request), transaction.state_handle))
        hosted = await engine.complete_hosted_sign_in(transaction, _server_of(request, transaction))
    except IdxError:  # another tab finished it first
        return expired_page(request)
    previous = session_id(request)
    if previous and previous != hosted.session.id:  # a fresh sign-in (prompt=login, max_age) replaces the session
        await engine.end_session(previous)
    response = to_app(request, hosted.redirect)
    set_session_cookie(request, response, hosted.session.id)
    return response


def _ready_to_end(transaction: Transaction) -> bool:
    """A sign-in whose success was committed (the step that succeeded stored it with its interaction code) has
    nothing to bring up to date: it is ended as it is, not written back first only to be deleted."""
    return transaction.step is Step.SUCCESS and transaction.interaction_code is not None


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
        return bad_link_page(request)
    transaction = await _hosted_transaction(request, token)
    return transaction if transaction is not None else expired_page(request)


async def _hosted_transaction(request: web.Request, token: str) -> Transaction | None:
    """The live hosted sign-in this token names; an embedded app's transaction is none of this page's business.
    One that can no longer go on (its user suspended since it began) comes back as it is, ended for this answer
    only (:attr:`Step.TERMINAL` with the reason): its page says why, and "Back to sign in" starts another."""
    try:
        transaction = await request.app[ENGINE].by_state_handle(token)
    except IdxError as error:
        ended = _ended(error)
        if ended is None:
            return None
        transaction = ended
    if not transaction.interaction.hosted:
        return None
    return remember(request, transaction)


def _ended(error: IdxError) -> Transaction | None:
    """The sign-in a terminal refusal ended, marked so (not stored: the engine refuses it again at every step)."""
    transaction = error.transaction
    spec = ERRORS[error.reason]
    if transaction is None or error.reason is Reason.SESSION_EXPIRED or spec.placement is not Placement.TERMINAL:
        return None
    if transaction.step is not Step.TIMED_OUT:
        transaction.end(error.reason)
    return transaction


def _server_of(request: web.Request, transaction: Transaction) -> AuthorizationServer:
    """The authorization server the sign-in was asked of, as ``oauth_routes.authorization_server`` names it."""
    base = base_url(request)
    server = transaction.interaction.authorization_server
    if server is None:
        return AuthorizationServer(id=None, issuer=base, audience=base)
    return AuthorizationServer(id=server, issuer=f"{base}/oauth2/{server}", audience=f"api://{server}")


# --- the answers ---------------------------------------------------------------------------------------------------


async def _refused(request: web.Request, error: IdxError, token: str, fields: Fields) -> web.Response:
    """The step the sign-in is on, again, as stored (a refused step changed nothing: the page shows what the engine
    kept, not what the refused request had begun to change), with Okta's message for what was refused, on the fields
    it concerns, and the form as it was typed (the username, the phone number; never a secret)."""
    if error.reason is Reason.SESSION_EXPIRED:
        return expired_page(request)
    shown = await _hosted_transaction(request, token)
    if shown is None:
        return expired_page(request)
    if shown.step is Step.SUCCESS:  # a form posted again after the sign-in was done (another tab, the back button)
        raise see_other(token_redirect_url(base_url(request), shown.state_handle))
    spec = ERRORS[error.reason]
    if spec.placement is Placement.TERMINAL and shown.step not in (Step.TIMED_OUT, Step.TERMINAL):
        shown.end(error.reason)  # for this answer only: what is stored is as it was (a deny rule at identify)
    if shown.step is Step.TERMINAL:
        return step_page(request, shown, Shown(), spec.status if spec.status >= 400 else _ENDED_STATUS)
    text = error_message(error.reason, error.detail)["message"]
    errors: dict[str, str] = {}
    if spec.placement is Placement.FIELD:
        for path in error.fields or (spec.field,):
            name = page_field(shown, path)
            if name is not None:
                errors[name] = text
    typed = {name: value for name, value in fields.items() if name in KEPT_FIELDS or name.startswith(PROFILE_FIELD)}
    status = RATE_LIMITED if spec.status == RATE_LIMITED else 400
    return step_page(request, shown, Shown(message=None if errors else text, errors=errors, typed=typed), status)


def _poll_answer(request: web.Request, transaction: Transaction) -> web.Response:
    """For a waiting page's script: where to go now (``None``: stay, the step still waits)."""
    next_url = None
    if transaction.step is Step.SUCCESS:
        next_url = token_redirect_url(base_url(request), transaction.state_handle)
    elif not waits(transaction):
        next_url = signin_url(base_url(request), transaction.state_handle)
    return web.json_response({"next": next_url}, headers=PRIVATE_HEADERS)
