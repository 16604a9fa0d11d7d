"""Okta's session cookie, ``sid``: set by the hosted sign-in page, read by ``/v1/authorize`` and the Sessions API,
expired by sign-out. One module, so the cookie is written and expired with the same attributes everywhere.

HttpOnly on the org's origin. Over plain http it is ``SameSite=Lax`` (an app on another port of the same host is the
same site, so okta-auth-js's hidden-iframe renewal still carries it); over https ``SameSite=None; Secure``, as Okta
sets it, since the renewal is then a cross-site request.
"""

from __future__ import annotations

from aiohttp import web

from .request_parsing import base_url

SESSION_COOKIE = "sid"
MAX_SESSION_ID = 128
"""Far longer than any session id the engine makes (43 characters): a longer cookie is not worth a store lookup."""


def session_id(request: web.Request) -> str | None:
    """The ``sid`` cookie, when there is one that could name a session."""
    value = request.cookies.get(SESSION_COOKIE)
    return value if value and len(value) <= MAX_SESSION_ID else None


def set_session_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    secure = _secure(request)
    response.set_cookie(
        SESSION_COOKIE, value, path="/", httponly=True, secure=secure, samesite="None" if secure else "Lax"
    )


def forget_session_cookie(request: web.Request, response: web.StreamResponse) -> None:
    """Expire the cookie with the attributes it was set with: a browser ignores the expiry of a cross-site answer
    (``closeSession()`` from the app's origin) otherwise."""
    secure = _secure(request)
    response.del_cookie(SESSION_COOKIE, path="/", httponly=True, secure=secure, samesite="None" if secure else "Lax")


def _secure(request: web.Request) -> bool:
    return base_url(request).startswith("https://")
