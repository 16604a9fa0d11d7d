"""Cross-cutting request handling: one aiohttp middleware (:func:`request_path`) whose steps run outermost first:

0. Okta's headers (:func:`request_path`), on every answer, refusals and bugs included: ``X-Okta-Request-Id``
   everywhere; on IDX and OAuth answers the rate-limit headers (:mod:`.rate_limits`) and
   ``Cache-Control: no-cache, no-store``, ``Pragma: no-cache``, ``Expires: 0`` (unless a handler chose caching).
1. The last resort (:func:`_answered`): whatever escapes everything below, even a bug in rendering an error, ends as
   Okta's ``E0000009`` document, logged once with its traceback. aiohttp's bare 500 page never reaches a client.
2. One header read (:func:`_answered`): the request's engine calls share one read of the org's header (not
   ``/_mock``).
3. The journal (:func:`_journalled`): every answered request, and the clients that hung up mid-request (499).
4. CORS (:func:`_cross_origin`) for the Okta APIs (SPAs and the widget call them from their own origin, and
   okta-auth-js reads ``/api/v1/sessions/me`` with the browser's cookies); none for ``/_mock``, which only its own
   pages and non-browser clients may drive, nor for the pages a browser navigates to (authorize, logout, sign-in).
5. Error shapes (:func:`_shaped`): model errors and HTTP errors become each area's error body (:mod:`.responses`);
   an authorize or logout request with no safe way back to the app becomes Okta's HTML error page.
6. Header guards (:func:`_guard_headers`): a foreign ``Host`` (DNS rebinding) and header values that are not UTF-8
   are refused before anything reads them; the issuer never follows a foreign host.
7. The control plane's guard (:func:`_guard_control_plane`): ``/_mock`` needs the control token when one is set,
   refuses cross-site writes and writes that a plain HTML form or a ``text/plain`` fetch could send, and is never
   framed.

Injected faults (:mod:`.fault_injection`) run innermost, so a faulted request is journalled and shaped like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

from ..idx.render import reply_error
from ..model.authorize import ErrorPage
from ..model.errors import (
    Conflict,
    ControlError,
    IdxError,
    NotFound,
    OAuthError,
    StoreUnavailable,
    UnknownAuthorizationServer,
)
from ..model.journal import JournalRecord
from ..model.push import PushAlreadyAnswered
from ..model.user_lifecycle import IllegalTransition
from . import fault_injection, rate_limits, templates
from .app_keys import ENGINE, HOSTS, JOURNAL, NOTE, SETTINGS, TRANSACTION, USER
from .hosts import HostPolicy
from .rate_limits import RateCounter
from .request_parsing import document_context
from .responses import (
    Area,
    area_of,
    classic_error,
    control_json,
    failure,
    idx_json,
    internal_error,
    oauth_json,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("mock_idx")

CLASSIC_CODES = {404: "E0000007", 405: "E0000022", 413: "E0000003", 415: "E0000003"}
UNJOURNALED = (
    "/_mock/v1/journal",
    "/_mock/journal",
    "/_mock/widget/static",
    "/_mock/static",
    "/_mock/device",
    "/_mock/inbox",
)
"""The journal's own readers, static files and the device and inbox pages' polling would drown the sign-ins."""
CORS_ALLOWED_HEADERS = "Content-Type, Accept, Authorization, X-Okta-User-Agent-Extended, X-Device-Fingerprint, DPoP"
CLIENT_CLOSED = 499
"""What the journal shows for a client that hung up before its answer (nginx's "client closed request")."""
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
"""Writes that must prove they are not a cross-site form by their content type. A DELETE carries no body, and no
browser sends one to another origin without a preflight, which ``/_mock`` never grants."""
JSON_TYPES = frozenset({"application/json"})
SCENARIO_TYPES = JSON_TYPES | {"application/yaml", "application/x-yaml", "text/yaml"}
"""Content types a control write may carry: none of them is one an HTML form or a "simple" cross-origin fetch can
send, so a browser must ask first (a CORS preflight), and ``/_mock`` grants no preflight."""
SCENARIO_ROUTE = "/_mock/v1/scenario"
NEVER_FRAMED = {"X-Frame-Options": "DENY"}
NOT_CACHED = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "Expires": "0"}
"""What Okta sends with every API answer (tokens and state handles must never sit in a cache)."""
FRAME_ANCESTORS = "frame-ancestors 'none'"
ERROR_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
"""The error page runs nothing and loads nothing: whatever a request put in it stays text."""
BROWSER_PAGES = ("/v1/authorize", "/v1/logout")
NO_SCOPE = contextlib.nullcontext()
"""What ``/_mock`` requests run in instead of the header scope (a ``nullcontext`` holds nothing: one serves all)."""
HOSTED_PAGES = frozenset({"/signin", "/login/token/redirect"})
"""Where a browser goes by navigation, never by ``fetch``: Okta grants these no CORS. A page of another origin that
could read them with the user's cookies would read the sign-in page's state token, or the code an
``okta_post_message`` answer carries."""


