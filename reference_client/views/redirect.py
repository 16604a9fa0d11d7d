"""Signing in through the org's hosted page: the "Sign in with Okta (redirect)" button and the callback it returns to.

The button is a link, not a form: the page's Content-Security-Policy allows forms to post only to this app, and
browsers apply `form-action` to where a form's answer redirects too, so a form could not lead on to the org. Starting
a sign-in on GET changes nothing but the visitor's own list of sign-ins in flight; what protects the sign-in is the
callback, which takes a code only with a `state` this visitor's session sent.
"""

from __future__ import annotations

import re

from aiohttp import web
from aiohttp_session import get_session

from ..config import CONFIG_KEY
from ..errors import error_page
from ..flow import idx_client, render
from ..idx import OAuthError
from ..navigation import AUTHORIZATION_CODE_CALLBACK, LOGIN_REDIRECT
from ..security import safe_local_path
from ..session_state import (
    remember_redirect_sign_in,
    remember_return_to,
    renewed_session,
    sign_in,
    signed_in_user,
    take_redirect_sign_in,
)

routes = web.RouteTableDef()

STATE = re.compile(r"[A-Za-z0-9_-]{1,512}")
"""What a `state` this app sent can look like (`secrets.token_urlsafe`); anything else was never ours."""
MAX_ERROR_TEXT = 500

FOREIGN_CALLBACK = "This sign-in did not start here, or it has already finished or expired. Start again to sign in."
NO_CODE = "The sign-in came back without an authorization code. Start again."


@routes.get(LOGIN_REDIRECT)
async def start(request: web.Request) -> web.Response:
    """Send the browser to the org's `/v1/authorize`, remembering the sign-in's state, nonce and PKCE verifier."""
    session = await get_session(request)
    if signed_in_user(session):
        raise web.HTTPFound(safe_local_path(request.query.get("next")))
    remember_return_to(session, request.query.get("next"))
    pending, authorize_url = await idx_client(request).begin_redirect_sign_in(callback_uri(request))
    remember_redirect_sign_in(session, pending)
    raise web.HTTPFound(authorize_url)


@routes.get(AUTHORIZATION_CODE_CALLBACK)
async def callback(request: web.Request) -> web.Response:
    """Where the hosted page sends the browser back: a code to redeem, or Okta's `error` and `error_description`.

    The `state` must be one this session sent and has not used yet; otherwise nothing the request carries is looked
    at (an error text from it is not shown either: it would be someone else's words on this app's page).
    """
    state, code, error = (query_value(request, name) for name in ("state", "code", "error"))
    session = await get_session(request)
    pending = take_redirect_sign_in(session, state) if state and STATE.fullmatch(state) else None
    if pending is None:
        return error_page(request, 400, FOREIGN_CALLBACK)
    if error:
        description = query_value(request, "error_description") or ""
        return await failed(request, 403, f"Sign-in did not complete: {description or error} ({error}).")
    if not code:
        return await failed(request, 400, NO_CODE)
    try:
        tokens = await idx_client(request).finish_redirect_sign_in(pending, code)
    except OAuthError as exc:
        refusal = f"{exc.description or exc.error} ({exc.error})"
        return await failed(request, 502, f"The sign-in service would not complete the sign-in: {refusal}.")
    raise web.HTTPFound(sign_in(await renewed_session(request), tokens))


def callback_uri(request: web.Request) -> str:
    """The configured callback URI, else this app's callback at the address the browser reached it by."""
    configured = request.app[CONFIG_KEY].callback_uri
    return configured or str(request.url.origin().with_path(AUTHORIZATION_CODE_CALLBACK))


def query_value(request: web.Request, name: str) -> str | None:
    """A query parameter sent at most once (a second copy is a 400: which one would the server have meant?)."""
    values = request.query.getall(name, [])
    if len(values) > 1:
        raise web.HTTPBadRequest(text=f"query parameter {name!r} was sent {len(values)} times")
    return values[0] if values else None


async def failed(request: web.Request, status: int, text: str) -> web.Response:
    """The error page for a sign-in that came back but did not succeed; unlike a refused request, the session is
    saved, so the sign-in's state stays spent."""
    readable = text.encode("utf-8", "replace").decode("utf-8")[:MAX_ERROR_TEXT]
    return await render("error.html", request, {"text": readable}, status=status)
