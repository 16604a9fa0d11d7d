"""okta-auth-js 8.0.1, unmodified, recovers a forgotten password and changes an expired one against mock_idx in Node.

The flows (e2e/compat/sdk/recovery_flows.mjs) use Legacy mode, as Okta's embedded-SDK guides do:
``idx.recoverPassword({username, authenticators: ['okta_email']})``, the emailed code, then the new password (a weak
one first, refused with Okta's message); an unknown username, which the SDK sees exactly as a known one until its
code is refused; ``idx.authenticate`` for a user whose password has expired, then ``proceed({newPassword})``; and
``idx.authenticate`` for one whose password expires in a few days under the policy's maximum age (the virtual clock
is moved on before the flows run), warned and skipping the change with ``proceed({skip: true})``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.compat.compat_support import compat_org, run_sdk_flows, step, succeeded

CLIENT_ID = "compat-node-recovery"
REDIRECT_URI = "http://localhost:8080/login/callback"
PASSWORD = "Tr1cky-Passw0rd!"
NEW_PASSWORD = "Brand-new-Passw0rd"
SCENARIO = {
    "settings": {
        "authenticators": {
            "enrollment": {"okta_password": "required", "okta_email": "optional"},
            "sign_on": "one_factor",
        },
        "password_policy": {"max_age_days": 90, "expire_warn_days": 10},
    },
    "users": [
        {"login": "recover@example.com", "password": PASSWORD, "authenticators": {"email": {}}},
        {"login": "expired@example.com", "password": PASSWORD, "authenticators": {}, "status": "PASSWORD_EXPIRED"},
        {"login": "warned@example.com", "password": PASSWORD, "authenticators": {}},
    ],
}
FLOWS = {
    "recoverByEmailCode": "recover@example.com",
    "recoverUnknownUser": "nobody@example.com",
    "changeExpiredPassword": "expired@example.com",
    "skipExpiryWarning": "warned@example.com",
}
DAY = 86_400
PASSWORD_AGE = 85 * DAY + 60  # five days short of the policy's 90, inside its 10 days of warning: 4 whole days left


@pytest.fixture(scope="module")
def results(mock_idx_key_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with compat_org(mock_idx_key_file, tmp_path_factory.mktemp("recovery"), SCENARIO) as server:
        server.advance_clock(PASSWORD_AGE)
        plan = [
            {
                "id": flow,
                "flow": flow,
                "mode": "legacy",
                "base": server.url,
                "login": login,
                "password": PASSWORD,
                "newPassword": NEW_PASSWORD,
                "clientId": CLIENT_ID,
                "redirectUri": REDIRECT_URI,
            }
            for flow, login in FLOWS.items()
        ]
        yield run_sdk_flows(plan)


def test_recover_password_by_email_code(results: dict[str, Any]) -> None:
    result = succeeded(results, "recoverByEmailCode")
    assert step(result, "recover")["nextStep"]["name"] == "challenge-authenticator"
    reset = step(result, "code")
    assert reset["status"] == "PENDING" and reset["nextStep"]["name"] == "reset-authenticator"
    weak = step(result, "weak")
    assert weak["nextStep"]["name"] == "reset-authenticator"
    keys = [m["key"] for m in weak["messages"]] + [m["key"] for i in weak["nextStep"]["inputs"] for m in i["messages"]]
    assert "password.passwordRequirementsNotMet" in keys, weak
    assert step(result, "new-password")["status"] == "SUCCESS"
    assert result["tokens"]["verified"] and result["tokens"]["claims"]["preferred_username"] == "recover@example.com"
    assert result["signedInAgain"] == "SUCCESS"


def test_an_unknown_username_reaches_the_code_page_and_its_code_is_refused(results: dict[str, Any]) -> None:
    result = succeeded(results, "recoverUnknownUser")
    assert step(result, "recover")["nextStep"]["name"] == "challenge-authenticator"
    refused = step(result, "code")
    assert refused["nextStep"]["name"] == "challenge-authenticator"
    keys = [m["key"] for m in refused["messages"]] + [
        m["key"] for i in refused["nextStep"]["inputs"] for m in i["messages"]
    ]
    assert "api.authn.error.PASSCODE_INVALID" in keys, refused


def test_an_expired_password_is_changed_through_authenticate(results: dict[str, Any]) -> None:
    result = succeeded(results, "changeExpiredPassword")
    assert step(result, "authenticate")["nextStep"]["name"] == "reenroll-authenticator"
    assert step(result, "new-password")["status"] == "SUCCESS"
    assert result["tokens"]["claims"]["preferred_username"] == "expired@example.com"


def test_an_expiring_password_warns_and_the_warning_is_skipped(results: dict[str, Any]) -> None:
    result = succeeded(results, "skipExpiryWarning")
    warned = step(result, "authenticate")
    assert warned["status"] == "PENDING" and warned["nextStep"]["name"] == "reenroll-authenticator-warning", warned
    assert warned["nextStep"]["canSkip"] is True, warned
    assert [m["key"] for m in warned["messages"]] == ["idx.password.expiring.message"], warned
    skipped = step(result, "skip")
    assert skipped["status"] == "SUCCESS", skipped
    assert result["tokens"]["verified"] and result["tokens"]["claims"]["preferred_username"] == "warned@example.com"
