"""Authorization servers as an Okta admin configures them (issue #19), over HTTP on both stores: what each rule and
scope puts in the tokens, what every refusal answers, and what the scenario validator says about a broken server.

One scenario describes an org the way its admin would: an ``orders`` API server (its audience, three custom scopes,
claims from profile attributes, groups, constants and expressions; one policy for a reporting service and one for the
orders apps, whose rules pick users by group or by login), an ``hr`` server only its HR group gets through, and a
``plain`` server listed by id, which behaves as Okta ships a new one. Tokens are checked the way the apps using them
would: signatures with PyJWT against the server's ``/v1/keys``, and an API's own check of ``aud`` and ``scp`` as
okta-jwt-verifier does it. Errors are Okta's: ``invalid_scope`` with "One or more scopes are not configured for the
authorization server resource.", and ``access_denied`` with "Policy evaluation failed for this request, please check
the policy configurations." (Okta's support article on access policies quotes it, and says a rule that does not cover
every requested scope is skipped, evaluation moving on to the next rule).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import jwt
import pytest
from aiohttp.test_utils import TestClient

from mock_idx import cli, scenario
from mock_idx.config import Settings
from mock_idx.model.servers import POLICY_FAILED
from mock_idx.scenario.server_specs import MAX_REGEX_SIZE
from tests.support import pkce
from tests.support.idx import PASSWORD, REDIRECT_URI, Flow, advance

UNKNOWN_SCOPE = "One or more scopes are not configured for the authorization server resource."
NO_DEFAULT_SCOPE = (
    "The authorization server resource does not have any configured default scopes, 'scope' must be provided."
)
SECRET = "svc-secret"
ORDERS = "/oauth2/orders"
HR = "/oauth2/hr"
PLAIN = "/oauth2/plain"
ORG = "/oauth2"
"""Where the org authorization server's endpoints are (its issuer is the org's own URL)."""
ORG_AUDIENCE = "https://org.example.test"
ADMIN_LIFETIME = 300
BOB_LIFETIME = 900
REPORT_LIFETIME = 600
ADMIN_REFRESH_LIFETIME = 7200
DEFAULT_LIFETIME = 3600
"""The scenario's ``access_token_lifetime`` (left at its default), for a rule that sets none."""
ANN, BOB, CAT, DAN = "ann@example.com", "bob@example.com", "cat@example.com", "dan@example.com"
ANN_GROUPS = ["OrdersAdmins", "OrdersEU", "Finance"]
PROFILES: dict[str, dict[str, str]] = {
    ANN: {"tenant": "acme", "department": "Sales", "nickname": "annie"},
    BOB: {"tenant": "globex", "department": "Ops"},
    CAT: {"tenant": "initech"},
    DAN: {"tenant": "hooli"},
}