def chain() -> list[Middleware]:
    """The app's one middleware, :func:`request_path`; called once per app, so its rate counters are that app's own.

    The steps the module docstring lists were nine aiohttp middlewares; they are now plain calls in one, in the same
    order and with the same exceptions crossing each step. Every request passes them, and each middleware layer cost
    a coroutine and its frame (about a tenth of a discovery request's CPU for the chain's bookkeeping alone)."""
    return [request_path(RateCounter(), RateCounter())]


def request_path(idx_counter: RateCounter, oauth_counter: RateCounter) -> Middleware:
    """Every request's way in and out, steps 0-7 (and the injected faults) of the module docstring, with the rate
    counters of the IDX and OAuth areas (no other area sends rate-limit headers)."""
    counters = {Area.IDX: idx_counter, Area.OAUTH: oauth_counter}

    @web.middleware
    async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Step 0, Okta's headers, on every answer and on redirects, which travel as exceptions."""
        area = area_of(request.path)
        try:
            response = await _answered(request, handler, area)
        except web.HTTPException as exception:
            _add_okta_headers(exception.headers, counters.get(area))
            raise
        _add_okta_headers(response.headers, counters.get(area))
        return response

    return answer


def _add_okta_headers(headers: MutableMapping[str, str], counter: RateCounter | None) -> None:
    headers["X-Okta-Request-Id"] = secrets.token_urlsafe(20)
    if counter is None:
        return
    remaining, reset = counter.count()
    headers.setdefault(rate_limits.LIMIT, rate_limits.LIMIT_TEXT)  # a rate-limited answer keeps its own (none left)
    headers.setdefault(rate_limits.REMAINING, remaining)
    headers.setdefault(rate_limits.RESET, reset)
    if "Cache-Control" not in headers:
        headers.update(NOT_CACHED)


async def _answered(request: web.Request, handler: Handler, area: Area) -> web.StreamResponse:
    """Steps 1-3: the last resort around the header scope around the journal entry."""
    try:
        # Step 2: the request's engine calls share one read of the org's header (:mod:`mock_idx.model.org_header`):
        # on Redis two or three round trips fewer a request. Not for ``/_mock``, whose writes change the header and
        # whose reads should see every change.
        with NO_SCOPE if area is Area.CONTROL else request.app[ENGINE].one_header_read():
            return await _journalled(request, handler, area)
    except web.HTTPException:
        raise  # redirects, and anything already shaped
    except (asyncio.CancelledError, ConnectionError):
        raise  # the client is gone: nobody to answer
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.rel_url.path)
        return internal_error()


async def _journalled(request: web.Request, handler: Handler, area: Area) -> web.StreamResponse:
    """Step 3: every answered request in the journal, and the clients that hung up mid-request (499)."""
    started = time.perf_counter()
    status = 500
    try:
        response = await _guarded(request, handler, area)
        status = response.status
        return response
    except web.HTTPException as exception:  # redirects travel as exceptions
        status = exception.status
        raise
    except (asyncio.CancelledError, ConnectionError):
        status = CLIENT_CLOSED
        request[NOTE] = request.get(NOTE) or "client closed the connection before the answer"
        raise
    finally:
        if not request.path.startswith(UNJOURNALED):
            await _record(request, status, started)


