"""Home, sign-in with username and password, cancel and sign-out."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from ..flow import idx_client, render, settle, texts
from ..forms import read_form
from ..idx import AuthenticationStatus as Status
from ..idx import AuthResponse, IdxClient, IdxError
from ..navigation import CANCEL, HOME, LOGIN, LOGOUT
from ..security import safe_local_path
from ..session_state import (
    forget_idx_context,
    idx_context,
    remember_return_to,
    signed_in_user,
)

log = logging.getLogger(__name__)
OKTA_PASSWORD = "okta_password"
routes = web.RouteTableDef()


@routes.get(HOME)
async def home(request: web.Request) -> web.Response:
    user = signed_in_user(await get_session(request))
    claims: dict[str, Any] = user["claims"] if user else {}
    rows = [(name, claim_text(value)) for name, value in sorted(claims.items())]
    return await render("home.html", request, {"name": display_name(claims), "claims": rows})


@routes.get(LOGIN)
async def login_page(request: web.Request) -> web.Response:
    session = await get_session(request)
    if signed_in_user(session):
        raise web.HTTPFound(safe_local_path(request.query.get("next")))
    remember_return_to(session, request.query.get("next"))
    return await render_login(request)


@routes.post(LOGIN)
async def login(request: web.Request) -> web.Response:
    form = await read_form(request)
    username, password = form.get("username", "").strip(), form.get("password", "")
    if not username or not password:
        return await render_login(request, username, ["Enter your username and password."], status=400)
    response = await idx_client(request).authenticate(username, password)
    if response.status is Status.AwaitingIdentification or asks_for_password_again(response):
        return await render_login(request, username, texts(response.errors) or ["Sign-in failed."], status=401)
    raise web.HTTPFound(await settle(request, response))


def asks_for_password_again(response: AuthResponse) -> bool:
    """An identifier-first org refused the password: its challenge is still open, with Okta's message. The login
    page says so (this page asked for the password), rather than a password page of its own."""
    return response.status is Status.AwaitingAuthenticatorVerification and response.authenticator_key == OKTA_PASSWORD


@routes.post(CANCEL)
async def cancel(request: web.Request) -> web.Response:
    """Cancel the IDX transaction (best effort: it may have ended already) and start over."""
    session = await get_session(request)
    if context := idx_context(session):
        try:
            await idx_client(request).cancel(context)
        except IdxError as exc:
            log.warning("IDX cancel failed, dropping the transaction anyway: %s", exc)
    forget_idx_context(session)
    raise web.HTTPFound(LOGIN)


@routes.post(LOGOUT)
async def logout(request: web.Request) -> web.Response:
    """Revoke the tokens at the issuer, then forget the session."""
    session = await get_session(request)
    if user := signed_in_user(session):
        await revoke_tokens(idx_client(request), user)
    session.invalidate()
    raise web.HTTPFound(HOME)


async def render_login(
    request: web.Request, username: str = "", errors: list[str] | None = None, status: int = 200
) -> web.Response:
    return await render("login.html", request, {"username": username, "errors": errors or []}, status=status)


def claim_text(value: Any) -> str:
    """A claim as the token carries it: JSON (`true`, `["pwd","mfa"]`), strings without their quotes."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def display_name(claims: dict[str, Any]) -> str:
    return str(claims.get("name") or claims.get("preferred_username") or claims.get("email") or claims.get("sub", ""))


async def revoke_tokens(client: IdxClient, user: dict[str, Any]) -> None:
    """Sign-out must not fail because the issuer is unreachable: the local session ends regardless."""
    for hint in ("refresh_token", "access_token"):
        if token := user.get(hint):
            try:
                await client.revoke(token, hint)
            except IdxError as exc:
                log.warning("could not revoke the %s: %s", hint, exc)
