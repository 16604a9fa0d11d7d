"""okta-auth-js 8.0.1, unmodified, locked out and unlocking itself against mock_idx in Node: wrong passwords lock the
account (``settings.lockout``), the right one is then refused, ``idx.unlockAccount()`` finds the identify page's
"Unlock account?" (its ``unlock-account`` remediation, which the SDK checks for before it starts), and the email or
SMS code unlocks the account with Okta's "unlocked" message; the right password then signs in. The flows are
e2e/compat/sdk/unlock_flows.mjs; every expectation is asserted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.compat.compat_support import compat_org, run_sdk_flows, step, succeeded

CLIENT_ID = "compat-node-unlock"
REDIRECT_URI = "http://localhost:8080/login/callback"
PASSWORD = "Tr1cky-Passw0rd!"
PHONE = "+1 201-555-0123"
MAX_ATTEMPTS = 2
FLOWS = ("unlockByEmail", "unlockBySms")


def login_for(flow: str) -> str:
    return f"{flow.lower()}@unlock.example.com"


@pytest.fixture(scope="module")
def sdk_run(mock_idx_key_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One org locking after two wrong passwords, unlocking by email or SMS; both flows run at once."""
    scenario = {
        "settings": {
            "authenticators": {"sign_on": "one_factor"},
            "lockout": {"max_attempts": MAX_ATTEMPTS, "self_service_unlock": ["email", "sms"]},
        },
        "users": [
            {
                "login": login_for(flow),
                "password": PASSWORD,
                "authenticators": {"email": {}, "phone": {"number": PHONE}},
            }
            for flow in FLOWS
        ],
    }
    with compat_org(mock_idx_key_file, tmp_path_factory.mktemp("unlock-org"), scenario) as server:
        plan = [
            {
                "id": flow,
                "flow": flow,
                "mode": "legacy",
                "base": server.url,
                "login": login_for(flow),
                "password": PASSWORD,
                "clientId": CLIENT_ID,
                "redirectUri": REDIRECT_URI,
                "maxAttempts": MAX_ATTEMPTS,
            }
            for flow in FLOWS
        ]
        yield run_sdk_flows(plan)


@pytest.mark.parametrize("flow", FLOWS)
def test_wrong_passwords_lock_and_the_right_one_is_then_refused(sdk_run: dict[str, Any], flow: str) -> None:
    result = succeeded(sdk_run, flow)
    assert result["statusWhenLocked"] == "LOCKED_OUT"
    for attempt in range(MAX_ATTEMPTS):
        wrong = step(result, "wrong-password", attempt)
        assert wrong["status"] != "SUCCESS" and [m["key"] for m in wrong["messages"]] == ["errors.E0000004"]
    refused = step(result, "right-password-while-locked")
    assert refused["status"] != "SUCCESS" and not refused["hasTokens"]
    assert [m["message"] for m in refused["messages"]] == ["Authentication failed"]


@pytest.mark.parametrize("flow", FLOWS)
def test_unlock_account_asks_who_and_how_then_for_the_code(sdk_run: dict[str, Any], flow: str) -> None:
    result = succeeded(sdk_run, flow)
    started = step(result, "unlock-account")
    assert started["status"] == "PENDING", started
    assert started["nextStep"]["name"] == "select-authenticator-unlock-account"
    assert {i["name"] for i in started["nextStep"]["inputs"]} >= {"username", "authenticator"}
    chosen = step(result, "choose")
    assert chosen["status"] == "PENDING" and chosen["nextStep"]["name"] == "challenge-authenticator", chosen


@pytest.mark.parametrize("flow", FLOWS)
def test_the_code_unlocks_with_oktas_message_and_the_password_signs_in_again(
    sdk_run: dict[str, Any], flow: str
) -> None:
    result = succeeded(sdk_run, flow)
    verified = step(result, "verify")
    assert verified["status"] == "TERMINAL", verified
    assert verified["messages"] == [
        {
            "key": "oie.selfservice.unlock_user.success.message",
            "class": "INFO",
            "message": "Your account is now unlocked!",
        }
    ]
    assert result["statusAfter"] == "ACTIVE"
    assert result["signedIn"] is True
