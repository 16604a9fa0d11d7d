"""``/api/v1/sessions/me``: the browser's Okta session (placeholder: being written)."""

from __future__ import annotations

from aiohttp import web


async def current_session(request: web.Request) -> web.StreamResponse:
    raise web.HTTPNotImplemented()


async def end_current_session(request: web.Request) -> web.StreamResponse:
    raise web.HTTPNotImplemented()
