"""okta-auth-js 8, unmodified, in Node, against a custom authorization server configured as an Okta admin would
(issue #19): an embedded sign-in at ``/oauth2/orders``, and what an app and its API then read off the tokens.

The scenario gives the ``orders`` server an audience, custom scopes, a groups claim filtered to the Orders groups,
profile-attribute claims for the ID token (one for userinfo only) and the access token, and an access policy whose
rules let admins have every scope and Europe's readers ``orders:read`` only, and nobody else through. The SDK signs
each user in (``run_server_claims.mjs``), verifies the ID token itself against ``/v1/keys``, decodes the access token
and calls ``/v1/userinfo``; the checks are here, including the API's own: RS256 against the server's keys, ``aud``
and the route's required scope in ``scp``, as okta-jwt-verifier and a scope check do it.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from e2e.compat.compat_support import COMPAT_SETTINGS, run_node_script
from mock_idx.config import Settings
from mock_idx.model.servers import POLICY_FAILED
from mock_idx.pytest_plugin import MockIdx, running

CLIENT_ID = "auth-js-orders"
REDIRECT_URI = "http://localhost:8080/login/callback"
PASSWORD = "s3cret-Passw0rd"
ANN, EVE, CAT = "ann@example.com", "eve@example.com", "cat@example.com"
SIGN_INS = {
    "admin": (ANN, ["openid", "profile", "email", "orders:read", "orders:admin"]),
    "reader": (EVE, ["openid", "profile", "orders:read"]),
    "nobody's rule": (CAT, ["openid", "profile"]),
}
APPROVING = {"okta_verify": {"methods": ["push"], "push": {"outcome": "approve"}}}
SCENARIO: dict[str, Any] = {
    "settings": {
        "clients": [{"client_id": CLIENT_ID, "type": "spa", "redirect_uris": [REDIRECT_URI]}],
        "authorization_servers": [
            {
                "id": "orders",
                "audience": "api://orders",
                "scopes": [{"name": "orders:read", "default": True}, {"name": "orders:admin"}],
                "claims": [
                    {"name": "groups", "token": "id", "groups": {"starts_with": "Orders"}, "scopes": ["openid"]},
                    {"name": "department", "token": "id", "value": "user.department", "scopes": ["profile"]},
                    {"name": "nickname", "token": "id", "value": "user.nickname", "always_in_id_token": False},
                    {"name": "tenant", "value": "user.tenant"},
                    {"name": "roles", "groups": {"regex": "Orders(Admins|Writers)"}},
                ],
                "access_policies": [
                    {
                        "name": "Orders apps",
                        "clients": [CLIENT_ID],
                        "rules": [
                            {"name": "Admins", "groups": ["OrdersAdmins"], "access_token_lifetime": 300},
                            {
                                "name": "Europe",
                                "groups": ["OrdersEU"],
                                "scopes": ["openid", "profile", "email", "orders:read"],
                            },
                        ],
                    }
                ],
            }
        ],
    },
    "users": [
        {
            "login": ANN,
            "password": PASSWORD,
            "profile": {"tenant": "acme", "department": "Sales", "nickname": "annie"},
            "groups": ["OrdersAdmins", "OrdersEU", "Finance"],
            "authenticators": APPROVING,
        },
        {
            "login": EVE,
            "password": PASSWORD,
            "profile": {"tenant": "globex"},
            "groups": ["OrdersEU"],
            "authenticators": APPROVING,
        },
        {"login": CAT, "password": PASSWORD, "groups": ["Marketing"], "authenticators": APPROVING},
    ],
}


class MissingScope(Exception):
    """The API's answer to a valid token without the scope its route needs (a 403 insufficient_scope)."""


def api_accepts(token: str, jwks: dict[str, Any], *, issuer: str, audience: str, scope: str) -> dict[str, Any]:
    """okta-jwt-verifier's ``verifyAccessToken(token, expectedAudience)`` and then the route's required scope."""
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


def run_node(plan: list[dict[str, Any]]) -> dict[str, Any]:
    return run_node_script("run_server_claims.mjs", {"signIns": plan})


@pytest.fixture(scope="module")
def orders_org(mock_idx_key_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockIdx]:
    path = tmp_path_factory.mktemp("server-claims") / "orders.yaml"
    path.write_text(json.dumps(SCENARIO), encoding="utf-8")  # JSON is YAML
    with running(Settings(key_file=mock_idx_key_file, scenario=str(path), **COMPAT_SETTINGS)) as mock:
        yield mock


