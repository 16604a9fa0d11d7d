"""OAuth 2.0 / OIDC endpoints, for the org authorization server (``/oauth2/v1/...``, issuer = base URL) and any custom
one (``/oauth2/{server_id}/v1/...``). Every answer is plain JSON; errors are ``{error, error_description}``, but an
unknown authorization server is Okta's classic ``E0000007``, and a logout that may not be followed is Okta's HTML
error page (a browser is looking at it). Okta's no-cache headers go on every answer but the keys'
(:func:`mock_idx.web.middleware.request_path`).

Handlers only read the request and write the answer: whether a token is active, whose it is, what it releases and
where a signed-out browser may go are the engine's decisions (:mod:`mock_idx.model.engine`)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from aiohttp import web

from ..model.assurance import Assurance, requested_max_age
from ..model.authorize import PKCE_METHODS, ErrorPage, ResponseMode
from ..model.clients import Client
from ..model.engine import LogoutRequest
from ..model.errors import OAuthError, UnknownAuthorizationServer
from ..model.tokens import AuthorizationServer
from ..model.transaction import Interaction
from .app_keys import DOCUMENTS, ENGINE, USER
from .client_auth import NO_CLIENT_ID, MultipleCredentials, basic_credentials, endpoint_url, presented_credentials
from .client_redirects import URI_SAFE, with_query
from .request_parsing import base_url, oauth_form, oauth_query, remember, required_param
from .session_cookie import SESSION_COOKIE, forget_session_cookie, session_id


async def server_id(request: web.Request) -> str | None:
    """The custom authorization server named in the path, or ``None`` for the org server."""
    server = request.match_info.get("server_id")
    if server is not None and not await request.app[ENGINE].serves_authorization_server(server):
        raise UnknownAuthorizationServer(server)
    return server


async def authorization_server(request: web.Request) -> AuthorizationServer:
    """The server the path names, with the issuer and access-token audience it signs with."""
    return _named_server(await server_id(request), base_url(request))


def _named_server(server: str | None, base: str) -> AuthorizationServer:
    if server is None:
        return AuthorizationServer(id=None, issuer=base, audience=base)
    return AuthorizationServer(id=server, issuer=f"{base}/oauth2/{server}", audience=f"api://{server}")


def _endpoints(request: web.Request, server: str | None) -> str:
    return base_url(request) + (f"/oauth2/{server}" if server else "/oauth2")


RESPONSE_TYPES = ["code", "id_token", "token", "id_token token"]
"""What ``/v1/authorize`` answers: a code, or (implicit, for the SPA clients allowed it) tokens."""
RESPONSE_MODES = [mode.value for mode in ResponseMode]
GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials", "implicit", "interaction_code"]
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
"""How a client authenticates at the token, introspection and revocation endpoints (no ``client_secret_jwt``)."""
STANDARD_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso"]
"""The scopes every Okta authorization server has, in the order Okta lists them."""
CLAIMS = [
    "iss",
    "ver",
    "sub",
    "aud",
    "iat",
    "exp",
    "jti",
    "auth_time",
    "amr",
    "idp",
    "nonce",
    "acr",
    "name",
    "preferred_username",
    "given_name",
    "family_name",
    "email",
    "email_verified",
    "zoneinfo",
    "locale",
    "at_hash",
]
"""The claims the ID token and userinfo carry: Okta's list less the profile claims no user here has."""


async def openid_configuration(request: web.Request) -> web.Response:
    """The discovery document, made once per server, base URL and configuration and then served as its bytes
    (:mod:`.published_documents`). The issuer and endpoints are worked out only when the document is made: a kept
    one needs only what names it."""
    engine = request.app[ENGINE]
    server = await server_id(request)  # a custom server's existence is checked with the policy in force
    if server is None:  # the org server always exists: the policy in force (custom scopes) is read here instead
        await engine.now()
    base = base_url(request)
    body = request.app[DOCUMENTS].get(
        engine.policy_generation,
        ("discovery", server, base),
        lambda: _json_bytes(_discovery_document(request, _named_server(server, base))),
    )
    return web.Response(body=body, content_type="application/json", charset="utf-8")


def _discovery_document(request: web.Request, server: AuthorizationServer) -> dict[str, Any]:
    """The discovery document, as Okta's lists it, of exactly what is served: every endpoint, response type, mode,
    grant and client authentication method named here answers, and nothing served is left out."""
    config = request.app[ENGINE].policy.server_config(server.id)
    endpoints = _endpoints(request, server.id)
    return {
        "issuer": server.issuer,
        "authorization_endpoint": f"{endpoints}/v1/authorize",
        "token_endpoint": f"{endpoints}/v1/token",
        "userinfo_endpoint": f"{endpoints}/v1/userinfo",
        "jwks_uri": f"{endpoints}/v1/keys",
        "response_types_supported": RESPONSE_TYPES,
        "response_modes_supported": RESPONSE_MODES,
        "grant_types_supported": GRANT_TYPES,
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": [*STANDARD_SCOPES, *config.scopes],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "claims_supported": [*CLAIMS, *(c.name for c in config.claims if c.name not in CLAIMS)],
        "code_challenge_methods_supported": list(PKCE_METHODS),
        "introspection_endpoint": f"{endpoints}/v1/introspect",
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint": f"{endpoints}/v1/revoke",
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "end_session_endpoint": f"{endpoints}/v1/logout",
        "request_parameter_supported": False,
        "acr_values_supported": [level.value for level in Assurance],
    }


