"""Account activation (on both stores): the lifecycle API's activation token, redeemed at ``/v1/interact`` as
okta-auth-js sends it (``activation_token``), has the user set a password under the org's policy and enroll what the
org requires, then the user is ``ACTIVE``; an unknown, used or superseded token is Okta's ``invalid_request``, an
expired one or a suspended user Okta's terminal answers."""

from __future__ import annotations

from typing import Any

from mock_idx.model.authenticators import AuthenticatorKey
from tests.support.idx import Flow, advance, control
from tests.support.idx_steps import LOGIN, answer, enroll, load_org, messages, newest_code, snapshot

NEW_PASSWORD = "Brand-new-Passw0rd"
SEVEN_DAYS = 7 * 86400


async def _staged_org(client: Any, enrollment: dict[str, str] | None = None) -> None:
    """One user an admin created without a password and has not activated yet."""
    await load_org(
        client,
        [{"login": LOGIN, "password": None, "status": "STAGED", "authenticators": {}}],
        enrollment or {"okta_password": "required"},
        sign_on="one_factor",
    )


async def _activate(client: Any, **body: Any) -> dict[str, Any]:
    status, answered = await control(client, "POST", f"/users/{LOGIN}/lifecycle/activate", json=body)
    assert status == 200, answered
    activated: dict[str, Any] = answered
    return activated


async def _user(client: Any) -> dict[str, Any]:
    status, body = await control(client, "GET", f"/users/{LOGIN}")
    assert status == 200
    found: dict[str, Any] = body
    return found


async def _set_password(flow: Flow, client: Any, password: str = NEW_PASSWORD) -> Any:
    await enroll(flow, client, AuthenticatorKey.PASSWORD)
    return await answer(flow, passcode=password)


async def test_the_activation_link_goes_to_the_inbox_and_the_user_is_provisioned(client: Any) -> None:
    await _staged_org(client)
    activated = await _activate(client)
    token, url = activated["activationToken"], activated["activationUrl"]
    assert url.endswith(f"/welcome/{token}")
    assert activated["user"]["status"] == "PROVISIONED"
    (email,) = await messages(client)
    assert email["link"] == url
    assert email["to"] == LOGIN


async def test_send_email_false_sends_nothing_but_still_answers_the_token(client: Any) -> None:
    await _staged_org(client)
    status, activated = await control(client, "POST", f"/users/{LOGIN}/lifecycle/activate?sendEmail=false", json={})
    assert status == 200 and activated["activationToken"]
    assert await messages(client) == []
    assert (await _activate(client, sendEmail=False))["activationToken"]
    assert await messages(client) == []


async def test_the_token_opens_a_sign_in_that_sets_the_password_and_activates_the_user(client: Any) -> None:
    await _staged_org(client)
    token = (await _activate(client))["activationToken"]
    flow = Flow(client)
    first = await flow.start(activation_token=token)
    assert first.status == 200
    assert first.remediations[0] == "select-authenticator-enroll"
    assert first.body["user"]["value"]["identifier"] == LOGIN

    asked = await enroll(flow, client, AuthenticatorKey.PASSWORD)
    assert asked.remediations[0] == "enroll-authenticator"
    done = await answer(flow, passcode=NEW_PASSWORD)
    assert "successWithInteractionCode" in done.body, done.body
    tokens = await flow.exchange()
    assert tokens.status == 200

    assert (await _user(client))["status"] == "ACTIVE"
    again = Flow(client)  # and from now on signs in with that password
    await again.start()
    assert "successWithInteractionCode" in (await again.identify(LOGIN, NEW_PASSWORD)).body


async def test_the_org_s_required_authenticators_are_enrolled_before_the_user_is_active(client: Any) -> None:
    await _staged_org(client, {"okta_password": "required", "okta_email": "required"})
    token = (await _activate(client, sendEmail=False))["activationToken"]
    flow = Flow(client)
    await flow.start(activation_token=token)
    await _set_password(flow, client)
    assert (await _user(client))["status"] == "PROVISIONED"  # not yet: the email is required too
    await enroll(flow, client, AuthenticatorKey.EMAIL)
    done = await answer(flow, passcode=await newest_code(client, "email"))
    assert "successWithInteractionCode" in done.body
    assert (await _user(client))["status"] == "ACTIVE"


async def test_a_password_the_policy_refuses_changes_nothing(client: Any) -> None:
    await _staged_org(client)
    token = (await _activate(client))["activationToken"]
    flow = Flow(client)
    await flow.start(activation_token=token)
    await enroll(flow, client, AuthenticatorKey.PASSWORD)
    before = await snapshot(flow)
    refused = await answer(flow, passcode="short")
    assert refused.status == 400
    assert "password.passwordRequirementsNotMet" in str(refused.body)
    assert await snapshot(flow) == before
    assert (await _user(client))["status"] == "PROVISIONED"