@pytest.fixture(scope="module")
def sdk(orders_org: MockIdx) -> dict[str, Any]:
    """Every sign-in of :data:`SIGN_INS`, at once in one Node process; what the SDK reported, by name."""
    plan = [
        {
            "id": name,
            "issuer": f"{orders_org.url}/oauth2/orders",
            "clientId": CLIENT_ID,
            "redirectUri": REDIRECT_URI,
            "scopes": scopes,
            "login": login,
            "password": PASSWORD,
        }
        for name, (login, scopes) in SIGN_INS.items()
    ]
    return run_node(plan)


@pytest.fixture(scope="module")
def orders_keys(orders_org: MockIdx) -> dict[str, Any]:
    with urllib.request.urlopen(f"{orders_org.url}/oauth2/orders/v1/keys", timeout=10) as response:
        jwks: dict[str, Any] = json.loads(response.read())
    return jwks


def signed_in(sdk: dict[str, Any], name: str) -> dict[str, Any]:
    result: dict[str, Any] = sdk[name]
    if not result["ok"]:
        pytest.fail(f"{name}: the SDK did not sign in: {json.dumps(result, indent=1)}", pytrace=False)
    return result


def test_the_sdk_verifies_the_id_token_and_shows_its_groups_and_claims(sdk, orders_org):
    admin = signed_in(sdk, "admin")
    assert admin["verified"] is True, "token.verify: signature from /v1/keys, issuer, audience, nonce, at_hash"
    claims = admin["idClaims"]
    assert (claims["iss"], claims["aud"]) == (f"{orders_org.url}/oauth2/orders", CLIENT_ID)
    assert claims["groups"] == ["OrdersAdmins", "OrdersEU"]
    assert claims["department"] == "Sales"
    assert "nickname" not in claims and "tenant" not in claims


def test_the_sdk_decodes_the_access_tokens_audience_scopes_and_custom_claims(sdk):
    admin = signed_in(sdk, "admin")
    access = admin["accessClaims"]
    assert access["aud"] == "api://orders"
    assert access["scp"] == SIGN_INS["admin"][1] and admin["scopes"] == SIGN_INS["admin"][1]
    assert (access["tenant"], access["roles"], access["exp"] - access["iat"]) == ("acme", ["OrdersAdmins"], 300)
    reader = signed_in(sdk, "reader")["accessClaims"]
    assert (reader["tenant"], reader["roles"], reader["scp"]) == ("globex", [], SIGN_INS["reader"][1])


def test_userinfo_through_the_sdk_carries_the_id_claims_userinfo_only_ones_included(sdk):
    info = signed_in(sdk, "admin")["userInfo"]
    assert (info["groups"], info["department"], info["nickname"]) == (["OrdersAdmins", "OrdersEU"], "Sales", "annie")
    assert "tenant" not in info
    assert "nickname" not in signed_in(sdk, "reader")["userInfo"], "Eve has no nickname attribute"


def test_the_api_accepts_the_sdks_access_tokens_for_its_audience_and_their_scopes(sdk, orders_org, orders_keys):
    orders = {"issuer": f"{orders_org.url}/oauth2/orders", "audience": "api://orders"}
    admin = signed_in(sdk, "admin")["accessToken"]
    reader = signed_in(sdk, "reader")["accessToken"]
    assert api_accepts(admin, orders_keys, **orders, scope="orders:admin")["sub"] == ANN
    assert api_accepts(reader, orders_keys, **orders, scope="orders:read")["sub"] == EVE
    with pytest.raises(MissingScope):
        api_accepts(reader, orders_keys, **orders, scope="orders:admin")
    with pytest.raises(jwt.InvalidAudienceError):
        api_accepts(admin, orders_keys, issuer=orders["issuer"], audience="api://default", scope="orders:read")


def test_the_sdk_reports_okta_policy_error_for_a_user_no_rule_lets_through(sdk):
    refused = sdk["nobody's rule"]
    assert refused["ok"] is False
    error = refused["error"]
    assert (error["name"], error["errorCode"], error["errorSummary"]) == ("OAuthError", "access_denied", POLICY_FAILED)
