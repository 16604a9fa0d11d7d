"""Self-service registration through the IDX API, as okta-auth-js and the Sign-In Widget drive it (on both stores):
"Sign up" on the identify page, the sign-up form with Okta's messages for each refusal (the form kept, nothing
changed), the new user in the directory, their enrollments, and tokens."""

from __future__ import annotations

from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp.test_utils import TestClient
from pydantic import ValidationError

from mock_idx.model.authenticators import AuthenticatorKey
from mock_idx.model.registration import (
    DEFAULT_ATTRIBUTES,
    AttributeType,
    ProblemKind,
    ProfileAttribute,
    RegistrationPolicy,
    check_profile,
    first_problem,
)
from mock_idx.pytest_plugin import MockIdx
from mock_idx.scenario.registration_spec import RegistrationSpec
from tests.support.idx import PASSWORD, Flow, Response, control
from tests.support.idx_steps import answer, authenticator_id, newest_code, snapshot, user
from tests.support.registration import (
    NEW_LOGIN,
    NEW_PASSWORD,
    PROFILE,
    load_sign_up_org,
    sign_up_form,
    submit_profile,
)

STEP_ERROR = "Api validation failed: this step is not available now"
EXISTING = "taken@example.com"


def profile_fields(response: Response) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = response.remediation("enroll-profile")["value"][0]["form"]["value"]
    return fields


def profile_messages(response: Response, name: str) -> list[tuple[str, str, list[Any]]]:
    """Each message on the sign-up form's attribute ``name``: text, i18n key and params."""
    field = next(f for f in profile_fields(response) if f["name"] == name)
    return [(m["message"], m["i18n"]["key"], m["i18n"]["params"]) for m in field.get("messages", {}).get("value", [])]


async def stored_user(client: TestClient[Any, Any], login: str) -> tuple[int, Any]:
    return await control(client, "GET", f"/users/{login}")


async def enroll_password(flow: Flow, client: TestClient[Any, Any], password: str = NEW_PASSWORD) -> Response:
    chosen = await flow.post(
        "/idp/idx/credential/enroll", {"authenticator": {"id": authenticator_id(client, AuthenticatorKey.PASSWORD)}}
    )
    assert chosen.status == 200 and chosen.remediations[0] == "enroll-authenticator", chosen.body
    return await answer(flow, passcode=password)


# --- the pure model ------------------------------------------------------------------------------------------------


def test_okta_s_default_form_asks_first_and_last_name_and_email_all_required() -> None:
    assert [(a.name, a.label, a.required) for a in DEFAULT_ATTRIBUTES] == [
        ("firstName", "First name", True),
        ("lastName", "Last name", True),
        ("email", "Email", True),
    ]
    assert RegistrationPolicy().enabled is False


@pytest.mark.parametrize(
    ("values", "kind", "names"),
    [
        ({"lastName": "L", "email": "a@b.co"}, ProblemKind.MISSING, ["firstName"]),
        ({"firstName": "  ", "lastName": "", "email": "a@b.co"}, ProblemKind.MISSING, ["firstName", "lastName"]),
        ({"firstName": 7, "lastName": "L", "email": "a@b.co"}, ProblemKind.WRONG_TYPE, ["firstName"]),
        ({"firstName": "F", "lastName": "L", "email": "not-an-address"}, ProblemKind.NOT_AN_EMAIL, ["email"]),
        ({"firstName": "F", "lastName": "L", "email": "a b@c.de"}, ProblemKind.NOT_AN_EMAIL, ["email"]),
        ({"firstName": "F" * 51, "lastName": "L", "email": "a@b.co"}, ProblemKind.TOO_LONG, ["firstName"]),
        ({"firstName": "F", "lastName": "L", "email": "x" * 200 + "@b.co"}, ProblemKind.TOO_LONG, ["email"]),
        ({"firstName": "", "lastName": "L", "email": "bad"}, ProblemKind.MISSING, ["firstName"]),
        ({"firstName": "Ni\nna", "lastName": "L", "email": "a@b.co"}, ProblemKind.CONTROL_CHARACTERS, ["firstName"]),
    ],
)
def test_a_profile_is_refused_for_its_first_kind_of_problem_on_every_attribute_with_it(
    values: dict[str, Any], kind: ProblemKind, names: list[str]
) -> None:
    refused = first_problem(check_profile(RegistrationPolicy(enabled=True), values))
    assert refused is not None
    assert (refused[0], [a.name for a in refused[1]]) == (kind, names)


def test_names_in_any_script_are_taken_as_typed() -> None:
    values = {"firstName": "Zoë 💥", "lastName": "<b>O'Brien</b>", "email": "zoë@exämple.co"}
    assert check_profile(RegistrationPolicy(enabled=True), values) == []


