"""Where the hosted sign-in page's own URLs go: the page of a step, and the last hop back to the app.

Every such URL carries the sign-in's ``stateToken``, so every answer that holds one is kept out of caches and
referrers (:data:`PRIVATE_HEADERS`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

SIGNIN_PATH = "/signin"
TOKEN_REDIRECT_PATH = "/login/token/redirect"
PRIVATE_HEADERS = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}
"""On every page and redirect: each carries a stateToken, which no cache may keep and no referrer may leak."""


def signin_url(base_url: str, state_token: str, **extra: str) -> str:
    """The page of the sign-in's current step (``view=…`` for a list to choose from, ``poll=1`` for a poll)."""
    return f"{base_url}{SIGNIN_PATH}?{urlencode({'stateToken': state_token, **extra})}"


def token_redirect_url(base_url: str, state_token: str) -> str:
    return f"{base_url}{TOKEN_REDIRECT_PATH}?{urlencode({'stateToken': state_token})}"


def see_other(location: str) -> web.HTTPSeeOther:
    """A redirect between the page's own steps; the stateToken in it goes nowhere else (no referrer, no cache)."""
    return web.HTTPSeeOther(location, headers=PRIVATE_HEADERS)
