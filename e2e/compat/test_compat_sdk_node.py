"""The official okta-auth-js 8.0.1, unmodified, signs in against mock_idx in Node.

All flows run once per module in a single Node process (each with its own OktaAuth instance and private
storage), in both SDK modes: Legacy (``enableLegacyMode``: authenticate / proceed / poll) and Step (the 8.x
default: start + proceed({step})). The Node side only drives the SDK and reports what it saw; every
expectation is asserted here. Flows that advance the virtual clock get a mock_idx of their own, since the
clock is global to a server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from e2e.compat.compat_support import PUSH_LIFETIME, compat_server, run_sdk_flows, step
from mock_idx.pytest_plugin import MockIdx

MODES = ("legacy", "step")
CLIENT_ID = "compat-node-client"
REDIRECT_URI = "http://localhost:8080/login/callback"
SHARED_FLOWS = (
    "push-approve",
    "push-deny",
    "push-deny-resend",
    "number-challenge",
    "totp",
    "totp-bad",
    "resend",
    "reselect-current",
    "cancel",
)
LEGACY_ONLY_FLOWS = ("push-upfront-token-lifecycle",)
"""Legacy mode's one-call selection has no Step-mode equivalent; the token calls after it are mode-agnostic."""
STEP_ONLY_FLOWS = ("push-deny-resend-by-remediation",)
"""Step mode naming the top-level ``resend`` remediation: Legacy never offers it (it fires ``actions`` instead)."""
OFFLINE_SCOPES = ["openid", "profile", "email", "offline_access"]
CLOCK_ADVANCE_PAST_SKEW = 3600
"""Beyond the 300 s clock skew every Okta SDK allows when it checks a token's iat/exp."""
CLOCK_FLOWS = {
    "push-timeout": PUSH_LIFETIME + 1,
    "push-timeout-terminal": PUSH_LIFETIME + 1,
    "expired-state": 24 * 3600,
    "totp-after-clock-advance": CLOCK_ADVANCE_PAST_SKEW,
}

PUSH_REJECTED = "api.authn.poll.error.push_rejected"
PASSCODE_INVALID = "api.authn.error.PASSCODE_INVALID"
SESSION_EXPIRED = "idx.session.expired"
PUSH_TIMED_OUT = "core.system.transaction_resource_not_found"


def _flow_spec(server: MockIdx, mode: str, flow: str, **extra: Any) -> dict[str, Any]:
    push = {"outcome": "manual", "when_expired": "terminal"} if flow == "push-timeout-terminal" else "manual"
    user = server.add_user(number_challenge=flow == "number-challenge", push=push)
    if flow in LEGACY_ONLY_FLOWS:
        extra["scopes"] = OFFLINE_SCOPES
    return {
        "id": f"{mode}:{flow}",
        "flow": flow,
        "mode": mode,
        "base": server.url,
        "login": user.login,
        "password": user.password,
        "clientId": CLIENT_ID,
        "redirectUri": REDIRECT_URI,
        **extra,
    }


@pytest.fixture(scope="module")
def sdk_run(mock_idx_key_file: Path) -> Iterator[dict[str, Any]]:
    """Runs every flow in both modes; yields the results, and each flow's server and spec by flow id."""
    by_id: dict[str, MockIdx] = {}
    plan = []
    with ExitStack() as servers:
        shared = servers.enter_context(compat_server(mock_idx_key_file))
        for mode in MODES:
            for flow in SHARED_FLOWS + (LEGACY_ONLY_FLOWS if mode == "legacy" else STEP_ONLY_FLOWS):
                plan.append(_flow_spec(shared, mode, flow))
                by_id[plan[-1]["id"]] = shared
            for flow, advance in CLOCK_FLOWS.items():
                own = servers.enter_context(compat_server(mock_idx_key_file))
                plan.append(_flow_spec(own, mode, flow, advanceSeconds=advance))
                by_id[plan[-1]["id"]] = own
        yield {"results": run_sdk_flows(plan), "servers": by_id, "plan": {spec["id"]: spec for spec in plan}}


