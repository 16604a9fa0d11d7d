"""Self-service password recovery through the IDX API, the way okta-auth-js's ``recoverPassword`` drives it:
``recover`` on the password, ``identify-recovery``, the org's recovery authenticators, the code (or the email's magic
link), ``reset-authenticator`` under the password policy, then the sign-in goes on or ends as the policy says (on both
stores). Unknown usernames get the same pages and are sent nothing.
"""

from __future__ import annotations

from typing import Any

from tests.mock_idx.test_authenticator_flows import path_of, tokens_amr
from tests.support.idx import PASSWORD, Flow, Response, advance, control
from tests.support.idx_steps import (
    LOGIN,
    PHONE,
    answer,
    field_messages,
    load_org,
    messages,
    newest_code,
    sent,
    snapshot,
    top_messages,
    user,
)

NEW_PASSWORD = "Brand-new-Passw0rd"
EMAIL_ONLY = {"okta_password": "required", "okta_email": "optional", "phone_number": "optional"}


async def recovery_org(
    client: Any,
    *,
    recovery: dict[str, Any] | None = None,
    sign_on: str = "one_factor",
    identifier_first: bool = False,
    **password_policy: Any,
) -> None:
    """:data:`LOGIN`, with email and phone, in an org whose password policy is ``password_policy`` and whose
    recovery is ``recovery`` (Okta's default: email, then on with the sign-in)."""
    policy = {**password_policy, **({"recovery": recovery} if recovery is not None else {})}
    await load_org(
        client,
        [user(LOGIN, email={}, phone={"number": PHONE})],
        EMAIL_ONLY,
        sign_on,
        password_policy=policy,
        identifier_first=identifier_first,
    )


async def recover(flow: Flow, login: str = LOGIN) -> Response:
    """Up to the list of recovery authenticators: ``recover`` on the identify page, then the username."""
    started = await flow.start()
    assert "recover" in started.body["currentAuthenticator"]["value"], started.body
    asked = await flow.post("/idp/idx/recover", {})
    assert asked.status == 200 and asked.remediations == ["identify-recovery"], asked.body
    return await flow.post("/idp/idx/identify", {"identifier": login})


def options(response: Response) -> list[str]:
    """The keys the recovery list offers, in order."""
    return [entry["key"] for entry in response.body["authenticators"]["value"]]


async def choose(flow: Flow, response: Response, key: str, method: str | None = None) -> Response:
    entry = next(e for e in response.body["authenticators"]["value"] if e["key"] == key)
    authenticator = {"id": entry["id"], **({"methodType": method} if method else {})}
    return await flow.post("/idp/idx/challenge", {"authenticator": authenticator})


async def reset_asked_by_email(flow: Flow, client: Any) -> Response:
    listed = await recover(flow)
    await choose(flow, listed, "okta_email")
    shown = await answer(flow, passcode=await newest_code(client, "email"))
    assert shown.status == 200 and shown.remediations == ["reset-authenticator"], shown.body
    return shown


async def signs_in(client: Any, password: str) -> bool:
    flow = Flow(client)
    await flow.start()
    return "successWithInteractionCode" in (await flow.identify(LOGIN, password)).body


# --- the way through -------------------------------------------------------------------------------------------------


async def test_recovery_by_email_code_sets_the_new_password_and_signs_in(flow: Flow, client: Any) -> None:
    await recovery_org(client)
    listed = await recover(flow)
    assert listed.remediations == ["select-authenticator-authenticate"]
    assert options(listed) == ["okta_email"]
    assert listed.body["recoveryAuthenticator"]["value"]["key"] == "okta_password"
    assert "user" not in listed.body  # whether the username exists is not shown
    challenge = await choose(flow, listed, "okta_email")
    assert challenge.remediations == ["challenge-authenticator", "select-authenticator-authenticate"]
    (email,) = await messages(client, LOGIN, "email")
    assert email["subject"] == "Account password reset" and email["code"] in email["body"]
    reset = await answer(flow, passcode=email["code"])
    assert reset.remediations == ["reset-authenticator"]
    current = reset.body["currentAuthenticator"]["value"]
    assert current["key"] == "okta_password" and current["settings"]["complexity"]["minLength"] == 8
    done = await answer(flow, passcode=NEW_PASSWORD)
    assert "successWithInteractionCode" in done.body, done.body
    assert await tokens_amr(flow) == ["email", "pwd", "mfa"]
    assert await signs_in(client, NEW_PASSWORD) and not await signs_in(client, PASSWORD)


async def test_recovery_by_the_emails_magic_link(flow: Flow, client: Any) -> None:
    await recovery_org(client)
    listed = await recover(flow)
    await choose(flow, listed, "okta_email")
    (email,) = await messages(client, LOGIN, "email")
    opened = await client.get(path_of(email["link"]))
    assert opened.status == 200
    polled = await flow.post("/idp/idx/challenge/poll", {})
    assert polled.remediations == ["reset-authenticator"], polled.body


