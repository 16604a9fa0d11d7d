"""Rendering a page of the org's own (the hosted sign-in, the email's magic link): the page's style and script
inlined under a fresh nonce, and headers that keep it out of frames, caches and referrers."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from aiohttp import web
from markupsafe import Markup

from ..idx.messages import ERRORS
from ..model.errors import Reason
from . import templates
from .client_redirects import origin_of
from .hosted_links import PRIVATE_HEADERS
from .request_parsing import base_url

STATIC = Path(__file__).parent.parent / "static"
PAGE_STYLE = Markup((STATIC / "signin.css").read_text(encoding="utf-8"))
PAGE_SCRIPT = Markup((STATIC / "signin.js").read_text(encoding="utf-8"))
"""Inlined into every page under the page's nonce: served from ``/_mock/static`` they would need the control
token, which a user signing in to an app never has."""
BAD_REQUEST_TEXT = "This sign-in link is not valid."


def render_page(request: web.Request, template: str, context: dict[str, Any], status: int) -> web.Response:
    """A page of the org's own (sign-in, email link): nonce-locked scripts and styles, never framed or cached."""
    nonce = secrets.token_urlsafe(18)
    context.update(nonce=nonce, style=PAGE_STYLE, script=PAGE_SCRIPT)
    response = templates.render_template(template, request, context, status=status)
    response.headers.update(PRIVATE_HEADERS)
    response.headers.update(
        {
            "Content-Security-Policy": (
                f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src data:; "
                f"connect-src 'self' {origin_of(base_url(request))}; base-uri 'none'; frame-ancestors 'none'"
            ),
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
        }
    )
    return response


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    """A page with no sign-in to go on with (no app is known to send the user back to)."""
    context = {"heading": "Sign In", "message": message, "app_label": None}
    return render_page(request, "signin_error.html", context, status)


def expired_page(request: web.Request) -> web.Response:
    return error_page(request, 404, ERRORS[Reason.SESSION_EXPIRED].text)


def bad_link_page(request: web.Request) -> web.Response:
    return error_page(request, 400, BAD_REQUEST_TEXT)
