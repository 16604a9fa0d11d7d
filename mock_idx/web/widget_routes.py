"""A host page for the real Okta Sign-In Widget, served by mock_idx itself.

Why: the widget is the most demanding IDX client there is. Serving its own unmodified bundle from
the npm package, on mock_idx's origin, lets a developer (or a Playwright test) sign in through the
widget against the fake with no CORS and no CDN. The bundle, 7.x or 6.x, is found by :mod:`.widget_dist`,
and the page explains how to install it when it is missing.

Routes:
- ``GET /_mock/widget``               the host page (``?gen=3`` loads the Gen3 bundle, which only 7.x has,
                                      ``?client_id=`` and ``?issuer=`` override the defaults,
                                      ``?workarounds=off`` drops the Gen3 host-side fix, see widget.html,
                                      ``?activation_token=`` activates that user's account)
- ``GET /_mock/widget/static/{path}`` files from the widget package's ``dist/`` directory

Handler modules are ``*_routes`` (this one was ``widget``, with the bundle lookup now in :mod:`.widget_dist`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..model.user_lifecycle import MAX_TOKEN_LENGTH
from . import templates
from .app_keys import SETTINGS
from .static_files import file_under
from .widget_dist import ENV_VAR, GEN2, GEN3, INSTALL_HINT, WidgetDist, find_widget

DEFAULT_CLIENT_ID = "mock-widget-client"
STATIC_PREFIX = "/_mock/widget/static"


def _request_widget(request: web.Request) -> WidgetDist | None:
    # Resolved per request, so installing the package needs no restart.
    return find_widget(request.app[SETTINGS].widget_dist)


def _origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def _widget_config(request: web.Request, widget: WidgetDist | None) -> dict[str, Any]:
    """The options the page passes to ``new OktaSignIn``, besides the ones every page sets (see widget.html)."""
    origin = _origin(request)
    config: dict[str, Any] = {
        "issuer": request.query.get("issuer") or f"{origin}/oauth2/default",
        "clientId": request.query.get("client_id") or DEFAULT_CLIENT_ID,
        "redirectUri": f"{origin}/_mock/widget/callback",
    }
    activation_token = request.query.get("activation_token", "")
    if 0 < len(activation_token) <= MAX_TOKEN_LENGTH:
        # How an app hands the widget a user's activation token: okta-auth-js takes it from the widget's authParams
        # and sends it to /v1/interact (the widget has no top-level option for it, unlike recoveryToken).
        config["authParams"] = {"activationToken": activation_token}
    if widget is not None and widget.needs_interaction_code_flag:
        # Without it 6.x takes its Classic Engine router and posts to /api/v1/authn, which mock_idx does not serve.
        config["useInteractionCodeFlow"] = True
    return config


async def widget_page(request: web.Request) -> web.Response:
    """The host page: loads the widget bundle and signs in with ``showSignInToGetTokens``.

    503 when no widget is installed; 404 when the bundle asked for is not in this widget (Gen3 before 7.x).
    """
    widget = _request_widget(request)
    bundle = GEN3 if request.query.get("gen") == GEN3.gen else GEN2
    available = widget is not None and bundle in widget.bundles
    context = {
        "widget": widget,
        "installed": widget is not None,
        "available": available,
        "install_hint": INSTALL_HINT,
        "env_var": ENV_VAR,
        "bundle": bundle,
        "static_root": f"{_origin(request)}{STATIC_PREFIX}",
        "gen3_exchange_workaround": bundle is GEN3 and request.query.get("workarounds") != "off",
        "config": _widget_config(request, widget),
    }
    response = templates.render_template("widget.html", request, context)
    if widget is None:
        response.set_status(503)
    elif not available:
        response.set_status(404)
    return response


async def widget_static(request: web.Request) -> web.StreamResponse:
    """Serves a file from the widget's ``dist/``, refusing anything outside it."""
    widget = _request_widget(request)
    if widget is None:
        raise web.HTTPNotFound(text=f"Okta Sign-In Widget not installed: run `{INSTALL_HINT}`")
    target = file_under(widget.path.resolve(), request.match_info["path"])
    if target is None:
        raise web.HTTPNotFound()
    return web.FileResponse(target)
