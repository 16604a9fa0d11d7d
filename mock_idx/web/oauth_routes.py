"""OAuth 2.0 / OIDC endpoints, for the org authorization server (``/oauth2/v1/...``, issuer = base URL) and any custom
one (``/oauth2/{server_id}/v1/...``). Every answer is plain JSON; errors are ``{error, error_description}``."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from ..model.engine import CodeExchange, Engine, InteractRequest
from ..model.errors import OAuthError
from ..model.tokens import profile_claims
from .keys import ENGINE, USER
from .requests import base_url, oauth_form, remember, required_param

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def server_id(request: web.Request) -> str | None:
    """The custom authorization server named in the path, or ``None`` for the org server."""
    server = request.match_info.get("server_id")
    if not request.app[ENGINE].policy.serves_authorization_server(server):
        raise web.HTTPNotFound()
    return server


def issuer(request: web.Request) -> str:
    server = server_id(request)
    return base_url(request) + (f"/oauth2/{server}" if server else "")


def _endpoints(request: web.Request) -> str:
    server = server_id(request)
    return base_url(request) + (f"/oauth2/{server}" if server else "/oauth2")


def audience(request: web.Request) -> str:
    server = server_id(request)
    return f"api://{server}" if server else base_url(request)


async def openid_configuration(request: web.Request) -> web.Response:
    endpoints = _endpoints(request)
    return web.json_response(
        {
            "issuer": issuer(request),
            "authorization_endpoint": f"{endpoints}/v1/authorize",
            "token_endpoint": f"{endpoints}/v1/token",
            "userinfo_endpoint": f"{endpoints}/v1/userinfo",
            "jwks_uri": f"{endpoints}/v1/keys",
            "introspection_endpoint": f"{endpoints}/v1/introspect",
            "revocation_endpoint": f"{endpoints}/v1/revoke",
            "end_session_endpoint": f"{endpoints}/v1/logout",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token", "interaction_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "claims_supported": [
                "iss",
                "sub",
                "aud",
                "iat",
                "exp",
                "auth_time",
                "amr",
                "nonce",
                "at_hash",
                "name",
                "preferred_username",
                "given_name",
                "family_name",
                "email",
                "email_verified",
            ],
            "code_challenge_methods_supported": ["S256"],
            "request_parameter_supported": False,
        }
    )


async def keys(request: web.Request) -> web.Response:
    server_id(request)
    return web.json_response(
        {"keys": [request.app[ENGINE].key.public_jwk()]}, headers={"Cache-Control": "max-age=3600"}
    )


async def interact(request: web.Request) -> web.Response:
    params = await oauth_form(request)
    transaction = remember(
        request,
        request.app[ENGINE].interact(
            InteractRequest(
                client_id=_client_id(request, params),
                redirect_uri=required_param(params, "redirect_uri"),
                scope=params.get("scope", "openid"),
                code_challenge=params.get("code_challenge", ""),
                code_challenge_method=params.get("code_challenge_method", ""),
                state=params.get("state", ""),
                nonce=params.get("nonce"),
                authorization_server=server_id(request),
            )
        ),
    )
    return web.json_response({"interaction_handle": transaction.interaction_handle})


async def token(request: web.Request) -> web.Response:
    params = await oauth_form(request)
    engine = request.app[ENGINE]
    grant_type = required_param(params, "grant_type")
    client_id = _client_id(request, params)
    if grant_type == "interaction_code":
        redemption = engine.exchange_interaction_code(
            CodeExchange(
                client_id=client_id,
                redirect_uri=required_param(params, "redirect_uri"),
                interaction_code=required_param(params, "interaction_code"),
                code_verifier=required_param(params, "code_verifier"),
                authorization_server=server_id(request),
                issuer=issuer(request),
                audience=audience(request),
            )
        )
        remember(request, redemption.transaction)
        tokens = redemption.tokens
    elif grant_type == "refresh_token":
        tokens = engine.refresh_tokens(required_param(params, "refresh_token"), client_id, params.get("scope"))
    else:
        raise OAuthError("unsupported_grant_type", f"The grant type '{grant_type}' is not supported.")
    return web.json_response(tokens.as_oauth_response(), headers=NO_STORE)


async def userinfo(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    header = request.headers.get("Authorization", "")
    claims = engine.tokens.active_claims(header[7:]) if header.startswith("Bearer ") else None
    user = engine.directory.get(claims["sub"]) if claims and "cid" in claims else None
    if user is None:
        raise web.HTTPUnauthorized(
            headers={
                "WWW-Authenticate": 'Bearer error="invalid_token", error_description="The access token is invalid."'
            }
        )
    request[USER] = user.login
    return web.json_response({"sub": user.id, **profile_claims(user, tuple(claims["scp"]))})


async def introspect(request: web.Request) -> web.Response:
    params = await oauth_form(request)
    _client_id(request, params)
    engine = request.app[ENGINE]
    token_value = required_param(params, "token")
    return web.json_response(_introspection(engine, token_value), headers=NO_STORE)


def _introspection(engine: Engine, token_value: str) -> dict[str, Any]:
    claims = engine.tokens.active_claims(token_value)
    if claims is not None:
        return {
            "active": True,
            "token_type": "Bearer",
            "scope": " ".join(claims.get("scp", [])),
            "client_id": claims.get("cid", claims.get("aud")),
            "username": claims.get("sub") if "cid" in claims else claims.get("preferred_username"),
            "exp": claims["exp"],
            "iat": claims["iat"],
            "sub": claims["sub"],
            "aud": claims["aud"],
            "iss": claims["iss"],
            "jti": claims.get("jti"),
            "uid": claims.get("uid"),
        }
    grant = engine.tokens.refresh_grant(token_value)
    if grant is not None:
        return {
            "active": True,
            "token_type": "refresh_token",
            "scope": " ".join(grant.scopes),
            "client_id": grant.client_id,
            "username": grant.user.login,
            "sub": grant.user.login,
            "uid": grant.user.id,
            "iss": grant.issuer,
        }
    return {"active": False}


async def revoke(request: web.Request) -> web.Response:
    params = await oauth_form(request)
    _client_id(request, params)
    engine = request.app[ENGINE]
    owner = engine.tokens.revoke(required_param(params, "token"))
    if owner:
        request[USER] = owner
    return web.Response(status=200)


async def logout(request: web.Request) -> web.Response:
    """RP-initiated logout: there is no browser session to end, so it only sends the user where they asked to go."""
    target = request.query.get("post_logout_redirect_uri")
    if not target:
        return web.Response(text="Signed out.", content_type="text/plain")
    state = request.query.get("state")
    raise web.HTTPFound(target + (("&" if "?" in target else "?") + urlencode({"state": state}) if state else ""))


def _client_id(request: web.Request, params: dict[str, str]) -> str:
    """From the form (public clients) or HTTP Basic (confidential ones)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            return base64.b64decode(header[6:], validate=True).decode().split(":", 1)[0]
        except ValueError:  # binascii.Error, UnicodeDecodeError, and non-ASCII input alike
            raise OAuthError("invalid_client", "Client authentication failed.") from None
    client_id = params.get("client_id")
    if not client_id:
        raise OAuthError("invalid_client", "A client_id must be provided in the request.")
    return client_id
