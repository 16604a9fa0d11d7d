"""``/v1/authorize``: the front door of Okta's hosted sign-in (placeholder: being written)."""

from __future__ import annotations

from aiohttp import web


async def authorize(request: web.Request) -> web.StreamResponse:
    raise web.HTTPNotImplemented()