def test_a_required_checkbox_must_be_ticked_and_a_boolean_must_be_one() -> None:
    policy = RegistrationPolicy(
        enabled=True, attributes=(ProfileAttribute("terms", "Terms", AttributeType.BOOLEAN, required=True),)
    )
    assert check_profile(policy, {"terms": True}) == []
    assert [p.kind for p in check_profile(policy, {"terms": False})] == [ProblemKind.MISSING]
    assert [p.kind for p in check_profile(policy, {"terms": "yes"})] == [ProblemKind.WRONG_TYPE]


def test_the_scenario_form_must_ask_for_the_email_the_login_is() -> None:
    for attributes in (
        [{"name": "firstName", "label": "First"}],
        [{"name": "email", "label": "Email", "type": "string", "required": True}],
        [{"name": "email", "label": "Email", "type": "email"}],
        [{"name": "email", "label": "E", "type": "email", "required": True}] * 2,
    ):
        with pytest.raises(ValidationError):
            RegistrationSpec.model_validate({"enabled": True, "attributes": attributes})
    with pytest.raises(ValidationError):
        RegistrationSpec.model_validate({"groups": ["a", "b"]})


# --- the identify page and the form ---------------------------------------------------------------------------------


async def test_the_identify_page_offers_sign_up_only_when_the_org_allows_it(client: TestClient[Any, Any]) -> None:
    shown = await Flow(client).start()
    assert "select-enroll-profile" not in shown.remediations, "off by default, as in a new Okta org"
    await load_sign_up_org(client)
    shown = await Flow(client).start()
    assert shown.remediations == ["identify", "select-enroll-profile"]
    offer = shown.remediation("select-enroll-profile")
    assert offer["href"].endswith("/idp/idx/enroll")
    assert [f["name"] for f in offer["value"]] == ["stateHandle"]


async def test_identifier_first_orgs_offer_sign_up_too(client: TestClient[Any, Any]) -> None:
    settings = {"authenticators": {"identifier_first": True}, "registration": {"enabled": True}}
    status, body = await control(client, "PUT", "/scenario", json={"settings": settings})
    assert status == 200, body
    shown = await Flow(client).start()
    assert shown.remediations == ["identify", "select-enroll-profile"]


async def test_sign_up_shows_okta_s_form_and_the_way_back(flow: Flow, client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client)
    form = await sign_up_form(flow)
    assert form.remediations == ["enroll-profile", "select-identify"]
    assert form.remediation("enroll-profile")["href"].endswith("/idp/idx/enroll/new")
    assert form.remediation("select-identify")["href"].endswith("/idp/idx/identify/select")
    assert profile_fields(form) == [
        {"name": "firstName", "label": "First name", "required": True, "minLength": 1, "maxLength": 50},
        {"name": "lastName", "label": "Last name", "required": True, "minLength": 1, "maxLength": 50},
        {"name": "email", "label": "Email", "required": True, "minLength": 5, "maxLength": 100},
    ]
    assert "user" not in form.body and "cancel" in form.body
    back = await flow.post("/idp/idx/identify/select", {})
    assert back.status == 200 and back.remediations == ["identify", "select-enroll-profile"]


async def test_the_form_asks_what_the_policy_says(flow: Flow, client: TestClient[Any, Any]) -> None:
    attributes = [
        {"name": "email", "label": "Primary email", "type": "email", "required": True},
        {"name": "department", "label": "Department", "max_length": 20},
        {"name": "terms", "label": "I accept the terms", "type": "boolean", "required": True},
    ]
    await load_sign_up_org(client, attributes=attributes, groups=["Customers"])
    form = await sign_up_form(flow)
    checkbox = {"type": "object", "value": {"inputType": "checkbox"}}
    assert profile_fields(form) == [
        {"name": "email", "label": "Primary email", "required": True},
        {"name": "department", "label": "Department", "required": False, "maxLength": 20},
        {
            "name": "terms",
            "type": "boolean",
            "label": "I accept the terms",
            "required": True,
            "options": [{"label": "display", "value": checkbox}],
        },
    ]
    refused = await submit_profile(flow, {"email": "nope", "terms": True})
    assert profile_messages(refused, "email") == [
        (
            "'Primary email' must be in the form of an email address",
            "registration.error.invalidLoginEmail",
            ["Primary email"],
        ),
        (
            "Provided value for property 'Primary email' does not match required pattern",
            "registration.error.doesNotMatchPattern",
            ["Primary email"],
        ),
    ]
    created = await submit_profile(flow, {"email": NEW_LOGIN, "department": " Sales ", "terms": True, "x": "y"})
    assert created.status == 200, created.body
    status, stored = await stored_user(client, NEW_LOGIN)
    assert status == 200 and stored["groups"] == ["Customers"]
    assert stored["profile"]["department"] == "Sales" and stored["profile"]["terms"] == "true"
    assert "x" not in stored["profile"], "attributes the form does not ask for are not kept"