async def _record(request: web.Request, status: int, started: float) -> None:
    """The request's entry, with what its handler noted. Most requests note nothing (the documents, most GETs), and
    each lookup of an absent key raises and catches a ``KeyError`` inside aiohttp: an empty request skips them."""
    transaction, user, note = (
        (request.get(TRANSACTION), request.get(USER), request.get(NOTE, "")) if len(request) else (None, None, "")
    )
    record = JournalRecord(
        time.time() + request.app[ENGINE].clock_offset_seen,
        request.method,
        request.path,
        status,
        transaction.id if transaction else None,
        (transaction.login if transaction else None) or user,
        round((time.perf_counter() - started) * 1000, 2),
        note,
    )
    try:
        await request.app[JOURNAL].record(record)
    except StoreUnavailable:
        log.warning("journal entry lost (the store is unavailable): %s %s", request.method, request.path)


async def _guarded(request: web.Request, handler: Handler, area: Area) -> web.StreamResponse:
    """Step 4, CORS, for a request that names an origin; the rest (:func:`_shaped`) either way."""
    origin = request.headers.get("Origin")
    if not origin or area is Area.CONTROL or _is_browser_page(request.path):
        return await _shaped(request, handler, area)
    return await _cross_origin(request, handler, area, origin)


async def _cross_origin(request: web.Request, handler: Handler, area: Area, origin: str) -> web.StreamResponse:
    """The org's Trusted Origins (any origin, when the scenario lists none) may call the Okta APIs, with credentials:
    the origin is echoed (never ``*``, which forbids cookies), so okta-auth-js's ``session.exists()``,
    ``session.get()`` and ``closeSession()`` work from an app's own origin. ``/_mock`` and the browser pages get no
    grant at all (:func:`_guarded` never asks), so no other page can script the control plane or read a page's state
    token or code."""
    try:
        trusted = await request.app[ENGINE].trusts_origin(origin)
    except StoreUnavailable:
        trusted = False  # the handler answers the 503; no grant meanwhile
    if not trusted:  # not one of the org's Trusted Origins: no grant, as a real org answers (the browser blocks it)
        return await _shaped(request, handler, area)
    response: web.StreamResponse
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response = web.Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", CORS_ALLOWED_HEADERS
        )
        response.headers["Access-Control-Max-Age"] = "600"
    else:
        response = await _shaped(request, handler, area)
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Vary"] = "Origin"
    return response


def _is_browser_page(path: str) -> bool:
    return path.endswith(BROWSER_PAGES) or path in HOSTED_PAGES


async def _shaped(request: web.Request, handler: Handler, area: Area) -> web.StreamResponse:
    """Step 5: model errors and HTTP errors become the area's error body, whatever the guards (steps 6 and 7), the
    injected faults or the handler raised."""
    try:
        _guard_headers(request)
        if area is Area.CONTROL:
            return await _guard_control_plane(request, handler)
        return await fault_injection.inject(request, handler)
    except IdxError as error:
        answer = reply_error(error.reason, error.transaction, document_context(request), error.fields, error.detail)
        return idx_json(request, answer)
    except OAuthError as error:
        # RFC 6749 5.2: a client that failed to authenticate gets 401 and a challenge; every other error is a 400.
        if error.error == "invalid_client":
            return oauth_json(401, error.error, error.description, headers={"WWW-Authenticate": "Basic"})
        if error.error == "invalid_token":  # RFC 6750 3.1: a bearer token that is not (or no longer) good
            challenge = f'Bearer error="invalid_token", error_description="{error.description}"'
            return oauth_json(401, error.error, error.description, headers={"WWW-Authenticate": challenge})
        return oauth_json(400, error.error, error.description)
    except ErrorPage as error:
        return error_page(request, error)
    except UnknownAuthorizationServer as error:
        return classic_error(404, "E0000007", str(error))
    except NotFound as error:
        return control_json(404, "not_found", str(error))
    except (PushAlreadyAnswered, Conflict) as error:
        return control_json(409, "conflict", str(error))
    except IllegalTransition as error:  # Okta's own code and status for the lifecycle operation it refuses
        causes = [{"errorCode": error.code, "errorSummary": error.summary}]
        return control_json(error.status, "illegal_transition", error.summary, causes)
    except StoreUnavailable:
        # Okta's answer while it cannot serve: 503 in the area's dialect; nothing was changed, so a retry is safe.
        log.warning("the org's store is unavailable: %s %s answered 503", request.method, request.path)
        return failure(request, 503, "Service Unavailable", code="E0000009", oauth_error="temporarily_unavailable")
    except ControlError as error:
        return control_json(400, "invalid_request", str(error), error.errors)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return http_error(request, error)


