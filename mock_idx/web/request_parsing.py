"""Reading requests: JSON and form bodies, the caller, and the public URL documents must point at.

Anything malformed becomes a model error here, so handlers only ever see well-typed values. (Named
``request_parsing``: as ``requests`` it shadowed the ``requests`` library for anyone reading an import.)
"""

from __future__ import annotations

from typing import Any, Literal, overload

import orjson
from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

from ..idx.render import DocumentContext
from ..model.authenticator_steps import Delivery
from ..model.errors import IdxError, OAuthError, Reason
from ..model.push import SignInContext
from ..model.recovery import recovery_choices
from ..model.transaction import Transaction
from .app_keys import ENGINE, SETTINGS, TRANSACTION


def base_url(request: web.Request) -> str:
    configured = request.app[SETTINGS].public_url
    return configured.rstrip("/") if configured else f"{request.scheme}://{request.host}"


def document_context(request: web.Request) -> DocumentContext:
    engine = request.app[ENGINE]
    policy = engine.policy
    return DocumentContext(
        base_url=base_url(request),
        authenticators=engine.authenticators,
        poll_refresh_ms=policy.poll_refresh_ms,
        identifier_first=policy.authenticators.identifier_first,
        password_settings=policy.password_policy.settings_document(),
        lockout=policy.lockout,
        recovery=bool(recovery_choices(policy.password_policy.recovery, policy.authenticators)),
        registration=policy.registration,
    )


def delivery(request: web.Request) -> Delivery:
    """Where links in the messages a step sends point: this org, as the browser reached it."""
    return Delivery(org_url=base_url(request))


def sign_in_context(request: web.Request) -> SignInContext:
    """Where the request comes from, as the phone will show it (the engine adds which app it is for)."""
    return SignInContext(ip_address=request.remote or "", user_agent=request.headers.get("User-Agent", ""))


class MalformedBody(ValueError):
    """The body is not what the route reads (JSON, or a form); each area answers that in its own shape."""


async def json_body(request: web.Request) -> Any:
    """The body parsed as JSON (an empty body is ``{}``); orjson, since every IDX step parses one."""
    raw = await body_bytes(request)
    try:
        return orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError:  # also too deep, or not UTF-8
        raise MalformedBody("the body must be JSON") from None


async def body_bytes(request: web.Request) -> bytes:
    """The raw body, or :class:`MalformedBody` when it cannot be had: a ``Content-Encoding`` (gzip, deflate, br)
    that does not decode arrives here as aiohttp's ``RequestPayloadError``."""
    try:
        return await request.read()
    except RequestPayloadError:
        raise MalformedBody("the body could not be decoded") from None


IDX_CONTENT_TYPES = frozenset({"application/json", "application/ion+json", "application/vnd.okta.v1+json"})
"""What an IDX step may be sent as (any parameters, ``okta-version=1.0.0`` among them): okta-auth-js and the widget
send ``application/json``, Okta's Java and .NET SDKs ``application/ion+json``, and older forms said they accept
``application/vnd.okta.v1+json``. Okta answers anything else (a form, ``text/plain``, none) with 415."""


async def json_object(request: web.Request) -> dict[str, Any]:
    """An IDX body: a JSON object, sent as one of :data:`IDX_CONTENT_TYPES`."""
    if request.content_type not in IDX_CONTENT_TYPES:
        raise web.HTTPUnsupportedMediaType(reason="Unsupported Media Type: send the request as application/json.")
    try:
        body = await json_body(request)
    except MalformedBody:
        raise IdxError(Reason.MALFORMED_REQUEST) from None
    if not isinstance(body, dict):
        raise IdxError(Reason.MALFORMED_REQUEST)
    return body


async def form_fields(request: web.Request) -> Any:
    """The form-encoded body (aiohttp refuses unknown charsets and malformed bodies with assorted errors)."""
    try:
        return await request.post()
    except (ValueError, LookupError, UnicodeDecodeError, RequestPayloadError, RuntimeError):
        # Unknown charsets, bytes that are not in the charset, bodies whose Content-Encoding does not decode, and
        # multipart parts in an unknown transfer encoding (aiohttp raises RuntimeError for those).
        raise MalformedBody("the body must be a form") from None


