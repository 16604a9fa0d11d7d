"""Shared plumbing of the sign-in pages: the IDX client, the context in the session, rendering, choice pages and
moving on.

Each page handler does one client call; `settle` then applies its outcome to the session (keep the context, sign
the user in, or end the flow with a notice) and names the next page, so the mapping lives in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from .forms import read_form
from .idx import AuthenticationStatus as Status
from .idx import AuthResponse, IdxClient, IdxContext, IdxStepUnavailableError, Message
from .navigation import CONTINUABLE, ENDED, LOGIN, page_for
from .security import csrf_token
from .session_state import (
    add_notices,
    forget_idx_context,
    idx_context,
    keep_idx_context,
    remember_ending,
    renewed_session,
    sign_in,
    signed_in_user,
    take_notices,
)

CLIENT_KEY = web.AppKey("idx_client", IdxClient)

UNSUPPORTED_STEP = "This sign-in needs a step the reference client does not offer ({steps}). Start again."


def idx_client(request: web.Request) -> IdxClient:
    return request.app[CLIENT_KEY]


async def require_context(request: web.Request) -> IdxContext:
    """The sign-in in progress; without one, back to the login page."""
    context = idx_context(await get_session(request))
    if context is None:
        raise web.HTTPFound(LOGIN)
    return context


async def settle(request: web.Request, response: AuthResponse) -> str:
    """Apply a client response to the session and return the path of the page that continues from it."""
    session = await get_session(request)
    if response.status is Status.Success and response.tokens is not None:
        return sign_in(await renewed_session(request), response.tokens)
    if response.status in CONTINUABLE:
        keep_idx_context(session, response.context)
        return page_for(response)
    forget_idx_context(session)
    if response.status is Status.Terminal and not response.errors and (said := _said(response)):
        remember_ending(session, said)
        return ENDED
    add_notices(session, texts(response.errors) or [_ended_notice(response)])
    return page_for(response)


def _said(response: AuthResponse) -> list[tuple[str | None, str]]:
    """The messages a sign-in ended with that are not errors (e.g. Okta's "You can now sign in with ... new
    password."), as (i18n key, text)."""
    return [(m.key, m.text) for m in response.messages if not m.is_error and m.text]


@dataclass(frozen=True)
class ChoicePage:
    """A page of radio buttons built from the current IDX state, whose submit makes the choice through the client.

    `choices` reads (value, label) pairs from a response (no choices: the transaction is elsewhere, redirect);
    `choose` is the `IdxClient` method that submits one; `missing` is the error shown when nothing was picked.
    `extras` adds what else the template shows (e.g. whether "Set up later" is offered). The template posts to
    `action`, the page's own path, so one template serves several paths.
    """

    path: str
    template: str
    field: str
    missing: str
    choices: Callable[[AuthResponse], list[tuple[str, str]]]
    choose: Callable[[IdxClient, IdxContext, str], Awaitable[AuthResponse]]
    extras: Callable[[AuthResponse], dict[str, Any]] = dataclasses.field(default=lambda response: {})

    async def show(self, request: web.Request, errors: list[str] | None = None) -> web.Response:
        response = await current_step(request, lambda r: bool(self.choices(r)))
        page = {"choices": self.choices(response), "errors": errors or [], "action": self.path}
        return await render(self.template, request, page | self.extras(response), status=400 if errors else 200)

    async def submit(self, request: web.Request) -> web.Response:
        context = await require_context(request)
        value = (await read_form(request)).get(self.field, "")
        if not value:
            return await self.show(request, [self.missing])
        try:
            response = await self.choose(idx_client(request), context, value)
        except IdxStepUnavailableError:
            return await self.show(request, ["That option is not available any more. Select another."])
        if response.errors and response.status in CONTINUABLE and self.choices(response):
            return await self.show(request, texts(response.errors))  # refused: Okta's message, the choice kept
        raise web.HTTPFound(await settle(request, response))

    def register(self, routes: web.RouteTableDef) -> None:
        """Serve the page at `path`: GET shows it, POST (the form posts back to the same path) submits it."""
        routes.get(self.path)(self.show)
        routes.post(self.path)(self.submit)


async def current_step(request: web.Request, shows: Callable[[AuthResponse], bool]) -> AuthResponse:
    """Introspect for a page; if the transaction is elsewhere, redirect to the page for where it is."""
    response = await idx_client(request).introspect(await require_context(request))
    if shows(response):
        return response
    target = await settle(request, response)
    raise web.HTTPFound(target if target != request.path else LOGIN)


def at(path: str) -> Callable[[AuthResponse], bool]:
    """A `current_step` test: the page at `path` is the one that serves the transaction's state."""
    return lambda response: page_for(response) == path


async def moved_on_or_refused(request: web.Request, response: AuthResponse) -> list[str]:
    """After a step's form was submitted: Okta's messages when it refused the input and kept the step (the page shows
    them above the form, the input kept); otherwise the session is settled and the browser sent on (raises)."""
    if response.errors and response.status in CONTINUABLE and page_for(response) == request.path:
        return texts(response.errors)
    raise web.HTTPFound(await settle(request, response))


async def render(template: str, request: web.Request, context: dict[str, Any], status: int = 200) -> web.Response:
    """Render a page with what every template may use: the CSRF token, one-shot notices, the signed-in flag."""
    session = await get_session(request)
    page = {
        "csrf_token": csrf_token(session),
        "notices": take_notices(session),
        "signed_in": signed_in_user(session) is not None,
        **context,
    }
    return aiohttp_jinja2.render_template(template, request, page, status=status)


def texts(messages: Iterable[Message]) -> list[str]:
    return [m.text for m in messages if m.text]


def _ended_notice(response: AuthResponse) -> str:
    if response.status in (Status.Terminal, Status.Canceled, Status.AwaitingIdentification):
        return "Your sign-in ended. Start again."
    return UNSUPPORTED_STEP.format(steps=", ".join(response.remediations) or response.status.value)


def poll_json(continue_polling: bool, refresh_ms: int, next_url: str) -> web.Response:
    """The guide's poll answer, `{ContinuePolling, Refresh, Next}`, for the waiting pages' script (`static/poll.js`)."""
    return web.json_response({"ContinuePolling": continue_polling, "Refresh": refresh_ms, "Next": next_url})
