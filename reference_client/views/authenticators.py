"""Choosing which authenticator verifies the user."""

from __future__ import annotations

from aiohttp import web

from ..flow import current_step, idx_client, render, require_context, settle
from ..idx import AuthResponse, IdxStepUnavailableError
from ..navigation import SELECT_AUTHENTICATOR

routes = web.RouteTableDef()


def _offers_authenticators(response: AuthResponse) -> bool:
    return bool(response.authenticators)


@routes.get(SELECT_AUTHENTICATOR)
async def select_authenticator_page(request: web.Request) -> web.Response:
    return await _render(request)


@routes.post(SELECT_AUTHENTICATOR)
async def select_authenticator(request: web.Request) -> web.Response:
    context = await require_context(request)
    authenticator_id = str((await request.post()).get("authenticator_id", ""))
    if not authenticator_id:
        return await _render(request, ["Select an authenticator."], status=400)
    try:
        response = await idx_client(request).select_authenticator(context, authenticator_id)
    except IdxStepUnavailableError:
        return await _render(request, ["That authenticator is not available. Select another."], status=400)
    raise web.HTTPFound(await settle(request, response))


async def _render(request: web.Request, errors: list[str] | None = None, status: int = 200) -> web.Response:
    response = await current_step(request, _offers_authenticators)
    return await render("select_authenticator.html", request,
                  {"authenticators": response.authenticators, "errors": errors or []}, status=status)