def required_fields(body: dict[str, Any], transaction: Transaction, *paths: tuple[str, ...]) -> list[str]:
    """The required fields of the form the transaction shows, in order. As Okta answers invalid input, a field that
    is missing or blank is a field error on that form (every such field named at once), and a value that is not text
    is a malformed request shown on the form: never a messages-only body, which SDKs read as the end."""
    values = [_follow(body, path) for path in paths]
    missing = tuple(path for path, value in zip(paths, values, strict=True) if value is None or value == "")
    if missing:
        raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=missing)
    for path, value in zip(paths, values, strict=True):
        if not isinstance(value, str):
            raise IdxError(Reason.MALFORMED_REQUEST, transaction, detail=f"{'.'.join(path)} must be a string")
    return values


def _follow(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = body
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


@overload
def text(body: dict[str, Any], *path: str) -> str: ...
@overload
def text(body: dict[str, Any], *path: str, required: Literal[True]) -> str: ...
@overload
def text(body: dict[str, Any], *path: str, required: Literal[False]) -> str | None: ...
def text(body: dict[str, Any], *path: str, required: bool = True) -> str | None:
    """A string found by following ``path`` into nested objects (``credentials``, ``passcode``): always a string
    when ``required`` (anything else is a malformed request), else a string or ``None``."""
    value = _follow(body, path)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise IdxError(Reason.MALFORMED_REQUEST, detail=f"{'.'.join(path)} must be a string")
    return value


def authenticator_fields(body: dict[str, Any], transaction: Transaction) -> dict[str, Any]:
    """The ``authenticator`` object of a challenge request, in either shape clients send it (missing: a field error
    on the form, as :func:`required_fields` answers).

    Usually ``{id, methodType}``. But the ``resend`` remediation after a rejected push keeps its fixed fields under
    ``value.form.value`` (Okta's own shape), and okta-auth-js, firing it as an action, posts that raw value back:
    ``{form: {value: [{name: "id", value: ...}, ...]}}``.
    """
    authenticator = body.get("authenticator")
    if authenticator is None:
        raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("authenticator",),))
    if not isinstance(authenticator, dict):
        raise IdxError(Reason.MALFORMED_REQUEST, transaction, detail="authenticator must be an object")
    form = authenticator.get("form")
    fields = form.get("value") if isinstance(form, dict) else None
    if isinstance(fields, list):
        return {f["name"]: f.get("value") for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)}
    return authenticator


def remember(request: web.Request, transaction: Transaction) -> Transaction:
    """Note which transaction a request belongs to, for the journal (which reads its user once the step is done)."""
    request[TRANSACTION] = transaction
    return transaction


async def oauth_form(request: web.Request) -> dict[str, str]:
    """Form-encoded OAuth parameters; a repeated parameter is an error, as RFC 6749 requires."""
    try:
        form = await form_fields(request)
    except MalformedBody:
        raise OAuthError("invalid_request", "The request body is not a valid form.") from None
    return single_values(form)


def oauth_query(request: web.Request) -> dict[str, str]:
    """OAuth parameters of a browser endpoint (``/v1/logout``), refused when repeated like :func:`oauth_form`'s."""
    return single_values(request.query)


def single_values(fields: Any) -> dict[str, str]:
    """Each parameter's one text value; a repeated parameter is an error, as RFC 6749 requires."""
    params: dict[str, str] = {}
    for key in set(fields.keys()):
        values = fields.getall(key)
        if len(values) != 1 or not isinstance(values[0], str):
            raise OAuthError("invalid_request", f"The '{key}' parameter must appear once, as text.")
        params[key] = values[0]
    return params


def required_param(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise OAuthError("invalid_request", f"The '{name}' parameter is required.")
    return value
