"""Hostile requests against the OAuth endpoints, on the org authorization server and a custom one.

Each case is a request an attacker, or a confused app, could send: a token taken to the wrong server or by the wrong
client, a spent refresh token, a forged or foreign ``id_token_hint``, a redirect nobody registered, repeated or
missing parameters. Each must get Okta's answer (a 4xx in OAuth's ``{error, error_description}`` shape, or the 200
that RFC 7009 and RFC 7662 prescribe) and leave every token exactly as it was, which is checked by introspecting them
afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric import rsa

from mock_idx.config import Settings
from tests.support.fixtures import two_clients_settings
from tests.support.idx import Flow, signed_in

LOGIN = "mallory.target@example.com"
HOMES = ("/oauth2/default", "/oauth2")
"""Where the victim's tokens come from; each case runs against both."""
OTHER = "/oauth2/other"
LIVE_TOKENS = ("access_token", "id_token", "refresh_token")


@dataclass(frozen=True)
class Tokens:
    home: str
    away: str
    """The other of the two authorization servers in :data:`HOMES`."""
    live: dict[str, str]
    """app-a's tokens after one refresh: all of them active."""
    rotated: str
    """app-a's first refresh token, spent by that refresh."""
    foreign_id_token: str
    """An ID token for app-a from ``/oauth2/other``."""
    forged_id_token: str
    """The live ID token's claims and kid, signed by a key that is not the server's."""


Form = list[tuple[str, str]]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    params: Form
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Case:
    name: str
    request: Callable[[Tokens], Request]
    status: int
    error: str | None = None
    """The OAuth ``error`` of a 4xx; ``None`` for a 200."""
    body: dict[str, Any] | None = None
    """The exact body of a 200, when there is one."""


def refresh(t: Tokens, token: str, client_id: str = "app-a", server: str | None = None, **extra: str) -> Request:
    form = [("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", client_id), *extra.items()]
    return Request("POST", f"{server or t.home}/v1/token", form)


def form_post(endpoint: str, server: str, *pairs: tuple[str, str]) -> Request:
    return Request("POST", f"{server}/v1/{endpoint}", list(pairs))


def bearer(server: str, token: str, scheme: str = "Bearer") -> Request:
    return Request("GET", f"{server}/v1/userinfo", [], {"Authorization": f"{scheme} {token}"})


def logout(server: str, *pairs: tuple[str, str]) -> Request:
    return Request("GET", f"{server}/v1/logout", list(pairs))


def hint(t: Tokens) -> tuple[str, str]:
    return ("id_token_hint", t.live["id_token"])


A = ("client_id", "app-a")
B = ("client_id", "app-b")
INACTIVE = {"active": False}

