"""Users' groups from every side a tester scripts them: the control API (``PUT /_mock/v1/users/{login}/groups`` and
the user body), the Python client and the pytest fixture (``add_user(groups=..., profile=...)``, ``set_groups``),
Faker-generated users, and the shipped ``mixed`` scenario. What matters is what an app sees: the groups and profile
attributes set here come back in the claims of the next token, verified against the server's keys."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient

from mock_idx import scenario
from mock_idx.control_client import ControlApiError
from mock_idx.pytest_plugin import MockIdx
from mock_idx.web.control_routes import GroupsBody
from mock_idx.web.openapi import OPENAPI_FILE
from tests.support.fixtures import client, redis_server, settings, store_setting
from tests.support.idx import Flow, control, put_user, totp_now
from tests.support.idx_app import IdxApp

__all__ = ["client", "redis_server", "settings", "store_setting"]

LOGIN = "ann@example.com"
CLIENT_ID = "my-app"
"""The client id :class:`IdxApp` signs in as: the ``aud`` of its ID tokens."""
ORDERS_SCENARIO = """\
settings:
  authorization_servers:
    - id: orders
      audience: api://orders
      scopes: [{name: "orders:read"}]
      claims:
        - {name: groups, token: id, groups: {starts_with: Orders}, scopes: [openid]}
        - {name: tenant, token: id, value: user.tenant}
        - {name: tenant, value: user.tenant}
        - {name: orders_admin, value: 'isMemberOfGroupName("OrdersAdmins")'}
"""
"""A custom server as an Okta admin would set it up: a groups claim keeping the "Orders" groups, a custom profile
attribute in both tokens, and a group-membership flag in the access token."""

JsonBody = dict[str, Any] | list[Any] | str

# --- the control API, on both stores ------------------------------------------------------------------------------


async def test_put_groups_replaces_the_groups_and_nothing_else(client: TestClient[Any, Any]) -> None:
    user = await put_user(client, LOGIN)
    status, answer = await control(client, "PUT", f"/users/{LOGIN.upper()}/groups", json={"groups": ["B", "A", "B"]})
    assert status == 200, answer
    assert answer["groups"] == ["B", "A"], "a name listed twice counts once, in the order first given"
    assert answer["login"] == LOGIN, "logins are case-insensitive; the stored one stays"
    unchanged = ("id", "profile", "authenticators")
    assert {key: answer[key] for key in unchanged} == {key: user[key] for key in unchanged}
    status, stored = await control(client, "GET", f"/users/{LOGIN}")
    assert status == 200 and stored == answer
    status, cleared = await control(client, "PUT", f"/users/{LOGIN}/groups", json={"groups": []})
    assert status == 200 and cleared["groups"] == []


async def test_a_totp_code_used_before_the_groups_change_stays_spent(client: TestClient[Any, Any]) -> None:
    """Moving someone between groups is not a new enrollment: the phone's used codes stay used."""
    user = await put_user(client, LOGIN)
    code = totp_now(user["authenticators"]["okta_verify"]["totp"]["secret"])
    first = Flow(client)
    await first.start()
    await first.identify(LOGIN)
    await first.choose("totp")
    assert "successWithInteractionCode" in (await first.answer(code)).body
    assert (await control(client, "PUT", f"/users/{LOGIN}/groups", json={"groups": ["Admins"]}))[0] == 200
    second = Flow(client)
    await second.start()
    await second.identify(LOGIN)
    await second.choose("totp")
    assert (await second.answer(code)).status == 403


async def test_a_user_body_carries_groups(client: TestClient[Any, Any]) -> None:
    body = {"password": "pw", "groups": ["Admins", "Admins", "Everyone"], "profile": {"tenant": "acme"}}
    status, answer = await control(client, "PUT", f"/users/{LOGIN}", json=body)
    assert status == 200, answer
    assert answer["groups"] == ["Admins", "Everyone"] and answer["profile"]["tenant"] == "acme"
    status, listed = await control(client, "GET", "/users")
    assert status == 200 and [u["groups"] for u in listed["users"] if u["login"] == LOGIN] == [["Admins", "Everyone"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"groups": "Admins"}, "groups"),
        ({"groups": {"Admins": True}}, "groups"),
        ({"groups": None}, "groups"),
        ({"groups": [1]}, "groups.0"),
        ({"groups": ["ok", None]}, "groups.1"),
        ({"groups": [True]}, "groups.0"),
        ({"groups": [["nested"]]}, "groups.0"),
        ({"groups": [{"name": "Admins"}]}, "groups.0"),
        ({"groups": [""]}, "groups.0"),
        ({"groups": ["x" * 256]}, "groups.0"),
        ({"groups": [f"g{n}" for n in range(1001)]}, "groups"),
        ({}, "groups"),
        ({"groups": [], "profile": {}}, "profile"),
    ],
)
async def test_hostile_group_bodies_are_refused_field_by_field_and_change_nothing(
    client: TestClient[Any, Any], body: JsonBody, field: str
) -> None:
    await put_user(client, LOGIN)
    await control(client, "PUT", f"/users/{LOGIN}/groups", json={"groups": ["Before"]})
    status, answer = await control(client, "PUT", f"/users/{LOGIN}/groups", json=body)
    assert status == 400 and answer["error"] == "invalid_request", answer
    assert field in [problem["field"] for problem in answer["errors"]], answer
    assert (await control(client, "GET", f"/users/{LOGIN}"))[1]["groups"] == ["Before"]


