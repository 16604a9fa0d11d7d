"""``/v1/authorize``: the front door of Okta's hosted sign-in, on the org server and every custom one.

The handler only reads the request: whether the app may be sent back to, whether the browser's session signs it in
and what goes back are the engine's decisions (:meth:`~mock_idx.model.engine.Engine.authorize`). A new sign-in goes
to the hosted page with its state token; an answer for the app goes back in the response mode it asked for
(:func:`~mock_idx.web.client_redirects.to_app`); a request with no safe way back is Okta's error page, never a
redirect.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from ..model.authorize import AuthorizeRequest, ClientRedirect, ErrorPage
from ..model.errors import OAuthError
from ..model.tokens import AuthorizationServer
from . import client_redirects
from .app_keys import ENGINE
from .oauth_routes import authorization_server
from .request_parsing import MalformedBody, base_url, form_fields, remember, single_values
from .session_cookie import session_id

SIGN_IN_PAGE = "/signin"


async def authorize(request: web.Request) -> web.StreamResponse:
    """``GET`` (query) or ``POST`` (form): the app's authorization request."""
    server = await authorization_server(request)
    params = await _parameters(request)
    outcome = await request.app[ENGINE].authorize(_authorize_request(params, server), server, session_id(request))
    if isinstance(outcome, ClientRedirect):
        return client_redirects.to_app(request, outcome)
    remember(request, outcome)
    raise web.HTTPFound(f"{base_url(request)}{SIGN_IN_PAGE}?{urlencode({'stateToken': outcome.state_handle})}")


async def _parameters(request: web.Request) -> dict[str, str]:
    """Each parameter's one value. A repeated one, or a body that is not a form, leaves no parameter to trust (the
    redirect URI among them), so it is the error page, as at Okta."""
    try:
        fields = request.query if request.method == "GET" else await form_fields(request)
        return single_values(fields)
    except MalformedBody:
        raise ErrorPage("invalid_request", "The request body is not a valid form.") from None
    except OAuthError as error:
        raise ErrorPage(error.error, error.description) from None


def _authorize_request(params: dict[str, str], server: AuthorizationServer) -> AuthorizeRequest:
    return AuthorizeRequest(
        client_id=params.get("client_id"),
        redirect_uri=params.get("redirect_uri"),
        response_type=params.get("response_type"),
        scope=params.get("scope"),
        state=params.get("state"),
        nonce=params.get("nonce"),
        code_challenge=params.get("code_challenge"),
        code_challenge_method=params.get("code_challenge_method"),
        response_mode=params.get("response_mode"),
        prompt=params.get("prompt"),
        max_age=params.get("max_age"),
        login_hint=params.get("login_hint"),
        session_token=params.get("sessionToken"),
        idp=params.get("idp"),
        request_object=params.get("request"),
        authorization_server=server.id,
        acr_values=params.get("acr_values"),
    )
