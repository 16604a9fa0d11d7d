"""OAuth and OIDC: discovery, interact checks, the interaction-code exchange, tokens verified against the JWKS."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric import rsa

from mock_idx.config import Settings
from tests.support.fixtures import app_in_loop, two_clients_settings
from tests.support.idx import REDIRECT_URI, Flow, control, put_user, signed_in

LOGIN = "barbara@example.com"


async def verify(client, token: str, audience: str | None = None) -> dict[str, Any]:
    config = await (await client.get("/oauth2/default/.well-known/openid-configuration")).json()
    jwks = await (await client.get(config["jwks_uri"].split(str(client.make_url("")).rstrip("/"))[1])).json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=audience,
        issuer=config["issuer"],
        options={"verify_aud": audience is not None},
    )


@pytest.mark.parametrize(
    ("path", "issuer_suffix"),
    [
        ("/oauth2/default/.well-known/openid-configuration", "/oauth2/default"),
        ("/oauth2/default/.well-known/oauth-authorization-server", "/oauth2/default"),
        ("/oauth2/aus123/.well-known/openid-configuration", "/oauth2/aus123"),
        ("/.well-known/openid-configuration", ""),
    ],
)
async def test_discovery_for_custom_and_org_servers(client, path, issuer_suffix):
    config = await (await client.get(path)).json()
    base = str(client.make_url("")).rstrip("/")
    assert config["issuer"] == base + issuer_suffix
    assert config["code_challenge_methods_supported"] == ["S256"]
    endpoints = base + (issuer_suffix or "/oauth2")
    assert config["jwks_uri"] == f"{endpoints}/v1/keys" and config["token_endpoint"] == f"{endpoints}/v1/token"


async def test_id_token_verifies_against_the_published_keys_with_every_claim(client, flow: Flow):
    _, tokens = await signed_in(client, LOGIN, flow)
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600 and "state" not in tokens
    claims = await verify(client, tokens["id_token"], audience="test-client")
    assert claims["email"] == LOGIN and claims["preferred_username"] == LOGIN and claims["name"] == "Ada Lovelace"
    assert claims["nonce"] == "nonce-1" and claims["amr"] == ["pwd", "swk", "mfa"]
    assert claims["exp"] - claims["iat"] == 3600 and claims["auth_time"] <= claims["iat"]
    digest = hashlib.sha256(tokens["access_token"].encode()).digest()[:16]
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def test_access_token_is_a_jwt_with_scopes_user_and_client(client, flow: Flow):
    _, tokens = await signed_in(client, LOGIN, flow)
    claims = await verify(client, tokens["access_token"], audience="api://default")
    assert claims["scp"] == ["openid", "profile", "email"] and claims["cid"] == "test-client"
    assert claims["uid"].startswith("00u") and claims["sub"] == LOGIN


async def test_org_server_tokens_carry_the_org_issuer(client):
    flow = Flow(client, issuer_path="/oauth2")
    await put_user(client, LOGIN, outcome="approve")
    await flow.push_sign_in(LOGIN)
    await flow.poll()
    tokens = await (await flow.exchange()).json()
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["iss"] == str(client.make_url("")).rstrip("/")


async def test_interaction_code_is_single_use(client, flow: Flow):
    await signed_in(client, LOGIN, flow)
    replay = await flow.exchange()
    assert replay.status == 400
    assert await replay.json() == {
        "error": "invalid_grant",
        "error_description": "The interaction code is invalid or has expired.",
    }


@pytest.mark.parametrize(
    ("override", "description"),
    [
        ({"code_verifier": "a" * 43}, "PKCE verification failed."),
        ({"client_id": "another-client"}, "The interaction code is invalid or has expired."),
        (
            {"redirect_uri": "http://evil.test/cb"},
            "The redirect URI does not match the one used in the authorize request.",
        ),
    ],
)
async def test_code_is_bound_to_its_client_redirect_and_pkce(client, flow: Flow, override, description):
    await put_user(client, LOGIN, outcome="approve")
    await flow.push_sign_in(LOGIN)
    await flow.poll()
    refused = await flow.exchange(**override)
    assert refused.status == 400 and (await refused.json())["error_description"] == description
    assert (await flow.exchange()).status == 400, "a refused code is spent too"


async def test_interaction_code_expires(client, flow: Flow):
    await put_user(client, LOGIN, outcome="approve")
    await flow.push_sign_in(LOGIN)
    await flow.poll()
    await control(client, "POST", "/clock/advance", json={"seconds": 61})
    assert (await flow.exchange()).status == 400


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        (
            {"redirect_uri": REDIRECT_URI, "code_challenge": "x" * 43, "code_challenge_method": "S256"},
            401,
            "invalid_client",
        ),
        ({"client_id": "c", "code_challenge": "x" * 43, "code_challenge_method": "S256"}, 400, "invalid_request"),
        ({"client_id": "c", "redirect_uri": REDIRECT_URI}, 400, "invalid_request"),
        (
            {"client_id": "c", "redirect_uri": REDIRECT_URI, "code_challenge": "x", "code_challenge_method": "plain"},
            400,
            "invalid_request",
        ),
    ],
)
async def test_interact_refuses_incomplete_requests(client, form, status, error):
    response = await client.post("/oauth2/default/v1/interact", data=form)
    assert response.status == status and (await response.json())["error"] == error


async def test_registered_clients_and_redirects_are_enforced_once_a_scenario_registers_them(tmp_path):
    scenario = tmp_path / "clients.yaml"
    scenario.write_text("settings:\n  clients:\n    - client_id: known\n      redirect_uris: [http://app.test/cb]\n")
    async with app_in_loop(Settings(scenario=str(scenario))) as client:
        base = {"code_challenge": "x" * 43, "code_challenge_method": "S256", "scope": "openid"}
        unknown = await client.post(
            "/oauth2/default/v1/interact", data={**base, "client_id": "other", "redirect_uri": "http://app.test/cb"}
        )
        assert unknown.status == 401
        bad_redirect = await client.post(
            "/oauth2/default/v1/interact", data={**base, "client_id": "known", "redirect_uri": "http://x.test/cb"}
        )
        assert bad_redirect.status == 400
        good = await client.post(
            "/oauth2/default/v1/interact", data={**base, "client_id": "known", "redirect_uri": "http://app.test/cb"}
        )
        assert good.status == 200


async def test_refresh_token_grant(client):
    flow = Flow(client, scope="openid profile offline_access")
    _, tokens = await signed_in(client, LOGIN, flow)
    refreshed = await client.post(
        "/oauth2/default/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "test-client"},
    )
    assert refreshed.status == 200
    assert "id_token" in await refreshed.json()
    stolen = await client.post(
        "/oauth2/default/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "other"},
    )
    assert stolen.status == 400 and (await stolen.json())["error"] == "invalid_grant"


async def test_unsupported_grant_type(client):
    response = await client.post("/oauth2/default/v1/token", data={"grant_type": "password", "client_id": "c"})
    assert response.status == 400 and (await response.json())["error"] == "unsupported_grant_type"


async def test_userinfo_introspect_revoke(client, flow: Flow):
    _, tokens = await signed_in(client, LOGIN, flow)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    info = await (await client.get("/oauth2/default/v1/userinfo", headers=bearer)).json()
    assert info["email"] == LOGIN and info["sub"].startswith("00u")
    assert (await client.post("/oauth2/default/v1/userinfo", headers=bearer)).status == 200

    form = {"client_id": "test-client", "token": tokens["access_token"]}
    active = await (await client.post("/oauth2/default/v1/introspect", data=form)).json()
    assert active["active"] is True and active["client_id"] == "test-client" and active["username"] == LOGIN

    assert (await client.post("/oauth2/default/v1/revoke", data=form)).status == 200
    assert (await (await client.post("/oauth2/default/v1/introspect", data=form)).json()) == {"active": False}
    assert (await client.get("/oauth2/default/v1/userinfo", headers=bearer)).status == 401


async def test_tokens_are_inactive_after_they_expire(client, flow: Flow):
    _, tokens = await signed_in(client, LOGIN, flow)
    await control(client, "POST", "/clock/advance", json={"seconds": 3601})
    form = {"client_id": "test-client", "token": tokens["access_token"]}
    assert (await (await client.post("/oauth2/default/v1/introspect", data=form)).json()) == {"active": False}


async def test_garbage_tokens_are_simply_inactive(client):
    for token in ("", "abc", "a.b.c", "x" * 5000):
        response = await client.post("/oauth2/default/v1/introspect", data={"client_id": "c", "token": token or "-"})
        assert response.status == 200 and await response.json() == {"active": False}


async def test_logout_redirects_with_state(client, flow: Flow):
    """Okta's /v1/logout redirects to post_logout_redirect_uri when id_token_hint names the client, echoing state."""
    _, tokens = await signed_in(client, LOGIN, flow)
    response = await client.get(
        "/oauth2/default/v1/logout",
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "http://localhost:7777/bye",
            "state": "s1",
        },
        allow_redirects=False,
    )
    assert response.status == 302 and response.headers["Location"] == "http://localhost:7777/bye?state=s1"


