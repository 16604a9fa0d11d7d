"""The IDX client against mock_idx, one test per sign-in outcome of the Okta Verify guide."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reference_client.idx import AuthenticationStatus as Status
from reference_client.idx import AuthResponse, IdxClient, IdxClientConfig, IdxStepUnavailableError, TokenValidationError

PASSWORD = "correct-horse-1"


async def start_okta_verify(client: IdxClient, login: str) -> AuthResponse:
    """Sign in with the password and pick Okta Verify: the guide's steps 1-2."""
    response = await client.authenticate(login, PASSWORD)
    assert response.status is Status.AwaitingAuthenticatorSelection
    okta_verify = next(a for a in response.authenticators if a.key == "okta_verify")
    assert okta_verify.label == "Okta Verify"
    return await client.select_authenticator(response.context, okta_verify.id)


async def send_push(client: IdxClient, login: str) -> AuthResponse:
    methods = await start_okta_verify(client, login)
    response = await client.select_method(methods.context, "push")
    assert response.status is Status.AwaitingChallengeAuthenticatorPollResponse
    return response


async def test_okta_verify_offers_push_and_code(idx_client, mock):
    login = await mock.add_user()
    response = await start_okta_verify(idx_client, login)
    assert response.status is Status.AwaitingChallengeAuthenticatorData
    assert {(m.value, m.label) for m in response.method_types} == {
        ("push", "Get a push notification"), ("totp", "Enter a code")}


async def test_approved_push_signs_in_with_verified_tokens(idx_client, mock):
    login = await mock.add_user(name="Alice Example")
    waiting = await send_push(idx_client, login)
    assert waiting.refresh_ms == 50  # the server's pace, not a constant
    still_waiting = await idx_client.poll(waiting.context)
    assert still_waiting.continue_polling and not still_waiting.backoff

    await mock.approve_push(login)
    done = await idx_client.poll(waiting.context)

    assert done.status is Status.Success and done.context is None
    claims = done.tokens.claims
    assert claims["aud"] == "reference-client-tests" and claims["iss"] == mock.issuer
    assert claims["name"] == "Alice Example" and claims["nonce"] == waiting.context.nonce
    token_calls = [p for m, p in await mock.journal_paths() if p.endswith(("/v1/token", "/v1/keys"))]
    assert token_calls == ["/oauth2/default/v1/token", "/oauth2/default/v1/keys"]


async def test_wrong_password_returns_oktas_message(idx_client, mock):
    login = await mock.add_user()
    response = await idx_client.authenticate(login, "not-the-password")
    assert response.status is Status.AwaitingIdentification
    assert [(m.text, m.key) for m in response.errors] == [("Authentication failed", "errors.E0000004")]


async def test_denied_push_fails_then_resend_succeeds(idx_client, mock):
    login = await mock.add_user()
    waiting = await send_push(idx_client, login)
    await mock.deny_push(login)

    rejected = await idx_client.poll(waiting.context)
    assert rejected.status is Status.PushChallengeFailed and rejected.can_resend
    assert [m.key for m in rejected.errors] == ["api.authn.poll.error.push_rejected"]
    assert (await idx_client.introspect(waiting.context)).status is Status.PushChallengeFailed

    resent = await idx_client.resend_push(rejected.context)
    assert resent.status is Status.AwaitingChallengeAuthenticatorPollResponse
    assert len(await mock.pushes(login)) == 1
    await mock.approve_push(login)
    assert (await idx_client.poll(resent.context)).status is Status.Success


async def test_push_expires_when_the_clock_passes_its_lifetime(idx_client, mock):
    login = await mock.add_user()
    waiting = await send_push(idx_client, login)
    await mock.advance_clock(301)

    expired = await idx_client.poll(waiting.context)

    assert expired.status is Status.Terminal and expired.context is None
    assert expired.errors and not expired.continue_polling


async def test_number_challenge_shows_the_number_to_tap(idx_client, mock):
    login = await mock.add_user(number_challenge=True)
    waiting = await send_push(idx_client, login)
    [push] = await mock.pushes(login)
    assert waiting.correct_answer is not None and int(waiting.correct_answer) in push["options"]

    await mock.approve_push(login, answer=int(waiting.correct_answer))
    assert (await idx_client.poll(waiting.context)).status is Status.Success


