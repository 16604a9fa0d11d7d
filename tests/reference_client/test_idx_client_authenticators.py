"""The IDX client's generic steps against mock_idx: enrolling Okta Verify (QR code, or a link by email or SMS), a
phone and a security question, verifying by email, SMS and security question, resend and skip. Every refusal comes
back as the same step with Okta's message."""

from __future__ import annotations

from pathlib import Path

from mock_idx.pytest_plugin import MockIdx
from reference_client.idx import AuthenticationStatus as Status
from reference_client.idx import AuthenticatorOption, AuthResponse, IdxClient
from tests.reference_client.authenticator_orgs import PASSWORD, PHONE, PHONE_E164, other_code, put_org, required


async def sign_in(client: IdxClient, login: str) -> AuthResponse:
    response = await client.authenticate(login, PASSWORD)
    assert response.context is not None, response
    return response


def option_id(options: tuple[AuthenticatorOption, ...], key: str) -> str:
    found = [o for o in options if o.key == key]
    assert found, f"no {key} among {options}"
    return found[0].id


async def enroll(client: IdxClient, login: str, key: str) -> AuthResponse:
    listed = await sign_in(client, login)
    assert listed.status is Status.AwaitingAuthenticatorEnrollment, listed
    assert listed.context is not None
    return await client.select_enroll_authenticator(listed.context, option_id(listed.enroll_authenticators, key))


async def verify_with(client: IdxClient, login: str, key: str) -> AuthResponse:
    listed = await sign_in(client, login)
    assert listed.status is Status.AwaitingAuthenticatorSelection, listed
    assert listed.context is not None
    return await client.select_authenticator(listed.context, option_id(listed.authenticators, key))


# -- Okta Verify enrollment ------------------------------------------------------------------------------------------


async def test_okta_verify_enrolls_by_qr_code_and_polls_until_the_phone_adds_the_account(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"qr@example.com": {}}, required("okta_verify"), sign_on="one_factor")
    shown = await enroll(idx_client, "qr@example.com", "okta_verify")

    assert shown.status is Status.AwaitingPollEnrollment and shown.context is not None
    assert shown.authenticator_key == "okta_verify"
    assert shown.contextual.qr_code is not None and shown.contextual.qr_code.startswith("data:image/png;base64,")
    assert shown.contextual.selected_channel == "qrcode"
    assert [c.value for c in shown.enrollment_channels] == ["email", "sms"]  # the QR code is the one in use
    assert shown.refresh_ms == mock_idx.settings.poll_refresh_ms
    waiting = await idx_client.poll_enrollment(shown.context)
    assert waiting.continue_enrollment_polling and not waiting.backoff

    mock_idx.activate_okta_verify("qr@example.com")
    done = await idx_client.poll_enrollment(shown.context)

    assert done.status is Status.Success and done.tokens is not None
    assert done.tokens.claims["preferred_username"] == "qr@example.com"


async def test_okta_verify_setup_link_goes_by_sms_after_a_refused_number(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"link@example.com": {}}, required("okta_verify"), sign_on="one_factor")
    shown = await enroll(idx_client, "link@example.com", "okta_verify")
    assert shown.context is not None

    asked = await idx_client.select_enrollment_channel(shown.context, "sms")
    assert asked.status is Status.AwaitingChannelDataEnrollment
    assert asked.channel_input is not None and asked.channel_input.name == "phoneNumber"
    refused = await idx_client.send_channel_data(shown.context, "12")
    assert refused.status is Status.AwaitingChannelDataEnrollment
    assert [m.text for m in refused.errors] == ["Unable to initiate factor enrollment: Invalid Phone Number."]

    sent = await idx_client.send_channel_data(shown.context, PHONE)
    assert sent.status is Status.AwaitingPollEnrollment and sent.contextual.sent_to == PHONE_E164
    assert sent.contextual.qr_code is None and sent.can_resend
    [text] = mock_idx.messages("link@example.com", "sms")
    mock_idx.activate_okta_verify("link@example.com", uri=text["link"])
    assert (await idx_client.poll_enrollment(shown.context)).status is Status.Success


async def test_enrollment_poll_failures_slow_down_instead_of_failing(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"slow@example.com": {}}, required("okta_verify"), sign_on="one_factor")
    shown = await enroll(idx_client, "slow@example.com", "okta_verify")
    assert shown.context is not None and shown.refresh_ms is not None
    mock_idx.fail_next("/idp/idx/challenge/poll", status=500, user="slow@example.com")

    slowed = await idx_client.poll_enrollment(shown.context)

    assert slowed.continue_enrollment_polling and slowed.backoff and slowed.poll_refresh_ms > shown.refresh_ms


# -- email and phone -------------------------------------------------------------------------------------------------


