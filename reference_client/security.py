"""CSRF protection, local-only redirect targets and protective response headers."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import Session, get_session

from .forms import read_form

CSRF_FIELD = "csrf_token"
CSRF_SESSION_KEY = "csrf"
CSRF_REFUSED_TEXT = "This form has expired or did not come from this site. Go back, reload the page and try again."

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Only what the app itself serves: no inline script or style, no framing, forms post back here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def csrf_token(session: Session) -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str):
        token = session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def rotate_csrf_token(session: Session) -> None:
    """New token on privilege change (sign-in), so a token seen before cannot be replayed after."""
    session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)


def safe_local_path(target: object, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`.

    Rejects anything a browser could resolve to another origin: schemes, `//host`, backslashes (which browsers
    treat as slashes), and control characters.
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every POST must carry the session's token in its form: a cross-site page cannot read it.

    The form is read with `read_form`, so a body that is not a readable form is a 400 here, before any handler.
    """
    if request.method == "POST":
        expected = (await get_session(request)).get(CSRF_SESSION_KEY)
        supplied = (await read_form(request)).get(CSRF_FIELD)
        if (
            not isinstance(expected, str)
            or supplied is None
            or not hmac.compare_digest(supplied.encode(), expected.encode())
        ):
            raise web.HTTPForbidden(text=CSRF_REFUSED_TEXT)
    return await handler(request)


@web.middleware
async def security_headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _protect(exc)
        raise
    _protect(response)
    return response


def _protect(response: web.StreamResponse) -> None:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