CASES = [
    # /v1/token
    Case("token: rotated refresh token", lambda t: refresh(t, t.rotated), 400, "invalid_grant"),
    Case(
        "token: refresh at the other server",
        lambda t: refresh(t, t.live["refresh_token"], server=t.away),
        400,
        "invalid_grant",
    ),
    Case(
        "token: refresh at a third server",
        lambda t: refresh(t, t.live["refresh_token"], server=OTHER),
        400,
        "invalid_grant",
    ),
    Case(
        "token: refresh by the wrong client",
        lambda t: refresh(t, t.live["refresh_token"], "app-b"),
        400,
        "invalid_grant",
    ),
    Case(
        "token: refresh by an unknown client",
        lambda t: refresh(t, t.live["refresh_token"], "nobody"),
        401,
        "invalid_client",
    ),
    Case(
        "token: refresh asking for more scope",
        lambda t: refresh(t, t.live["refresh_token"], scope="openid admin"),
        400,
        "invalid_scope",
    ),
    Case("token: access token as refresh token", lambda t: refresh(t, t.live["access_token"]), 400, "invalid_grant"),
    Case(
        "token: repeated refresh_token",
        lambda t: form_post(
            "token",
            t.home,
            ("grant_type", "refresh_token"),
            A,
            ("refresh_token", t.rotated),
            ("refresh_token", t.live["refresh_token"]),
        ),
        400,
        "invalid_request",
    ),
    Case(
        "token: missing grant_type",
        lambda t: form_post("token", t.home, A, ("refresh_token", t.rotated)),
        400,
        "invalid_request",
    ),
    Case(
        "token: missing refresh_token",
        lambda t: form_post("token", t.home, A, ("grant_type", "refresh_token")),
        400,
        "invalid_request",
    ),
    Case(
        "token: missing client",
        lambda t: form_post("token", t.home, ("grant_type", "refresh_token"), ("refresh_token", t.rotated)),
        401,
        "invalid_client",
    ),
    Case(
        "token: forged interaction code",
        lambda t: form_post(
            "token",
            t.home,
            A,
            ("grant_type", "interaction_code"),
            ("interaction_code", "x"),
            ("redirect_uri", "http://localhost:7777/callback"),
            ("code_verifier", "v" * 43),
        ),
        400,
        "invalid_grant",
    ),
    # /v1/revoke: RFC 7009 answers 200 for a token the caller may not revoke; the token must survive it
    Case(
        "revoke: another client's access token",
        lambda t: form_post("revoke", t.home, B, ("token", t.live["access_token"])),
        200,
    ),
    Case(
        "revoke: another client's refresh token",
        lambda t: form_post("revoke", t.home, B, ("token", t.live["refresh_token"])),
        200,
    ),
    Case(
        "revoke: access token at the other server",
        lambda t: form_post("revoke", t.away, A, ("token", t.live["access_token"])),
        200,
    ),
    Case(
        "revoke: refresh token at a third server",
        lambda t: form_post("revoke", OTHER, A, ("token", t.live["refresh_token"])),
        200,
    ),
    Case(
        "revoke: unknown client",
        lambda t: form_post("revoke", t.home, ("client_id", "nobody"), ("token", t.live["access_token"])),
        401,
        "invalid_client",
    ),
    Case(
        "revoke: repeated token",
        lambda t: form_post("revoke", t.home, A, ("token", "x"), ("token", t.live["access_token"])),
        400,
        "invalid_request",
    ),
    Case("revoke: missing token", lambda t: form_post("revoke", t.home, A), 400, "invalid_request"),
    # /v1/introspect: RFC 7662 answers {"active": false} for what the caller may not see
    Case(
        "introspect: access token at the other server",
        lambda t: form_post("introspect", t.away, A, ("token", t.live["access_token"])),
        200,
        body=INACTIVE,
    ),
    Case(
        "introspect: refresh token at a third server",
        lambda t: form_post("introspect", OTHER, A, ("token", t.live["refresh_token"])),
        200,
        body=INACTIVE,
    ),
    Case(
        "introspect: another client's refresh token",
        lambda t: form_post("introspect", t.home, B, ("token", t.live["refresh_token"])),
        200,
        body=INACTIVE,
    ),
    Case(
        "introspect: another client's ID token",
        lambda t: form_post("introspect", t.home, B, ("token", t.live["id_token"])),
        200,
        body=INACTIVE,
    ),
    Case(
        "introspect: rotated refresh token",
        lambda t: form_post("introspect", t.home, A, ("token", t.rotated)),
        200,
        body=INACTIVE,
    ),
    Case(
        "introspect: forged ID token",
        lambda t: form_post("introspect", t.home, A, ("token", t.forged_id_token)),
        200,
        body=INACTIVE,
    ),
    Case(
        "introspect: unknown client",
        lambda t: form_post("introspect", t.home, ("client_id", "nobody"), ("token", t.live["access_token"])),
        401,
        "invalid_client",
    ),
    Case(
        "introspect: repeated token",
        lambda t: form_post("introspect", t.home, A, ("token", t.live["access_token"]), ("token", "x")),
        400,
        "invalid_request",
    ),
    Case("introspect: missing token", lambda t: form_post("introspect", t.home, A), 400, "invalid_request"),
    # /v1/userinfo
    Case(
        "userinfo: access token at the other server",
        lambda t: bearer(t.away, t.live["access_token"]),
        401,
        "invalid_token",
    ),
    Case(
        "userinfo: access token at a third server",
        lambda t: bearer(OTHER, t.live["access_token"]),
        401,
        "invalid_token",
    ),
    Case("userinfo: ID token as bearer", lambda t: bearer(t.home, t.live["id_token"]), 401, "invalid_token"),
    Case("userinfo: refresh token as bearer", lambda t: bearer(t.home, t.live["refresh_token"]), 401, "invalid_token"),
    Case("userinfo: forged token", lambda t: bearer(t.home, t.forged_id_token), 401, "invalid_token"),
    Case(
        "userinfo: basic instead of bearer",
        lambda t: bearer(t.home, t.live["access_token"], "Basic"),
        401,
        "invalid_token",
    ),
    Case("userinfo: no credentials", lambda t: Request("GET", f"{t.home}/v1/userinfo", []), 401, "invalid_token"),
    # /v1/logout: refused, never redirected
    Case(
        "logout: forged hint",
        lambda t: logout(
            t.home, ("id_token_hint", t.forged_id_token), ("post_logout_redirect_uri", "https://a.test/bye")
        ),
        400,
        "invalid_request",
    ),
    Case(
        "logout: foreign hint",
        lambda t: logout(
            t.home, ("id_token_hint", t.foreign_id_token), ("post_logout_redirect_uri", "https://a.test/bye")
        ),
        400,
        "invalid_request",
    ),
    Case("logout: hint at the other server", lambda t: logout(t.away, hint(t)), 400, "invalid_request"),
    Case(
        "logout: garbage hint",
        lambda t: logout(t.home, ("id_token_hint", "eyJhbGciOiJub25lIn0.e30.")),
        400,
        "invalid_request",
    ),
    Case(
        "logout: access token as hint",
        lambda t: logout(t.home, ("id_token_hint", t.live["access_token"])),
        400,
        "invalid_request",
    ),
    Case(
        "logout: unregistered redirect",
        lambda t: logout(t.home, hint(t), ("post_logout_redirect_uri", "https://evil.test/")),
        400,
        "invalid_request",
    ),
    Case(
        "logout: another client's redirect",
        lambda t: logout(t.home, hint(t), ("post_logout_redirect_uri", "https://b.test/bye")),
        400,
        "invalid_request",
    ),
    Case(
        "logout: javascript: redirect",
        lambda t: logout(t.home, hint(t), ("post_logout_redirect_uri", "javascript:alert(document.domain)")),
        400,
        "invalid_request",
    ),
    Case(
        "logout: header-splitting redirect",
        lambda t: logout(t.home, hint(t), ("post_logout_redirect_uri", "https://a.test/bye\r\nSet-Cookie: x=1")),
        400,
        "invalid_request",
    ),
    Case(
        "logout: redirect without a hint",
        lambda t: logout(t.home, ("post_logout_redirect_uri", "https://a.test/bye")),
        400,
        "invalid_request",
    ),
    Case(
        "logout: repeated redirect",
        lambda t: logout(
            t.home,
            hint(t),
            ("post_logout_redirect_uri", "https://a.test/bye"),
            ("post_logout_redirect_uri", "https://evil.test/"),
        ),
        400,
        "invalid_request",
    ),
    Case(
        "logout: repeated hint",
        lambda t: logout(t.home, hint(t), ("id_token_hint", t.forged_id_token)),
        400,
        "invalid_request",
    ),
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The server of every case registers app-a and app-b (``client`` comes from tests/support/fixtures.py)."""
    return two_clients_settings(tmp_path)


async def sign_in(client: TestClient[Any, Any], issuer_path: str) -> dict[str, str]:
    """The victim signs in to app-a at ``issuer_path``, with a refresh token."""
    flow = Flow(client, client_id="app-a", issuer_path=issuer_path, scope="openid profile offline_access")
    return (await signed_in(client, LOGIN, flow))[1]


@pytest.fixture(params=HOMES)
async def tokens(request: pytest.FixtureRequest, client: TestClient[Any, Any]) -> Tokens:
    home = request.param
    first = await sign_in(client, home)
    renewed = await client.post(
        f"{home}/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"], "client_id": "app-a"},
    )
    assert renewed.status == 200
    live = await renewed.json()
    claims = jwt.decode(live["id_token"], options={"verify_signature": False})
    kid = jwt.get_unverified_header(live["id_token"])["kid"]
    forged = jwt.encode(claims, rsa.generate_private_key(65537, 2048), "RS256", headers={"kid": kid})
    return Tokens(
        home=home,
        away=next(h for h in HOMES if h != home),
        live=live,
        rotated=first["refresh_token"],
        foreign_id_token=(await sign_in(client, OTHER))["id_token"],
        forged_id_token=forged,
    )


async def introspect(client: TestClient[Any, Any], server: str, token: str) -> dict[str, Any]:
    response = await client.post(f"{server}/v1/introspect", data={"client_id": "app-a", "token": token})
    assert response.status == 200
    answer: dict[str, Any] = await response.json()
    return answer


async def token_states(client: TestClient[Any, Any], t: Tokens) -> dict[str, dict[str, Any]]:
    named = {name: t.live[name] for name in LIVE_TOKENS} | {"rotated": t.rotated}
    return {name: await introspect(client, t.home, token) for name, token in named.items()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_hostile_request_is_refused_and_changes_nothing(client: TestClient[Any, Any], tokens: Tokens, case: Case):
    before = await token_states(client, tokens)
    assert all(before[name]["active"] for name in LIVE_TOKENS) and before["rotated"] == INACTIVE

    request = case.request(tokens)
    if request.method == "GET":
        response = await client.get(request.path, params=request.params, headers=request.headers, allow_redirects=False)
    else:
        response = await client.post(request.path, data=request.params, headers=request.headers)

    assert response.status == case.status, await response.text()
    assert "Location" not in response.headers
    if case.error is not None and request.path.endswith("/v1/logout"):
        # A browser is sent here: Okta answers its error page, never JSON and never a redirect (issue #17).
        page = await response.text()
        assert response.content_type == "text/html" and case.error in page, page[:500]
    elif case.error is not None:
        body = await response.json()
        assert set(body) == {"error", "error_description"} and body["error"] == case.error, body
        if response.status == 401:
            challenge = response.headers["WWW-Authenticate"]
            assert challenge.startswith('Bearer error="invalid_token"' if case.error == "invalid_token" else "Basic")
    elif case.body is not None:
        assert await response.json() == case.body
    assert await token_states(client, tokens) == before