@pytest.mark.parametrize(
    ("request_options", "status"),
    [
        ({"json": ["Admins"]}, 400),
        ({"json": "Admins"}, 400),
        ({"data": b'{"groups": ["Admins"', "headers": {"Content-Type": "application/json"}}, 400),
        ({"data": b'{"groups": ["Admins"]}', "headers": {"Content-Type": "text/plain"}}, 415),
        ({"data": b"groups=Admins", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415),
    ],
)
async def test_group_bodies_that_are_not_a_json_object_are_refused(
    client: TestClient[Any, Any], request_options: dict[str, Any], status: int
) -> None:
    await put_user(client, LOGIN)
    answered, answer = await control(client, "PUT", f"/users/{LOGIN}/groups", **request_options)
    assert answered == status, answer
    assert (await control(client, "GET", f"/users/{LOGIN}"))[1]["groups"] == []


async def test_groups_of_an_unknown_user_are_404_and_create_no_one(client: TestClient[Any, Any]) -> None:
    status, answer = await control(client, "PUT", "/users/ghost@example.com/groups", json={"groups": ["Admins"]})
    assert status == 404 and answer["error"] == "not_found"
    assert (await control(client, "GET", "/users/ghost@example.com"))[0] == 404


def test_the_openapi_description_has_the_route_with_the_user_bodys_groups() -> None:
    """The route's body points at the user body's ``groups``, which must be what the route validates."""
    document = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    operation = document["paths"]["/users/{login}/groups"]["put"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["groups"] and body["additionalProperties"] is False
    assert body["properties"]["groups"] == {"$ref": "#/components/schemas/UserBody/properties/groups"}
    described = document["components"]["schemas"]["UserBody"]["properties"]["groups"]
    validated = GroupsBody.model_json_schema()["properties"]["groups"]
    assert {k: v for k, v in described.items() if k != "default"} == validated
    assert {"200", "400", "404"} <= set(operation["responses"])
    assert "groups" in document["components"]["schemas"]["User"]["required"]


# --- the Python client and the pytest fixture ---------------------------------------------------------------------


def verified_claims(issuer: str, token: str, audience: str) -> dict[str, Any]:
    """The token's claims once its signature (against the issuer's /v1/keys), issuer and audience check out."""
    key = jwt.PyJWKClient(f"{issuer}/v1/keys").get_signing_key_from_jwt(token)
    claims: dict[str, Any] = jwt.decode(token, key.key, algorithms=["RS256"], audience=audience, issuer=issuer)
    return claims


def signed_in_tokens(issuer: str, login: str, password: str, **phone: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The verified claims of the ID token and the access token from one embedded sign-in at ``issuer``."""
    outcome = IdxApp(issuer, client_id=CLIENT_ID).sign_in(login, password, **phone)
    assert outcome.status == "success" and outcome.tokens, outcome
    access_audience = jwt.decode(outcome.tokens["access_token"], options={"verify_signature": False})["aud"]
    return (
        verified_claims(issuer, outcome.tokens["id_token"], CLIENT_ID),
        verified_claims(issuer, outcome.tokens["access_token"], access_audience),
    )


def test_add_user_with_groups_and_profile_signs_in_with_them_in_the_tokens(mock_idx: MockIdx, tmp_path: Path) -> None:
    orders = tmp_path / "orders.yaml"
    orders.write_text(ORDERS_SCENARIO, encoding="utf-8")
    mock_idx.load_scenario(orders)
    user = mock_idx.add_user(
        groups=["OrdersAdmins", "Finance", "OrdersEU"], profile={"tenant": "acme"}, okta_verify=False
    )
    assert user.groups == ("OrdersAdmins", "Finance", "OrdersEU") and user.profile["tenant"] == "acme"
    issuer = f"{mock_idx.url}/oauth2/orders"
    id_token, access_token = signed_in_tokens(issuer, user.login, user.password)
    assert id_token["groups"] == ["OrdersAdmins", "OrdersEU"], "the filter keeps the groups starting with Orders"
    assert id_token["tenant"] == "acme"
    assert access_token["aud"] == "api://orders"
    assert (access_token["tenant"], access_token["orders_admin"]) == ("acme", True)
    assert "groups" not in access_token, "the groups claim is for ID tokens only"


def test_set_groups_changes_the_next_tokens_and_nothing_else(mock_idx: MockIdx, tmp_path: Path) -> None:
    orders = tmp_path / "orders.yaml"
    orders.write_text(ORDERS_SCENARIO, encoding="utf-8")
    mock_idx.load_scenario(orders)
    user = mock_idx.add_user(groups=["OrdersAdmins"], push="approve")
    answer = mock_idx.set_groups(user.login, ["OrdersUS", "Payroll"])
    assert answer["groups"] == ["OrdersUS", "Payroll"] and answer["id"] == user.id
    assert answer["authenticators"] == user.raw["authenticators"], "the phone stays enrolled as it was"
    id_token, access_token = signed_in_tokens(f"{mock_idx.url}/oauth2/orders", user.login, user.password)
    assert id_token["groups"] == ["OrdersUS"] and access_token["orders_admin"] is False
    assert mock_idx.set_groups(user.login, [])["groups"] == []


def test_set_groups_refusals_raise_control_api_errors(mock_idx: MockIdx) -> None:
    with pytest.raises(ControlApiError) as unknown:
        mock_idx.set_groups("ghost@example.com", ["Admins"])
    assert unknown.value.status == 404
    user = mock_idx.add_user(groups=["Admins"], okta_verify=False)
    with pytest.raises(ControlApiError, match=r"groups\.0: String should have at most 255 characters") as too_long:
        mock_idx.set_groups(user.login, ["x" * 256])
    assert too_long.value.status == 400
    with pytest.raises(TypeError, match="list of group names"):
        mock_idx.set_groups(user.login, "Admins")
    with pytest.raises(TypeError, match="list of group names"):
        mock_idx.add_user(groups="Admins")
    assert [u["groups"] for u in mock_idx.users() if u["login"] == user.login] == [["Admins"]]


@pytest.mark.mock_idx(control_token="secret")
def test_set_groups_needs_the_control_token_as_every_control_does(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(groups=["Admins"], okta_verify=False)
    assert mock_idx.set_groups(user.login, ["Staff"])["groups"] == ["Staff"]
    anonymous = urllib.request.Request(
        f"{mock_idx.url}/_mock/v1/users/{user.login}/groups",
        data=b'{"groups": []}',
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(anonymous)
    refused.value.close()
    assert refused.value.code == 401
    assert [u["groups"] for u in mock_idx.users() if u["login"] == user.login] == [["Staff"]]


def test_generated_users_get_the_groups_of_their_generate_entry(mock_idx: MockIdx, tmp_path: Path) -> None:
    text = (
        "generate:\n"
        "  - {count: 3, seed: 1, password: pw, groups: [Sales, EU, Sales]}\n"
        "  - {count: 2, seed: 2, password: pw}\n"
    )
    assert [user.groups for user in scenario.parse(text).to_users()] == [("Sales", "EU")] * 3 + [()] * 2
    path = tmp_path / "generated.yaml"
    path.write_text(text, encoding="utf-8")
    mock_idx.load_scenario(path)
    served = mock_idx.users()
    assert sorted(tuple(user["groups"]) for user in served) == [
        (),
        (),
        ("Sales", "EU"),
        ("Sales", "EU"),
        ("Sales", "EU"),
    ]


# --- the shipped mixed scenario -----------------------------------------------------------------------------------


def test_mixed_puts_groups_and_profile_claims_in_its_default_servers_tokens(mock_idx: MockIdx) -> None:
    mock_idx.load_scenario("mixed")
    id_token, access_token = signed_in_tokens(mock_idx.issuer, "approve@example.com", "demo1234")
    assert id_token["groups"] == ["Demo Users"]
    assert (access_token["department"], access_token["demo_admin"]) == ("Finance", False)
    assert access_token["aud"] == "api://default"

    def tap_yes(_: object) -> None:
        mock_idx.approve_push("demo@example.com")

    id_token, access_token = signed_in_tokens(mock_idx.issuer, "demo@example.com", "demo1234", on_push=tap_yes)
    assert id_token["groups"] == ["Demo Admins", "Demo Users"], "Finance does not start with Demo"
    assert (access_token["department"], access_token["demo_admin"]) == ("Engineering", True)


def test_mixed_shows_its_custom_scope_and_claims_and_groups_its_generated_users(mock_idx: MockIdx) -> None:
    mock_idx.load_scenario("mixed")
    with urllib.request.urlopen(f"{mock_idx.issuer}/.well-known/openid-configuration") as response:
        discovery = json.loads(response.read())
    assert "demo:read" in discovery["scopes_supported"]
    assert {"groups", "department", "demo_admin"} <= set(discovery["claims_supported"])
    listed = {spec.login for spec in scenario.load("mixed").users}
    generated = [user for user in mock_idx.users() if user["login"] not in listed]
    assert len(generated) == 20 and all(user["groups"] == ["Demo Users"] for user in generated)
