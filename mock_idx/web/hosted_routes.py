"""Okta's hosted sign-in page (placeholder: being written)."""

from __future__ import annotations

from aiohttp import web


async def signin_page(request: web.Request) -> web.StreamResponse:
    raise web.HTTPNotImplemented()


async def signin_step(request: web.Request) -> web.StreamResponse:
    raise web.HTTPNotImplemented()


async def token_redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPNotImplemented()
