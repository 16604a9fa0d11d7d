"""Sending the browser back to the app (a :class:`~mock_idx.model.authorize.ClientRedirect`), in its response mode.

The authorize endpoint and the hosted page's last step both end here, so an app gets the same answer whichever way
its sign-in went:

- ``query`` and ``fragment``: a 302 to the redirect URI with the parameters in its query or its fragment, as Okta
  answers.
- ``form_post``: a page that posts the parameters to the redirect URI by itself (with a button when scripts are off).
- ``okta_post_message``: the page okta-auth-js loads in a hidden iframe (``token.getWithoutPrompt``, token renewal) or
  a popup. It posts the parameters, as one object of strings, to the window that loaded it, for the redirect URI's
  origin only; okta-auth-js takes the first message whose ``state`` is its own, and refuses it unless it comes from
  the issuer's origin, which is this page's.

Both pages carry codes or tokens, so nothing may cache them and no referrer leaves them; the one inline script each
runs is allowed by a fresh nonce in its Content-Security-Policy, and nothing else is.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from aiohttp import web

from ..model.authorize import ClientRedirect, ResponseMode
from . import templates

FORM_POST_TEMPLATE = "client_redirect_form_post.html"
POST_MESSAGE_TEMPLATE = "client_redirect_post_message.html"
URI_SAFE = "!#$%&'()*+,/:;=?@[]~"
"""Characters a URI may carry as they are: everything else (spaces, non-ASCII text, control characters) is
percent-encoded before it goes into a ``Location`` header, which could not carry it."""
PRIVATE = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}
"""What every answer carrying a code or tokens goes out with: never cached, and no referrer leaking where it was."""


def to_app(request: web.Request, redirect: ClientRedirect) -> web.StreamResponse:
    """The answer that takes the browser back to the app with ``redirect.params``, as its response mode says."""
    mode = redirect.response_mode
    if mode is ResponseMode.QUERY:
        return _found(with_query(redirect.redirect_uri, redirect.params))
    if mode is ResponseMode.FRAGMENT:
        return _found(with_fragment(redirect.redirect_uri, redirect.params))
    if mode is ResponseMode.FORM_POST:
        return _page(request, FORM_POST_TEMPLATE, redirect)
    return _page(request, POST_MESSAGE_TEMPLATE, redirect)


def with_query(uri: str, params: dict[str, str]) -> str:
    """``uri`` with ``params`` added to whatever query it already has (a registered URI may have one)."""
    parts = urlsplit(uri)
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return urlunsplit(parts._replace(query=query))


def with_fragment(uri: str, params: dict[str, str]) -> str:
    return urlunsplit(urlsplit(uri)._replace(fragment=urlencode(params)))


def origin_of(uri: str) -> str:
    """The origin a browser gives ``uri`` (scheme, host and any port that is not the scheme's default). For a URI
    with no host (``com.example.app:/callback``) it is that scheme alone, an origin no window has: a message posted
    to it goes nowhere."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not host:
        return f"{scheme}:"
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def _found(location: str) -> web.Response:
    """A plain 302 response (returned, not raised: the middlewares treat both alike, and the caller may still add a
    cookie to it)."""
    return web.Response(status=302, headers={"Location": quote(location, safe=URI_SAFE), **PRIVATE})


def _page(request: web.Request, template: str, redirect: ClientRedirect) -> web.Response:
    nonce = secrets.token_urlsafe(18)
    origin = origin_of(redirect.redirect_uri)
    context: dict[str, Any] = {
        "action": redirect.redirect_uri,
        "params": redirect.params,
        "target_origin": origin,
        "nonce": nonce,
    }
    response = templates.render_template(template, request, context)
    response.headers.update(PRIVATE)
    response.headers["Content-Security-Policy"] = _policy(nonce, origin)
    return response


def _policy(nonce: str, origin: str) -> str:
    """Only the page's own inline script and style run. The page may be framed by the app it answers (that is how
    okta-auth-js loads it), by nothing else. No ``form-action``: Chromium applies it to the redirects after a form
    was posted, and an app's callback usually redirects on."""
    ancestors = origin if origin.startswith(("http://", "https://")) else "'none'"
    return (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; base-uri 'none'; "
        f"frame-ancestors {ancestors}"
    )
