"""Every failure becomes the app's own error page: never a stack trace, never aiohttp's bare text answers.

IDX client errors are mapped to the status that says whose fault it was (429, 503, 409, 502); refusals raised as
aiohttp HTTP errors (400 unreadable form, 403 CSRF, 404, 405, 413) keep their status with a sentence for people;
anything else is logged and shown as a 500 page. A refused request leaves the session as it was: whatever the
handler changed before failing is dropped, and the error page itself does not touch the session.
"""

from __future__ import annotations

import logging

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import SESSION_KEY

from .idx import (
    IdxError,
    IdxRateLimitedError,
    IdxStepUnavailableError,
    IdxTransientError,
)
from .security import CSRF_REFUSED_TEXT, Handler

log = logging.getLogger(__name__)

REFUSAL_TEXTS = {
    400: "This request could not be read. Go back, reload the page and try again.",
    403: CSRF_REFUSED_TEXT,
    404: "There is no such page.",
    405: "This page cannot be used that way.",
    413: "That request was too large.",
}
OTHER_REFUSAL_TEXT = "This request could not be handled."
INTERNAL_ERROR_TEXT = "Something went wrong on our side. Start again."


@web.middleware
async def error_page_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:  # redirects are answers, not failures
            raise
        log.info("%s %s refused: %s %s", request.method, request.path, exc.status, exc.text)
        return error_page(request, exc.status, REFUSAL_TEXTS.get(exc.status, OTHER_REFUSAL_TEXT))
    except IdxRateLimitedError as exc:
        log.warning("%s %s: %s", request.method, request.path, exc)
        return error_page(request, 429, "Too many attempts. Try again later.")
    except IdxTransientError as exc:
        log.warning("%s %s: %s", request.method, request.path, exc)
        return error_page(request, 503, "The sign-in service is busy or unreachable. Try again in a moment.")
    except IdxStepUnavailableError as exc:
        log.info("%s %s: %s", request.method, request.path, exc)
        return error_page(request, 409, "This step is no longer available: the sign-in has moved on.")
    except IdxError as exc:
        log.warning("%s %s: %s", request.method, request.path, exc)
        return error_page(request, 502, "The sign-in service answered something unexpected.")
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return error_page(request, 500, INTERNAL_ERROR_TEXT)


def error_page(request: web.Request, status: int, text: str) -> web.Response:
    """The error page, rendered without reading or writing the session (whatever state the failure left it in)."""
    request.pop(SESSION_KEY, None)  # aiohttp_session saves only a session loaded in this request: none now
    page = {"text": text, "notices": [], "signed_in": False, "csrf_token": ""}
    return aiohttp_jinja2.render_template("error.html", request, page, status=status)
