"""Okta's Java IDX SDK (com.okta.idx.sdk:okta-idx-java-api 2.0.0), unmodified, signs in, recovers a password and
signs a new user up against mock_idx.

One JVM per module (``e2e/compat/java``, ``dev.mockidx.compat.SdkFlows``) runs every flow through
``IDXAuthenticationWrapper`` the way Okta's Spring sample calls it, with the control API playing the phone, and
prints one JSON line per flow. The Java side only drives the SDK and reports what it returned; every expectation
is asserted here, one test per flow. Flows that advance the virtual clock get a mock_idx of their own, since the
clock is global to a server. Recovery ("Forgot password?" by email code) and registration (password and email
enrolled) run on one org loaded from a scenario with ``settings.registration`` and
``settings.password_policy.recovery``.

2.0.0 is the newest release Maven Central serves, and it predates Okta Verify support in the SDK: it has no poll
call (an application learns how a push ended through ``introspect``), cannot read a denied push, never shows the
number of a number challenge, has no token refresh and no self-service unlock (its wrapper has no unlock call, so
an application on it cannot offer "Unlock account?"). The tests pin what it does, so a newer SDK that changes
any of it fails here and says so. e2e/compat/java/README.md has the details.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest

from e2e.compat.compat_support import COMPAT_DIR, PUSH_LIFETIME, compat_org, compat_server, step
from mock_idx.pytest_plugin import MockIdx

JAVA_PROJECT = COMPAT_DIR / "java"
TARGET = JAVA_PROJECT / "target"
BUILD_COMMAND = ("mvn", "-o", "-q", "-B", "-f", str(JAVA_PROJECT / "pom.xml"), "package")
INSTALL_HINT = "mvn -q -B -f e2e/compat/java/pom.xml package"
MAIN_CLASS = "dev.mockidx.compat.SdkFlows"
BUILD_TIMEOUT_S = 300
JVM_TIMEOUT_S = 120

CLIENT_ID = "compat-java-client"
REDIRECT_URI = "http://localhost:8080/authorization-code/callback"
SCOPES = ["openid", "profile", "email", "offline_access"]
SHARED_FLOWS = (
    "push-approve",
    "number-challenge",
    "push-deny-resend",
    "totp",
    "totp-wrong",
    "verify-with-something-else",
    "cancel",
    "token-revoke",
    "rate-limited-check-back",
)
CLOCK_FLOWS = {"push-timeout": PUSH_LIFETIME + 1, "expired-session": 24 * 3600}

SELF_SERVICE_PASSWORD = "Tr1cky-Passw0rd!"
NEW_PASSWORD = "Quartz7lamp-2"
WEAK_PASSWORD = "weak"
TAKEN = "taken@example.com"
PASSWORD_REQUIREMENTS = (
    "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, "
    "an uppercase letter, a number, no parts of your username."
)
"""Okta's password.passwordRequirementsNotMet, with the org's default policy spelled out as Okta spells it."""
SELF_SERVICE_ORG: dict[str, Any] = {
    "settings": {
        "authenticators": {
            "enrollment": {"okta_password": "required", "okta_email": "required"},
            "sign_on": "one_factor",
        },
        "registration": {"enabled": True},
        "password_policy": {"recovery": {"authenticators": ["okta_email"], "after_reset": "sign_in"}},
        "lockout": {"max_attempts": 3, "show_lockout_failures": True, "self_service_unlock": ["email"]},
    },
    "users": [
        {"login": "recover@example.com", "password": SELF_SERVICE_PASSWORD, "authenticators": {"email": {}}},
        {"login": TAKEN, "password": SELF_SERVICE_PASSWORD, "authenticators": {"email": {}}},
        {"login": "locked@example.com", "password": SELF_SERVICE_PASSWORD, "authenticators": {"email": {}}},
    ],
}
SELF_SERVICE_FLOWS = {
    "recover-password": "recover@example.com",
    "recover-unknown": "nobody@example.com",
    "register": "newcomer@example.com",
    "register-taken": TAKEN,
    "locked-out": "locked@example.com",
}
"""An org with "Forgot password?" by email, "Sign up" (password and email required) and a lockout after three wrong
passwords with "Unlock account?" by email, one server for them all (the recovery's two wrong passwords stay short of
the lockout: the right one after them starts the count again)."""
TERMINAL_RECOVERY_ORG: dict[str, Any] = {
    "settings": {
        **SELF_SERVICE_ORG["settings"],
        "password_policy": {"recovery": {"authenticators": ["okta_email"], "after_reset": "terminal"}},
    },
    "users": SELF_SERVICE_ORG["users"][:1],
}
"""The same org, but a recovery ends on Okta's "You can now sign in" page instead of signing in."""
TERMINAL_RECOVERY = "recover-then-terminal"
"""The recovery flow, run on that org."""