def error_page(request: web.Request, error: ErrorPage) -> web.Response:
    """Okta's error page on the org: an authorize or logout request with no safe way back to the app is shown here,
    never redirected (the redirect URI, or the token naming it, is what is wrong)."""
    context = {"error": error.error, "description": error.description}
    response = templates.render_template("oauth_error.html", request, context, status=400)
    response.headers["Content-Security-Policy"] = ERROR_PAGE_POLICY
    return response


def http_error(request: web.Request, error: web.HTTPException) -> web.Response:
    """Routing and protocol errors (404, 405, 413, 401 from userinfo...) in the shape each area speaks; the headers
    that go with them (``Allow`` on a 405, ``WWW-Authenticate`` on a 401) are kept."""
    summary = error.reason or "Error"
    oauth_error = "invalid_token" if error.status == 401 else "invalid_request"
    code = CLASSIC_CODES.get(error.status, "E0000001")
    response = failure(request, error.status, summary, code=code, oauth_error=oauth_error)
    for header in ("Allow", "WWW-Authenticate"):
        if header in error.headers:
            response.headers[header] = error.headers[header]
    return response


def _guard_headers(request: web.Request) -> None:
    """Step 6 refuses what no honest client sends before a handler trusts it: a ``Host`` this server does not answer to
    (a DNS-rebinding page would otherwise drive it, and the issuer would follow its name), and header values that are
    not UTF-8 (aiohttp hands those over as undecodable strings that break the first encode)."""
    if not request.app[HOSTS].allows(request.headers.get("Host")):
        raise web.HTTPMisdirectedRequest(reason=f"This server does not answer to that Host. {HostPolicy.HINT}")
    for name, value in request.headers.items():
        if not value.isascii() and not _is_utf8(value):
            raise web.HTTPBadRequest(reason=f"The {name} header is not valid UTF-8.")
    if not _is_utf8(request.rel_url.raw_path_qs):
        raise web.HTTPBadRequest(reason="The request target is not valid UTF-8.")


def _is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: the bytes aiohttp could not decode
        return False
    return True


async def _guard_control_plane(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Step 7, for everything under ``/_mock``: the token when one is set; writes only as JSON (or YAML for a
    scenario) and never from another site; and no page of it inside someone else's frame."""
    refusal = _control_refusal(request)
    response = refusal or await fault_injection.inject(request, handler)
    response.headers.update(NEVER_FRAMED)
    policy = response.headers.get("Content-Security-Policy")
    if policy is None:
        response.headers["Content-Security-Policy"] = FRAME_ANCESTORS
    elif "frame-ancestors" not in policy:
        response.headers["Content-Security-Policy"] = f"{policy}; {FRAME_ANCESTORS}"
    return response


def _control_refusal(request: web.Request) -> web.Response | None:
    expected = request.app[SETTINGS].control_token
    if expected:
        header = request.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else request.query.get("token", "")
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode()):
            return control_json(
                401, "unauthorized", "a control token is required", headers={"WWW-Authenticate": "Bearer"}
            )
    if request.method not in WRITE_METHODS or request.match_info.http_exception is not None:
        return None  # reads, and requests no route takes (answered 404 or 405 as usual)
    if _cross_site(request):
        return control_json(403, "forbidden", "the control API takes no requests from other sites")
    if request.method not in BODY_METHODS:
        return None
    allowed = SCENARIO_TYPES if request.path == SCENARIO_ROUTE else JSON_TYPES
    if request.content_type not in allowed:
        return control_json(
            415,
            "unsupported_media_type",
            f"control requests that change state must be sent as {' or '.join(sorted(allowed))}",
        )
    return None


def _cross_site(request: web.Request) -> bool:
    """A browser says where a request comes from: ``Sec-Fetch-Site``, and ``Origin`` on every write. Same-origin
    pages (the device page) may write; nothing else a browser sends may."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    parts = urlsplit(origin)
    return origin == "null" or parts.netloc.lower() != (request.headers.get("Host") or "").lower()