# --- the whole sign-up ------------------------------------------------------------------------------------------------


async def test_a_new_user_signs_up_sets_a_password_and_gets_tokens(flow: Flow, client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client, groups=["Newcomers"])
    await sign_up_form(flow)
    created = await submit_profile(flow, PROFILE)
    assert created.status == 200, created.body
    assert created.remediations == ["select-authenticator-enroll"]
    assert created.body["user"]["value"]["identifier"] == NEW_LOGIN
    status, stored = await stored_user(client, NEW_LOGIN)
    assert status == 200, stored
    assert stored["status"] == "STAGED", "Okta creates the user at enroll/new; active once the sign-up is done"
    assert (stored["profile"]["firstName"], stored["profile"]["lastName"]) == ("Nina", "Newcomer")
    done = await enroll_password(flow, client)
    assert done.status == 200 and "successWithInteractionCode" in done.body, done.body
    tokens = await flow.exchange()
    assert tokens.status == 200, await tokens.text()
    claims = jwt.decode((await tokens.json())["id_token"], options={"verify_signature": False})
    assert claims["preferred_username"] == NEW_LOGIN and claims["name"] == "Nina Newcomer"
    status, listed = await control(client, "GET", "/users")
    assert status == 200
    mine = next(u for u in listed["users"] if u["login"] == NEW_LOGIN)
    assert mine["status"] == "ACTIVE" and mine["groups"] == ["Newcomers"]
    again = Flow(client)
    await again.start()
    signed_in = await again.identify(NEW_LOGIN, NEW_PASSWORD)
    assert "successWithInteractionCode" in signed_in.body, signed_in.body


async def test_a_sign_up_verifies_the_email_when_the_org_requires_it(flow: Flow, client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client, enrollment={"okta_password": "required", "okta_email": "required"})
    await sign_up_form(flow)
    created = await submit_profile(flow, PROFILE)
    offered = [o["label"] for o in created.remediation("select-authenticator-enroll")["value"][0]["options"]]
    assert sorted(offered) == ["Email", "Password"]
    chosen = await flow.post(
        "/idp/idx/credential/enroll", {"authenticator": {"id": authenticator_id(client, AuthenticatorKey.EMAIL)}}
    )
    assert chosen.status == 200 and chosen.remediations[0] == "enroll-authenticator", chosen.body
    verified = await answer(flow, passcode=await newest_code(client, "email", NEW_LOGIN))
    assert verified.status == 200 and verified.remediations[0] == "select-authenticator-enroll", verified.body
    done = await enroll_password(flow, client)
    assert "successWithInteractionCode" in done.body, done.body
    stored = (await stored_user(client, NEW_LOGIN))[1]
    assert stored["status"] == "ACTIVE" and "email" in stored["authenticators"]


async def test_a_weak_password_keeps_the_new_user_staged(flow: Flow, client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client)
    await sign_up_form(flow)
    await submit_profile(flow, PROFILE)
    refused = await enroll_password(flow, client, "short")
    assert refused.status == 400 and "password.passwordRequirementsNotMet" in str(refused.body)
    stored = (await stored_user(client, NEW_LOGIN))[1]
    assert stored["status"] == "STAGED"


# --- refusals: Okta's message on the field, the form kept, nothing changed -------------------------------------------


async def assert_refused_unchanged(
    flow: Flow, client: TestClient[Any, Any], profile: Any, status: int = 400
) -> Response:
    before = await snapshot(flow)
    users_before = (await control(client, "GET", "/users"))[1]
    refused = await submit_profile(flow, profile)
    assert refused.status == status, refused.body
    assert refused.remediations == ["enroll-profile", "select-identify"], refused.body
    assert await snapshot(flow) == before
    assert (await control(client, "GET", "/users"))[1] == users_before
    return refused


async def test_required_attributes_left_out_or_blank_are_each_refused(flow: Flow, client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client)
    await sign_up_form(flow)
    refused = await assert_refused_unchanged(flow, client, {"firstName": " ", "email": NEW_LOGIN})
    blank: list[tuple[str, str, list[Any]]] = [("This field cannot be left blank", "model.validation.field.blank", [])]
    assert profile_messages(refused, "firstName") == blank
    assert profile_messages(refused, "lastName") == blank
    assert profile_messages(refused, "email") == []
    await assert_refused_unchanged(flow, client, None)


