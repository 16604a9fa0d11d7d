"""Turns IDX client failures into a readable page instead of a stack trace."""

from __future__ import annotations

import logging

from aiohttp import web

from .flow import render
from .idx import (
    IdxError,
    IdxRateLimitedError,
    IdxStepUnavailableError,
    IdxTransientError,
)
from .security import Handler

log = logging.getLogger(__name__)


@web.middleware
async def idx_error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except IdxRateLimitedError as exc:
        log.warning("%s %s: %s", request.method, request.path, exc)
        return await _error_page(request, 429, "Too many attempts. Try again later.")
    except IdxTransientError as exc:
        log.warning("%s %s: %s", request.method, request.path, exc)
        return await _error_page(request, 503, "The sign-in service is busy or unreachable. Try again in a moment.")
    except IdxStepUnavailableError as exc:
        log.info("%s %s: %s", request.method, request.path, exc)
        return await _error_page(request, 409, "This step is no longer available: the sign-in has moved on.")
    except IdxError as exc:
        log.exception("%s %s failed", request.method, request.path, exc_info=exc)
        return await _error_page(request, 502, "The sign-in service answered something unexpected.")


async def _error_page(request: web.Request, status: int, text: str) -> web.Response:
    return await render("error.html", request, {"text": text}, status=status)