async def test_logout_without_a_redirect_just_signs_out(client):
    response = await client.get("/oauth2/default/v1/logout")
    assert response.status == 200 and await response.text() == "Signed out."


async def test_a_key_file_keeps_the_key_across_restarts(tmp_path):
    settings = Settings(key_file=tmp_path / "key.pem")
    kids = []
    for _ in range(2):
        async with app_in_loop(settings) as client:
            kids.append((await (await client.get("/oauth2/default/v1/keys")).json())["keys"][0]["kid"])
    assert kids[0] == kids[1]
    assert oct((tmp_path / "key.pem").stat().st_mode)[-3:] == "600"
    async with app_in_loop(Settings()) as client:
        fresh = (await (await client.get("/oauth2/default/v1/keys")).json())["keys"][0]
    assert fresh["kid"] != kids[0] and fresh["alg"] == "RS256" and fresh["kty"] == "RSA"


async def test_tokens_minted_after_the_clock_moved_are_not_issued_in_the_future(client, flow: Flow):
    """Real SDKs check iat/exp on their own clock: JWT times are wall-clock, expiry is judged on the virtual one."""
    import time

    await control(client, "POST", "/clock/advance", json={"seconds": 7200})
    _, tokens = await signed_in(client, LOGIN, flow)
    for token in (tokens["id_token"], tokens["access_token"]):
        claims = jwt.decode(token, options={"verify_signature": False})
        assert abs(claims["iat"] - time.time()) < 300 and claims["auth_time"] <= claims["iat"]
    form = {"client_id": "test-client", "token": tokens["access_token"]}
    assert (await (await client.post("/oauth2/default/v1/introspect", data=form)).json())["active"] is True
    await control(client, "POST", "/clock/advance", json={"seconds": 3601})
    assert (await (await client.post("/oauth2/default/v1/introspect", data=form)).json()) == {"active": False}


