"""The authorization endpoint's decisions (``/v1/authorize``): what an app's redirect asks, and where the browser goes.

Okta checks the client and the redirect URI first: while either is wrong there is nobody safe to send the browser
back to, so the answer is an error page on the org (:class:`ErrorPage`). Every later problem goes back to the app, in
the response mode it asked for, with ``error``, ``error_description`` and ``state`` (:class:`ClientRedirect`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from .assurance import UNMET, Assurance, requested_assurance, requested_max_age
from .clients import Client, GrantType
from .errors import OAuthError
from .policy import Policy
from .servers import POLICY_FAILED

T = TypeVar("T")

PKCE_METHODS = ("S256",)
MAX_STATE = 2048


class ResponseMode(str, Enum):
    QUERY = "query"
    FRAGMENT = "fragment"
    FORM_POST = "form_post"
    OKTA_POST_MESSAGE = "okta_post_message"
    """What okta-auth-js asks for in a hidden iframe (``getWithoutPrompt``): a page that posts the answer to its
    parent window with ``postMessage``."""


class Prompt(str, Enum):
    NONE = "none"
    LOGIN = "login"
    CONSENT = "consent"


CODE = frozenset({"code"})
IMPLICIT = (frozenset({"id_token"}), frozenset({"token"}), frozenset({"id_token", "token"}))


class ErrorPage(Exception):
    """An authorize request with no safe way back to the app: Okta shows its error page instead of redirecting."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class AuthorizeRequest:
    """The parameters of ``/v1/authorize`` as the web layer read them (query or form), unchecked."""

    client_id: str | None
    redirect_uri: str | None
    response_type: str | None
    scope: str | None
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    response_mode: str | None = None
    prompt: str | None = None
    max_age: str | None = None
    login_hint: str | None = None
    session_token: str | None = None
    idp: str | None = None
    request_object: str | None = None
    """The ``request`` parameter (a request object JWT), which the fake does not take."""
    authorization_server: str | None = None
    acr_values: str | None = None


@dataclass(frozen=True)
class ClientRedirect:
    """Where the browser goes back to the app, and what it carries there, in which response mode."""

    redirect_uri: str
    response_mode: ResponseMode
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedAuthorize:
    """A request that passed every check: the client, the way back, and what it asks for."""

    client: Client
    redirect_uri: str
    response_types: frozenset[str]
    response_mode: ResponseMode
    scopes: tuple[str, ...]
    state: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    prompt: Prompt | None
    max_age: int | None
    login_hint: str | None
    assurance: Assurance | None = None
    """The ACR value chosen of those asked for (``acr_values``), or ``None``."""


class RedirectedError(Exception):
    """A problem found once the way back is known: it goes back to the app."""

    def __init__(self, redirect: ClientRedirect) -> None:
        super().__init__(redirect.params.get("error_description", ""))
        self.redirect = redirect