def flow_result(sdk_run: dict[str, Any], mode: str, flow: str) -> dict[str, Any]:
    """The flow's record; fails with the SDK's error and the steps so far if the flow threw."""
    result: dict[str, Any] = sdk_run["results"][f"{mode}:{flow}"]
    if not result["ok"]:
        pytest.fail(
            f"{mode}:{flow} threw {result['error']['name']}: {result['error']['message']}\n"
            f"steps: {json.dumps(result['steps'], indent=1)}\n{result['error']['stack']}",
            pytrace=False,
        )
    return result


def message_keys(summary: dict[str, Any]) -> list[str]:
    return [m["key"] for m in summary["messages"]]


def next_name(summary: dict[str, Any]) -> str | None:
    return summary["nextStep"]["name"] if summary["nextStep"] else None


def assert_signed_in(result: dict[str, Any], sdk_run: dict[str, Any], mode: str, flow: str) -> None:
    """SUCCESS with tokens that okta-auth-js verified itself (RS256 signature, claims), and a forgery refused."""
    last = result["steps"][-1]
    assert (last["status"], last["hasTokens"]) == ("SUCCESS", True), last
    tokens = result["tokens"]
    server = sdk_run["servers"][f"{mode}:{flow}"]
    login = sdk_run["plan"][f"{mode}:{flow}"]["login"]
    assert tokens["verified"] is True
    assert tokens["forgedError"] == "The token signature is not valid"
    assert tokens["claims"]["iss"] == server.issuer
    assert tokens["claims"]["aud"] == CLIENT_ID
    assert login in (tokens["claims"].get("preferred_username"), tokens["claims"].get("email"))
    assert tokens["accessTokenPresent"] and tokens["expiresInFuture"]
    assert tokens["userInfo"]["sub"] == tokens["claims"]["sub"]
    assert tokens["userInfo"]["preferred_username"] == login
    assert set(tokens["scopes"]) >= {"openid", "profile", "email"}


def assert_push_started(result: dict[str, Any], mode: str) -> dict[str, Any]:
    """The path every push flow shares: password, Okta Verify (id only), then push (id + methodType)."""
    chosen = step(result, "choose-okta-verify")
    assert (chosen["status"], next_name(chosen)) == ("PENDING", "authenticator-verification-data")
    pushed = step(result, "choose-push")
    assert (pushed["status"], next_name(pushed)) == ("PENDING", "challenge-poll")
    assert pushed["nextStep"]["refresh"] == 200
    if mode == "legacy":
        assert pushed["nextStep"]["canResend"] is True
    return pushed


@pytest.mark.parametrize("mode", MODES)
def test_sign_in_begins_the_way_the_mode_documents(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "push-approve")
    if mode == "legacy":
        first = step(result, "authenticate")
    else:
        started = step(result, "start")
        assert (started["status"], started["nextStep"]) == ("PENDING", None)
        assert "identify" in started["availableSteps"]
        first = step(result, "identify")
    assert (first["status"], next_name(first)) == ("PENDING", "select-authenticator-authenticate")


@pytest.mark.parametrize("mode", MODES)
def test_push_approved_through_control_api(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "push-approve")
    assert_push_started(result, mode)
    waiting = step(result, "poll")
    assert (waiting["status"], next_name(waiting)) == ("PENDING", "challenge-poll")
    assert_signed_in(result, sdk_run, mode, "push-approve")


@pytest.mark.parametrize("mode", MODES)
def test_push_denied(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "push-deny")
    assert_push_started(result, mode)
    denied = result["steps"][-1]
    assert denied["status"] == "PENDING"
    assert denied["messages"] == [
        {"key": PUSH_REJECTED, "class": "ERROR", "message": "You have chosen to reject this login."}
    ]
    # Legacy skips `resend` (not part of the authenticate flow); Step mode reports the first remediation.
    assert next_name(denied) == ("select-authenticator-authenticate" if mode == "legacy" else "resend")


