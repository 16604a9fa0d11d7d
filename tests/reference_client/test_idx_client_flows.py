"""The IDX client against mock_idx, one test per sign-in outcome of the Okta Verify guide."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mock_idx.control_client import MockUser
from reference_client.idx import AuthenticationStatus as Status
from reference_client.idx import AuthResponse, IdxClient, IdxClientConfig, IdxStepUnavailableError, TokenValidationError


async def start_okta_verify(client: IdxClient, user: MockUser) -> AuthResponse:
    """Sign in with the password and pick Okta Verify: the guide's steps 1-2."""
    response = await client.authenticate(user.login, user.password)
    assert response.status is Status.AwaitingAuthenticatorSelection and response.context is not None
    okta_verify = next(a for a in response.authenticators if a.key == "okta_verify")
    assert okta_verify.label == "Okta Verify"
    return await client.select_authenticator(response.context, okta_verify.id)


async def send_push(client: IdxClient, user: MockUser) -> AuthResponse:
    methods = await start_okta_verify(client, user)
    assert methods.context is not None
    response = await client.select_method(methods.context, "push")
    assert response.status is Status.AwaitingChallengeAuthenticatorPollResponse
    return response


async def test_okta_verify_offers_push_and_code(idx_client, mock_idx):
    user = mock_idx.add_user()
    response = await start_okta_verify(idx_client, user)
    assert response.status is Status.AwaitingChallengeAuthenticatorData
    assert {(m.value, m.label) for m in response.method_types} == {
        ("push", "Get a push notification"),
        ("totp", "Enter a code"),
    }


async def test_approved_push_signs_in_with_verified_tokens(idx_client, mock_idx, requests_seen):
    user = mock_idx.add_user(profile={"name": "Alice Example"})
    waiting = await send_push(idx_client, user)
    assert waiting.context is not None
    assert waiting.refresh_ms == mock_idx.settings.poll_refresh_ms  # the server's pace, not a constant
    still_waiting = await idx_client.poll(waiting.context)
    assert still_waiting.continue_polling and not still_waiting.backoff

    mock_idx.approve_push(user.login)
    done = await idx_client.poll(waiting.context)

    assert done.status is Status.Success and done.context is None
    claims = done.tokens.claims
    assert claims["aud"] == "reference-client-tests" and claims["iss"] == mock_idx.issuer
    assert claims["name"] == "Alice Example" and claims["nonce"] == waiting.context.nonce
    token_calls = [p for m, p in requests_seen() if p.endswith(("/v1/token", "/v1/keys"))]
    assert token_calls == ["/oauth2/default/v1/token", "/oauth2/default/v1/keys"]


async def test_wrong_password_returns_oktas_message(idx_client, mock_idx):
    user = mock_idx.add_user()
    response = await idx_client.authenticate(user.login, "not-the-password")
    assert response.status is Status.AwaitingIdentification
    assert [(m.text, m.key) for m in response.errors] == [("Authentication failed", "errors.E0000004")]


async def test_denied_push_fails_then_resend_succeeds(idx_client, mock_idx):
    user = mock_idx.add_user()
    waiting = await send_push(idx_client, user)
    mock_idx.deny_push(user.login)

    rejected = await idx_client.poll(waiting.context)
    assert rejected.status is Status.PushChallengeFailed and rejected.can_resend
    assert [m.key for m in rejected.errors] == ["api.authn.poll.error.push_rejected"]
    assert (await idx_client.introspect(waiting.context)).status is Status.PushChallengeFailed

    resent = await idx_client.resend_push(rejected.context)
    assert resent.status is Status.AwaitingChallengeAuthenticatorPollResponse
    assert len(mock_idx.pushes(user.login)) == 1
    mock_idx.approve_push(user.login)
    assert (await idx_client.poll(resent.context)).status is Status.Success


async def test_push_expires_when_the_clock_passes_its_lifetime(idx_client, mock_idx):
    """The terminal expiry (``when_expired: terminal``, the widget's verification-timed-out fixture)."""
    user = mock_idx.add_user(push={"outcome": "manual", "when_expired": "terminal"})
    waiting = await send_push(idx_client, user)
    mock_idx.advance_clock(301)

    expired = await idx_client.poll(waiting.context)

    assert expired.status is Status.Terminal and expired.context is None
    assert expired.errors and not expired.continue_polling


async def test_push_no_longer_pending_reads_as_a_failed_push_that_can_be_resent(idx_client, mock_idx):
    """Okta's own answer to an expired push (capture authenticator-verification-ov-resend-push-notification.json:
    200, ``resend``, no message): the client, like the .NET SDK it follows, calls it a failed push it may resend."""
    user = mock_idx.add_user()
    waiting = await send_push(idx_client, user)
    mock_idx.advance_clock(301)

    expired = await idx_client.poll(waiting.context)

    assert expired.status is Status.PushChallengeFailed and expired.can_resend and not expired.errors


async def test_number_challenge_shows_the_number_to_tap(idx_client, mock_idx):
    user = mock_idx.add_user(number_challenge=True)
    waiting = await send_push(idx_client, user)
    [push] = mock_idx.pushes(user.login)
    assert waiting.correct_answer is not None and int(waiting.correct_answer) in push["options"]

    mock_idx.approve_push(user.login, answer=int(waiting.correct_answer))
    assert (await idx_client.poll(waiting.context)).status is Status.Success


