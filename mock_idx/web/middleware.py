"""Cross-cutting request handling: CORS, the journal, control-API auth, and turning errors into Okta's shapes.

Handlers raise; only :func:`errors` writes an error body, choosing the shape by where the request went: IDX
``messages`` under ``/idp/idx``, ``{error, error_description}`` under ``/oauth2``, plain JSON on the control API and
Okta's classic ``errorCode`` body elsewhere.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..idx.render import Reply, render_messages_only, reply_error
from ..model.errors import ControlError, IdxError, NotFound, OAuthError
from ..model.push import PushAlreadyAnswered
from .idx_routes import idx_json
from .keys import ENGINE, JOURNAL, NOTE, SETTINGS, TRANSACTION, USER
from .requests import site

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("mock_idx")

CLASSIC_CODES = {404: "E0000007", 405: "E0000022", 413: "E0000003"}
UNJOURNALED = ("/_mock/v1/journal", "/_mock/journal", "/_mock/widget/static", "/_mock/static", "/_mock/device")
"""The journal's own readers, static files and the device page's twice-a-second polling would drown the sign-ins."""
CORS_ALLOWED_HEADERS = "Content-Type, Accept, Authorization, X-Okta-User-Agent-Extended, X-Device-Fingerprint, DPoP"
IDX_PATHS = "/idp/idx/"
OAUTH_PATHS = ("/oauth2/", "/.well-known/")
"""Where a request went decides the shape of its error body (here and for injected faults)."""


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Any origin may call, with credentials: the caller's origin is echoed (never ``*``, which forbids cookies)."""
    origin = request.headers.get("Origin")
    if request.method == "OPTIONS" and origin and "Access-Control-Request-Method" in request.headers:
        response: web.StreamResponse = web.Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", CORS_ALLOWED_HEADERS
        )
        response.headers["Access-Control-Max-Age"] = "600"
    else:
        response = await handler(request)
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"
    return response


@web.middleware
async def journal(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exception:  # redirects travel as exceptions
        status = exception.status
        raise
    finally:
        if not request.path.startswith(UNJOURNALED):
            transaction = request.get(TRANSACTION)
            request.app[JOURNAL].record(
                time=request.app[ENGINE].now(),
                method=request.method,
                path=request.path,
                status=status,
                transaction=transaction.id if transaction else None,
                user=(transaction.login if transaction else None) or request.get(USER),
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                note=request.get(NOTE, ""),
            )


@web.middleware
async def control_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    """With ``--control-token``, everything under ``/_mock`` (API and pages) needs it, as a bearer or ``?token=``."""
    expected = request.app[SETTINGS].control_token
    if expected and request.path.startswith("/_mock"):
        header = request.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else request.query.get("token", "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return web.json_response(
                {"error": "unauthorized", "message": "a control token is required"},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
    return await handler(request)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except IdxError as error:
        return idx_json(request, reply_error(error.reason, error.transaction, site(request)))
    except OAuthError as error:
        # RFC 6749 5.2: a client that failed to authenticate gets 401 and a challenge; every other error is a 400.
        unauthenticated = error.error == "invalid_client"
        return web.json_response(
            {"error": error.error, "error_description": error.description},
            status=401 if unauthenticated else 400,
            headers={"WWW-Authenticate": "Basic"} if unauthenticated else None,
        )
    except NotFound as error:
        return web.json_response({"error": "not_found", "message": str(error)}, status=404)
    except PushAlreadyAnswered as error:
        return web.json_response({"error": "conflict", "message": str(error)}, status=409)
    except ControlError as error:
        return web.json_response(
            {"error": "invalid_request", "message": str(error), "errors": error.errors}, status=400
        )
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return http_error(request, error)
    except Exception:  # the last line of defence: log it, never leak a traceback
        log.exception("unhandled error on %s %s", request.method, request.path)
        return classic_error(500, "E0000009", "Internal Server Error")


def http_error(request: web.Request, error: web.HTTPException) -> web.Response:
    """Routing and protocol errors (404, 405, 413, 401 from userinfo...) in the shape each area speaks; the headers
    that go with them (``Allow`` on a 405, ``WWW-Authenticate`` on a 401) are kept."""
    response = _http_error_body(request, error)
    for header in ("Allow", "WWW-Authenticate"):
        if header in error.headers:
            response.headers[header] = error.headers[header]
    return response


def _http_error_body(request: web.Request, error: web.HTTPException) -> web.Response:
    path = request.path
    summary = error.reason or "Error"
    code = CLASSIC_CODES.get(error.status, "E0000001")
    if path.startswith(IDX_PATHS):
        return idx_json(request, Reply(error.status, render_messages_only(code, summary)))
    if path.startswith(OAUTH_PATHS):
        code = "invalid_token" if error.status == 401 else "invalid_request"
        return web.json_response({"error": code, "error_description": summary}, status=error.status)
    if path.startswith("/_mock/"):
        return web.json_response({"error": summary.lower().replace(" ", "_"), "message": summary}, status=error.status)
    return classic_error(error.status, code, summary)


def classic_error(status: int, code: str, summary: str, error_id: str | None = None) -> web.Response:
    """Okta's classic ``errorCode`` body, for requests outside IDX, OAuth and the control API."""
    return web.json_response(
        {
            "errorCode": code,
            "errorSummary": summary,
            "errorLink": code,
            "errorId": error_id or "oae" + code[-4:],
            "errorCauses": [],
        },
        status=status,
    )