@pytest.mark.parametrize("mode", MODES)
def test_push_denied_then_resent_and_approved(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "push-deny-resend")
    resent = step(result, "resend-after-deny")
    assert (resent["status"], next_name(resent), resent["messages"]) == ("PENDING", "challenge-poll", [])
    assert len(result["pendingPushesAfterResend"]["pushes"]) == 1
    assert_signed_in(result, sdk_run, mode, "push-deny-resend")


def test_step_mode_resend_remediation_after_a_denial_posts_no_authenticator(sdk_run: dict[str, Any]) -> None:
    """Okta's ``resend`` remediation nests its authenticator under ``value.form`` (capture
    ``authenticator-verification-ov-resend-push-notification.json``); okta-auth-js 8 in Step mode, told
    ``step: 'resend'``, posts the stateHandle alone, which the server refuses: no push goes out. An app resends with
    ``currentAuthenticator-resend`` instead (``test_push_denied_then_resent_and_approved``)."""
    result = flow_result(sdk_run, "step", "push-deny-resend-by-remediation")
    refused = step(result, "resend-remediation")
    assert refused["requestDidSucceed"] is False
    assert result["pendingPushesAfterResend"]["pushes"] == []


@pytest.mark.parametrize("mode", MODES)
def test_push_expired_after_clock_advance_offers_resend(sdk_run: dict[str, Any], mode: str) -> None:
    """As Okta's capture of a push no longer pending (``authenticator-verification-ov-resend-push-notification``):
    a 200 the SDK reads as PENDING with no message; Legacy skips ``resend`` as after a denial, Step mode reports it,
    and both can fire ``currentAuthenticator-resend``. (It was a terminal 404, now the ``when_expired`` choice.)"""
    result = flow_result(sdk_run, mode, "push-timeout")
    assert_push_started(result, mode)
    expired = result["steps"][-1]
    assert expired["label"] == "poll"
    assert (expired["status"], expired["requestDidSucceed"], expired["messages"]) == ("PENDING", True, [])
    assert next_name(expired) == ("select-authenticator-authenticate" if mode == "legacy" else "resend")
    assert "currentAuthenticator-resend" in expired["availableSteps"]


@pytest.mark.parametrize("mode", MODES)
def test_push_timeout_chosen_terminal_is_terminal(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "push-timeout-terminal")
    assert_push_started(result, mode)
    timed_out = result["steps"][-1]
    assert timed_out["label"] == "poll"
    assert (timed_out["status"], timed_out["requestDidSucceed"]) == ("TERMINAL", False)
    assert message_keys(timed_out) == [PUSH_TIMED_OUT]


@pytest.mark.parametrize("mode", MODES)
def test_number_challenge_answer_reaches_the_sdk(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "number-challenge")
    pushed = assert_push_started(result, mode)
    answer = pushed["nextStep"]["correctAnswer"]
    assert answer is not None and answer == result["correctAnswer"]
    [push] = result["pushes"]["pushes"]
    assert int(answer) in push["options"]
    assert_signed_in(result, sdk_run, mode, "number-challenge")


@pytest.mark.parametrize("mode", MODES)
def test_totp_signs_in(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "totp")
    challenged = step(result, "choose-totp")
    assert (challenged["status"], next_name(challenged)) == ("PENDING", "challenge-authenticator")
    if mode == "legacy":
        assert [i["name"] for i in challenged["nextStep"]["inputs"]] == ["verificationCode"]
    assert_signed_in(result, sdk_run, mode, "totp")


@pytest.mark.parametrize("mode", MODES)
def test_wrong_totp_is_passcode_invalid_on_the_input(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "totp-bad")
    wrong = step(result, "answer-wrong-totp")
    assert (wrong["status"], wrong["requestDidSucceed"]) == ("PENDING", False)
    assert next_name(wrong) == "challenge-authenticator"
    assert message_keys(wrong) == [PASSCODE_INVALID]
    [field] = wrong["nextStep"]["inputs"]
    assert field["name"] == "verificationCode"
    assert [m["key"] for m in field["messages"]] == [PASSCODE_INVALID]
    assert_signed_in(result, sdk_run, mode, "totp-bad")


