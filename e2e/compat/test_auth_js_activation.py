"""okta-auth-js 8.0.1, unmodified, in Node: account activation as Okta's embedded-SDK guide does it
(``idx.register({ activationToken })`` with the token of the Users API's ``lifecycle/activate``, then the password),
a used token and a suspended user's token refused as the SDK surfaces Okta's answers, and a suspended user's sign-in
refused as an unknown username's. Flows: e2e/compat/sdk/activation_flows.mjs; all run at once on one server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.compat.compat_support import compat_org, run_sdk_flows, step, succeeded

CLIENT_ID = "compat-node-activation"
REDIRECT_URI = "http://localhost:8080/login/callback"
PASSWORD = "Tr1cky-Passw0rd!"
NEW_PASSWORD = "Fresh-Passw0rd-42"
FLOWS = {
    "activation": None,
    "activation-used-twice": None,
    "activation-suspended": None,
    "suspended-sign-in": PASSWORD,
}
"""Each flow's user, and their password (``None``: a new user an admin created without one, still STAGED)."""


def login_for(flow: str) -> str:
    return f"{flow}@activation.example.com"


@pytest.fixture(scope="module")
def results(mock_idx_key_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    scenario = {
        "settings": {"authenticators": {"enrollment": {"okta_password": "required"}, "sign_on": "one_factor"}},
        "users": [
            {
                "login": login_for(flow),
                "password": password,
                "status": "STAGED" if password is None else "ACTIVE",
                "authenticators": {},
            }
            for flow, password in FLOWS.items()
        ],
    }
    with compat_org(mock_idx_key_file, tmp_path_factory.mktemp("activation-org"), scenario) as server:
        plan = [
            {
                "id": flow,
                "flow": flow,
                "mode": "legacy",
                "base": server.url,
                "login": login_for(flow),
                "password": PASSWORD,
                "newPassword": NEW_PASSWORD,
                "clientId": CLIENT_ID,
                "redirectUri": REDIRECT_URI,
            }
            for flow in FLOWS
        ]
        yield run_sdk_flows(plan)


def test_register_with_the_activation_token_sets_the_password_and_activates_the_user(
    results: dict[str, Any],
) -> None:
    result = succeeded(results, "activation")
    registered = step(result, "register")
    assert registered["status"] == "PENDING"
    assert registered["nextStep"]["name"] in ("select-authenticator-enroll", "enroll-authenticator")
    assert step(result, "choose-password")["nextStep"]["name"] == "enroll-authenticator"
    weak = step(result, "weak-password")
    assert weak["status"] == "PENDING"
    assert "password.passwordRequirementsNotMet" in json.dumps(weak)
    assert step(result, "password")["status"] == "SUCCESS"
    assert result["activated"]["tokens"]["verified"] is True
    assert result["activated"]["tokens"]["claims"]["preferred_username"] == login_for("activation")
    assert result["status"] == "ACTIVE"
    assert step(result, "sign-in")["status"] == "SUCCESS"  # the new password signs in from now on


def test_a_used_token_is_refused_as_okta_refuses_it(results: dict[str, Any]) -> None:
    result = succeeded(results, "activation-used-twice")
    assert result["threw"] is not None, result["steps"]
    assert result["threw"]["error"] == "invalid_request"
    assert "The activation token is invalid" in result["threw"]["message"]


def test_a_suspended_user_s_token_ends_in_okta_s_terminal_message(results: dict[str, Any]) -> None:
    result = succeeded(results, "activation-suspended")
    assert result["threw"] is None, result["threw"]
    registered = step(result, "register")
    assert registered["status"] == "TERMINAL"
    assert [m["key"] for m in registered["messages"]] == ["idx.activating.inactive.user"]


def test_a_suspended_user_is_refused_as_an_unknown_username(results: dict[str, Any]) -> None:
    result = succeeded(results, "suspended-sign-in")
    refused = step(result, "authenticate") if result["threw"] is None else None
    assert refused is not None, result["threw"]
    assert refused["status"] != "SUCCESS"
    assert [m["key"] for m in refused["messages"]] == ["errors.E0000004"]