ORDERS_SERVER: dict[str, Any] = {
    "id": "orders",
    "audience": "api://orders",
    "scopes": [{"name": "orders:read", "default": True}, {"name": "orders:write"}, {"name": "orders:admin"}],
    "claims": [
        {"name": "groups", "token": "id", "groups": {"starts_with": "Orders"}, "scopes": ["openid"]},
        {"name": "department", "token": "id", "value": "user.department", "scopes": ["profile"]},
        {"name": "nickname", "token": "id", "value": "appuser.nickname", "always_in_id_token": False},
        {"name": "tenant", "value": "user.tenant"},
        {"name": "plan", "value": '"gold"'},
        {"name": "is_admin", "value": 'isMemberOfGroupName("OrdersAdmins")'},
        {"name": "eu", "value": 'Groups.startsWith("OKTA", "OrdersEU", 10)'},
        {"name": "roles", "groups": {"regex": "Orders(Admins|Writers)"}},
        {"name": "audit", "value": '"on"', "scopes": ["orders:admin"]},
    ],
    "access_policies": [
        {
            "name": "Reporting",
            "clients": ["orders-svc"],
            "rules": [
                {
                    "name": "Reports",
                    "grant_types": ["client_credentials"],
                    "scopes": ["orders:read", "orders:write"],
                    "access_token_lifetime": REPORT_LIFETIME,
                }
            ],
        },
        {
            "name": "Orders apps",
            "clients": ["orders-spa", "orders-web", "legacy-svc"],
            "rules": [
                {
                    "name": "Admins",
                    "groups": ["OrdersAdmins"],
                    "grant_types": ["authorization_code", "interaction_code", "refresh_token"],
                    "scopes": ["*"],
                    "access_token_lifetime": ADMIN_LIFETIME,
                    "refresh_token_lifetime": ADMIN_REFRESH_LIFETIME,
                },
                {
                    "name": "Bob",
                    "users": [BOB],
                    "grant_types": ["authorization_code", "interaction_code", "refresh_token"],
                    "scopes": ["openid", "profile", "email", "offline_access", "orders:read", "orders:write"],
                    "access_token_lifetime": BOB_LIFETIME,
                },
                {
                    "name": "Everyone else",
                    "grant_types": ["authorization_code", "interaction_code"],
                    "scopes": ["openid", "profile", "email", "offline_access", "orders:read"],
                },
            ],
        },
    ],
}
HR_SERVER: dict[str, Any] = {
    "id": "hr",
    "access_policies": [{"name": "HR only", "rules": [{"name": "HR staff", "groups": ["HR"]}]}],
}
SCENARIO: dict[str, Any] = {
    "settings": {
        "custom_scopes": ["legacy:read"],
        "clients": [
            {"client_id": "orders-spa", "type": "spa", "redirect_uris": [REDIRECT_URI]},
            {"client_id": "orders-web", "type": "web", "client_secret": SECRET, "redirect_uris": [REDIRECT_URI]},
            {"client_id": "other-spa", "type": "spa", "redirect_uris": [REDIRECT_URI]},
            {"client_id": "orders-svc", "type": "service", "client_secret": SECRET},
            {"client_id": "legacy-svc", "type": "service", "client_secret": SECRET},
            {"client_id": "orders-api", "type": "service", "client_secret": SECRET},
        ],
        "authorization_servers": [ORDERS_SERVER, HR_SERVER, "plain"],
        "org_authorization_server": {
            "audience": ORG_AUDIENCE,
            "claims": [{"name": "org_tier", "value": '"enterprise"'}],
        },
    }
}


@pytest.fixture
def settings(store_setting: str, tmp_path: Path) -> Settings:
    path = tmp_path / "servers.yaml"
    path.write_text(json.dumps(SCENARIO), encoding="utf-8")  # JSON is YAML
    return Settings(poll_refresh_ms=100, store=store_setting, scenario=str(path))


# --- helpers ---------------------------------------------------------------------------------------------------------


async def member(client: TestClient[Any, Any], login: str, groups: list[str]) -> None:
    """``login`` in ``groups``, with the profile attributes the claims read, signing in by push (approved at the
    first poll), through the control API as a test sets a user up."""
    body = {
        "password": PASSWORD,
        "profile": PROFILES.get(login, {}),
        "groups": groups,
        "authenticators": {"okta_verify": {"methods": ["push"], "push": {"outcome": "approve"}}},
    }
    response = await client.put(f"/_mock/v1/users/{login}", json=body)
    assert response.status == 200, await response.text()
    assert (await response.json())["groups"] == groups


async def embedded(
    client: TestClient[Any, Any], login: str, scope: str, *, server: str = ORDERS, client_id: str = "orders-spa"
) -> tuple[int, dict[str, Any]]:
    """An embedded (IDX) sign-in by push, ended at the token endpoint: its status and body."""
    flow = Flow(client, client_id=client_id, issuer_path=server, scope=scope)
    await flow.push_sign_in(login)
    await flow.poll()
    response = await flow.exchange()
    body: dict[str, Any] = await response.json()
    return response.status, body


async def tokens(client: TestClient[Any, Any], login: str, scope: str, **where: str) -> dict[str, Any]:
    status, body = await embedded(client, login, scope, **where)
    assert status == 200, body
    return body


def authorize_query(client_id: str, scope: str, verifier: str) -> dict[str, str]:
    return {
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": scope,
        "state": "app-state",
        "nonce": "app-nonce",
        "code_challenge": pkce.challenge(verifier),
        "code_challenge_method": "S256",
    }


def app_params(location: str) -> dict[str, str]:
    """What the app's callback receives (each parameter once)."""
    assert location.startswith(REDIRECT_URI + "?"), location
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


