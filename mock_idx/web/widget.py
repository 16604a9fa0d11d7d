"""A host page for the real Okta Sign-In Widget, served by mock_idx itself.

Why: the widget is the most demanding IDX client there is. Serving its own unmodified bundle from
the npm package, on mock_idx's origin, lets a developer (or a Playwright test) sign in through the
widget against the fake with no CORS and no CDN. The bundle is never vendored into mock_idx: it is
looked up in an installed `@okta/okta-signin-widget` package, and the page explains how to install
it when it is missing.

Routes:
- ``GET /_mock/widget``               the host page (``?gen=3`` loads the Gen3 bundle,
                                      ``?client_id=`` and ``?issuer=`` override the defaults,
                                      ``?workarounds=off`` drops the Gen3 host-side fix, see widget.html)
- ``GET /_mock/widget/static/{path}`` files from the widget package's ``dist/`` directory
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from .keys import SETTINGS
from .static_files import file_under

ENV_VAR = "MOCK_IDX_WIDGET_DIST"
PACKAGE_DIST = Path("node_modules/@okta/okta-signin-widget/dist")
SEARCH_ROOTS = (Path("."), Path("e2e/compat"))
DEFAULT_CLIENT_ID = "mock-widget-client"
STATIC_PREFIX = "/_mock/widget/static"
INSTALL_HINT = "npm ci --prefix e2e/compat"


@dataclass(frozen=True)
class Bundle:
    """The files of one widget generation inside ``dist/``."""

    label: str
    script: str
    stylesheet: str


GEN2 = Bundle("Gen2", "js/okta-sign-in.min.js", "css/okta-sign-in.min.css")
GEN3 = Bundle("Gen3", "js/okta-sign-in.next.js", "css/okta-sign-in.next.css")


def is_widget_dist(path: Path) -> bool:
    """A usable dist has both generations' scripts; anything else is treated as absent."""
    return all((path / bundle.script).is_file() for bundle in (GEN2, GEN3))


def find_widget_dist(
    configured: Path | None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path | None:
    """Where the widget's ``dist/`` is: the setting, then $MOCK_IDX_WIDGET_DIST, then node_modules.

    An explicit setting or environment variable wins even if it is wrong, so a typo is reported
    rather than silently replaced by some other install.
    """
    environ = os.environ if environ is None else environ
    explicit = configured or (Path(environ[ENV_VAR]) if environ.get(ENV_VAR) else None)
    if explicit is not None:
        return explicit if is_widget_dist(explicit) else None
    base = Path.cwd() if cwd is None else cwd
    for root in SEARCH_ROOTS:
        candidate = base / root / PACKAGE_DIST
        if is_widget_dist(candidate):
            return candidate.resolve()
    return None


def _request_dist(request: web.Request) -> Path | None:
    # Resolved per request, so installing the package needs no restart.
    return find_widget_dist(request.app[SETTINGS].widget_dist)


def _origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def widget_page(request: web.Request) -> web.Response:
    """The host page: loads the widget bundle and signs in with ``showSignInToGetTokens``."""
    dist = _request_dist(request)
    bundle = GEN3 if request.query.get("gen") == "3" else GEN2
    origin = _origin(request)
    context = {
        "installed": dist is not None,
        "install_hint": INSTALL_HINT,
        "env_var": ENV_VAR,
        "bundle": bundle,
        "static_root": f"{origin}{STATIC_PREFIX}",
        "gen3_exchange_workaround": bundle is GEN3 and request.query.get("workarounds") != "off",
        "config": {
            "issuer": request.query.get("issuer") or f"{origin}/oauth2/default",
            "clientId": request.query.get("client_id") or DEFAULT_CLIENT_ID,
            "redirectUri": f"{origin}/_mock/widget/callback",
        },
    }
    response = aiohttp_jinja2.render_template("widget.html", request, context)
    if dist is None:
        response.set_status(503)
    return response


async def widget_static(request: web.Request) -> web.StreamResponse:
    """Serves a file from the widget's ``dist/``, refusing anything outside it."""
    dist = _request_dist(request)
    if dist is None:
        raise web.HTTPNotFound(text=f"Okta Sign-In Widget not installed: run `{INSTALL_HINT}`")
    target = file_under(dist.resolve(), request.match_info["path"])
    if target is None:
        raise web.HTTPNotFound()
    return web.FileResponse(target)


def add_widget_routes(app: web.Application) -> None:
    """Registers the widget page and its static files (the app factory has set up Jinja2 already)."""
    app.router.add_get("/_mock/widget", widget_page)
    app.router.add_get(STATIC_PREFIX + "/{path:.+}", widget_static)
