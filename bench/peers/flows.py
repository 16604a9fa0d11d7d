"""What the load does to each server: one request for discovery and JWKS, one token answer for ``client_credentials``
and ``refresh_token``, and a whole authorization-code + PKCE sign-in through the server's own login step.

A sign-in starts as a new browser (no cookies), opens ``/authorize``, passes the login step, follows the redirect to
the app with its code, and redeems the code with the PKCE verifier and the client secret (HTTP Basic). The login
steps, each the server's own:

- mock-idx: ``/v1/authorize`` answers 302 to its hosted page ``/signin?stateToken=…``; the page is loaded, then the
  sign-in is driven over the IDX API the page's widget uses (introspect with the ``stateToken``, identify with the
  password; for a push, choose Okta Verify, ask for a push, poll until the scripted phone approved), down to the
  ``success-redirect`` to ``/login/token/redirect``, which answers 302 to the app with the code.
- oidc-provider: its development login form (``devInteractions``): 303 to ``/interaction/:uid``, the form is loaded
  and posted (any login), 303 back to ``/auth/:uid``, which answers 303 to the app (consent is granted up front).
- oidc-provider-mock: the form at ``/oauth2/authorize`` is loaded and posted with a subject.
- mock-oauth2-server (navikt): with ``interactiveLogin`` its form at ``/default/authorize`` is loaded and posted with
  a user name.
- oauth2-mock-server: has no login step; ``/authorize`` answers 302 to the app at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.support import pkce

from ..http import Client, Reply
from ..users import PASSWORD
from .servers import API_SCOPE, CLIENT_ID, CLIENT_SECRET, PASSWORD_USER, PUSH_USER, REDIRECT_URI, Server

CREDENTIALS = (CLIENT_ID, CLIENT_SECRET)
MAX_POLLS = 20
"""A push the scripted phone has not approved after this many polls is a failure, not a loop."""


class Refused(AssertionError):
    """An answer that was not the one a working sign-in or token request gets: the row fails with it."""

    def __init__(self, server: str, step: str, answer: Reply) -> None:
        super().__init__(f"{server} {step}: HTTP {answer.status}: {answer.body[:200]!r}")


def expect(server: Server, step: str, answer: Reply, *statuses: int) -> Reply:
    if answer.status not in (statuses or (200,)):
        raise Refused(server.name, step, answer)
    return answer


def is_signed_jwt(value: object) -> bool:
    """A compact JWS with a signature (an unsecured JWT, ``alg: none``, ends in its empty third part)."""
    return isinstance(value, str) and value.startswith("eyJ") and value.count(".") == 2 and not value.endswith(".")


def signatures(tokens: dict[str, object]) -> int:
    """How many signed tokens (JWTs) one token answer carries: each cost the server one RS256 signature."""
    return sum(1 for value in tokens.values() if is_signed_jwt(value))


async def discovery(server: Server, client: Client) -> None:
    expect(server, "discovery", await client.get(server.discovery))


async def jwks(server: Server, client: Client) -> None:
    expect(server, "jwks", await client.get(server.jwks))


async def client_credentials(server: Server, client: Client) -> dict[str, object]:
    form = {"grant_type": "client_credentials", "scope": API_SCOPE}
    tokens: dict[str, object] = expect(
        server, "client_credentials", await client.post_form(server.token, form, CREDENTIALS)
    ).json()
    return tokens


async def refresh(server: Server, client: Client, refresh_token: str) -> dict[str, object]:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    tokens: dict[str, object] = expect(
        server, "refresh_token", await client.post_form(server.token, form, CREDENTIALS)
    ).json()
    return tokens


async def sign_in(server: Server, client: Client, push: bool = False) -> dict[str, object]:
    """One complete sign-in as a new browser; the app's tokens."""
    client.cookies.clear()
    verifier = pkce.new_verifier()
    query = urlencode(
        {
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": server.scope,
            "state": "bench-state",
            "nonce": "bench-nonce",
            "code_challenge": pkce.challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    authorize = f"{server.authorize}?{query}"
    location = await LOGIN_STEPS[server.login](server, client, authorize, push)
    code = parse_qs(urlsplit(location).query).get("code", [""])[0]
    if not location.startswith(REDIRECT_URI) or not code:
        raise AssertionError(f"{server.name}: the login step did not send the app a code: {location[:200]}")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    tokens: dict[str, object] = expect(
        server, "authorization_code", await client.post_form(server.token, form, CREDENTIALS)
    ).json()
    return tokens


def local(location: str) -> str:
    """The path and query of a redirect to the server itself (absolute or not)."""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def _mock_idx(server: Server, client: Client, authorize: str, push: bool) -> str:
    signin = expect(server, "authorize", await client.get(authorize), 302).header("location")
    expect(server, "signin page", await client.get(local(signin)))
    state_token = parse_qs(urlsplit(signin).query)["stateToken"][0]
    document = expect(server, "introspect", await client.post_json("/idp/idx/introspect", {"stateToken": state_token}))
    handle = document.json()["stateHandle"]
    login = PUSH_USER if push else PASSWORD_USER
    identify = {"identifier": login, "credentials": {"passcode": PASSWORD}, "stateHandle": handle}
    state = expect(server, "identify", await client.post_json("/idp/idx/identify", identify)).json()
    if push:
        verify = {"id": state["authenticators"]["value"][0]["id"]}
        for choice in (verify, {**verify, "methodType": "push"}):
            body = {"authenticator": choice, "stateHandle": handle}
            state = expect(server, "challenge", await client.post_json("/idp/idx/challenge", body)).json()
        for _ in range(MAX_POLLS):
            if "success" in state:
                break
            poll = await client.post_json("/idp/idx/authenticators/poll", {"stateHandle": handle})
            state = expect(server, "poll", poll).json()
    if "success" not in state:
        raise AssertionError(f"mock-idx: the sign-in did not succeed: {sorted(state)}")
    redirect = await client.get(local(state["success"]["href"]))
    return expect(server, "login/token/redirect", redirect, 302).header("location")


async def _oidc_provider(server: Server, client: Client, authorize: str, push: bool) -> str:
    interaction = expect(server, "auth", await client.get(authorize), 302, 303).header("location")
    expect(server, "login page", await client.get(local(interaction)))
    form = {"prompt": "login", "login": PASSWORD_USER, "password": PASSWORD}
    resume = expect(server, "login", await client.post_form(local(interaction), form), 302, 303).header("location")
    return expect(server, "resume", await client.get(local(resume)), 302, 303).header("location")


async def _form_then_redirect(server: Server, client: Client, authorize: str, form: dict[str, str]) -> str:
    expect(server, "login page", await client.get(authorize))
    return expect(server, "login", await client.post_form(authorize, form), 302, 303).header("location")


async def _oidc_provider_mock(server: Server, client: Client, authorize: str, push: bool) -> str:
    return await _form_then_redirect(server, client, authorize, {"sub": PASSWORD_USER})


async def _nav(server: Server, client: Client, authorize: str, push: bool) -> str:
    return await _form_then_redirect(server, client, authorize, {"username": PASSWORD_USER})


async def _redirect(server: Server, client: Client, authorize: str, push: bool) -> str:
    return expect(server, "authorize", await client.get(authorize), 302, 303).header("location")


LOGIN_STEPS: dict[str, Callable[[Server, Client, str, bool], Awaitable[str]]] = {
    "mock-idx": _mock_idx,
    "oidc-provider": _oidc_provider,
    "oidc-provider-mock": _oidc_provider_mock,
    "mock-oauth2-server": _nav,
    "redirect": _redirect,
}