async def hosted(
    client: TestClient[Any, Any], login: str, scope: str, *, server: str, client_id: str = "orders-spa"
) -> tuple[dict[str, str], str]:
    """A hosted sign-in as a browser with the widget makes it: ``/v1/authorize``, the IDX steps with the page's
    stateToken, then ``/login/token/redirect``; what the app's callback gets, and the PKCE verifier."""
    client.session.cookie_jar.clear()  # a browser with no Okta session yet
    verifier = pkce.new_verifier()
    query = authorize_query(client_id, scope, verifier)
    opened = await client.get(f"{server}/v1/authorize", params=query, allow_redirects=False)
    assert opened.status == 302, await opened.text()
    state_token = parse_qs(urlsplit(opened.headers["Location"]).query)["stateToken"][0]
    flow = Flow(client)
    await flow.introspect(stateToken=state_token)
    await flow.identify(login)
    await flow.choose()
    await flow.choose("push")
    done = await flow.poll()
    assert done.body["success"]["name"] == "success-redirect", done.body
    back = await client.get("/login/token/redirect", params={"stateToken": state_token}, allow_redirects=False)
    assert back.status == 302, await back.text()
    return app_params(back.headers["Location"]), verifier


def basic(client_id: str, secret: str = SECRET) -> dict[str, str]:
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


async def post(
    client: TestClient[Any, Any], path: str, form: dict[str, str], headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    response = await client.post(path, data=form, headers=headers)
    body: dict[str, Any] = await response.json(content_type=None)
    return response.status, body


def issuer(client: TestClient[Any, Any], server: str) -> str:
    return str(client.make_url("" if server == ORG else server)).rstrip("/")


async def keys(client: TestClient[Any, Any], server: str) -> dict[str, Any]:
    jwks: dict[str, Any] = await (await client.get(f"{server}/v1/keys")).json()
    return jwks


async def verified(
    client: TestClient[Any, Any], token: str, *, server: str = ORDERS, audience: str | None = None
) -> dict[str, Any]:
    """The token's claims, its signature checked against the server's published keys, its issuer and (given one)
    its audience too."""
    key = jwt.PyJWKSet.from_dict(await keys(client, server))[jwt.get_unverified_header(token)["kid"]]
    claims: dict[str, Any] = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        issuer=issuer(client, server),
        audience=audience,
        options={"verify_aud": audience is not None},
    )
    return claims


class MissingScope(Exception):
    """The API's answer to a valid token without the scope the route needs (a 403 insufficient_scope)."""


def api_accepts(token: str, jwks: dict[str, Any], *, issuer: str, audience: str, scope: str) -> dict[str, Any]:
    """What an API in front of the orders server does with a bearer token, as okta-jwt-verifier's
    ``verifyAccessToken(token, expectedAudience)`` and a route's required scope do it: RS256 against the issuer's
    keys, ``iss``, ``aud``, ``exp`` and ``iat`` required and checked, then ``scope`` in ``scp``."""
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    claims: dict[str, Any] = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        issuer=issuer,
        audience=audience,
        options={"require": ["iss", "aud", "exp", "iat", "sub"]},
    )
    if scope not in claims.get("scp", []):
        raise MissingScope(scope)
    return claims


def lifetime(claims: dict[str, Any]) -> int:
    return int(claims["exp"]) - int(claims["iat"])


# --- what the tokens carry ------------------------------------------------------------------------------------------


async def test_an_admins_access_token_names_the_api_the_granted_scopes_and_the_access_claims(client):
    await member(client, ANN, ANN_GROUPS)
    body = await tokens(client, ANN, "openid profile orders:read orders:admin")
    assert body["scope"] == "openid profile orders:read orders:admin"
    access = await verified(client, body["access_token"], audience="api://orders")
    assert access["scp"] == ["openid", "profile", "orders:read", "orders:admin"]
    assert access["cid"] == "orders-spa" and access["sub"] == ANN
    custom = {name: access.get(name) for name in ("tenant", "plan", "is_admin", "eu", "roles", "audit")}
    assert custom == {
        "tenant": "acme",
        "plan": "gold",
        "is_admin": True,
        "eu": ["OrdersEU"],
        "roles": ["OrdersAdmins"],
        "audit": "on",
    }
    assert not {"groups", "department", "nickname"} & set(access), "ID-token claims stay out of the access token"


async def test_an_id_token_carries_the_id_claims_of_its_scopes_and_no_access_claims(client):
    await member(client, ANN, ANN_GROUPS)
    body = await tokens(client, ANN, "openid profile orders:read")
    id_claims = await verified(client, body["id_token"], audience="orders-spa")
    assert id_claims["groups"] == ["OrdersAdmins", "OrdersEU"], "the filter keeps the groups starting with Orders"
    assert id_claims["department"] == "Sales"
    assert "nickname" not in id_claims, "a claim for userinfo only stays out of an ID token issued with an access token"
    assert not {"tenant", "plan", "roles"} & set(id_claims)