async def test_email_code_wrong_then_right(idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path) -> None:
    put_org(mock_idx, tmp_path, {"mail@example.com": {"email": {}}})
    challenge = await verify_with(idx_client, "mail@example.com", "okta_email")

    assert challenge.status is Status.AwaitingAuthenticatorVerification and challenge.context is not None
    assert [(i.name, i.label) for i in challenge.credential_inputs] == [("passcode", "Enter code")]
    assert challenge.can_resend and challenge.contextual.sent_to == "m**l@e***e.com"
    code = mock_idx.last_code("mail@example.com", "email")
    wrong = await idx_client.verify_code(challenge.context, other_code(code))
    assert wrong.status is Status.AwaitingAuthenticatorVerification
    assert [(m.text, m.field) for m in wrong.errors] == [("Invalid code. Try again.", "credentials.passcode")]

    done = await idx_client.answer(challenge.context, {"passcode": code})

    assert done.status is Status.Success and done.tokens is not None
    assert done.tokens.claims["amr"] == ["pwd", "email", "mfa"]


async def test_phone_enrollment_refuses_a_bad_number_and_a_too_early_resend(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"sms@example.com": {}}, required("phone_number"), sign_on="one_factor")
    data = await enroll(idx_client, "sms@example.com", "phone_number")
    assert data.status is Status.AwaitingAuthenticatorEnrollmentData and data.context is not None
    assert [(m.value, m.label) for m in data.method_types] == [("sms", "SMS"), ("voice", "Voice call")]

    bad = await idx_client.submit_enrollment_data(data.context, {"methodType": "sms", "phoneNumber": "12"})
    assert bad.status is Status.AwaitingAuthenticatorEnrollmentData
    assert [m.text for m in bad.errors] == ["Unable to initiate factor enrollment: Invalid Phone Number."]
    sent = await idx_client.submit_enrollment_data(data.context, {"methodType": "sms", "phoneNumber": PHONE})
    assert sent.status is Status.AwaitingAuthenticatorVerification and sent.can_resend

    too_soon = await idx_client.resend(data.context)
    assert too_soon.status is Status.AwaitingAuthenticatorVerification
    assert [m.key for m in too_soon.errors] == ["errors.E0000150"]
    mock_idx.advance_clock(31)
    assert not (await idx_client.resend(data.context)).errors
    assert len(mock_idx.messages("sms@example.com", "sms")) == 2

    done = await idx_client.verify_code(data.context, mock_idx.last_code("sms@example.com", "sms"))
    assert done.status is Status.Success


async def test_phone_verification_asks_sms_or_voice_first(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"call@example.com": {"phone": {"number": PHONE}}})
    asked = await verify_with(idx_client, "call@example.com", "phone_number")
    assert asked.status is Status.AwaitingChallengeAuthenticatorData and asked.context is not None
    assert asked.authenticator_key == "phone_number"
    assert {m.value for m in asked.method_types} == {"sms", "voice"}

    sent = await idx_client.select_method(asked.context, "voice")

    assert sent.status is Status.AwaitingAuthenticatorVerification
    done = await idx_client.verify_code(asked.context, mock_idx.last_code("call@example.com", "voice"))
    assert done.status is Status.Success


# -- security question, skip -------------------------------------------------------------------------------------


async def test_security_question_enrollment_then_verification(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {"kba@example.com": {}}, required("security_question"), sign_on="when_enrolled")
    form = await enroll(idx_client, "kba@example.com", "security_question")
    assert form.status is Status.AwaitingAuthenticatorVerification and form.context is not None
    assert form.credential_inputs == () and ("disliked_food", "What is the food you least liked as a child?") in {
        (q.key, q.text) for q in form.question_choices
    }
    short = await idx_client.answer(form.context, {"questionKey": "disliked_food", "answer": "abc"})
    assert short.status is Status.AwaitingAuthenticatorVerification and short.question_choices
    assert short.errors[0].text.startswith("The security question answer must be at least 4 characters")
    done = await idx_client.answer(form.context, {"questionKey": "disliked_food", "answer": "Brussels sprouts"})
    assert done.status is Status.Success

    asked = await verify_with(idx_client, "kba@example.com", "security_question")
    assert asked.context is not None
    assert asked.contextual.question == "What is the food you least liked as a child?"
    assert [(i.name, i.secret) for i in asked.credential_inputs] == [("answer", True)]
    wrong = await idx_client.verify_code(asked.context, "broccoli")
    assert wrong.status is Status.AwaitingAuthenticatorVerification and wrong.errors
    assert (await idx_client.verify_code(asked.context, "brussels sprouts")).status is Status.Success


async def test_optional_authenticators_are_offered_after_the_required_ones_and_can_be_skipped(
    idx_client: IdxClient, mock_idx: MockIdx, tmp_path: Path
) -> None:
    enrollment = {"okta_password": "required", "okta_email": "required", "phone_number": "optional"}
    put_org(mock_idx, tmp_path, {"later@example.com": {}}, enrollment, sign_on="one_factor")
    sent = await enroll(idx_client, "later@example.com", "okta_email")
    assert sent.status is Status.AwaitingAuthenticatorVerification and not sent.can_skip and sent.context is not None

    listed = await idx_client.verify_code(sent.context, mock_idx.last_code("later@example.com", "email"))
    assert listed.status is Status.AwaitingAuthenticatorEnrollment and listed.can_skip
    assert [a.key for a in listed.enroll_authenticators] == ["phone_number"]

    done = await idx_client.skip(sent.context)

    assert done.status is Status.Success
