"""okta-auth-js 8.0.1, unmodified, in Node against mock_idx's sign-on policy outcomes (issue #15).

An app configured with the SDK's own ``acrValues`` (and ``maxAge``) is stepped up past the org's one-factor policy and
gets tokens the SDK accepts: it checks the ID token's ``acr`` against ``acrValues`` itself and refuses a mismatch. A
user the app's authentication policy denies gets Okta's ``security.access_denied`` as the SDK reports it, and no
tokens. The flows are e2e/compat/sdk/policy_flows.mjs; every expectation is asserted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.compat.compat_support import compat_org, run_sdk_flows, step, succeeded

CLIENT_ID = "compat-node-policy"
LOCKED_CLIENT_ID = "compat-node-locked"
REDIRECT_URI = "http://localhost:8080/login/callback"
PASSWORD = "Tr1cky-Passw0rd!"
TWO_FACTORS = "urn:okta:loa:2fa:any"
PASSWORD_ONLY = "urn:okta:loa:1fa:pwd"
SCENARIO = {
    "settings": {
        "authenticators": {
            "enrollment": {"okta_password": "required", "okta_email": "optional"},
            "sign_on": "one_factor",
            "deny": [{"groups": ["contractors"]}, {"clients": [LOCKED_CLIENT_ID]}],
        }
    },
    "users": [
        {"login": "stepped.up@example.com", "password": PASSWORD, "authenticators": {"email": {}}},
        {"login": "password.level@example.com", "password": PASSWORD, "authenticators": {"email": {}}},
        {"login": "contractor@example.com", "password": PASSWORD, "groups": ["contractors"], "authenticators": {}},
        {"login": "staff@example.com", "password": PASSWORD, "authenticators": {}},
    ],
}
FLOWS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "step-up-email": ("step-up-email", "stepped.up@example.com", {"acrValues": TWO_FACTORS}),
    "password-level": ("password-level", "password.level@example.com", {"acrValues": PASSWORD_ONLY, "maxAge": 3600}),
    "denied-by-group": ("access-denied", "contractor@example.com", {}),
    "denied-by-app": ("access-denied", "staff@example.com", {"clientId": LOCKED_CLIENT_ID}),
}


@pytest.fixture(scope="module")
def sdk_run(mock_idx_key_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with compat_org(mock_idx_key_file, tmp_path_factory.mktemp("policy-outcomes"), SCENARIO) as server:
        plan = [
            {
                "id": name,
                "flow": flow,
                "mode": "legacy",
                "base": server.url,
                "login": login,
                "password": PASSWORD,
                "clientId": CLIENT_ID,
                "redirectUri": REDIRECT_URI,
                **extra,
            }
            for name, (flow, login, extra) in FLOWS.items()
        ]
        yield {"results": run_sdk_flows(plan), "server": server}


def test_acr_values_step_the_sign_in_up_to_a_second_factor(sdk_run: dict[str, Any]) -> None:
    result = succeeded(sdk_run["results"], "step-up-email")
    after_password = step(result, "authenticate")
    assert after_password["status"] == "PENDING"  # the org's one-factor policy alone would have ended here
    assert after_password["nextStep"]["name"] == "select-authenticator-authenticate"
    done = step(result, "verify")
    assert (done["status"], done["hasTokens"]) == ("SUCCESS", True)
    tokens = result["tokens"]
    assert tokens["verified"] is True  # the SDK checked acr == acrValues, the signature, the rest
    assert tokens["claims"]["acr"] == TWO_FACTORS
    assert tokens["claims"]["amr"] == ["pwd", "email", "mfa"]


def test_a_level_the_password_meets_ends_at_the_password_with_its_acr(sdk_run: dict[str, Any]) -> None:
    result = succeeded(sdk_run["results"], "password-level")
    done = step(result, "authenticate")
    assert (done["status"], done["hasTokens"]) == ("SUCCESS", True)
    assert result["tokens"]["claims"]["acr"] == PASSWORD_ONLY
    assert result["tokens"]["claims"]["amr"] == ["pwd"]  # max_age (sent by the SDK) had no session to find too old


@pytest.mark.parametrize("name", ["denied-by-group", "denied-by-app"])
def test_a_denied_user_gets_access_denied_and_no_tokens(sdk_run: dict[str, Any], name: str) -> None:
    result = succeeded(sdk_run["results"], name)
    denied = step(result, "authenticate")
    assert denied["status"] == "TERMINAL", denied
    assert [(m["key"], m["message"]) for m in denied["messages"]] == [
        ("security.access_denied", "You do not have permission to perform the requested action.")
    ]
    assert denied["nextStep"] is None and result["tokens"] is None