async def test_a_claim_conditioned_on_a_scope_comes_only_with_that_scope(client):
    await member(client, ANN, ANN_GROUPS)
    body = await tokens(client, ANN, "openid orders:read")
    id_claims = await verified(client, body["id_token"], audience="orders-spa")
    access = await verified(client, body["access_token"], audience="api://orders")
    assert "department" not in id_claims, "department is released with profile, which was not asked"
    assert "groups" in id_claims
    assert "audit" not in access and access["plan"] == "gold"


async def test_a_user_in_other_groups_gets_other_claims(client):
    await member(client, CAT, ["OrdersEU", "Marketing"])
    body = await tokens(client, CAT, "openid orders:read")
    id_claims = await verified(client, body["id_token"], audience="orders-spa")
    access = await verified(client, body["access_token"], audience="api://orders")
    assert id_claims["groups"] == ["OrdersEU"]
    assert (access["tenant"], access["is_admin"], access["roles"], access["eu"]) == ("initech", False, [], ["OrdersEU"])


async def test_a_profile_attribute_the_user_lacks_leaves_its_claim_out(client):
    await member(client, CAT, ["OrdersEU"])
    body = await tokens(client, CAT, "openid profile orders:read")
    assert "department" not in await verified(client, body["id_token"], audience="orders-spa")


async def test_the_groups_claim_is_capped_at_100_in_the_users_order(client):
    groups = [f"Orders-{index:03}" for index in range(150)] + ["OrdersAdmins"]
    await member(client, ANN, groups)
    body = await tokens(client, ANN, "openid orders:read")
    id_claims = await verified(client, body["id_token"], audience="orders-spa")
    assert id_claims["groups"] == groups[:100]
    access = await verified(client, body["access_token"], audience="api://orders")
    assert access["roles"] == ["OrdersAdmins"], "the regex filter still looks past the first hundred groups"


async def test_the_claims_follow_the_users_groups_at_the_next_sign_in(client):
    await member(client, CAT, ["OrdersEU"])
    first = await tokens(client, CAT, "openid orders:read")
    await member(client, CAT, ["OrdersWriters", "OrdersUS"])
    second = await tokens(client, CAT, "openid orders:read")
    assert (await verified(client, first["id_token"]))["groups"] == ["OrdersEU"]
    assert (await verified(client, second["id_token"]))["groups"] == ["OrdersWriters", "OrdersUS"]
    assert (await verified(client, second["access_token"]))["roles"] == ["OrdersWriters"]


