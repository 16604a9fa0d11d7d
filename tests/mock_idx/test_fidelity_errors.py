"""Where Okta is strict, the fake is too (issue #13, items 2, 3 and 10): status codes, field errors that re-render
the form, and none of the leniency Okta lacks. Each test names the source its expectation was built from."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mock_idx.config import Settings
from tests.support.fixtures import app_in_loop
from tests.support.idx import PASSWORD, Flow, Response, put_user, totp_now

LOGIN = "grace@example.com"
BLANK = "model.validation.field.blank"


def field_messages(response: Response, remediation: str, *path: str) -> list[str]:
    """The message keys on the field at ``path`` of one remediation form."""
    fields: list[dict[str, Any]] = response.remediation(remediation)["value"]
    found: dict[str, Any] = {}
    for name in path:
        found = next(f for f in fields if f["name"] == name)
        fields = found.get("form", {}).get("value", [])
    return [m["i18n"]["key"] for m in found.get("messages", {}).get("value", [])]


async def transaction_step(flow: Flow) -> list[str]:
    """What the sign-in shows now, read without a step (so a refusal can be shown to have changed nothing)."""
    return (await flow.introspect(stateToken=flow.state_handle)).remediations


@pytest.mark.parametrize(("login", "password"), [(LOGIN, "wrong"), ("nobody@example.com", "whatever")])
async def test_wrong_password_and_unknown_user_are_400_e0000004_on_the_identify_form(
    client, flow: Flow, login, password
):
    """Source: okta-idx-java IDXAuthenticationWrapperTest.authenticateOneStepFailTest serves
    identify-error-response.json with 400; okta-idx-dotnet IdxClientShould serves its E0000004 identify answers
    with 400; the body is v3-mocks/idp/idx/identify/error-wrong-password.json (the identify form again,
    errors.E0000004 at the top)."""
    await put_user(client, LOGIN)
    await flow.start()
    refused = await flow.identify(login, password)
    assert refused.status == 400
    assert refused.remediations[0] == "identify"
    assert refused.message_keys == ["errors.E0000004"]


@pytest.mark.parametrize(
    ("body", "blank_fields"),
    [
        ({"credentials": {"passcode": "pw"}}, [("identifier",)]),
        ({"identifier": "", "credentials": {"passcode": "pw"}}, [("identifier",)]),
        ({"identifier": LOGIN}, [("credentials", "passcode")]),
        ({"identifier": LOGIN, "credentials": {"passcode": ""}}, [("credentials", "passcode")]),
        ({}, [("identifier",), ("credentials", "passcode")]),
    ],
    ids=["no identifier", "blank identifier", "no password", "blank password", "nothing"],
)
async def test_identify_with_a_blank_or_missing_field_answers_the_form_with_a_field_error(
    client, flow: Flow, body, blank_fields
):
    """Source: okta-idx-java enroll-profile-error-response.json (served 400 in IDXAuthenticationWrapperTest): invalid
    input re-renders the form with ``messages`` on the field itself, and a stateHandle to go on with; the key is the
    Sign-In Widget's own for a blank field. Never a messages-only body, which SDKs read as the end of the sign-in."""
    await put_user(client, LOGIN)
    await flow.start()
    refused = await flow.post("/idp/idx/identify", body)
    assert refused.status == 400
    assert refused.remediations[0] == "identify" and refused.body["stateHandle"] == flow.state_handle
    for path in blank_fields:
        assert field_messages(refused, "identify", *path) == [BLANK]
    assert "messages" not in refused.body, "the error is on the fields, not at the top"
    assert (await flow.identify(LOGIN)).remediations[0] == "select-authenticator-authenticate", "it goes on"


async def test_a_missing_totp_is_a_field_error_on_credentials_totp(client, flow: Flow):
    """Source: v3-mocks/idp/idx/challenge/verify-ov-code-mfa.json: Okta Verify's code form asks for the required
    ``credentials.totp``; left out, that field carries the error and the same code still works after."""
    user = await put_user(client, LOGIN, methods=("totp",))
    await flow.start()
    await flow.identify(LOGIN)
    await flow.choose("totp")
    refused = await flow.post("/idp/idx/challenge/answer", {"credentials": {}})
    assert refused.status == 400
    assert field_messages(refused, "challenge-authenticator", "credentials", "totp") == [BLANK]
    code = totp_now(user["authenticators"]["okta_verify"]["totp"]["secret"])
    assert (await flow.answer(code)).body.get("successWithInteractionCode")


