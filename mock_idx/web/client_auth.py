"""Reading how a request to ``/v1/token``, ``/v1/introspect`` or ``/v1/revoke`` says which client it comes from.

Okta takes one of four ways, and names the method by the way the request was made, whatever the client is registered
for (the engine then checks the two agree, :func:`mock_idx.model.clients.authenticate`):

* an ``Authorization: Basic`` header: ``client_secret_basic`` (id and secret each form-urlencoded first, RFC 6749
  2.3.1, so a secret with ``:`` or ``%`` in it survives);
* ``client_secret`` in the form, next to ``client_id``: ``client_secret_post``;
* ``client_assertion_type`` = jwt-bearer and ``client_assertion``: ``private_key_jwt`` (the client named by
  ``client_id`` or, without one, by the assertion's ``iss``);
* ``client_id`` alone: ``none``, a public client.

Two ways at once is refused before anything is checked (RFC 6749 2.3: one method per request). Okta counts a
``client_id`` in the form next to a Basic header as a second way, and answers that with HTTP 401 and
``invalid_request``, as captured from Okta in public reports (Tomcat's OIDC authenticator, Postman, Elixir's
oauth2): :class:`MultipleCredentials` carries that status.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from aiohttp import web

from ..model.clients import AUTHENTICATION_FAILED, CLIENT_ASSERTION_TYPE, AuthMethod, PresentedCredentials
from ..model.errors import OAuthError
from .request_parsing import base_url
from .responses import oauth_json

MULTIPLE_CREDENTIALS = (
    "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, "
    "credentials in the post body, or a client_assertion in the post body."
)
NO_CLIENT_ID = "A client_id must be provided in the request."
MALFORMED_ASSERTION = "The client_assertion token is malformed."
MAX_CLIENT_ID = 1000
"""Longer is no client id an admin could register; refused as unknown without looking further."""


class MultipleCredentials(OAuthError):
    """The request authenticates its client in more than one way. Okta says ``invalid_request`` but with status 401,
    which the error middleware would not give an ``invalid_request``; the handler answers it with :attr:`status`."""

    status = 401

    def __init__(self) -> None:
        super().__init__("invalid_request", MULTIPLE_CREDENTIALS)

    def response(self) -> web.Response:
        """Okta's answer, with the Basic challenge every 401 of the OAuth endpoints carries."""
        return oauth_json(self.status, self.error, self.description, headers={"WWW-Authenticate": "Basic"})


def endpoint_url(request: web.Request) -> str:
    """The full URL of the endpoint invoked: what a ``private_key_jwt`` assertion must name as its ``aud``."""
    return base_url(request) + request.path


def presented_credentials(request: web.Request, params: dict[str, str]) -> PresentedCredentials:
    """The client the request names, and how it proves it; :class:`OAuthError` when it names none or several."""
    header = _basic_header(request)
    secret_posted = "client_secret" in params
    asserted = "client_assertion" in params or "client_assertion_type" in params
    ways = (header is not None) + secret_posted + asserted
    if ways > 1 or (header is not None and "client_id" in params):
        raise MultipleCredentials()
    if header is not None:
        client_id, secret = basic_credentials(header)
        return PresentedCredentials(client_id, AuthMethod.CLIENT_SECRET_BASIC, secret=secret)
    if asserted:
        return _assertion(params)
    client_id = _client_id(params.get("client_id"))
    if secret_posted:
        return PresentedCredentials(client_id, AuthMethod.CLIENT_SECRET_POST, secret=params["client_secret"])
    return PresentedCredentials(client_id, AuthMethod.NONE)


def basic_credentials(header: str) -> tuple[str, str | None]:
    """``client_id`` and secret from the value of a Basic ``Authorization`` header (after ``Basic``): base64 of
    ``id:secret``, each form-urlencoded (RFC 6749 2.3.1). With no colon at all it names a client and no secret: that
    is how okta-auth-js identifies a public client at ``/v1/revoke`` (a confidential one then fails authentication,
    having no secret). Anything that is not base64 of UTF-8 fails authentication."""
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode("utf-8")
        raw_id, colon, raw_secret = decoded.partition(":")
        client_id = unquote_plus(raw_id, errors="strict")
        secret = unquote_plus(raw_secret, errors="strict") if colon else None
    except (binascii.Error, ValueError):  # not base64, not UTF-8 (UnicodeDecodeError is a ValueError)
        raise OAuthError("invalid_client", AUTHENTICATION_FAILED) from None
    return _client_id(client_id), secret


def _basic_header(request: web.Request) -> str | None:
    """The credentials of a Basic ``Authorization`` header (the scheme is case-insensitive); other schemes are not
    client authentication, and are left for the endpoint to ignore."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials if scheme.lower() == "basic" else None


def _assertion(params: dict[str, str]) -> PresentedCredentials:
    assertion_type = params.get("client_assertion_type")
    assertion = params.get("client_assertion")
    if not assertion_type:
        raise OAuthError("invalid_request", "The 'client_assertion_type' parameter is required.")
    if assertion_type != CLIENT_ASSERTION_TYPE:
        raise OAuthError("invalid_request", f"The 'client_assertion_type' parameter must be '{CLIENT_ASSERTION_TYPE}'.")
    if not assertion:
        raise OAuthError("invalid_request", "The 'client_assertion' parameter is required.")
    client_id = params.get("client_id") or _issuer(assertion)
    return PresentedCredentials(_client_id(client_id), AuthMethod.PRIVATE_KEY_JWT, assertion=assertion)


def _issuer(assertion: str) -> str:
    """The ``iss`` of an assertion, unverified: only to find whose keys to verify it with."""
    import jwt  # on first use: PyJWT is tens of milliseconds of start-up (mock_idx.model.tokens)

    try:
        issuer = jwt.decode(assertion, options={"verify_signature": False}).get("iss")
    except (jwt.PyJWTError, ValueError, AttributeError):  # AttributeError: a payload that is JSON but no object
        raise OAuthError("invalid_client", MALFORMED_ASSERTION) from None
    if not isinstance(issuer, str) or not issuer:
        raise OAuthError("invalid_client", MALFORMED_ASSERTION)
    return issuer


def _client_id(value: str | None) -> str:
    if not value:
        raise OAuthError("invalid_client", NO_CLIENT_ID)
    if len(value) > MAX_CLIENT_ID:
        raise OAuthError("invalid_client", AUTHENTICATION_FAILED)
    return value