async def test_totp_good_code_signs_in(idx_client, mock_idx, requests_seen):
    user = mock_idx.add_user()
    methods = await start_okta_verify(idx_client, user)
    challenge = await idx_client.select_method(methods.context, "totp")
    assert challenge.status is Status.AwaitingAuthenticatorVerification

    done = await idx_client.verify_code(challenge.context, mock_idx.totp_code(user.login))
    assert done.status is Status.Success and done.tokens.claims["sub"]
    answers = [b for m, b in requests_seen(user.login) if b == "/idp/idx/challenge/answer"]
    assert answers == ["/idp/idx/challenge/answer"]


async def test_totp_bad_code_keeps_the_step_with_the_field_message(idx_client, mock_idx):
    user = mock_idx.add_user()
    methods = await start_okta_verify(idx_client, user)
    challenge = await idx_client.select_method(methods.context, "totp")
    good = mock_idx.totp_code(user.login)
    bad = f"{(int(good) + 1) % 1_000_000:06d}"

    wrong = await idx_client.verify_code(challenge.context, bad)

    assert wrong.status is Status.AwaitingAuthenticatorVerification
    assert [(m.text, m.key, m.field) for m in wrong.errors] == [
        ("Invalid code. Try again.", "api.authn.error.PASSCODE_INVALID", "credentials.totp")
    ]
    assert (await idx_client.verify_code(wrong.context, good)).status is Status.Success


async def test_verify_with_something_else_switches_from_push_to_code(idx_client, mock_idx):
    user = mock_idx.add_user()
    waiting = await send_push(idx_client, user)
    assert {m.value for m in waiting.method_types} == {"push", "totp"}

    challenge = await idx_client.select_method(waiting.context, "totp")

    assert challenge.status is Status.AwaitingAuthenticatorVerification
    done = await idx_client.verify_code(challenge.context, mock_idx.totp_code(user.login))
    assert done.status is Status.Success


async def test_any_remediation_can_be_proceeded_by_name(idx_client, mock_idx):
    """`proceed` fills in the stateHandle and ids itself: here the one-request authenticator + method shortcut."""
    user = mock_idx.add_user()
    selection = await idx_client.authenticate(user.login, user.password)
    okta_verify = selection.authenticators[0].id

    challenge = await idx_client.proceed(
        selection.context,
        "select-authenticator-authenticate",
        {"authenticator": {"id": okta_verify, "methodType": "totp"}},
    )

    assert challenge.status is Status.AwaitingAuthenticatorVerification
    assert (await idx_client.verify_code(challenge.context, mock_idx.totp_code(user.login))).status is Status.Success


async def test_cancel_ends_the_transaction(idx_client, mock_idx, requests_seen):
    user = mock_idx.add_user()
    waiting = await send_push(idx_client, user)

    canceled = await idx_client.cancel(waiting.context)

    assert canceled.status is Status.Canceled and canceled.context is None
    assert ("POST", "/idp/idx/cancel") in requests_seen(user.login)
    after = await idx_client.introspect(waiting.context)
    assert after.status is not Status.AwaitingChallengeAuthenticatorPollResponse


async def test_a_method_that_is_not_offered_is_refused_without_a_request(idx_client, mock_idx, requests_seen):
    user = mock_idx.add_user(methods=("push",))
    methods = await start_okta_verify(idx_client, user)
    challenges_before = requests_seen(user.login).count(("POST", "/idp/idx/challenge"))

    with pytest.raises(IdxStepUnavailableError):
        await idx_client.select_method(methods.context, "totp")

    assert requests_seen(user.login).count(("POST", "/idp/idx/challenge")) == challenges_before


async def test_id_token_from_another_sign_in_is_rejected(idx_client, mock_idx):
    user = mock_idx.add_user()
    waiting = await send_push(idx_client, user)
    mock_idx.approve_push(user.login)
    assert waiting.context is not None
    with pytest.raises(TokenValidationError, match="nonce"):
        await idx_client.poll(replace(waiting.context, nonce="someone-elses-nonce"))


@pytest.mark.parametrize("fault", [{"status": 429}, {"status": 500}, {"drop": True}])
async def test_poll_failures_slow_down_instead_of_failing(idx_client, mock_idx, fault):
    user = mock_idx.add_user()
    waiting = await send_push(idx_client, user)
    mock_idx.fail_next("/idp/idx/authenticators/poll", user=user.login, **fault)

    slowed = await idx_client.poll(waiting.context)

    assert slowed.continue_polling and slowed.backoff and slowed.refresh_ms > waiting.refresh_ms
    mock_idx.approve_push(user.login)
    assert (await idx_client.poll(waiting.context)).status is Status.Success


async def test_org_authorization_server_issuer_works(http, mock_idx, requests_seen):
    """An issuer without `/oauth2/...` is the org server: `/oauth2/v1/*` endpoints, IDX at the same root."""
    user = mock_idx.add_user()
    org_client = IdxClient(
        IdxClientConfig(issuer=mock_idx.url, client_id="org-app", redirect_uri="http://127.0.0.1:8081/login/callback"),
        http,
    )
    methods = await start_okta_verify(org_client, user)
    assert methods.context is not None
    challenge = await org_client.select_method(methods.context, "totp")
    assert challenge.context is not None
    done = await org_client.verify_code(challenge.context, mock_idx.totp_code(user.login))

    assert done.status is Status.Success and done.tokens is not None
    assert done.tokens.claims["iss"] == mock_idx.url
    assert ("POST", "/oauth2/v1/interact") in requests_seen()
