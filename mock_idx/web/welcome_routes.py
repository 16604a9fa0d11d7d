"""``/welcome/{token}``: the link of Okta's activation email. It opens the hosted sign-in page on a sign-in started
from the token (the user sets a password and enrolls what the org requires), which ends on ``/welcome/done``."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from ..model.user_lifecycle import MAX_TOKEN_LENGTH
from .app_keys import ENGINE
from .authorize_routes import SIGN_IN_PAGE
from .hosted_render import bad_link_page, render_page
from .request_parsing import base_url, remember
from .urls import WELCOME_DONE_PATH


async def welcome(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    if len(token) > MAX_TOKEN_LENGTH:
        return bad_link_page(request)
    base = base_url(request)
    transaction = remember(request, await request.app[ENGINE].welcome(token, f"{base}{WELCOME_DONE_PATH}"))
    raise web.HTTPFound(f"{base}{SIGN_IN_PAGE}?{urlencode({'stateToken': transaction.state_handle})}")


async def done(request: web.Request) -> web.Response:
    """Where the activation's sign-in ends (Okta would open its end-user dashboard): the account is active."""
    context = {"heading": "Account activated", "message": None, "app_label": None}
    return render_page(request, "welcome_done.html", context, 200)