@pytest.mark.parametrize("mode", MODES)
def test_resend_sends_a_new_push(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "resend")
    resent = step(result, "resend")
    assert (resent["status"], next_name(resent)) == ("PENDING", "challenge-poll")
    [before] = result["pushesBefore"]["pushes"]
    [after] = result["pushesAfter"]["pushes"]
    assert after["id"] != before["id"]
    assert_signed_in(result, sdk_run, mode, "resend")


def test_legacy_upfront_selection_then_refresh_introspect_revoke(sdk_run: dict[str, Any]) -> None:
    flow = "push-upfront-token-lifecycle"
    result = flow_result(sdk_run, "legacy", flow)
    first = step(result, "authenticate-upfront")
    assert (first["status"], next_name(first)) == ("PENDING", "challenge-poll")
    login = sdk_run["plan"][f"legacy:{flow}"]["login"]
    idx_calls = [e["path"] for e in sdk_run["servers"][f"legacy:{flow}"].journal(login) if e["path"].startswith("/idp")]
    # one authenticate() call: identify, then Okta Verify by id, then the same with methodType push
    assert idx_calls[:3] == ["/idp/idx/identify", "/idp/idx/challenge", "/idp/idx/challenge"]
    assert_signed_in(result, sdk_run, "legacy", flow)
    renewed = result["renewed"]
    assert renewed["kinds"] == ["accessToken", "idToken", "refreshToken"]
    assert renewed["forgedError"] == "The token signature is not valid"
    assert renewed["claims"]["sub"] == result["tokens"]["claims"]["sub"]
    assert result["accessTokenActive"] == {"beforeRevoke": True, "afterRevoke": False}


@pytest.mark.parametrize("mode", MODES)
def test_cancel(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "cancel")
    canceled = step(result, "cancel")
    assert canceled["status"] == "CANCELED"
    assert result["canProceedAfterCancel"] is False


@pytest.mark.parametrize("mode", MODES)
def test_expired_state_handle_is_terminal(sdk_run: dict[str, Any], mode: str) -> None:
    result = flow_result(sdk_run, mode, "expired-state")
    expired = step(result, "choose-okta-verify")
    assert (expired["status"], expired["requestDidSucceed"]) == ("TERMINAL", False)
    assert message_keys(expired) == [SESSION_EXPIRED]


@pytest.mark.parametrize("mode", MODES)
def test_sign_in_after_the_clock_moved_yields_tokens_the_sdk_accepts(sdk_run: dict[str, Any], mode: str) -> None:
    result = sdk_run["results"][f"{mode}:totp-after-clock-advance"]
    assert result["ok"], result["error"]["message"]
    assert_signed_in(result, sdk_run, mode, "totp-after-clock-advance")


@pytest.mark.parametrize("mode", MODES)
def test_okta_verify_by_key_on_its_own_push_page(sdk_run: dict[str, Any], mode: str) -> None:
    """The Okta Verify option's ``relatesTo`` is ``$.authenticators.value[i]``, the authenticator
    ``currentAuthenticator`` names (every real capture, e.g. ``challenge/verify-ov-send-push.json``). okta-auth-js
    in Legacy mode then refuses to re-select the current authenticator by key (OKTA-612939): no request, the push
    stays pending. Step mode, naming the step, does post it and gets the method page, the push withdrawn."""
    result = flow_result(sdk_run, mode, "reselect-current")
    again = step(result, "reselect-okta-verify")
    before = [p["id"] for p in result["pushesBefore"]["pushes"]]
    after = [p["id"] for p in result["pushesAfter"]["pushes"]]
    assert len(before) == 1
    if mode == "legacy":
        assert (again["status"], next_name(again)) == ("PENDING", "challenge-poll")
        assert after == before
    else:
        assert (again["status"], next_name(again)) == ("PENDING", "authenticator-verification-data")
        assert after == []