async def test_userinfo_answers_the_id_claims_of_the_granted_scopes_userinfo_only_ones_included(client):
    await member(client, ANN, ANN_GROUPS)
    body = await tokens(client, ANN, "openid profile orders:read")
    response = await client.get(f"{ORDERS}/v1/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert response.status == 200
    info = await response.json()
    assert (info["groups"], info["department"], info["nickname"]) == (["OrdersAdmins", "OrdersEU"], "Sales", "annie")
    assert info["preferred_username"] == ANN
    assert not {"tenant", "plan", "roles"} & set(info), "access token claims are not userinfo's"


async def test_userinfo_leaves_out_the_claims_of_scopes_not_granted(client):
    await member(client, ANN, ANN_GROUPS)
    body = await tokens(client, ANN, "openid orders:read")
    response = await client.get(f"{ORDERS}/v1/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    info = await response.json()
    assert "department" not in info and "name" not in info
    assert info["groups"] == ["OrdersAdmins", "OrdersEU"] and info["nickname"] == "annie"


async def test_introspection_by_the_api_reflects_the_access_token(client):
    await member(client, ANN, ANN_GROUPS)
    body = await tokens(client, ANN, "openid orders:read orders:admin")
    status, answer = await post(client, f"{ORDERS}/v1/introspect", {"token": body["access_token"]}, basic("orders-api"))
    assert status == 200
    assert answer["active"] is True
    assert answer["scope"] == "openid orders:read orders:admin"
    assert (answer["aud"], answer["client_id"], answer["username"]) == ("api://orders", "orders-spa", ANN)
    assert answer["exp"] - answer["iat"] == ADMIN_LIFETIME
    other = await post(client, f"{PLAIN}/v1/introspect", {"token": body["access_token"]}, basic("orders-api"))
    assert other == (200, {"active": False}), "another server's token is not one of this server's"


async def test_an_api_checks_audience_and_required_scope_as_okta_jwt_verifier_does(client):
    await member(client, ANN, ANN_GROUPS)
    await member(client, CAT, ["OrdersEU"])
    jwks = await keys(client, ORDERS)
    orders = {"issuer": issuer(client, ORDERS), "audience": "api://orders"}
    admin = (await tokens(client, ANN, "openid orders:read orders:admin"))["access_token"]
    reader = (await tokens(client, CAT, "openid orders:read"))["access_token"]
    assert api_accepts(admin, jwks, **orders, scope="orders:admin")["sub"] == ANN
    assert api_accepts(reader, jwks, **orders, scope="orders:read")["sub"] == CAT
    with pytest.raises(MissingScope):
        api_accepts(reader, jwks, **orders, scope="orders:admin")
    with pytest.raises(jwt.InvalidAudienceError):
        api_accepts(admin, jwks, issuer=orders["issuer"], audience="api://default", scope="orders:read")


async def test_a_token_of_another_server_is_refused_by_the_orders_api(client):
    await member(client, CAT, [])
    plain = (await tokens(client, CAT, "openid", server=PLAIN, client_id="other-spa"))["access_token"]
    claims = await verified(client, plain, server=PLAIN)
    assert claims["aud"] == "api://plain", "a server with no audience configured has Okta's default"
    with pytest.raises(jwt.InvalidAudienceError):
        api_accepts(plain, await keys(client, PLAIN), issuer=issuer(client, PLAIN), audience="api://orders", scope="x")


async def test_the_org_server_has_its_own_audience_and_claims(client):
    await member(client, CAT, [])
    body = await tokens(client, CAT, "openid profile", server=ORG, client_id="other-spa")
    access = await verified(client, body["access_token"], server=ORG, audience=ORG_AUDIENCE)
    assert access["org_tier"] == "enterprise" and "tenant" not in access


# --- what the rules decide ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "groups", "expected"),
    [
        (ANN, ANN_GROUPS, ADMIN_LIFETIME),
        (BOB, ["Staff"], BOB_LIFETIME),
        (CAT, ["OrdersEU"], DEFAULT_LIFETIME),
    ],
    ids=["by group", "by login", "everyone else"],
)
async def test_each_rule_sets_its_access_token_lifetime(client, login, groups, expected):
    await member(client, login, groups)
    body = await tokens(client, login, "openid orders:read")
    assert body["expires_in"] == expected
    assert lifetime(await verified(client, body["access_token"])) == expected


async def test_the_first_rule_that_matches_decides(client):
    """Bob is named by the second rule, but in OrdersAdmins he matches the first, which comes first: its lifetime."""
    await member(client, BOB, ["OrdersAdmins"])
    body = await tokens(client, BOB, "openid orders:read")
    assert body["expires_in"] == ADMIN_LIFETIME


async def test_a_user_named_by_login_gets_what_his_rule_grants_and_no_more(client):
    await member(client, BOB, ["Staff"])
    granted = await tokens(client, BOB, "openid orders:write")
    assert (await verified(client, granted["access_token"]))["scp"] == ["openid", "orders:write"]
    assert await embedded(client, BOB, "openid orders:admin") == (
        400,
        {"error": "access_denied", "error_description": POLICY_FAILED},
    )


async def test_a_refresh_token_comes_only_when_the_rule_allows_the_refresh_grant(client):
    await member(client, ANN, ANN_GROUPS)
    await member(client, CAT, ["OrdersEU"])
    admin = await tokens(client, ANN, "openid offline_access orders:read")
    everyone = await tokens(client, CAT, "openid offline_access orders:read")
    assert "refresh_token" in admin
    assert everyone["scope"] == "openid offline_access orders:read"
    assert "refresh_token" not in everyone, "Everyone else's rule leaves out the refresh_token grant"


async def test_a_refresh_follows_the_rule_and_the_users_groups_now(client):
    await member(client, ANN, ANN_GROUPS)
    first = await tokens(client, ANN, "openid offline_access orders:read")
    await member(client, ANN, ["OrdersAdmins", "OrdersUS"])
    form = {"grant_type": "refresh_token", "client_id": "orders-spa", "refresh_token": first["refresh_token"]}
    status, renewed = await post(client, f"{ORDERS}/v1/token", form)
    assert status == 200, renewed
    assert renewed["expires_in"] == ADMIN_LIFETIME
    assert (await verified(client, renewed["id_token"]))["groups"] == ["OrdersAdmins", "OrdersUS"]
    assert (await verified(client, renewed["access_token"]))["eu"] == []


async def test_a_refresh_token_lives_as_long_as_its_rule_says(client):
    await member(client, ANN, ANN_GROUPS)
    first = await tokens(client, ANN, "openid offline_access orders:read")
    await advance(client, ADMIN_REFRESH_LIFETIME - 100)
    form = {"grant_type": "refresh_token", "client_id": "orders-spa", "refresh_token": first["refresh_token"]}
    status, renewed = await post(client, f"{ORDERS}/v1/token", form)
    assert status == 200, renewed
    await advance(client, 200)
    form["refresh_token"] = renewed["refresh_token"]
    assert await post(client, f"{ORDERS}/v1/token", form) == (
        400,
        {"error": "invalid_grant", "error_description": "The refresh token is invalid or expired."},
    )


async def test_a_policy_for_named_clients_applies_to_them_alone(client):
    """The reporting service has a policy of its own (first in priority), with its own lifetime; the orders apps'
    policy does not cover it, and the reporting policy covers no app."""
    status, body = await post(client, f"{ORDERS}/v1/token", {"grant_type": "client_credentials"}, basic("orders-svc"))
    assert status == 200, body
    claims = await verified(client, body["access_token"], audience="api://orders")
    assert (body["expires_in"], lifetime(claims), claims["sub"], claims["scp"]) == (
        REPORT_LIFETIME,
        REPORT_LIFETIME,
        "orders-svc",
        ["orders:read"],
    )
    assert "tenant" not in claims, "a service's token carries no user's claims"
    assert claims["plan"] == "gold", "but the claims that need no user (constants), as Okta puts them"
    assert "audit" not in claims, "only with their scopes"


async def test_a_policy_with_no_clients_listed_covers_every_client(client):
    await member(client, DAN, ["HR"])
    body = await tokens(client, DAN, "openid", server=HR, client_id="other-spa")
    assert (await verified(client, body["access_token"], server=HR))["aud"] == "api://hr"


# --- every refusal, as Okta answers it ------------------------------------------------------------------------------


async def test_authorize_redirects_an_unknown_scope_back_to_the_app_as_invalid_scope(client):
    for unknown in ("orders:delete", "legacy:read"):  # legacy:read is the unconfigured servers' custom scope only
        query = authorize_query("orders-spa", f"openid {unknown}", pkce.new_verifier())
        response = await client.get(f"{ORDERS}/v1/authorize", params=query, allow_redirects=False)
        assert response.status == 302
        assert app_params(response.headers["Location"]) == {
            "error": "invalid_scope",
            "error_description": UNKNOWN_SCOPE,
            "state": "app-state",
        }


async def test_interact_answers_an_unknown_scope_with_400_invalid_scope(client):
    form = {
        "client_id": "orders-spa",
        "redirect_uri": REDIRECT_URI,
        "scope": "openid orders:delete",
        "code_challenge": pkce.challenge(pkce.new_verifier()),
        "code_challenge_method": "S256",
        "state": "st",
    }
    assert await post(client, f"{ORDERS}/v1/interact", form) == (
        400,
        {"error": "invalid_scope", "error_description": UNKNOWN_SCOPE},
    )
    form["scope"] = "openid legacy:read"
    assert (await post(client, f"{PLAIN}/v1/interact", form))[0] == 200, "the plain server has the custom scopes"


async def test_the_token_endpoint_answers_an_unknown_scope_for_a_service_with_invalid_scope(client):
    form = {"grant_type": "client_credentials", "scope": "orders:read reports:all"}
    assert await post(client, f"{ORDERS}/v1/token", form, basic("orders-svc")) == (
        400,
        {"error": "invalid_scope", "error_description": UNKNOWN_SCOPE},
    )


async def test_authorize_redirects_a_client_no_policy_covers_back_as_access_denied(client):
    query = authorize_query("other-spa", "openid orders:read", pkce.new_verifier())
    response = await client.get(f"{ORDERS}/v1/authorize", params=query, allow_redirects=False)
    assert response.status == 302
    assert app_params(response.headers["Location"]) == {
        "error": "access_denied",
        "error_description": POLICY_FAILED,
        "state": "app-state",
    }


async def test_interact_answers_a_client_no_policy_covers_with_400_access_denied(client):
    form = {
        "client_id": "other-spa",
        "redirect_uri": REDIRECT_URI,
        "scope": "openid",
        "code_challenge": pkce.challenge(pkce.new_verifier()),
        "code_challenge_method": "S256",
    }
    assert await post(client, f"{ORDERS}/v1/interact", form) == (
        400,
        {"error": "access_denied", "error_description": POLICY_FAILED},
    )


async def test_a_hosted_sign_in_no_rule_lets_through_goes_back_to_the_app_as_access_denied(client):
    """Okta signs the person in, then finds no rule for them: the app gets the error, with its state, after the
    sign-in (and only then: /v1/authorize opened the sign-in as for anyone)."""
    await member(client, CAT, ["Staff"])
    params, _ = await hosted(client, CAT, "openid", server=HR)
    assert params == {"error": "access_denied", "error_description": POLICY_FAILED, "state": "app-state"}


async def test_a_hosted_sign_in_a_rule_lets_through_gets_a_code_for_its_tokens(client):
    await member(client, DAN, ["HR"])
    params, verifier = await hosted(client, DAN, "openid offline_access", server=HR)
    assert set(params) == {"code", "state"}
    form = {
        "grant_type": "authorization_code",
        "client_id": "orders-spa",
        "redirect_uri": REDIRECT_URI,
        "code": params["code"],
        "code_verifier": verifier,
    }
    status, body = await post(client, f"{HR}/v1/token", form)
    assert status == 200, body
    assert "refresh_token" in body, "the HR rule allows every grant"


async def test_a_session_no_rule_lets_through_goes_straight_back_as_access_denied(client):
    """Single sign-on with a session whose user the server's rules do not let through: no page, the error."""
    await member(client, CAT, ["Staff"])
    await hosted(client, CAT, "openid", server=ORDERS)  # Cat signs in to the orders app: her browser has a session
    query = authorize_query("orders-spa", "openid", pkce.new_verifier())
    response = await client.get(f"{HR}/v1/authorize", params=query, allow_redirects=False)
    assert app_params(response.headers["Location"])["error"] == "access_denied"


async def test_the_token_endpoint_refuses_an_embedded_sign_in_no_rule_lets_through(client):
    await member(client, CAT, ["Staff"])
    assert await embedded(client, CAT, "openid", server=HR) == (
        400,
        {"error": "access_denied", "error_description": POLICY_FAILED},
    )


async def test_a_scope_the_users_rule_does_not_grant_is_access_denied(client):
    """Cat's rule (Everyone else) grants no orders:admin, and no other rule is hers: the rule is skipped, none is
    left, and the sign-in ends in Okta's policy error at the token endpoint."""
    await member(client, CAT, ["OrdersEU"])
    assert await embedded(client, CAT, "openid orders:admin") == (
        400,
        {"error": "access_denied", "error_description": POLICY_FAILED},
    )


async def test_client_credentials_no_rule_allows_is_access_denied(client):
    form = {"grant_type": "client_credentials", "scope": "orders:read"}
    refused = (400, {"error": "access_denied", "error_description": POLICY_FAILED})
    assert await post(client, f"{ORDERS}/v1/token", form, basic("legacy-svc")) == refused, "no rule allows the grant"
    assert await post(client, f"{ORDERS}/v1/token", form, basic("orders-api")) == refused, "no policy covers it"
    form["scope"] = "orders:admin"
    assert await post(client, f"{ORDERS}/v1/token", form, basic("orders-svc")) == refused, "its rule grants no admin"


async def test_a_refresh_no_rule_allows_any_more_is_access_denied(client):
    """Ann's refresh token came from the Admins rule; out of OrdersAdmins, only Everyone else is hers, and it does
    not allow the refresh_token grant."""
    await member(client, ANN, ANN_GROUPS)
    first = await tokens(client, ANN, "openid offline_access orders:read")
    await member(client, ANN, ["OrdersEU"])
    form = {"grant_type": "refresh_token", "client_id": "orders-spa", "refresh_token": first["refresh_token"]}
    assert await post(client, f"{ORDERS}/v1/token", form) == (
        400,
        {"error": "access_denied", "error_description": POLICY_FAILED},
    )


# --- defaults and metadata ------------------------------------------------------------------------------------------


async def test_client_credentials_without_a_scope_gets_the_servers_default_scopes(client):
    status, body = await post(client, f"{ORDERS}/v1/token", {"grant_type": "client_credentials"}, basic("orders-svc"))
    assert (status, body["scope"]) == (200, "orders:read")
    assert (await verified(client, body["access_token"]))["scp"] == ["orders:read"]


async def test_client_credentials_without_a_scope_at_a_server_with_no_default_scope_is_invalid_scope(client):
    assert await post(client, f"{PLAIN}/v1/token", {"grant_type": "client_credentials"}, basic("orders-svc")) == (
        400,
        {"error": "invalid_scope", "error_description": NO_DEFAULT_SCOPE},
    )


async def test_discovery_lists_each_servers_own_scopes_and_claims(client):
    orders = await (await client.get(f"{ORDERS}/.well-known/openid-configuration")).json()
    plain = await (await client.get(f"{PLAIN}/.well-known/openid-configuration")).json()
    org = await (await client.get("/.well-known/openid-configuration")).json()
    custom = ["orders:read", "orders:write", "orders:admin"]
    assert orders["scopes_supported"][-3:] == custom and "legacy:read" not in orders["scopes_supported"]
    assert {"openid", "profile", "email", "offline_access"} <= set(orders["scopes_supported"])
    claim_names = [claim["name"] for claim in ORDERS_SERVER["claims"]]
    assert set(claim_names) <= set(orders["claims_supported"])
    assert "legacy:read" in plain["scopes_supported"] and not set(custom) & set(plain["scopes_supported"])
    assert not set(claim_names) & set(plain["claims_supported"])
    assert "org_tier" in org["claims_supported"] and "tenant" not in org["claims_supported"]


# --- the scenario validator ---------------------------------------------------------------------------------------

SERVER_HEAD = """\
settings:
  authorization_servers:
    - id: orders
      scopes: [{name: "orders:read"}]
"""


def broken_claim(claim: str) -> str:
    return f"{SERVER_HEAD}      claims:\n        - {claim}\n"


BROKEN: dict[str, tuple[str, str]] = {
    "an unsupported expression": (
        broken_claim("{name: tier, value: 'String.substringBefore(user.email, \"@\")'}"),
        "unsupported expression 'String.substringBefore(user.email, \"@\")': mock-idx models user.<attribute>",
    ),
    "arithmetic on attributes": (
        broken_claim("{name: tier, value: 'user.a + user.b'}"),
        "unsupported expression 'user.a + user.b'",
    ),
    "a regex that does not compile": (
        broken_claim("{name: teams, groups: {regex: 'Orders(Admins'}}"),
        "the regex does not compile: missing )",
    ),
    "a regex that would unroll into millions": (
        broken_claim("{name: teams, groups: {regex: 'a{1000000000}'}}"),
        f"the regex is too large once its repeats are unrolled (1000000000 nodes, at most {MAX_REGEX_SIZE})",
    ),
    "a reserved claim name": (broken_claim("{name: sub, value: user.tenant}"), "'sub' is a claim Okta sets itself"),
    "another reserved claim name": (broken_claim("{name: scp, value: '\"x\"'}"), "'scp' is a claim Okta sets itself"),
    "a claim with both a value and groups": (
        broken_claim("{name: teams, value: user.a, groups: {equals: A}}"),
        "a claim has either a value (an expression) or groups (a group filter)",
    ),
    "a group filter of two kinds": (
        broken_claim("{name: teams, groups: {equals: A, starts_with: B}}"),
        "a group filter is exactly one of starts_with, equals, contains, regex",
    ),
    "a claim for a scope the server lacks": (
        broken_claim("{name: tier, value: user.tier, scopes: ['orders:delete']}"),
        "claim 'tier' names scopes the server does not have: ['orders:delete']",
    ),
    "a rule granting a scope the server lacks": (
        f"{SERVER_HEAD}      access_policies:\n        - name: P\n          rules:\n"
        "            - {name: Writers, scopes: ['orders:read', 'orders:write']}\n",
        "rule 'Writers' grants scopes the server does not have: ['orders:write']",
    ),
    "a server listed twice": (f"{SERVER_HEAD}    - orders\n", "authorization servers listed twice: ['orders']"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_the_validator_says_what_is_wrong_with_a_server(case):
    text, message = BROKEN[case]
    problems = scenario.validate_text(text)
    assert any(message in problem.message for problem in problems), [str(p) for p in problems]
    found = next(problem for problem in problems if message in problem.message)
    assert 2 <= found.line <= len(text.splitlines()), "on a line of the server's entry (or its list)"
    with pytest.raises(scenario.ScenarioError, match=r"(?s)is invalid:.*line \d+"):
        scenario.parse(text)


def test_mock_idx_validate_prints_the_unsupported_expression_with_its_file_and_line(tmp_path, capsys):
    text, message = BROKEN["an unsupported expression"]
    path = tmp_path / "servers.yaml"
    path.write_text(text, encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 1
    printed = capsys.readouterr().err
    line = next(line for line in printed.splitlines() if message in line)
    assert line.startswith(f"{path}:") and "user.<attribute>, appuser.<attribute>" in line


def test_the_shipped_scenario_here_validates():
    """The scenario this module runs on is one an admin could write: nothing in it is refused."""
    assert scenario.validate_text(json.dumps(SCENARIO)) == []
