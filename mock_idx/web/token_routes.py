"""``POST /v1/token``: every grant Okta serves there, one handler each, behind one client check.

Every request first names its client and proves it (:mod:`.client_auth` reads how, the engine checks it: a
confidential client that fails gets 401 ``invalid_client`` with ``WWW-Authenticate``), then must be of a grant type
the token endpoint serves (``unsupported_grant_type``) and the client is configured for (``unauthorized_client``, with
the client's grant types listed as Okta lists them). Only then does the grant's own handler read its parameters and
ask the engine (navikt's mock-oauth2-server keeps its grants the same way: a map from grant type to handler).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from aiohttp import web

from ..model.clients import Client, GrantType
from ..model.engine import CodeExchange, CodeRedemption, Engine, RefreshRequest
from ..model.errors import OAuthError
from ..model.tokens import AuthorizationServer, TokenSet
from .app_keys import ENGINE
from .client_auth import MultipleCredentials, endpoint_url, presented_credentials
from .oauth_routes import authorization_server
from .request_parsing import oauth_form, remember, required_param

MAX_ECHOED = 100
"""How much of an unknown grant type the error repeats back."""


@dataclass(frozen=True)
class GrantRequest:
    """A token request whose client has proved who it is and may use the grant: what a grant handler works with."""

    request: web.Request
    params: dict[str, str]
    client: Client
    server: AuthorizationServer
    engine: Engine


GrantHandler = Callable[[GrantRequest], Awaitable[TokenSet]]


async def token(request: web.Request) -> web.Response:
    """The token endpoint: authenticate the client, check the grant is one it may use, then run that grant."""
    params = await oauth_form(request)
    try:
        presented = presented_credentials(request, params)
    except MultipleCredentials as refused:
        return refused.response()
    grant_type = required_param(params, "grant_type")
    engine = request.app[ENGINE]
    server = await authorization_server(request)
    client = await engine.authenticate_client(presented, endpoint_url(request))
    grant, handler = _grant(grant_type)
    if not client.allows_grant(grant):
        raise OAuthError(
            "unauthorized_client",
            "The client is not authorized to use the provided grant type. "
            f"Configured grant types: [{', '.join(g.value for g in client.grant_types)}].",
        )
    tokens = await handler(GrantRequest(request, params, client, server, engine))
    return web.json_response(tokens.as_oauth_response())


def _grant(grant_type: str) -> tuple[GrantType, GrantHandler]:
    try:
        grant = GrantType(grant_type)
        return grant, GRANTS[grant]
    except (ValueError, KeyError):  # unknown, or not one the token endpoint serves (implicit)
        raise OAuthError(
            "unsupported_grant_type", f"The grant type '{grant_type[:MAX_ECHOED]}' is not supported."
        ) from None


async def authorization_code(grant: GrantRequest) -> TokenSet:
    """The code the hosted sign-in sent back to the app (``/v1/authorize``), with its PKCE verifier if it had a
    challenge, and the redirect URI it was sent to."""
    return await grant.engine.redeem_authorization_code(
        CodeRedemption(
            client=grant.client,
            code=required_param(grant.params, "code"),
            redirect_uri=required_param(grant.params, "redirect_uri"),
            code_verifier=grant.params.get("code_verifier") or None,
            server=grant.server,
        )
    )


async def client_credentials(grant: GrantRequest) -> TokenSet:
    """A service's own access token, for the custom scopes it asks."""
    return await grant.engine.client_credentials(grant.client, grant.params.get("scope"), grant.server)


async def refresh_token(grant: GrantRequest) -> TokenSet:
    """New tokens for the same sign-in; the refresh token rotates when the client has rotation on."""
    return await grant.engine.refresh_tokens(
        RefreshRequest(
            client=grant.client,
            refresh_token=required_param(grant.params, "refresh_token"),
            scope=grant.params.get("scope"),
            server=grant.server,
        )
    )


async def interaction_code(grant: GrantRequest) -> TokenSet:
    """The end of an embedded (IDX) sign-in: the interaction code and the PKCE verifier of ``/v1/interact``."""
    redemption = await grant.engine.exchange_interaction_code(
        CodeExchange(
            client=grant.client,
            redirect_uri=grant.params.get("redirect_uri"),
            interaction_code=required_param(grant.params, "interaction_code"),
            code_verifier=required_param(grant.params, "code_verifier"),
            server=grant.server,
        )
    )
    remember(grant.request, redemption.transaction)
    return redemption.tokens


GRANTS: Mapping[GrantType, GrantHandler] = MappingProxyType(
    {
        GrantType.AUTHORIZATION_CODE: authorization_code,
        GrantType.CLIENT_CREDENTIALS: client_credentials,
        GrantType.REFRESH_TOKEN: refresh_token,
        GrantType.INTERACTION_CODE: interaction_code,
    }
)
"""The grants the token endpoint serves (``implicit`` is answered at ``/v1/authorize``, never here)."""