async def test_interact_is_journalled_under_its_transaction(client, flow: Flow):
    await flow.start()
    _, journal = await control(client, "GET", "/journal")
    interact = next(e for e in journal["entries"] if e["path"].endswith("/v1/interact"))
    introspect = next(e for e in journal["entries"] if e["path"] == "/idp/idx/introspect")
    assert interact["transaction"] is not None and interact["transaction"] == introspect["transaction"]


# --- Okta's strict edges: rotation, one authorization server, one client, verified logout ---------------------------


@pytest.fixture
async def registered(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    """A server whose scenario registers two clients, each with its own logout redirect."""
    async with app_in_loop(two_clients_settings(tmp_path)) as test_client:
        yield test_client


async def sign_in_as(client, client_id: str = "test-client", issuer_path: str = "/oauth2/default") -> dict[str, Any]:
    flow = Flow(client, client_id=client_id, issuer_path=issuer_path, scope="openid profile offline_access")
    return (await signed_in(client, LOGIN, flow))[1]


async def refresh(client, refresh_token: str, client_id: str = "test-client", server: str = "/oauth2/default"):
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    return await client.post(f"{server}/v1/token", data=form)


async def active(client, token: str, client_id: str = "test-client", server: str = "/oauth2/default") -> bool:
    response = await client.post(f"{server}/v1/introspect", data={"client_id": client_id, "token": token})
    assert response.status == 200
    is_active: bool = (await response.json())["active"]
    return is_active


async def test_a_rotated_refresh_token_is_refused_and_its_successor_keeps_working(client):
    """Okta's refresh token rotation: "as soon as the new tokens are issued, Okta invalidates the refresh token that
    was passed". mock-idx rotates on every refresh with no grace period, and (unlike Okta's reuse detection) a refused
    replay leaves the newest token alone: a refused request changes nothing."""
    first = await sign_in_as(client)
    renewed = await refresh(client, first["refresh_token"])
    assert renewed.status == 200
    second = await renewed.json()
    assert second["refresh_token"] != first["refresh_token"] and "id_token" in second

    replay = await refresh(client, first["refresh_token"])
    assert replay.status == 400
    assert await replay.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token is invalid or expired.",
    }
    assert not await active(client, first["refresh_token"])
    assert await active(client, second["refresh_token"]) and await active(client, second["access_token"])
    third = await refresh(client, second["refresh_token"])
    assert third.status == 200 and (await third.json())["refresh_token"] not in (first["refresh_token"], None)