async def test_recovery_by_sms(flow: Flow, client: Any) -> None:
    await recovery_org(client, recovery={"authenticators": ["phone_number", "okta_email"]})
    listed = await recover(flow)
    assert options(listed) == ["phone_number", "okta_email"]
    data = await choose(flow, listed, "phone_number")
    assert data.remediations[0] == "authenticator-verification-data"
    listed = data
    await choose(flow, listed, "phone_number", "sms")
    reset = await answer(flow, passcode=await newest_code(client, "sms"))
    assert reset.remediations == ["reset-authenticator"], reset.body
    assert "successWithInteractionCode" in (await answer(flow, passcode=NEW_PASSWORD)).body


async def test_an_unknown_username_sees_the_same_pages_and_is_sent_nothing(flow: Flow, client: Any) -> None:
    await recovery_org(client, recovery={"authenticators": ["okta_email", "phone_number"]})
    known = await recover(Flow(client))
    unknown = await recover(flow, "nobody@example.com")
    assert unknown.status == known.status == 200
    assert unknown.remediations == known.remediations and options(unknown) == options(known)
    assert set(unknown.body) == set(known.body)
    challenge = await choose(flow, unknown, "okta_email")
    assert challenge.remediations == ["challenge-authenticator", "select-authenticator-authenticate"]
    assert challenge.body["currentAuthenticatorEnrollment"]["value"]["profile"]["email"] == "n***y@e***e.com"
    refused = await answer(flow, passcode="123456")
    assert refused.status == 401
    assert field_messages(refused, "challenge-authenticator", "credentials", "passcode") == ["Invalid code. Try again."]
    status, _ = await control(client, "GET", "/users/nobody@example.com/messages")
    assert status == 404  # nobody to send to, and nothing sent to anyone
    assert await sent(client) == []  # the known user in the other flow was only listed, never sent a code


async def test_a_known_user_without_the_authenticator_gets_its_page_and_no_code(flow: Flow, client: Any) -> None:
    await load_org(
        client,
        [user(LOGIN, email={})],
        EMAIL_ONLY,
        "one_factor",
        password_policy={"recovery": {"authenticators": ["phone_number", "okta_email"]}},
    )
    listed = await recover(flow)
    assert options(listed) == ["phone_number", "okta_email"]  # the phone the user lacks is listed too
    await choose(flow, listed, "phone_number", "sms")
    assert await messages(client, LOGIN, "sms") == []


async def test_recovery_on_an_identifier_first_password_page(flow: Flow, client: Any) -> None:
    await recovery_org(client, identifier_first=True)
    await flow.start()
    password_page = await flow.post("/idp/idx/identify", {"identifier": LOGIN})
    assert "recover" in password_page.body["currentAuthenticatorEnrollment"]["value"]
    listed = await flow.post("/idp/idx/recover", {})
    assert listed.remediations == ["select-authenticator-authenticate"], listed.body
    await choose(flow, listed, "okta_email")
    assert (await answer(flow, passcode=await newest_code(client, "email"))).remediations == ["reset-authenticator"]


async def test_terminal_after_reset_when_the_policy_says_so(flow: Flow, client: Any) -> None:
    await recovery_org(client, recovery={"after_reset": "terminal"})
    await reset_asked_by_email(flow, client)
    done = await answer(flow, passcode=NEW_PASSWORD)
    assert done.status == 200
    assert done.message_keys == ["idx.recovery.completed"]
    assert "remediation" not in done.body and "cancel" not in done.body
    assert await signs_in(client, NEW_PASSWORD)


async def test_the_sign_in_goes_on_with_the_rest_of_the_policy(flow: Flow, client: Any) -> None:
    await load_org(
        client,
        [user(LOGIN, email={}, okta_verify={"methods": ["push", "totp"]})],
        {**EMAIL_ONLY, "okta_verify": "optional"},
        "okta_verify",
    )
    reset = await reset_asked_by_email(flow, client)
    assert reset.status == 200
    after = await answer(flow, passcode=NEW_PASSWORD)
    assert after.remediations == ["select-authenticator-authenticate"], after.body
    assert [e["key"] for e in after.body["authenticators"]["value"]] == ["okta_verify"]


# --- the password policy -------------------------------------------------------------------------------------------


async def test_a_weak_password_is_refused_with_okta_message_and_the_step_kept(flow: Flow, client: Any) -> None:
    await recovery_org(client)
    await reset_asked_by_email(flow, client)
    before = await snapshot(flow)
    weak = await answer(flow, passcode="short")
    assert weak.status == 400 and weak.remediations == ["reset-authenticator"]
    (text,) = field_messages(weak, "reset-authenticator", "credentials", "passcode")
    assert text.startswith("Password requirements were not met. Password requirements: at least 8 characters")
    assert await snapshot(flow) == before
    assert await signs_in(client, PASSWORD)


