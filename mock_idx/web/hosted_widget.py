"""The real Okta Sign-In Widget as the hosted sign-in page (``mock-idx serve --hosted-page widget``).

Okta's own hosted page does not sign in with an OAuth client of its own: the org renders the widget with the
sign-in's ``stateToken`` (an IDX state handle, ``02…``) and its own URL as ``baseUrl``, and no ``issuer``,
``clientId`` or ``redirectUri``. From that the widget (6.x and 7.x alike) picks its Identity Engine router, resumes
the transaction with ``/idp/idx/introspect`` and walks it over IDX; once the transaction answers
``success: {name: "success-redirect", href}`` it sends the browser there with a form GET, to
``/login/token/redirect``, which ends the sign-in, sets ``sid`` and returns to the app. So this page only starts the
widget: the steps, the errors and the way back to the app are the same IDX documents an embedded widget reads.

No ``useInteractionCodeFlow`` either, even for 6.x: that flag starts a new OAuth interaction from ``clientId``; a
``stateToken`` that is not a Classic one (``00…``) is what selects the IDX router in both versions.

The bundle, found per request as ``/_mock/widget`` finds it (:mod:`.widget_dist`), is served from that page's static
route. The page exposes what a test needs on ``window`` as ``/_mock/widget`` does (``__widgetViews``,
``__widgetErrors``), so e2e/compat/widget_driver.py drives both.
"""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web

from ..model.transaction import Transaction
from . import templates
from .app_keys import SETTINGS
from .client_redirects import origin_of
from .request_parsing import base_url
from .widget_dist import ENV_VAR, GEN2, INSTALL_HINT, find_widget
from .widget_routes import STATIC_PREFIX

TEMPLATE = "signin_widget.html"
PRIVATE_HEADERS = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}
"""As on the built-in page: the page carries a stateToken, which no cache may keep and no referrer may leak."""


def widget_config(request: web.Request, transaction: Transaction) -> dict[str, Any]:
    """What Okta's hosted page hands ``new OktaSignIn``: the org and the sign-in, nothing of an OAuth client."""
    base = base_url(request)
    static_root = f"{base}{STATIC_PREFIX}"
    return {
        "baseUrl": base,
        "stateToken": transaction.state_handle,
        "language": "en",
        "assets": {"baseUrl": static_root},
        "logo": f"{static_root}/img/okta-signin-widget.png",
    }


def signin_page(request: web.Request, transaction: Transaction) -> web.Response:
    """The widget, started on ``transaction``; 503 with how to install it when the widget has gone since start-up
    (the settings refuse to start without one)."""
    widget = find_widget(request.app[SETTINGS].widget_dist)
    base = base_url(request)
    nonce = secrets.token_urlsafe(18)
    context = {
        "widget": widget,
        "bundle": GEN2,  # in 6.x and 7.x alike; Okta's hosted page loads it too unless the org opted into Gen3
        "static_root": f"{base}{STATIC_PREFIX}",
        "config": widget_config(request, transaction),
        "app_label": transaction.interaction.client_label,
        "install_hint": INSTALL_HINT,
        "env_var": ENV_VAR,
        "nonce": nonce,
    }
    response = templates.render_template(TEMPLATE, request, context, status=200 if widget else 503)
    response.headers.update(PRIVATE_HEADERS)
    response.headers.update(_security_headers(nonce, origin_of(base)))
    return response


def _security_headers(nonce: str, origin: str) -> dict[str, str]:
    """Scripts only from the org (the bundle) and the page's own nonce; the widget calls only the org's IDX API.
    Styles may be inline (and so carry no nonce, which would void ``'unsafe-inline'``): the widget writes style
    attributes into the markup it renders, which Chromium otherwise refuses (the e2e tests watch for that). No
    ``form-action``: Chromium applies it to the redirects after a form too, and the widget's form GET ends at the
    app's redirect URI."""
    policy = (
        f"default-src 'none'; script-src 'self' {origin} 'nonce-{nonce}'; style-src 'self' {origin} 'unsafe-inline'; "
        f"img-src 'self' {origin} data:; font-src 'self' {origin} data:; connect-src 'self' {origin}; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    return {"Content-Security-Policy": policy, "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}
