"""Answers every module may send: IDX documents, and errors in the shape of the area a request went to.

Okta speaks four error dialects, chosen by where a request went: IDX ``messages`` under ``/idp/idx``, OAuth's
``{error, error_description}`` under ``/oauth2`` and ``/.well-known``, the control API's ``{error, message}`` under
``/_mock``, and the classic ``errorCode`` body everywhere else. :func:`area_of` is the one map from path to dialect;
the error middleware, the injected faults and the host and control-plane guards all answer through :func:`failure`.
Handlers and middlewares import from here, never from each other.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import orjson
from aiohttp import web

from ..idx.render import Reply, render_messages_only
from .app_keys import SETTINGS

IDX_PATHS = "/idp/idx/"
OAUTH_PATHS = ("/oauth2/", "/.well-known/")
CONTROL_PATHS = "/_mock/"
INTERNAL_ERROR = ("E0000009", "Internal Server Error")


class Area(Enum):
    IDX = "idx"
    OAUTH = "oauth"
    CONTROL = "control"
    CLASSIC = "classic"


def area_of(path: str) -> Area:
    if path.startswith(IDX_PATHS):
        return Area.IDX
    if path.startswith(OAUTH_PATHS):
        return Area.OAUTH
    if path.startswith(CONTROL_PATHS):
        return Area.CONTROL
    return Area.CLASSIC


def idx_json(request: web.Request, answer: Reply) -> web.Response:
    """IDX documents go out with Okta's ion content type exactly (no charset appended). orjson: encoding a document
    with the standard library cost more than the rest of a step."""
    return web.Response(
        body=orjson.dumps(answer.document),
        status=answer.status,
        headers={"Content-Type": request.app[SETTINGS].idx_content_type},
    )


def failure(
    request: web.Request,
    status: int,
    summary: str,
    *,
    code: str,
    oauth_error: str,
    control_error: str | None = None,
    error_id: str | None = None,
) -> web.Response:
    """One refusal in the dialect of the request's area: ``code`` is Okta's ``E0000...`` code (IDX and classic),
    ``oauth_error`` the RFC 6749 code, ``control_error`` the control API's (by default the summary in snake case)."""
    area = area_of(request.path)
    if area is Area.IDX:
        return idx_json(request, Reply(status, render_messages_only(code, summary)))
    if area is Area.OAUTH:
        return oauth_json(status, oauth_error, summary)
    if area is Area.CONTROL:
        return control_json(status, control_error or summary.lower().replace(" ", "_"), summary)
    return classic_error(status, code, summary, error_id)


def classic_error(status: int, code: str, summary: str, error_id: str | None = None) -> web.Response:
    """Okta's classic ``errorCode`` body, for requests outside IDX, OAuth and the control API."""
    body = {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": error_id or "oae" + code[-4:],
        "errorCauses": [],
    }
    return web.json_response(body, status=status)


def oauth_json(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": error, "error_description": description}, status=status, headers=headers)


def control_json(
    status: int,
    error: str,
    message: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    body: dict[str, Any] = {"error": error, "message": message}
    if errors is not None:
        body["errors"] = errors
    return web.json_response(body, status=status, headers=headers)


def internal_error() -> web.Response:
    """What a bug looks like from outside: Okta's E0000009, with nothing of the traceback."""
    return classic_error(500, *INTERNAL_ERROR)