async def test_a_refresh_that_asks_for_more_scope_spends_nothing(client):
    """Okta refuses a refresh whose scope is not a subset of the original grant (invalid_scope)."""
    tokens = await sign_in_as(client)
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "test-client"}
    wider = await client.post("/oauth2/default/v1/token", data={**form, "scope": "openid admin"})
    assert wider.status == 400 and (await wider.json())["error"] == "invalid_scope"
    narrower = await client.post("/oauth2/default/v1/token", data={**form, "scope": "openid"})
    assert narrower.status == 200 and (await narrower.json())["scope"] == "openid"


async def test_tokens_are_only_good_at_the_authorization_server_that_minted_them(client):
    """Okta keeps the org authorization server and each custom one apart: a token is validated by its issuer only."""
    tokens = await sign_in_as(client)
    access, refresh_token = tokens["access_token"], tokens["refresh_token"]
    for server in ("/oauth2", "/oauth2/other"):
        assert not await active(client, access, server=server), server
        assert not await active(client, refresh_token, server=server), server
        info = await client.get(f"{server}/v1/userinfo", headers={"Authorization": f"Bearer {access}"})
        assert info.status == 401 and (await info.json())["error"] == "invalid_token"
        assert info.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
        elsewhere = await refresh(client, refresh_token, server=server)
        assert elsewhere.status == 400 and (await elsewhere.json())["error"] == "invalid_grant"
        for token in (access, refresh_token):
            revoked = await client.post(f"{server}/v1/revoke", data={"client_id": "test-client", "token": token})
            assert revoked.status == 200  # RFC 7009: nothing to say about a token this server does not know
    assert await active(client, access) and await active(client, refresh_token)
    assert (await refresh(client, refresh_token)).status == 200


async def test_a_client_revokes_only_its_own_tokens(registered):
    """Okta's /v1/revoke: "a client may only revoke its own tokens"; RFC 7009 still answers 200."""
    await put_user(registered, LOGIN, outcome="approve")
    tokens = await sign_in_as(registered, "app-a")
    for name in ("access_token", "refresh_token", "id_token"):
        response = await registered.post(
            "/oauth2/default/v1/revoke", data={"client_id": "app-b", "token": tokens[name]}
        )
        assert response.status == 200, name
    assert await active(registered, tokens["access_token"], "app-a")
    assert await active(registered, tokens["refresh_token"], "app-a")
    assert await active(registered, tokens["id_token"], "app-a")
    unknown = await registered.post("/oauth2/default/v1/revoke", data={"client_id": "nobody", "token": "x"})
    assert unknown.status == 401 and (await unknown.json())["error"] == "invalid_client"