POLL_ROUTE = "/idp/idx/authenticators/poll"
INTROSPECT_ROUTE = "/idp/idx/introspect"
OKTA_VERIFY = {"label": "Okta Verify", "methods": ["totp", "push"]}
"""In Okta's order (every capture lists "Enter a code" before "Get a push notification")."""


@dataclass
class SdkRun:
    """Every flow's report line, and the server and user each flow ran against, by flow name."""

    results: dict[str, dict[str, Any]]
    servers: dict[str, MockIdx]
    logins: dict[str, str]


def _on_path_or_skip(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        reason = f"`{tool}` is not on PATH: the Java SDK tests need a JDK 17 and Maven"
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide it. {reason}", pytrace=False)
        pytest.skip(reason)
    return found


def _newest_source() -> float:
    sources = [JAVA_PROJECT / "pom.xml", *(JAVA_PROJECT / "src").rglob("*.java")]
    return max(path.stat().st_mtime for path in sources)


def _built() -> bool:
    jars = list((TARGET / "dependency").glob("okta-idx-java-api-*.jar"))
    classes = TARGET / "classes" / "dev" / "mockidx" / "compat" / "SdkFlows.class"
    return bool(jars) and classes.is_file() and classes.stat().st_mtime >= _newest_source()


@pytest.fixture(scope="module")
def okta_packages_installed() -> None:
    """The npm packages the rest of e2e/compat needs (conftest.py) play no part here: the JVM gate is below."""


@pytest.fixture(scope="module")
def java_command() -> list[str]:
    """``java`` with the driver's classes and the SDK's jars; rebuilt offline when a source changed since the last
    build."""
    java = _on_path_or_skip("java")
    if not _built():
        _on_path_or_skip("mvn")
        build = subprocess.run(BUILD_COMMAND, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False)
        if build.returncode != 0:
            reason = f"the Java driver does not build offline; run `{INSTALL_HINT}` (online) first"
            detail = (build.stdout + build.stderr)[-3000:]
            if os.environ.get("CI"):
                pytest.fail(f"{reason}\n{detail}", pytrace=False)
            pytest.skip(reason)
    jars = sorted(str(jar) for jar in (TARGET / "dependency").glob("*.jar"))
    return [java, "-cp", os.pathsep.join([str(TARGET / "classes"), *jars])]


def _flow_spec(
    server: MockIdx, flow: str, login: str, password: str, advance: float = 0, flow_id: str | None = None
) -> dict[str, Any]:
    """One flow of the plan (reported under ``flow_id``, the flow's name unless given); the self-service fields are
    read only by the recovery and registration flows."""
    return {
        "id": flow_id or flow,
        "flow": flow,
        "base": server.url,
        "issuer": server.issuer,
        "login": login,
        "password": password,
        "clientId": CLIENT_ID,
        "redirectUri": REDIRECT_URI,
        "scopes": SCOPES,
        "advanceSeconds": advance,
        "newPassword": NEW_PASSWORD,
        "weakPassword": WEAK_PASSWORD,
        "firstName": "Nina",
        "lastName": "Newcomer",
    }


def _run_jvm(java: list[str], plan: list[dict[str, Any]], home: Path) -> dict[str, dict[str, Any]]:
    """Runs the plan in one JVM, killed if it outlives JVM_TIMEOUT_S; the SDK's own configuration sources (OKTA_*
    variables, ~/.okta/okta.yaml) are kept out, so only the plan configures it."""
    env = {name: value for name, value in os.environ.items() if not name.upper().startswith("OKTA")}
    command = [
        *java,
        "-Dokta.testing.disableHttpsCheck=true",  # the SDK's own switch for a plain-http issuer
        f"-Duser.home={home}",
        MAIN_CLASS,
    ]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as jvm:
        try:
            out, err = jvm.communicate(json.dumps({"flows": plan}), timeout=JVM_TIMEOUT_S)
        finally:
            if jvm.poll() is None:
                jvm.kill()
                jvm.wait()
    if jvm.returncode != 0:
        pytest.fail(f"{MAIN_CLASS} exited {jvm.returncode}\n{err[-4000:]}", pytrace=False)
    results = [json.loads(line) for line in out.splitlines() if line.strip()]
    return {result["id"]: result for result in results}


@pytest.fixture(scope="module")
def sdk_run(
    java_command: list[str], mock_idx_key_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SdkRun]:
    with ExitStack() as running:
        shared = running.enter_context(compat_server(mock_idx_key_file))
        servers = dict.fromkeys(SHARED_FLOWS, shared)
        for flow in CLOCK_FLOWS:
            servers[flow] = running.enter_context(compat_server(mock_idx_key_file))
        plan, logins = [], {}
        for flow, server in servers.items():
            user = server.add_user(number_challenge=flow == "number-challenge")
            logins[flow] = user.login
            plan.append(_flow_spec(server, flow, user.login, user.password, CLOCK_FLOWS.get(flow, 0)))
        self_service = running.enter_context(
            compat_org(mock_idx_key_file, tmp_path_factory.mktemp("java-self-service"), SELF_SERVICE_ORG)
        )
        for flow, login in SELF_SERVICE_FLOWS.items():
            servers[flow], logins[flow] = self_service, login
            plan.append(_flow_spec(self_service, flow, login, SELF_SERVICE_PASSWORD))
        terminal = running.enter_context(
            compat_org(mock_idx_key_file, tmp_path_factory.mktemp("java-terminal"), TERMINAL_RECOVERY_ORG)
        )
        servers[TERMINAL_RECOVERY] = terminal
        logins[TERMINAL_RECOVERY] = SELF_SERVICE_FLOWS["recover-password"]
        plan.append(
            _flow_spec(
                terminal,
                "recover-password",
                logins[TERMINAL_RECOVERY],
                SELF_SERVICE_PASSWORD,
                flow_id=TERMINAL_RECOVERY,
            )
        )
        results = _run_jvm(java_command, plan, tmp_path_factory.mktemp("java-home"))
        yield SdkRun(results, servers, logins)


def flow_result(run: SdkRun, flow: str) -> dict[str, Any]:
    """The flow's report; fails with the Java exception and the steps so far if the flow itself threw."""
    result = run.results.get(flow)
    assert result is not None, f"the JVM reported nothing for {flow}: {sorted(run.results)}"
    if not result["ok"]:
        pytest.fail(
            f"{flow} threw {result['error']['type']}: {result['error']['message']}\n"
            f"steps: {json.dumps(result['steps'], indent=1)}\n{result['error']['trace']}",
            pytrace=False,
        )
    return result


def okta_verify_offered(result: dict[str, Any], occurrence: int = 0) -> None:
    """After the password, the SDK lists Okta Verify with both methods, as the sample's select page shows it."""
    password_done = step(result, "authenticate", occurrence)
    assert (password_done["status"], password_done["errors"]) == ("AWAITING_AUTHENTICATOR_SELECTION", [])
    offered = [{"label": a["label"], "methods": a["methods"]} for a in password_done["authenticators"]]
    assert offered == [OKTA_VERIFY]


def push_started(result: dict[str, Any], occurrence: int = 0) -> None:
    """The SDK's view once a push is sent: no status of its own (2.0.0 knows no challenge-poll), Okta Verify current."""
    pushed = step(result, "select-factor:push", occurrence)
    assert (pushed["status"], pushed["errors"], pushed["hasTokens"]) == ("UNKNOWN", [], False)
    assert pushed["currentAuthenticator"] == "app"


def _post_form(url: str, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, json.load(refused)


def _signing_keys(server: MockIdx) -> jwt.PyJWKSet:
    with urllib.request.urlopen(f"{server.issuer}/v1/keys", timeout=10) as reply:
        return jwt.PyJWKSet.from_dict(json.load(reply))


def _verified(token: str, server: MockIdx, **options: Any) -> dict[str, Any]:
    key = _signing_keys(server)[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(token, key.key, algorithms=["RS256"], issuer=server.issuer, **options)


def assert_signed_in(run: SdkRun, flow: str, result: dict[str, Any]) -> dict[str, Any]:
    """SUCCESS with tokens the server really signed for this user and client; returns the SDK's token response."""
    last = [s for s in result["steps"] if "status" in s][-1]
    assert (last["status"], last["errors"], last["hasTokens"]) == ("SUCCESS", [], True), last
    tokens: dict[str, Any] = result["tokens"]
    server, login = run.servers[flow], run.logins[flow]
    claims = _verified(tokens["idToken"], server, audience=CLIENT_ID)
    assert claims["preferred_username"] == login
    access = _verified(tokens["accessToken"], server, options={"verify_aud": False})
    assert (access["cid"], access["sub"]) == (CLIENT_ID, login)
    assert tokens["tokenType"] == "Bearer" and tokens["expiresIn"] > 0
    assert set(tokens["scope"].split()) == set(SCOPES)
    assert tokens["refreshToken"]
    return tokens


def test_push_approved(sdk_run: SdkRun) -> None:
    result = flow_result(sdk_run, "push-approve")
    okta_verify_offered(result)
    push_started(result)
    waiting = step(result, "check-back:before-tap")
    assert (waiting["status"], waiting["errors"], waiting["hasTokens"]) == ("UNKNOWN", [], False)
    (push,) = step(result, "phone:pending")["detail"]
    assert (push["client_id"], push["number_challenge"]) == (CLIENT_ID, False)
    assert push["user_agent"].startswith("okta-idx-java/")
    assert_signed_in(sdk_run, "push-approve", result)


def test_number_challenge(sdk_run: SdkRun) -> None:
    """The push is a number challenge, but 2.0.0's ContextualData has no field for the number: an application on it
    cannot show one. The phone approves without a number, and the sign-in completes."""
    result = flow_result(sdk_run, "number-challenge")
    push_started(result)
    (push,) = step(result, "phone:pending")["detail"]
    assert push["number_challenge"] is True and len(push["options"]) == 3
    seen = step(result, "select-factor:push")["contextualData"]
    assert seen == {"qrcode": None, "sharedSecret": None, "activationData": None, "challengeData": None}
    assert_signed_in(sdk_run, "number-challenge", result)


def test_push_denied_then_resent(sdk_run: SdkRun) -> None:
    """2.0.0 cannot read the denial: its parser wants the ``resend`` remediation's authenticator fields under a
    top-level ``form``, which Okta's own documents nest under ``value.form``, and throws. Its ``resend`` posts only
    the stateHandle, refused as Okta refuses a form without its required authenticator, and sends no push. The user
    then starts over on the same transaction and gets in by push."""
    result = flow_result(sdk_run, "push-deny-resend")
    push_started(result)
    assert step(result, "phone:deny")["detail"]["state"] == "denied"
    thrown = step(result, "check-back:after-deny")["thrown"]
    assert thrown["type"] == "java.lang.NullPointerException"
    assert thrown["at"] == "com.okta.idx.sdk.api.client.AuthenticationTransaction.getAuthenticators"
    resent = step(result, "resend")
    # Refused: the answer is the rejected page again (its message first); what else it says is the refusal's.
    assert resent["hasTokens"] is False and resent["errors"][:1] == ["You have chosen to reject this login."]
    assert step(result, "phone:pending-after-resend")["detail"] == []
    restarted = step(result, "cancel")
    assert (restarted["status"], restarted["errors"]) == ("UNKNOWN", [])
    okta_verify_offered(result, occurrence=1)
    push_started(result, occurrence=1)
    assert_signed_in(sdk_run, "push-deny-resend", result)


def test_push_timeout_through_the_clock(sdk_run: SdkRun) -> None:
    result = flow_result(sdk_run, "push-timeout")
    push_started(result)
    assert step(result, "clock:advanced")["detail"] == PUSH_LIFETIME + 1
    # An expired push answers as Okta's capture of a push no longer pending: the ``resend`` remediation with its
    # authenticator nested under ``value.form``, which 2.0.0 cannot parse, exactly as after a denial (it was a
    # terminal 404 the SDK read as "Verification timed out"; that is now the ``when_expired: terminal`` choice).
    thrown = step(result, "check-back:after-timeout")["thrown"]
    assert thrown["type"] == "java.lang.NullPointerException"
    assert thrown["at"] == "com.okta.idx.sdk.api.client.AuthenticationTransaction.getAuthenticators"
    assert result["tokens"] is None


def test_totp_right(sdk_run: SdkRun) -> None:
    result = flow_result(sdk_run, "totp")
    okta_verify_offered(result)
    chosen = step(result, "select-factor:totp")
    assert (chosen["status"], chosen["errors"]) == ("AWAITING_AUTHENTICATOR_VERIFICATION", [])
    assert_signed_in(sdk_run, "totp", result)


def test_totp_wrong_then_right(sdk_run: SdkRun) -> None:
    """A wrong code is the SDK's error on the same form, and the refused code leaves the sign-in usable."""
    result = flow_result(sdk_run, "totp-wrong")
    wrong = step(result, "verify:wrong")
    assert (wrong["errors"], wrong["hasTokens"]) == (["Invalid code. Try again."], False)
    assert_signed_in(sdk_run, "totp-wrong", result)


def test_verify_with_something_else(sdk_run: SdkRun) -> None:
    """2.0.0 posts every step to the first remediation's href. During a push that is the poll, so "Enter a code"
    and the code land on the poll, which answers the unchanged push; the push still signs the user in."""
    result = flow_result(sdk_run, "verify-with-something-else")
    push_started(result)
    for label in ("select-factor:totp", "verify"):
        answered = step(result, label)
        assert (answered["errors"], answered["hasTokens"], answered["currentAuthenticator"]) == ([], False, "app")
        assert answered["canResend"] is True
    server, login = sdk_run.servers["verify-with-something-else"], sdk_run.logins["verify-with-something-else"]
    sent = [row["path"] for row in server.journal(login) if row["path"].startswith("/idp/idx/")]
    push_sent = sent.index("/idp/idx/challenge")
    assert sent[push_sent + 1 : push_sent + 3] == [POLL_ROUTE, POLL_ROUTE]
    assert_signed_in(sdk_run, "verify-with-something-else", result)


def test_cancel_then_sign_in(sdk_run: SdkRun) -> None:
    result = flow_result(sdk_run, "cancel")
    canceled = step(result, "cancel")
    assert (canceled["status"], canceled["errors"], canceled["hasProceedContext"]) == ("UNKNOWN", [], True)
    okta_verify_offered(result, occurrence=1)
    assert_signed_in(sdk_run, "cancel", result)


def test_expired_session(sdk_run: SdkRun) -> None:
    result = flow_result(sdk_run, "expired-session")
    okta_verify_offered(result)
    expired = step(result, "select-factor:totp")
    # Worded as Okta's capture identify/error-session-expired.json words idx.session.expired.
    assert expired["errors"] == ["The session has expired."]
    assert (expired["hasTokens"], result["tokens"]) == (False, None)


def test_tokens_revoked_through_the_sdk(sdk_run: SdkRun) -> None:
    """2.0.0 has revokeToken but no refresh: it revokes both tokens, and the server agrees they are dead, while
    another sign-in's tokens from the same run stay alive (so the check can tell)."""
    result = flow_result(sdk_run, "token-revoke")
    revoked = assert_signed_in(sdk_run, "token-revoke", result)
    alive = assert_signed_in(sdk_run, "totp", flow_result(sdk_run, "totp"))
    issuer = sdk_run.servers["token-revoke"].issuer

    def active(token: str, hint: str) -> bool:
        status, body = _post_form(
            f"{issuer}/v1/introspect", {"client_id": CLIENT_ID, "token": token, "token_type_hint": hint}
        )
        assert status == 200, body
        return bool(body["active"])

    assert step(result, "revoked")["detail"] == {"access_token": True, "refresh_token": True}
    assert not active(revoked["accessToken"], "access_token")
    assert not active(revoked["refreshToken"], "refresh_token")
    assert active(alive["accessToken"], "access_token")
    assert active(alive["refreshToken"], "refresh_token")
    status, body = _post_form(
        f"{issuer}/v1/token",
        {"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": revoked["refreshToken"]},
    )
    assert (status, body["error"]) == (400, "invalid_grant")


def test_rate_limited_check_back(sdk_run: SdkRun) -> None:
    """One 429 with X-Rate-Limit-Reset on the request the SDK waits with. 2.0.0 builds its RetryRequestExecutor
    with no retries and no elapsed budget, so the 429 comes straight back as an error; the next check-back gets in.
    The fault on the poll route never fires: 2.0.0 never polls."""
    result = flow_result(sdk_run, "rate-limited-check-back")
    push_started(result)
    limited = step(result, "check-back:rate-limited")
    assert (limited["errors"], limited["hasTokens"]) == (["Too many requests"], False)
    assert_signed_in(sdk_run, "rate-limited-check-back", result)
    server, login = sdk_run.servers["rate-limited-check-back"], sdk_run.logins["rate-limited-check-back"]
    left = {fault["route"]: fault["fired"] for fault in server.faults() if fault["user"] == login}
    assert left == {POLL_ROUTE: 0}, "the introspect fault is spent and gone; the poll one never fired"
    answered = [(row["path"], row["status"]) for row in server.journal(login)]
    assert (INTROSPECT_ROUTE, 429) in answered
    assert all(path != POLL_ROUTE for path, _ in answered)


def _status(result: dict[str, Any], label: str, occurrence: int = 0) -> tuple[str | None, list[str]]:
    answered = step(result, label, occurrence)
    return answered["status"], answered["errors"]


def test_recover_password_by_email_code(sdk_run: SdkRun) -> None:
    """ "Forgot password?" as the sample calls it: recoverPassword, the email authenticator, the emailed code, a weak
    new password refused with Okta's message (the form stays usable), then the new password signs the user in."""
    result = flow_result(sdk_run, "recover-password")
    offered = step(result, "recover")
    assert (offered["status"], offered["errors"]) == ("AWAITING_AUTHENTICATOR_SELECTION", [])
    assert [(a["type"], a["methods"]) for a in offered["authenticators"]] == [("email", ["email"])]
    assert _status(result, "select-email") == ("AWAITING_AUTHENTICATOR_VERIFICATION", [])
    assert _status(result, "code") == ("AWAITING_PASSWORD_RESET", [])
    weak = step(result, "weak-password")
    assert weak["hasTokens"] is False
    assert weak["errors"] == [PASSWORD_REQUIREMENTS]
    signed_in = step(result, "new-password")
    assert (signed_in["status"], signed_in["errors"], signed_in["hasTokens"]) == ("SUCCESS", [], True)


def test_recovery_keeps_only_the_new_password(sdk_run: SdkRun) -> None:
    """Signing in again after the recovery, through the SDK's login form: the old password and the refused weak one
    are refused as any wrong password on the identify form is (Okta's capture identify/error-wrong-password.json:
    "Authentication failed"), and the new one signs the user in (one factor: the org's sign_on)."""
    result = flow_result(sdk_run, "recover-password")
    for attempt in (0, 1):
        refused = step(result, "authenticate", attempt)
        assert (refused["errors"], refused["hasTokens"]) == (["Authentication failed"], False), refused
    assert _status(result, "authenticate", 2) == ("SUCCESS", [])
    assert_signed_in(sdk_run, "recover-password", result)


def test_recovery_ending_on_the_terminal_page(sdk_run: SdkRun) -> None:
    """``after_reset: terminal``: the new password ends the transaction on Okta's idx.recovery.completed page.
    2.0.0 copies every message of a document into ``getErrors()`` whatever its class (``copyErrorMessages``), so
    the INFO message arrives as the one "error", with no tokens and nothing to proceed with, as against an Okta
    org; the login form then takes only the new password."""
    result = flow_result(sdk_run, TERMINAL_RECOVERY)
    assert _status(result, "code") == ("AWAITING_PASSWORD_RESET", [])
    completed = step(result, "new-password")
    assert completed["errors"] == ["You can now sign in with your existing username and new password."]
    assert (completed["hasTokens"], completed["hasProceedContext"]) == (False, False)
    for attempt in (0, 1):
        refused = step(result, "authenticate", attempt)
        assert (refused["errors"], refused["hasTokens"]) == (["Authentication failed"], False), refused
    assert _status(result, "authenticate", 2) == ("SUCCESS", [])
    assert_signed_in(sdk_run, TERMINAL_RECOVERY, result)


def test_recovery_for_an_unknown_username_looks_alike(sdk_run: SdkRun) -> None:
    """Okta tells nobody whether a username exists: the SDK is led to the email authenticator exactly as for a real
    user, and the made-up code is refused as a wrong code is; no user came of it."""
    result = flow_result(sdk_run, "recover-unknown")
    known = flow_result(sdk_run, "recover-password")
    for label in ("recover", "select-email"):
        seen = {k: v for k, v in step(result, label).items() if k != "authenticators"}
        assert seen == {k: v for k, v in step(known, label).items() if k != "authenticators"}
    offered = step(result, "recover")["authenticators"]
    assert [(a["type"], a["label"], a["methods"]) for a in offered] == [("email", "Email", ["email"])]
    refused = step(result, "code")
    assert (refused["errors"], refused["hasTokens"]) == (["Invalid code. Try again."], False)
    assert "nobody@example.com" not in {user["login"] for user in sdk_run.servers["recover-unknown"].users()}


def test_register_enrolls_password_and_email(sdk_run: SdkRun) -> None:
    """ "Sign up" as the sample calls it: fetchSignUpFormValues gives Okta's profile fields, register offers the two
    required authenticators, the password is set through the verify form and the email by its code; tokens follow."""
    result = flow_result(sdk_run, "register")
    assert _status(result, "sign-up-form") == (None, [])
    assert step(result, "sign-up-fields")["detail"] == ["firstName", "lastName", "email"]
    registered = step(result, "register")
    assert (registered["status"], registered["errors"]) == ("AWAITING_AUTHENTICATOR_ENROLLMENT_SELECTION", [])
    assert [a["type"] for a in registered["authenticators"]] == ["password", "email"]
    assert _status(result, "enroll:password") == ("AWAITING_AUTHENTICATOR_ENROLLMENT", [])
    weak = step(result, "enroll-data:weak-password")
    assert weak["hasTokens"] is False
    assert weak["errors"] == [PASSWORD_REQUIREMENTS], weak
    password_set = step(result, "enroll-data:password")
    assert (password_set["status"], password_set["errors"]) == ("AWAITING_AUTHENTICATOR_ENROLLMENT_SELECTION", [])
    assert [a["type"] for a in password_set["authenticators"]] == ["email"]
    assert _status(result, "enroll:email") == ("AWAITING_AUTHENTICATOR_ENROLLMENT", [])
    assert_signed_in(sdk_run, "register", result)


def test_register_with_a_taken_email_is_refused(sdk_run: SdkRun) -> None:
    """An email that already belongs to a user: register answers Okta's registration.error.notUniqueWithinOrg, and
    the existing user is left as it was."""
    result = flow_result(sdk_run, "register-taken")
    refused = step(result, "register")
    assert (refused["errors"], refused["hasTokens"]) == (["A user with this Email already exists"], False)
    server = sdk_run.servers["register-taken"]
    taken = [user for user in server.users() if user["login"] == TAKEN]
    assert len(taken) == 1
    assert taken[0]["profile"]["firstName"] != "Nina", "the refused sign-up must not rewrite the existing profile"


def test_locked_out_and_no_way_to_unlock(sdk_run: SdkRun) -> None:
    """Three wrong passwords lock the account: the third is answered with Okta's errors.E0000069 text (the org shows
    lockout failures), and so is the right password after it. The server offers "Unlock account?" beside it, but
    2.0.0's wrapper has no unlock call: the user stays locked, which is the SDK's limit."""
    result = flow_result(sdk_run, "locked-out")
    for attempt in (0, 1):
        wrong = step(result, "authenticate", attempt)
        assert (wrong["errors"], wrong["hasTokens"]) == (["Authentication failed"], False), wrong
    for attempt in (2, 3):
        locked = step(result, "authenticate", attempt)
        assert locked["errors"] == ["Your account is locked because of too many authentication attempts."], locked
    assert result["tokens"] is None
    server = sdk_run.servers["locked-out"]
    assert server.user("locked@example.com")["status"] == "LOCKED_OUT"