async def jwks(request: web.Request) -> web.Response:
    """The signing keys (JWKS) a client checks tokens with; served for every authorization server that exists, as
    bytes made once per key."""
    await server_id(request)
    engine = request.app[ENGINE]
    body = request.app[DOCUMENTS].get(
        engine.policy_generation, ("jwks", engine.key.kid), lambda: _json_bytes(engine.jwks())
    )
    return web.Response(
        body=body, content_type="application/json", charset="utf-8", headers={"Cache-Control": "max-age=3600"}
    )


def _json_bytes(document: dict[str, Any]) -> bytes:
    """As ``web.json_response`` encodes: the same bytes as before the documents were kept."""
    return json.dumps(document).encode()


async def interact(request: web.Request) -> web.Response:
    """``/v1/interact``: a sign-in opened for an app's own IDX client. ``max_age`` is checked as at
    ``/v1/authorize``, though it has nothing to act on: an embedded sign-in has no browser session to reuse."""
    params = await oauth_form(request)
    requested_max_age(params.get("max_age"))
    transaction = remember(
        request,
        await request.app[ENGINE].interact(
            Interaction(
                client_id=_client_id(request, params),
                redirect_uri=required_param(params, "redirect_uri"),
                scope=params.get("scope", "openid"),
                code_challenge=params.get("code_challenge", ""),
                code_challenge_method=params.get("code_challenge_method", ""),
                state=params.get("state", ""),
                nonce=params.get("nonce"),
                authorization_server=await server_id(request),
                activation_token=params.get("activation_token"),
                acr_values=params.get("acr_values"),
            )
        ),
    )
    return web.json_response({"interaction_handle": transaction.interaction_handle})


async def userinfo(request: web.Request) -> web.Response:
    header = request.headers.get("Authorization", "")
    bearer = header[7:] if header.startswith("Bearer ") else None
    info = await request.app[ENGINE].userinfo(bearer, await authorization_server(request))
    request[USER] = info.login
    return web.json_response(info.claims)


async def introspect(request: web.Request) -> web.Response:
    params = await oauth_form(request)
    try:
        client = await _authenticated_client(request, params)
    except MultipleCredentials as refused:
        return refused.response()
    server = await authorization_server(request)
    answer = await request.app[ENGINE].introspect(required_param(params, "token"), client, server)
    return web.json_response(answer)


async def revoke(request: web.Request) -> web.Response:
    params = await oauth_form(request)
    try:
        client = await _authenticated_client(request, params)
    except MultipleCredentials as refused:
        return refused.response()
    server = await authorization_server(request)
    owner = await request.app[ENGINE].revoke(required_param(params, "token"), client, server)
    if owner:
        request[USER] = owner
    return web.Response(status=200)


async def logout(request: web.Request) -> web.Response:
    """RP-initiated logout: ends the browser's session (the ``sid`` cookie) and sends it where the app may be sent
    (back with its ``state``), or shows that it is signed out. A hint this server did not sign, or a redirect the
    client did not register, is Okta's error page: never followed, and the session is kept."""
    server = await authorization_server(request)
    try:
        params = oauth_query(request)
        target = await request.app[ENGINE].logout(
            LogoutRequest(
                id_token_hint=params.get("id_token_hint"),
                post_logout_redirect_uri=params.get("post_logout_redirect_uri"),
                server=server,
                session_id=session_id(request),
            )
        )
    except OAuthError as error:
        raise ErrorPage(error.error, error.description) from None
    response: web.Response
    if target is None:
        response = web.Response(text="Signed out.", content_type="text/plain")
    else:
        state = params.get("state")
        location = with_query(target, {"state": state}) if state else target
        response = web.Response(status=302, headers={"Location": quote(location, safe=URI_SAFE)})
    if SESSION_COOKIE in request.cookies:
        forget_session_cookie(request, response)
    return response


def _client_id(request: web.Request, params: dict[str, str]) -> str:
    """The client ``/v1/interact`` is for: from HTTP Basic (a confidential client) or the form (a public one)."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        return basic_credentials(credentials)[0]
    client_id = params.get("client_id")
    if not client_id:
        raise OAuthError("invalid_client", NO_CLIENT_ID)
    return client_id


async def _authenticated_client(request: web.Request, params: dict[str, str]) -> Client:
    """The client introspect and revoke answer to, authenticated as at the token endpoint."""
    presented = presented_credentials(request, params)
    return await request.app[ENGINE].authenticate_client(presented, endpoint_url(request))