async def test_introspection_by_another_client(registered):
    """Okta lets a resource server, registered as a client of its own, introspect the access tokens apps send it; a
    refresh or ID token is active only for the client it was issued to."""
    await put_user(registered, LOGIN, outcome="approve")
    tokens = await sign_in_as(registered, "app-a")
    assert await active(registered, tokens["access_token"], "app-b")
    assert not await active(registered, tokens["refresh_token"], "app-b")
    assert not await active(registered, tokens["id_token"], "app-b")
    stolen = await refresh(registered, tokens["refresh_token"], "app-b")
    assert stolen.status == 400 and (await stolen.json())["error"] == "invalid_grant"
    assert await active(registered, tokens["refresh_token"], "app-a")


async def logout(client, server: str = "/oauth2/default", **params: str):
    return await client.get(f"{server}/v1/logout", params=params, allow_redirects=False)


async def test_logout_redirects_only_to_a_logout_uri_of_the_tokens_client(registered):
    """Okta's /v1/logout only redirects to a Logout redirect URI registered for the app the id_token_hint names."""
    await put_user(registered, LOGIN, outcome="approve")
    hint = (await sign_in_as(registered, "app-a"))["id_token"]
    ok = await logout(registered, id_token_hint=hint, post_logout_redirect_uri="https://a.test/bye", state="x y")
    assert ok.status == 302 and ok.headers["Location"] == "https://a.test/bye?state=x+y"
    for target in ("https://b.test/bye", "https://evil.test/", "https://a.test/bye/", "javascript:alert(1)"):
        refused = await logout(registered, id_token_hint=hint, post_logout_redirect_uri=target)
        assert refused.status == 400 and "Location" not in refused.headers, target
        page = await refused.text()  # Okta's error page: the browser stays on the org
        assert refused.content_type == "text/html" and "invalid_request" in page
        assert "The &#39;post_logout_redirect_uri&#39; parameter must be a Logout redirect URI" in page, page


async def test_logout_accepts_an_expired_id_token_hint(client, flow: Flow):
    """Okta's /v1/logout takes an expired ID token as id_token_hint: apps sign out long after the token's hour."""
    _, tokens = await signed_in(client, LOGIN, flow)
    await control(client, "POST", "/clock/advance", json={"seconds": 7200})
    response = await logout(client, id_token_hint=tokens["id_token"], post_logout_redirect_uri="http://localhost:7777/")
    assert response.status == 302 and response.headers["Location"] == "http://localhost:7777/"


async def test_logout_refuses_hints_this_server_did_not_sign_as_an_id_token(client, flow: Flow):
    """A forged, foreign or garbled id_token_hint, or an access token in its place, is a 400 and never a redirect."""
    _, tokens = await signed_in(client, LOGIN, flow)
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    kid = jwt.get_unverified_header(tokens["id_token"])["kid"]
    forged = jwt.encode(claims, rsa.generate_private_key(65537, 2048), "RS256", headers={"kid": kid})
    for hint in (forged, tokens["access_token"], "garbage", tokens["id_token"] + "x"):
        response = await logout(client, id_token_hint=hint, post_logout_redirect_uri="http://localhost:7777/")
        assert response.status == 400 and "invalid_request" in await response.text()
    foreign = await logout(client, "/oauth2/other", id_token_hint=tokens["id_token"])
    assert foreign.status == 400
    unhinted = await logout(client, post_logout_redirect_uri="http://localhost:7777/")
    assert unhinted.status == 400 and "Location" not in unhinted.headers