async def test_totp_good_code_signs_in(idx_client, mock):
    login = await mock.add_user()
    methods = await start_okta_verify(idx_client, login)
    challenge = await idx_client.select_method(methods.context, "totp")
    assert challenge.status is Status.AwaitingAuthenticatorVerification

    done = await idx_client.verify_code(challenge.context, await mock.totp_code(login))
    assert done.status is Status.Success and done.tokens.claims["sub"]
    answers = [b for m, b in await mock.journal_paths(login) if b == "/idp/idx/challenge/answer"]
    assert answers == ["/idp/idx/challenge/answer"]


async def test_totp_bad_code_keeps_the_step_with_the_field_message(idx_client, mock):
    login = await mock.add_user()
    methods = await start_okta_verify(idx_client, login)
    challenge = await idx_client.select_method(methods.context, "totp")
    good = await mock.totp_code(login)
    bad = f"{(int(good) + 1) % 1_000_000:06d}"

    wrong = await idx_client.verify_code(challenge.context, bad)

    assert wrong.status is Status.AwaitingAuthenticatorVerification
    assert [(m.text, m.key, m.field) for m in wrong.errors] == [
        ("Invalid code. Try again.", "api.authn.error.PASSCODE_INVALID", "credentials.totp")]
    assert (await idx_client.verify_code(wrong.context, good)).status is Status.Success


async def test_verify_with_something_else_switches_from_push_to_code(idx_client, mock):
    login = await mock.add_user()
    waiting = await send_push(idx_client, login)
    assert {m.value for m in waiting.method_types} == {"push", "totp"}

    challenge = await idx_client.select_method(waiting.context, "totp")

    assert challenge.status is Status.AwaitingAuthenticatorVerification
    done = await idx_client.verify_code(challenge.context, await mock.totp_code(login))
    assert done.status is Status.Success


async def test_cancel_ends_the_transaction(idx_client, mock):
    login = await mock.add_user()
    waiting = await send_push(idx_client, login)

    canceled = await idx_client.cancel(waiting.context)

    assert canceled.status is Status.Canceled and canceled.context is None
    assert ("POST", "/idp/idx/cancel") in await mock.journal_paths(login)
    after = await idx_client.introspect(waiting.context)
    assert after.status is not Status.AwaitingChallengeAuthenticatorPollResponse


async def test_a_method_that_is_not_offered_is_refused_without_a_request(idx_client, mock):
    login = await mock.add_user(methods=("push",))
    methods = await start_okta_verify(idx_client, login)
    with pytest.raises(IdxStepUnavailableError):
        await idx_client.select_method(methods.context, "totp")


async def test_id_token_from_another_sign_in_is_rejected(idx_client, mock):
    login = await mock.add_user()
    waiting = await send_push(idx_client, login)
    await mock.approve_push(login)
    with pytest.raises(TokenValidationError, match="nonce"):
        await idx_client.poll(replace(waiting.context, nonce="someone-elses-nonce"))


async def test_rate_limited_poll_slows_down_instead_of_failing(idx_client, mock):
    login = await mock.add_user()
    waiting = await send_push(idx_client, login)
    await mock.fail_next("/idp/idx/authenticators/poll", status=429, user=login)

    slowed = await idx_client.poll(waiting.context)

    assert slowed.continue_polling and slowed.backoff and slowed.refresh_ms > waiting.refresh_ms
    await mock.approve_push(login)
    assert (await idx_client.poll(waiting.context)).status is Status.Success


async def test_org_authorization_server_issuer_works(http, mock):
    """An issuer without `/oauth2/...` is the org server: `/oauth2/v1/*` endpoints, IDX at the same root."""
    login = await mock.add_user()
    org_client = IdxClient(IdxClientConfig(issuer=mock.base_url, client_id="org-app",
                                           redirect_uri="http://127.0.0.1:8081/login/callback"), http)
    methods = await start_okta_verify(org_client, login)
    challenge = await org_client.select_method(methods.context, "totp")
    done = await org_client.verify_code(challenge.context, await mock.totp_code(login))

    assert done.status is Status.Success and done.tokens.claims["iss"] == mock.base_url
    assert ("POST", "/oauth2/v1/interact") in await mock.journal_paths()