def check(request: AuthorizeRequest, policy: Policy) -> CheckedAuthorize:
    """Okta's checks, in Okta's order: :class:`ErrorPage` before the redirect URI is trusted, :class:`RedirectedError`
    after."""
    if not request.client_id:
        raise ErrorPage("invalid_request", "A client_id must be provided in the request.")
    client = policy.find_client(request.client_id)
    if client is None:
        raise ErrorPage("invalid_client", "Invalid value for 'client_id' parameter.")
    if not request.redirect_uri or not client.allows_redirect(request.redirect_uri):
        raise ErrorPage(
            "invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings."
        )
    state = request.state or ""
    response_types = frozenset((request.response_type or "").split())
    implicit = response_types in IMPLICIT
    mode = _response_mode(request.response_mode, implicit)
    back = _Back(request.redirect_uri, mode, state)
    if len(state) > MAX_STATE:
        raise back("invalid_request", f"The 'state' parameter may be at most {MAX_STATE} characters long.")
    if not response_types:
        raise back("invalid_request", "The 'response_type' parameter is required.")
    if response_types != CODE and not implicit:
        raise back("unsupported_response_type", f"The response type '{request.response_type}' is not supported.")
    grant = GrantType.IMPLICIT if implicit else GrantType.AUTHORIZATION_CODE
    if not client.allows_grant(grant):
        raise back(
            "unauthorized_client",
            "The client is not authorized to use the provided grant type. "
            f"Configured grant types: [{', '.join(g.value for g in client.grant_types)}].",
        )
    scopes = tuple((request.scope or "").split())
    if not scopes:
        raise back(
            "invalid_scope",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        )
    config = policy.server_config(request.authorization_server)
    if not all(config.knows(s) for s in scopes):
        raise back("invalid_scope", "One or more scopes are not configured for the authorization server resource.")
    if config.policy_for(client.client_id) is None:
        raise back("access_denied", POLICY_FAILED)
    if "openid" not in scopes and "id_token" in response_types:
        raise back("invalid_scope", "The 'openid' scope is required for an 'id_token' response type.")
    if implicit and "id_token" in response_types and not request.nonce:
        raise back(
            "invalid_request",
            "The 'nonce' parameter is required for authorize requests with either the 'id_token' or 'token' "
            "response types.",
        )
    challenge, method = request.code_challenge or "", request.code_challenge_method or ""
    if challenge or method:
        if method not in PKCE_METHODS:
            raise back("invalid_request", "The 'code_challenge_method' parameter must be 'S256'.")
        if not 43 <= len(challenge) <= 128:
            raise back("invalid_request", "The 'code_challenge' parameter must be between 43 and 128 characters.")
    elif client.is_public and not implicit:
        raise back(
            "invalid_request",
            "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.",
        )
    if request.request_object is not None:
        raise back("request_not_supported", "The 'request' parameter is not supported.")  # OIDC Core 6.1
    prompt = _prompt(request.prompt, back)
    if request.idp:
        raise back("invalid_request", f"The 'idp' parameter is not a valid identity provider: {request.idp[:100]}.")
    if request.session_token:
        raise back("invalid_request", "The session token is invalid.")  # the Classic authn API is not modelled
    max_age = _checked(requested_max_age, request.max_age, back)
    assurance = _checked(requested_assurance, request.acr_values, back)
    if assurance is not None and not policy.authenticators.can_meet(assurance):
        raise back("unmet_authentication_requirements", UNMET)
    return CheckedAuthorize(
        client=client,
        redirect_uri=request.redirect_uri,
        response_types=response_types,
        response_mode=mode,
        scopes=scopes,
        state=state,
        nonce=request.nonce,
        code_challenge=challenge,
        code_challenge_method=method,
        prompt=prompt,
        max_age=max_age,
        login_hint=request.login_hint,
        assurance=assurance,
    )


def _response_mode(value: str | None, implicit: bool) -> ResponseMode:
    default = ResponseMode.FRAGMENT if implicit else ResponseMode.QUERY
    if not value:
        return default
    try:
        mode = ResponseMode(value)
    except ValueError:
        raise ErrorPage("invalid_request", f"The 'response_mode' parameter is invalid: '{value[:100]}'.") from None
    if implicit and mode is ResponseMode.QUERY:
        raise ErrorPage(
            "invalid_request", "The 'query' response mode is not allowed for the 'token' or 'id_token' response types."
        )
    return mode


class _Back:
    """Makes the errors that go back to the app, once the way back (URI, mode, state) is known."""

    def __init__(self, redirect_uri: str, mode: ResponseMode, state: str) -> None:
        self.redirect_uri, self.mode, self.state = redirect_uri, mode, state

    def __call__(self, error: str, description: str) -> RedirectedError:
        return RedirectedError(error_redirect(self.redirect_uri, self.mode, self.state, error, description))


def error_redirect(redirect_uri: str, mode: ResponseMode, state: str, error: str, description: str) -> ClientRedirect:
    params = {"error": error, "error_description": description}
    if state:
        params["state"] = state
    return ClientRedirect(redirect_uri, mode, params)


def _prompt(value: str | None, back: _Back) -> Prompt | None:
    if not value:
        return None
    try:
        return Prompt(value)
    except ValueError:
        raise back("invalid_request", f"The 'prompt' parameter is invalid: '{value[:100]}'.") from None


def _checked(parse: Callable[[str | None], T], value: str | None, back: _Back) -> T:
    """A parameter parsed by the rule ``/v1/interact`` shares; its refusal goes back to the app."""
    try:
        return parse(value)
    except OAuthError as refused:
        raise back(refused.error, refused.description) from None


def oauth_error_redirect(error: OAuthError, checked: CheckedAuthorize) -> ClientRedirect:
    return error_redirect(checked.redirect_uri, checked.response_mode, checked.state, error.error, error.description)


@dataclass(frozen=True)
class AuthorizationCode:
    """What an authorization code stands for until it is redeemed (once) at ``/v1/token``."""

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    nonce: str | None
    code_challenge: str
    authorization_server: str | None
    login: str
    auth_time: float
    amr: tuple[str, ...]
    expires_at: float
    acr: str | None = None
    """The ACR value the sign-in met, for the tokens' ``acr``."""
