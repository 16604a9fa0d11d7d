"""Orgs with every kind of authenticator for the reference client's tests, put in place through the mock_idx
fixture's public API (a scenario file), and the sign-in steps several of those tests share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mock_idx.pytest_plugin import MockIdx

PASSWORD = "Correct-Horse-9"
PHONE = "+1 201-555-0123"
PHONE_E164 = "+12015550123"
ALL_OPTIONAL = {
    "okta_password": "required",
    "okta_verify": "optional",
    "okta_email": "optional",
    "phone_number": "optional",
    "google_otp": "optional",
    "security_question": "optional",
}


def put_org(
    mock_idx: MockIdx,
    folder: Path,
    users: dict[str, dict[str, Any]],
    enrollment: dict[str, str] | None = None,
    sign_on: str = "two_factors",
    *,
    password_policy: dict[str, Any] | None = None,
    identifier_first: bool = False,
) -> None:
    """Load an org whose users (login -> the authenticators they have enrolled) all have the password `PASSWORD`,
    under `password_policy` (the scenario's, recovery included; None: mock-idx's default)."""
    authenticators = {
        "enrollment": enrollment or ALL_OPTIONAL,
        "sign_on": sign_on,
        "identifier_first": identifier_first,
    }
    settings: dict[str, Any] = {"authenticators": authenticators}
    if password_policy is not None:
        settings["password_policy"] = password_policy
    scenario = {
        "settings": settings,
        "users": [
            {
                "login": login,
                "password": PASSWORD,
                "profile": {"name": login.split("@")[0].title()},
                "authenticators": a,
            }
            for login, a in users.items()
        ],
    }
    path = folder / "org.yaml"
    path.write_text(json.dumps(scenario), encoding="utf-8")  # JSON is YAML
    mock_idx.load_scenario(path)


def required(*keys: str) -> dict[str, str]:
    """An enrollment policy: the password and `keys` required, nothing else offered."""
    return {"okta_password": "required", **dict.fromkeys(keys, "required")}


def other_code(code: str) -> str:
    """A six-digit code that is not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"
