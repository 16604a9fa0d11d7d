"""The IDX client's password steps against mock_idx: "Forgot password?" (`recover_password`, the recovery
authenticators on the generic steps, `change_password`), and the new password an expired or expiring one asks for
(`change_password`, or `skip` to be reminded later). Every refusal comes back as the same step with Okta's message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_idx.pytest_plugin import MockIdx
from reference_client.idx import AuthenticationStatus as Status
from reference_client.idx import AuthResponse, IdxClient, IdxDocument, IdxStepUnavailableError, PasswordPolicy
from reference_client.idx.interpret import describe
from reference_client.password_requirements import requirement_texts
from tests.reference_client.authenticator_orgs import PASSWORD, PHONE, other_code, put_org, required

LOGIN = "pat@example.com"
NEW_PASSWORD = "Brand-new-Passw0rd"
DAY = 86_400
EMAIL_AND_PHONE = {"okta_password": "required", "okta_email": "optional", "phone_number": "optional"}
ENROLLED = {"email": {}, "phone": {"number": PHONE}}


def recovery_org(
    mock_idx: MockIdx,
    folder: Path,
    *,
    recovery: dict[str, Any] | None = None,
    identifier_first: bool = False,
    **policy: Any,
) -> None:
    """`LOGIN`, with email and phone enrolled, signing in with the password alone; `recovery` as the org sets it
    (None: Okta's default, email then on with the sign-in)."""
    password_policy = {**policy, **({"recovery": recovery} if recovery is not None else {})}
    put_org(
        mock_idx,
        folder,
        {LOGIN: ENROLLED},
        EMAIL_AND_PHONE,
        "one_factor",
        password_policy=password_policy,
        identifier_first=identifier_first,
    )


async def reset_asked(client: IdxClient, mock_idx: MockIdx) -> AuthResponse:
    """Recovery by emailed code, up to the new password."""
    listed = await client.recover_password(LOGIN)
    assert listed.context is not None
    sent = await client.select_authenticator(listed.context, only(listed, "okta_email"))
    reset = await client.verify_code(listed.context, mock_idx.reset_code(LOGIN))
    assert sent.status is Status.AwaitingAuthenticatorVerification
    assert reset.status is Status.AwaitingPasswordReset, reset
    return reset


def only(listed: AuthResponse, key: str) -> str:
    found = [a.id for a in listed.authenticators if a.key == key]
    assert len(found) == 1, listed.authenticators
    return found[0]


async def signs_in_with(client: IdxClient, password: str) -> bool:
    return (await client.authenticate(LOGIN, password)).status is Status.Success


# -- "Forgot password?" --------------------------------------------------------------------------------------------


async def test_recovery_by_email_code_sets_the_new_password_and_signs_in(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    recovery_org(mock_idx, tmp_path)
    listed = await idx_client.recover_password(LOGIN)
    assert listed.status is Status.AwaitingAuthenticatorSelection and listed.recovering
    assert [a.key for a in listed.authenticators] == ["okta_email"]
    assert listed.context is not None

    sent = await idx_client.select_authenticator(listed.context, only(listed, "okta_email"))
    assert sent.can_resend and sent.contextual.sent_to == "p*t@e***e.com"
    reset = await idx_client.verify_code(listed.context, mock_idx.reset_code(LOGIN))

    assert reset.status is Status.AwaitingPasswordReset and reset.recovering
    assert [(i.name, i.secret, i.checkbox) for i in reset.credential_inputs] == [
        ("passcode", True, False),
        ("revokeSessions", False, True),
    ]
    assert reset.password_policy == PasswordPolicy(
        min_length=8, min_lower_case=1, min_upper_case=1, min_number=1, exclude_username=True
    )
    done = await idx_client.change_password(listed.context, NEW_PASSWORD, revoke_sessions=True)
    assert done.status is Status.Success and done.tokens is not None
    assert done.tokens.claims["preferred_username"] == LOGIN
    assert await signs_in_with(idx_client, NEW_PASSWORD) and not await signs_in_with(idx_client, PASSWORD)


async def test_a_wrong_code_is_refused_with_oktas_message_and_the_code_step_kept(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    recovery_org(mock_idx, tmp_path)
    listed = await idx_client.recover_password(LOGIN)
    assert listed.context is not None
    await idx_client.select_authenticator(listed.context, only(listed, "okta_email"))

    wrong = await idx_client.verify_code(listed.context, other_code(mock_idx.reset_code(LOGIN)))

    assert wrong.status is Status.AwaitingAuthenticatorVerification
    assert [(m.text, m.field) for m in wrong.errors] == [("Invalid code. Try again.", "credentials.passcode")]
    right = await idx_client.verify_code(listed.context, mock_idx.reset_code(LOGIN))
    assert right.status is Status.AwaitingPasswordReset


async def test_a_weak_password_is_refused_with_oktas_message_on_the_field_and_the_step_kept(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    recovery_org(mock_idx, tmp_path)
    reset = await reset_asked(idx_client, mock_idx)
    assert reset.context is not None

    weak = await idx_client.change_password(reset.context, "short")

    assert weak.status is Status.AwaitingPasswordReset and weak.password_policy is not None
    ((text, field),) = [(m.text, m.field) for m in weak.errors]
    assert field == "credentials.passcode"
    assert text == (
        "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, "
        "an uppercase letter, a number, no parts of your username."
    )
    assert (await idx_client.change_password(reset.context, NEW_PASSWORD)).status is Status.Success


async def test_recovery_by_sms_picks_the_phone_then_the_method(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    recovery_org(mock_idx, tmp_path, recovery={"authenticators": ["okta_email", "phone_number"]})
    listed = await idx_client.recover_password(LOGIN)
    assert sorted(a.key or "" for a in listed.authenticators) == ["okta_email", "phone_number"]
    assert listed.context is not None

    methods = await idx_client.select_authenticator(listed.context, only(listed, "phone_number"))
    assert methods.status is Status.AwaitingChallengeAuthenticatorData
    assert [m.value for m in methods.method_types] == ["sms", "voice"]
    await idx_client.select_method(listed.context, "sms")
    reset = await idx_client.verify_code(listed.context, mock_idx.reset_code(LOGIN, "sms"))

    assert reset.status is Status.AwaitingPasswordReset


async def test_terminal_after_the_reset_when_the_org_says_so(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    recovery_org(mock_idx, tmp_path, recovery={"after_reset": "terminal"})
    reset = await reset_asked(idx_client, mock_idx)
    assert reset.context is not None

    done = await idx_client.change_password(reset.context, NEW_PASSWORD)

    assert done.status is Status.Terminal and done.context is None and not done.errors
    assert [(m.key, m.level) for m in done.messages] == [("idx.recovery.completed", "INFO")]
    assert await signs_in_with(idx_client, NEW_PASSWORD)


async def test_identifier_first_recovers_from_the_password_page(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    recovery_org(mock_idx, tmp_path, identifier_first=True)
    listed = await idx_client.recover_password(LOGIN)
    assert listed.status is Status.AwaitingAuthenticatorSelection and listed.context is not None
    await idx_client.select_authenticator(listed.context, only(listed, "okta_email"))
    reset = await idx_client.verify_code(listed.context, mock_idx.reset_code(LOGIN))
    assert reset.status is Status.AwaitingPasswordReset


async def test_an_unknown_username_gets_the_same_steps_and_no_code(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    recovery_org(mock_idx, tmp_path)
    listed = await idx_client.recover_password("nobody@example.com")
    assert listed.status is Status.AwaitingAuthenticatorSelection and listed.context is not None
    sent = await idx_client.select_authenticator(listed.context, only(listed, "okta_email"))
    assert sent.status is Status.AwaitingAuthenticatorVerification
    assert mock_idx.messages(LOGIN) == []


@pytest.mark.parametrize("identifier_first", [False, True])
async def test_an_org_without_recovery_is_step_unavailable(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path, identifier_first: bool
) -> None:
    recovery_org(mock_idx, tmp_path, recovery={"authenticators": []}, identifier_first=identifier_first)
    with pytest.raises(IdxStepUnavailableError):
        await idx_client.recover_password(LOGIN)


# -- expired and expiring passwords ----------------------------------------------------------------------------------


async def test_an_expired_password_asks_for_a_new_one_after_sign_in(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {LOGIN: {}}, required(), "one_factor", password_policy={"history_count": 2})
    mock_idx.expire_password(LOGIN)

    expired = await idx_client.authenticate(LOGIN, PASSWORD)

    assert expired.status is Status.PasswordExpired and expired.context is not None and not expired.recovering
    assert not expired.can_skip and expired.password_policy is not None
    assert expired.password_policy.history_count == 2
    assert [i.name for i in expired.credential_inputs] == ["passcode"]  # no "sign me out" here
    reused = await idx_client.change_password(expired.context, PASSWORD, revoke_sessions=True)
    assert reused.status is Status.PasswordExpired
    ((text, field),) = [(m.text, m.field) for m in reused.errors]
    assert text.endswith("Your password cannot be any of your last 2 passwords.") and field == "credentials.passcode"
    done = await idx_client.change_password(expired.context, NEW_PASSWORD)
    assert done.status is Status.Success
    assert mock_idx.user(LOGIN)["status"] == "ACTIVE"


async def test_an_expiring_password_warns_and_can_be_put_off(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {LOGIN: {}}, required(), "one_factor", password_policy=expiring())
    mock_idx.advance_clock(85 * DAY + 60)

    warned = await idx_client.authenticate(LOGIN, PASSWORD)

    assert warned.status is Status.PasswordExpiryWarning and warned.can_skip and warned.context is not None
    assert warned.password_policy is not None and warned.password_policy.days_to_expiry == 4
    assert [(m.key, m.level) for m in warned.messages] == [("idx.password.expiring.message", "INFO")]
    assert (await idx_client.skip(warned.context)).status is Status.Success
    assert await signs_in_with(idx_client, PASSWORD) is False  # still warned: the same password, nearer expiry


async def test_an_expiring_password_can_be_changed_at_the_warning(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {LOGIN: {}}, required(), "one_factor", password_policy=expiring())
    mock_idx.advance_clock(85 * DAY)
    warned = await idx_client.authenticate(LOGIN, PASSWORD)
    assert warned.context is not None
    assert (await idx_client.change_password(warned.context, NEW_PASSWORD)).status is Status.Success
    assert await signs_in_with(idx_client, NEW_PASSWORD)


async def test_change_password_where_none_is_asked_for_is_step_unavailable(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {LOGIN: {"email": {}}}, required(), "two_factors")
    listed = await idx_client.authenticate(LOGIN, PASSWORD)
    assert listed.context is not None and listed.password_policy is None
    with pytest.raises(IdxStepUnavailableError):
        await idx_client.change_password(listed.context, NEW_PASSWORD)


def expiring() -> dict[str, Any]:
    return {"max_age_days": 90, "expire_warn_days": 10}


# -- the requirements a page lists -----------------------------------------------------------------------------------


def test_requirements_list_what_the_policy_sets_in_the_widgets_words() -> None:
    policy = PasswordPolicy(
        min_length=12,
        min_lower_case=1,
        min_symbol=1,
        exclude_username=True,
        exclude_attributes=("firstName", "nickName"),
        history_count=4,
        min_age_minutes=2 * 24 * 60,
    )
    assert requirement_texts(policy) == [
        "At least 12 characters",
        "A lowercase letter",
        "A symbol",
        "No parts of your username",
        "Does not include your first name",
        "Password can't be the same as your last 4 passwords",
        "At least 2 day(s) must have elapsed since you last changed your password",
    ]
    assert requirement_texts(PasswordPolicy(history_count=1, min_age_minutes=90)) == [
        "Password can't be the same as your last password",
        "At least 90 minute(s) must have elapsed since you last changed your password",
    ]
    assert requirement_texts(PasswordPolicy()) == []


# -- settings of the wrong shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        "not an object",
        {"complexity": [1, 2], "age": "old", "daysToExpiry": True},
        {"complexity": {"minLength": "8", "minSymbol": -3, "excludeUsername": "yes", "excludeAttributes": "firstName"}},
        {"complexity": {"excludeAttributes": [None, 3, "lastName"]}, "age": {"historyCount": 2.5}, "daysToExpiry": -1},
    ],
)
def test_settings_of_the_wrong_shape_list_fewer_rules_and_never_fail(settings: Any) -> None:
    form = {"name": "reenroll-authenticator-warning", "href": "http://idp.test/idx", "value": []}
    current = {"type": "object", "value": {"key": "okta_password", "id": "aut1", "settings": settings}}
    doc = IdxDocument.parse({"remediation": {"value": [form]}, "currentAuthenticator": current})

    response = describe(doc, None)

    assert response.status is Status.PasswordExpiryWarning and response.password_policy is not None
    assert requirement_texts(response.password_policy) in ([], ["Does not include your last name"])
    assert response.password_policy.days_to_expiry in (None, 0)