async def test_an_email_that_is_no_address_is_refused_with_okta_s_two_messages(
    flow: Flow, client: TestClient[Any, Any]
) -> None:
    await load_sign_up_org(client)
    await sign_up_form(flow)
    refused = await assert_refused_unchanged(flow, client, {**PROFILE, "email": "nina-at-example"})
    assert profile_messages(refused, "email") == [
        ("'Email' must be in the form of an email address", "registration.error.invalidLoginEmail", ["Email"]),
        (
            "Provided value for property 'Email' does not match required pattern",
            "registration.error.doesNotMatchPattern",
            ["Email"],
        ),
    ]


async def test_too_long_and_wrong_types_are_refused_on_the_field(flow: Flow, client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client)
    await sign_up_form(flow)
    refused = await assert_refused_unchanged(flow, client, {**PROFILE, "lastName": "N" * 51})
    assert profile_messages(refused, "lastName") == [
        ("This field cannot exceed the maximum allowed characters", "model.validation.field.string.maxLength", [])
    ]
    refused = await assert_refused_unchanged(flow, client, {**PROFILE, "firstName": ["Nina"]})
    assert profile_messages(refused, "firstName") == [
        ("This field is of the wrong type", "model.validation.field.wrong.type", [])
    ]


async def test_an_email_the_org_has_is_okta_s_not_unique_message(flow: Flow, client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client, users=[user(EXISTING)])
    await sign_up_form(flow)
    existing_before = (await stored_user(client, EXISTING))[1]
    refused = await assert_refused_unchanged(flow, client, {**PROFILE, "email": EXISTING.upper()})
    assert profile_messages(refused, "email") == [
        ("A user with this Email already exists", "registration.error.notUniqueWithinOrg", ["Email"])
    ]
    assert (await stored_user(client, EXISTING))[1] == existing_before
    signed_in = Flow(client)
    await signed_in.start()
    assert "successWithInteractionCode" in (await signed_in.identify(EXISTING, PASSWORD)).body


async def test_a_sign_up_left_after_the_form_keeps_the_address_taken(client: TestClient[Any, Any]) -> None:
    await load_sign_up_org(client)
    first = Flow(client)
    await sign_up_form(first)
    assert (await submit_profile(first, PROFILE)).status == 200
    second = Flow(client)
    await sign_up_form(second)
    refused = await submit_profile(second, PROFILE)
    assert refused.status == 400
    assert profile_messages(refused, "email")[0][1] == "registration.error.notUniqueWithinOrg"


async def test_with_sign_up_off_the_endpoints_are_refused_and_change_nothing(
    flow: Flow, client: TestClient[Any, Any]
) -> None:
    await flow.start()
    before = await snapshot(flow)
    for path, body in (("/idp/idx/enroll", {}), ("/idp/idx/enroll/new", {"userProfile": PROFILE})):
        refused = await flow.post(path, body)
        assert refused.status == 400, refused.body
        assert refused.remediations == ["identify"]
        assert [m["message"] for m in refused.body["messages"]["value"]] == [STEP_ERROR]
        assert await snapshot(flow) == before
    assert (await stored_user(client, NEW_LOGIN))[0] == 404


async def test_the_form_is_only_taken_where_the_sign_in_shows_it(flow: Flow, client: TestClient[Any, Any]) -> None:
    """On the identify page (before "Sign up") and after the user is created, enroll/new is a step out of place."""
    await load_sign_up_org(client)
    await flow.start()
    refused = await flow.post("/idp/idx/enroll/new", {"userProfile": PROFILE})
    assert refused.status == 400 and refused.remediations[0] == "identify"
    assert (await stored_user(client, NEW_LOGIN))[0] == 404
    await flow.post("/idp/idx/enroll", {})
    await submit_profile(flow, PROFILE)
    before = await snapshot(flow)
    for path in ("/idp/idx/enroll/new", "/idp/idx/enroll", "/idp/idx/identify/select"):
        again = await flow.post(path, {"userProfile": {**PROFILE, "email": "other@example.com"}})
        assert again.status == 400 and again.remediations[0] == "select-authenticator-enroll", (path, again.body)
        assert await snapshot(flow) == before
    assert (await stored_user(client, "other@example.com"))[0] == 404


# --- the pytest plugin -----------------------------------------------------------------------------------------------


async def test_the_plugin_turns_sign_up_on_for_a_test(mock_idx: MockIdx) -> None:
    mock_idx.set_authenticators(registration={"enabled": True, "groups": ["Plugin"]})
    async with aiohttp.ClientSession(base_url=mock_idx.url) as http:
        flow = Flow(http)
        await sign_up_form(flow)
        created = await submit_profile(flow, PROFILE)
    assert created.status == 200 and created.remediations == ["select-authenticator-enroll"], created.body
    assert mock_idx.user(NEW_LOGIN)["groups"] == ["Plugin"]
    mock_idx.set_authenticators(registration=True)
    async with aiohttp.ClientSession(base_url=mock_idx.url) as http:
        assert (await Flow(http).start()).remediations == ["identify", "select-enroll-profile"]
