"""`create_app(config)`: the reference web app that signs in through IDX the way Okta's ASP.NET guide does, or
through the org's hosted page (the redirect button)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import setup as setup_session

from .config import CONFIG_KEY, AppConfig
from .errors import error_page_middleware
from .flow import CLIENT_KEY
from .idx import IdxClient
from .security import csrf_middleware, security_headers_middleware
from .session_store import MemorySessionStorage
from .views import account, answers, authenticators, enrollment, okta_verify, password, redirect

HERE = Path(__file__).parent
SESSION_COOKIE = "reference_client_session"
SESSIONS_KEY = web.AppKey("sessions", MemorySessionStorage)


def create_app(config: AppConfig) -> web.Application:
    """Build the app; its sessions, IDX client and HTTP session live on the app and close with it."""
    app = web.Application(client_max_size=config.max_form_bytes)
    app[CONFIG_KEY] = config
    app[SESSIONS_KEY] = MemorySessionStorage(
        cookie_name=SESSION_COOKIE,
        secure=config.secure_cookies,
        max_sessions=config.max_sessions,
        idle_seconds=config.session_idle_seconds,
    )
    setup_session(app, app[SESSIONS_KEY])  # outermost: everything below may read and change the session
    app.middlewares.extend([security_headers_middleware, error_page_middleware, csrf_middleware])
    aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    app.cleanup_ctx.append(_idx_client)
    for module in (account, authenticators, answers, enrollment, okta_verify, password, redirect):
        app.router.add_routes(module.routes)
    app.router.add_static("/static", HERE / "static", name="static")
    return app


async def _idx_client(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG_KEY]
    timeout = aiohttp.ClientTimeout(total=config.http_timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        app[CLIENT_KEY] = IdxClient(config.idx, session)
        yield