async def _interact(client: Any, token: str) -> tuple[int, dict[str, Any]]:
    flow = Flow(client)
    response = await client.post(
        "/oauth2/default/v1/interact",
        data={
            "client_id": flow.client_id,
            "scope": flow.scope,
            "redirect_uri": flow.redirect_uri,
            "code_challenge": flow.challenge,
            "code_challenge_method": "S256",
            "activation_token": token,
        },
    )
    return response.status, await response.json()


INVALID = (400, {"error": "invalid_request", "error_description": "The activation token is invalid"})


async def test_a_used_token_is_invalid(client: Any) -> None:
    await _staged_org(client)
    token = (await _activate(client))["activationToken"]
    flow = Flow(client)
    await flow.start(activation_token=token)
    await _set_password(flow, client)
    assert await _interact(client, token) == INVALID


async def test_an_unknown_or_superseded_token_is_invalid_and_opens_nothing(client: Any) -> None:
    await _staged_org(client)
    first = (await _activate(client))["activationToken"]
    second = (await _activate(client))["activationToken"]
    assert await _interact(client, first) == INVALID
    assert await _interact(client, "not-a-token") == INVALID
    assert await _interact(client, "x" * 5000) == INVALID
    status, _ = await _interact(client, second)
    assert status == 200


async def test_a_deactivated_user_s_token_is_invalid(client: Any) -> None:
    await _staged_org(client)
    token = (await _activate(client))["activationToken"]
    await control(client, "POST", f"/users/{LOGIN}/lifecycle/deactivate")
    assert await _interact(client, token) == INVALID


async def _replace(client: Any, status: str, password: str | None = None) -> None:
    """An admin's new body for the user, with a new name."""
    body = {"password": password, "status": status, "profile": {"firstName": "Renamed"}, "authenticators": {}}
    code, answered = await control(client, "PUT", f"/users/{LOGIN}", json=body)
    assert code == 200, answered


async def test_a_user_replaced_while_still_activating_keeps_the_link_already_sent(client: Any) -> None:
    await _staged_org(client)
    token = (await _activate(client))["activationToken"]
    await _replace(client, "PROVISIONED")
    flow = Flow(client)
    first = await flow.start(activation_token=token)
    assert first.status == 200 and first.remediations[0] == "select-authenticator-enroll"
    assert "successWithInteractionCode" in (await _set_password(flow, client)).body
    assert (await _user(client))["status"] == "ACTIVE"


async def test_a_replacement_that_ends_the_activation_ends_its_token_for_good(client: Any) -> None:
    """Made ``ACTIVE`` by the body, the user's link is dead, as an activation ends it; putting the status back to
    ``PROVISIONED`` does not revive it."""
    await _staged_org(client)
    token = (await _activate(client))["activationToken"]
    await _replace(client, "ACTIVE", password=NEW_PASSWORD)
    assert await _interact(client, token) == INVALID
    await _replace(client, "PROVISIONED")
    assert await _interact(client, token) == INVALID


async def test_an_expired_token_opens_okta_s_terminal_answer(client: Any) -> None:
    await _staged_org(client)
    token = (await _activate(client))["activationToken"]
    await advance(client, SEVEN_DAYS + 1)
    flow = Flow(client)
    shown = await flow.start(activation_token=token)
    assert shown.status == 200  # as the widget's tests serve it: okta-auth-js reads a 4xx introspect as no document
    assert shown.message_keys == ["idx.expired.activation.token"]
    assert shown.remediations == []
    refused = await enroll(flow, client, AuthenticatorKey.PASSWORD)
    assert refused.message_keys == ["idx.expired.activation.token"]
    assert (await _user(client))["status"] == "PROVISIONED"


async def test_a_suspended_user_s_token_opens_okta_s_terminal_answer(client: Any) -> None:
    await _staged_org(client)
    token = (await _activate(client))["activationToken"]
    await control(client, "PUT", f"/users/{LOGIN}/status", json={"status": "SUSPENDED"})
    shown = await Flow(client).start(activation_token=token)
    assert (shown.status, shown.message_keys) == (200, ["idx.activating.inactive.user"])


async def test_deactivating_mid_activation_ends_that_sign_in(client: Any) -> None:
    await _staged_org(client)
    token = (await _activate(client))["activationToken"]
    flow = Flow(client)
    await flow.start(activation_token=token)
    await control(client, "POST", f"/users/{LOGIN}/lifecycle/deactivate")
    refused = await enroll(flow, client, AuthenticatorKey.PASSWORD)
    assert (refused.status, refused.message_keys) == (403, ["security.access_denied"])


async def test_a_user_with_a_password_is_active_at_once(client: Any) -> None:
    await load_org(client, [{"login": LOGIN, "password": "Some-Passw0rd", "status": "STAGED", "authenticators": {}}])
    activated = await _activate(client)
    assert activated["activationToken"] is None and activated["activationUrl"] is None
    assert activated["user"]["status"] == "ACTIVE"
    assert await messages(client) == []
