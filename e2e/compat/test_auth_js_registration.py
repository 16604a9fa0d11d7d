"""okta-auth-js 8.0.1, unmodified, signs a new user up against mock_idx in Node (self-service registration).

The flows (e2e/compat/sdk/registration_flows.mjs) are the calls Okta's embedded-SDK guide for registration shows, in
Legacy mode: ``idx.register()`` then ``idx.proceed()`` with the profile, the email's code and the password; and the
one-call form, ``idx.register({firstName, lastName, email, password, authenticator})``. Each org is a scenario on a
server of its own; the flows run at once in one Node process, and every expectation is asserted here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from e2e.compat.compat_support import compat_server, reported_messages, run_sdk_flows, step, succeeded
from mock_idx.pytest_plugin import MockIdx

CLIENT_ID = "compat-node-registration"
REDIRECT_URI = "http://localhost:8080/login/callback"
NEW_PASSWORD = "Quartz7lamp-2"
TAKEN = "taken@example.com"
ORGS: dict[str, dict[str, Any]] = {
    "verified": {
        "settings": {
            "authenticators": {
                "enrollment": {"okta_password": "required", "okta_email": "required"},
                "sign_on": "one_factor",
            },
            "registration": {"enabled": True, "groups": ["Newcomers"]},
        },
        "users": [{"login": TAKEN, "password": "An0ther-pass"}],
    },
    "password-only": {
        "settings": {
            "authenticators": {"enrollment": {"okta_password": "required"}, "sign_on": "one_factor"},
            "registration": {"enabled": True},
        }
    },
    "off": {},
}
FLOWS = {
    "register-step-by-step": ("verified", {"notAnEmail": "nina-at-example", "takenEmail": TAKEN}),
    "register-one-call": ("password-only", {}),
    "register-sign-up-off": ("off", {}),
}


@pytest.fixture(scope="module")
def sdk_run(mock_idx_key_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    directory = tmp_path_factory.mktemp("registration-orgs")
    servers: dict[str, MockIdx] = {}
    with ExitStack() as stack:
        for org, scenario in ORGS.items():
            servers[org] = stack.enter_context(compat_server(mock_idx_key_file))
            path = directory / f"{org}.yaml"
            path.write_text(json.dumps(scenario), encoding="utf-8")  # JSON is YAML
            servers[org].load_scenario(path)
        plan = [
            {
                "id": flow,
                "flow": flow,
                "mode": "legacy",
                "base": servers[org].url,
                "login": f"{flow}@example.com",
                "firstName": "Nina",
                "lastName": "Newcomer",
                "newPassword": NEW_PASSWORD,
                "clientId": CLIENT_ID,
                "redirectUri": REDIRECT_URI,
                **extra,
            }
            for flow, (org, extra) in FLOWS.items()
        ]
        yield {"results": run_sdk_flows(plan), "servers": servers}


def assert_new_user_signed_in(result: dict[str, Any], login: str) -> None:
    last = result["steps"][-1]
    assert (last["status"], last["hasTokens"]) == ("SUCCESS", True), last
    tokens = result["tokens"]
    assert tokens["verified"] is True and tokens["forgedError"] == "The token signature is not valid"
    assert tokens["claims"]["aud"] == CLIENT_ID
    assert tokens["userInfo"]["preferred_username"] == login
    assert result["user"]["status"] == "ACTIVE"
    assert (result["user"]["profile"]["firstName"], result["user"]["profile"]["lastName"]) == ("Nina", "Newcomer")


def test_register_step_by_step_with_each_refusal_then_email_and_password(sdk_run: dict[str, Any]) -> None:
    flow = "register-step-by-step"
    result = succeeded(sdk_run["results"], flow)
    shown = step(result, "register")
    assert shown["status"] == "PENDING" and shown["nextStep"]["name"] == "enroll-profile", shown
    asked = [i["name"] for i in shown["nextStep"]["inputs"]]
    assert asked == ["firstName", "lastName", "email"]
    not_an_email = step(result, "not-an-email")
    assert (not_an_email["status"], not_an_email["requestDidSucceed"]) == ("PENDING", False)
    assert reported_messages(not_an_email) == [
        ("registration.error.invalidLoginEmail", "'Email' must be in the form of an email address"),
        (
            "registration.error.doesNotMatchPattern",
            "Provided value for property 'Email' does not match required pattern",
        ),
    ]
    assert not_an_email["nextStep"]["name"] == "enroll-profile"
    taken = step(result, "taken-email")
    taken_text = "A user with this Email already exists"
    assert reported_messages(taken) == [("registration.error.notUniqueWithinOrg", taken_text)]
    profile = step(result, "profile")
    assert profile["nextStep"]["name"] == "select-authenticator-enroll", profile
    assert result["staged"]["status"] == "STAGED" and result["staged"]["groups"] == ["Newcomers"]
    assert step(result, "choose-email")["nextStep"]["name"] == "enroll-authenticator"
    assert step(result, "verify-email")["nextStep"]["name"] == "select-authenticator-enroll"
    assert_new_user_signed_in(result, f"{flow}@example.com")
    assert "email" in result["user"]["authenticators"]
    assert sdk_run["servers"]["verified"].user(TAKEN)["status"] == "ACTIVE", "the user who has the address is untouched"


def test_register_in_one_call_with_the_profile_and_the_password(sdk_run: dict[str, Any]) -> None:
    flow = "register-one-call"
    result = succeeded(sdk_run["results"], flow)
    assert [s["label"] for s in result["steps"]] == ["register"]
    assert_new_user_signed_in(result, f"{flow}@example.com")
    paths = [e["path"] for e in sdk_run["servers"]["password-only"].journal() if e["path"].startswith("/idp/idx/")]
    assert paths[:3] == ["/idp/idx/introspect", "/idp/idx/enroll", "/idp/idx/enroll/new"], paths


def test_register_where_sign_up_is_off_is_refused_by_the_sdk_itself(sdk_run: dict[str, Any]) -> None:
    refused = succeeded(sdk_run["results"], "register-sign-up-off")["refused"]
    assert refused == {
        "name": "AuthSdkError",
        "message": "Registration is not supported based on your current org configuration.",
    }