async def test_deliberate_difference_a_code_alone_in_credentials_passcode_is_taken(client, flow: Flow):
    """Deliberate difference (README): Okta's Spring sample answers Okta Verify with okta-idx-java 2.0.1's
    ``VerifyChannelDataOptions("totp", code)`` (``credentials.totp``); 2.0.0, the compat suite's SDK, can only send
    ``credentials.passcode``, so a passcode that comes alone is still taken."""
    user = await put_user(client, LOGIN, methods=("totp",))
    await flow.start()
    await flow.identify(LOGIN)
    await flow.choose("totp")
    code = totp_now(user["authenticators"]["okta_verify"]["totp"]["secret"])
    answer = await flow.post("/idp/idx/challenge/answer", {"credentials": {"passcode": code}})
    assert answer.status == 200 and answer.body.get("successWithInteractionCode")


async def test_the_enrollment_id_is_not_an_authenticator_id(client, flow: Flow):
    """Source: v3-mocks/idp/idx/identify/verify-ov-mfa.json: ``select-authenticator-authenticate`` offers Okta Verify
    by its ``aut…`` authenticator id; the enrollment's id (``pfd…``) names no authenticator there, so Okta refuses it
    and the sign-in stays where it was."""
    user = await put_user(client, LOGIN)
    await flow.start()
    await flow.identify(LOGIN)
    before = await transaction_step(flow)
    enrollment_id = user["authenticators"]["okta_verify"]["enrollment_id"]
    refused = await flow.post("/idp/idx/challenge", {"authenticator": {"id": enrollment_id, "methodType": "push"}})
    assert refused.status == 400 and refused.message_keys == ["E0000001"]
    assert await transaction_step(flow) == before
    assert (await flow.choose("push")).remediations[0] == "challenge-poll", "the authenticator id still works"


async def test_a_missing_authenticator_is_a_field_error_on_the_challenge_form(client, flow: Flow):
    """Source: okta-idx-java enroll-profile-error-response.json (a required field is a field error, 400); the form
    is select-authenticator-authenticate of v3-mocks/idp/idx/identify/verify-ov-mfa.json."""
    await put_user(client, LOGIN)
    await flow.start()
    await flow.identify(LOGIN)
    refused = await flow.post("/idp/idx/challenge", {})
    assert refused.status == 400
    assert field_messages(refused, "select-authenticator-authenticate", "authenticator") == [BLANK]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
async def test_idx_refuses_a_body_that_is_not_json_with_415(client, flow: Flow, content_type):
    """Source: every v3-mocks form says ``accepts: application/json; okta-version=1.0.0``; okta-idx-java sends
    ``application/ion+json`` and okta-auth-js ``application/json``. Anything else is Okta's 415, and changes nothing."""
    await put_user(client, LOGIN)
    await flow.start()
    body = json.dumps({"identifier": LOGIN, "credentials": {"passcode": PASSWORD}, "stateHandle": flow.state_handle})
    refused = await client.post("/idp/idx/identify", data=body, headers={"Content-Type": content_type})
    assert refused.status == 415
    assert (await refused.json(content_type=None))["version"] == "1.0.0"
    assert await transaction_step(flow) == ["identify"]


@pytest.mark.parametrize("content_type", ["application/json", "application/ion+json; okta-version=1.0.0"])
async def test_idx_takes_the_json_types_the_sdks_send(client, flow: Flow, content_type):
    """Source: okta-idx-java BaseIDXClient sends ``application/ion+json; okta-version=1.0.0``, okta-auth-js
    ``application/json``."""
    await flow.start()
    body = f'{{"stateToken": "{flow.state_handle}"}}'
    answer = await client.post("/idp/idx/introspect", data=body, headers={"Content-Type": content_type})
    assert answer.status == 200


async def test_an_unknown_scope_is_invalid_scope_at_interact(client):
    """Source: Okta's /v1/interact and /v1/authorize refuse a scope the authorization server lacks with
    ``invalid_scope`` ("One or more scopes are not configured for the authorization server resource.")."""
    response = await client.post(
        "/oauth2/default/v1/interact",
        data={
            "client_id": "app",
            "scope": "openid profile emial",
            "redirect_uri": "http://localhost/cb",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        },
    )
    assert response.status == 400
    assert (await response.json())["error"] == "invalid_scope"


async def test_an_unknown_authorization_server_is_okta_e0000007(tmp_path):
    """Source: Okta answers a path naming an authorization server the org lacks before any OAuth code runs, with its
    classic 404 ``E0000007`` "Not found: Resource not found: … (AuthorizationServer)"."""
    scenario = tmp_path / "servers.yaml"
    scenario.write_text("settings:\n  authorization_servers: [default]\n")
    async with app_in_loop(Settings(scenario=str(scenario))) as client:
        for path in ("/oauth2/nope/.well-known/openid-configuration", "/oauth2/nope/v1/keys"):
            response = await client.get(path)
            body = await response.json()
            assert response.status == 404 and body["errorCode"] == "E0000007", path
            assert body["errorSummary"] == "Not found: Resource not found: nope (AuthorizationServer)"
        assert (await client.get("/oauth2/default/v1/keys")).status == 200