async def test_a_reused_password_is_refused_by_the_history_rule(flow: Flow, client: Any) -> None:
    await recovery_org(client, history_count=4)
    await reset_asked_by_email(flow, client)
    reused = await answer(flow, passcode=PASSWORD)
    assert reused.status == 400
    (text,) = field_messages(reused, "reset-authenticator", "credentials", "passcode")
    assert text.endswith("Your password cannot be any of your last 4 passwords.")
    assert "successWithInteractionCode" in (await answer(flow, passcode=NEW_PASSWORD)).body
    again = Flow(client)
    await reset_asked_by_email(again, client)
    assert (await answer(again, passcode=PASSWORD)).status == 400  # the old one is in the history now


async def test_a_common_password_gets_okta_common_password_message(flow: Flow, client: Any) -> None:
    await recovery_org(client, exclude_common_passwords=True, min_upper_case=0, min_number=0)
    await reset_asked_by_email(flow, client)
    common = await answer(flow, passcode="sunshine")
    assert common.status == 400
    assert field_messages(common, "reset-authenticator", "credentials", "passcode") == [
        "This password was found in a list of commonly used passwords. Please try another password."
    ]


async def test_a_password_changed_too_recently_cannot_be_reset_until_the_minimum_age(flow: Flow, client: Any) -> None:
    await recovery_org(client, min_age_minutes=5)
    changed = {"password": "Changed-Passw0rd", "authenticators": {"email": {}}}
    status, _ = await control(client, "PUT", f"/users/{LOGIN}", json=changed)
    assert status == 200  # a new password, set just now on the virtual clock
    await reset_asked_by_email(flow, client)
    soon = await answer(flow, passcode=NEW_PASSWORD)
    assert soon.status == 400
    (text,) = field_messages(soon, "reset-authenticator", "credentials", "passcode")
    assert text.endswith("At least 5 minute(s) must have elapsed since you last changed your password.")
    await advance(client, 300)  # within the sign-in's own lifetime
    assert "successWithInteractionCode" in (await answer(flow, passcode=NEW_PASSWORD)).body


# --- refusals --------------------------------------------------------------------------------------------------------


async def test_no_recovery_where_the_org_has_no_recovery_authenticator(flow: Flow, client: Any) -> None:
    await load_org(client, [user(LOGIN)], {"okta_password": "required"}, "one_factor")
    started = await flow.start()
    assert "recover" not in started.body["currentAuthenticator"]["value"]
    before = await snapshot(flow)
    refused = await flow.post("/idp/idx/recover", {})
    assert refused.status == 400 and refused.remediations == ["identify"]
    assert await snapshot(flow) == before


async def test_recover_is_refused_once_the_password_was_verified(flow: Flow, client: Any) -> None:
    await recovery_org(client, sign_on="two_factors")
    await flow.start()
    await flow.identify(LOGIN)
    before = await snapshot(flow)
    refused = await flow.post("/idp/idx/recover", {})
    assert refused.status == 400 and top_messages(refused)
    assert await snapshot(flow) == before


async def test_hostile_inputs_to_recover_and_its_steps_are_okta_4xx_and_change_nothing(flow: Flow, client: Any) -> None:
    await recovery_org(client)
    for body in ({}, {"stateHandle": 7}, {"stateHandle": "x" * 10_000}, {"stateHandle": ["a"]}):
        response = await client.post("/idp/idx/recover", json=body)
        assert 400 <= response.status < 500, body
    not_json = await client.post("/idp/idx/recover", data=b"\xff{", headers={"Content-Type": "application/json"})
    assert 400 <= not_json.status < 500
    await flow.start()
    await flow.post("/idp/idx/recover", {})
    before = await snapshot(flow)
    for identify in ({}, {"identifier": ""}, {"identifier": 5}, {"identifier": {"a": 1}}, {"identifier": None}):
        refused = await flow.post("/idp/idx/identify", identify)
        assert refused.status == 400 and refused.remediations == ["identify-recovery"], (identify, refused.body)
        assert await snapshot(flow) == before
    listed = await flow.post("/idp/idx/identify", {"identifier": LOGIN})
    for wrong in ({"id": "aut-nope"}, {"id": 5}, "email", {"id": listed.body["recoveryAuthenticator"]["value"]["id"]}):
        refused = await flow.post("/idp/idx/challenge", {"authenticator": wrong})
        assert refused.status == 400, (wrong, refused.body)
    await choose(flow, listed, "okta_email")
    await answer(flow, passcode=await newest_code(client, "email"))
    before = await snapshot(flow)
    for credentials in ({}, {"passcode": ""}, {"passcode": 12345678}, {"passcode": "A1b" * 1000}, {"passcode": None}):
        refused = await flow.post("/idp/idx/challenge/answer", {"credentials": credentials})
        assert refused.status == 400 and refused.remediations == ["reset-authenticator"], credentials
        assert await snapshot(flow) == before
    for other in ("/idp/idx/skip", "/idp/idx/recover", "/idp/idx/challenge/resend", "/idp/idx/challenge/poll"):
        refused = await flow.post(other, {})
        assert refused.status == 400 and refused.remediations == ["reset-authenticator"], other
    assert await snapshot(flow) == before
    assert await signs_in(client, PASSWORD)
