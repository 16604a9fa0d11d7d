"""The control API's account lifecycle (on both stores): Okta's transitions, Okta's codes for the ones it refuses
(``E0000016`` activating an active user, ``E0000001`` the others), a status set outright, and hostile requests, each
refusal leaving the user as they were."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.idx import control
from tests.support.idx_steps import LOGIN, load_org, user


async def _org(client: Any, status: str = "ACTIVE", password: str | None = "Some-Passw0rd") -> None:
    await load_org(client, [{**user(LOGIN), "password": password, "status": status}])


async def _lifecycle(client: Any, operation: str, login: str = LOGIN) -> tuple[int, Any]:
    return await control(client, "POST", f"/users/{login}/lifecycle/{operation}")


async def _status(client: Any) -> str:
    _, body = await control(client, "GET", f"/users/{LOGIN}")
    status: str = body["status"]
    return status


async def test_suspend_unsuspend_deactivate_and_activate_again(client: Any) -> None:
    await _org(client)
    for operation, expected in [
        ("suspend", "SUSPENDED"),
        ("unsuspend", "ACTIVE"),
        ("deactivate", "DEPROVISIONED"),
        ("activate", "ACTIVE"),  # a password: active at once
    ]:
        status, body = await _lifecycle(client, operation)
        assert (status, body["status"] if operation != "activate" else body["user"]["status"]) == (200, expected)
        assert await _status(client) == expected


@pytest.mark.parametrize(
    ("start", "operation", "status", "code"),
    [
        ("ACTIVE", "activate", 403, "E0000016"),
        ("SUSPENDED", "activate", 403, "E0000016"),
        ("STAGED", "suspend", 400, "E0000001"),
        ("PROVISIONED", "suspend", 400, "E0000001"),
        ("SUSPENDED", "suspend", 400, "E0000001"),
        ("ACTIVE", "unsuspend", 400, "E0000001"),
        ("DEPROVISIONED", "deactivate", 400, "E0000001"),
    ],
)
async def test_a_transition_the_status_does_not_allow_is_refused_with_okta_s_code(
    client: Any, start: str, operation: str, status: int, code: str
) -> None:
    await _org(client, start, password=None)
    answered, body = await _lifecycle(client, operation)
    assert answered == status
    assert body["error"] == "illegal_transition"
    assert body["errors"][0]["errorCode"] == code
    assert await _status(client) == start


async def test_put_status_sets_any_status(client: Any) -> None:
    await _org(client)
    for status in ["LOCKED_OUT", "STAGED", "SUSPENDED", "ACTIVE"]:
        answered, body = await control(client, "PUT", f"/users/{LOGIN}/status", json={"status": status})
        assert (answered, body["status"]) == (200, status)


@pytest.mark.parametrize("operation", ["activate", "suspend", "unsuspend", "deactivate"])
async def test_an_unknown_user_is_404(client: Any, operation: str) -> None:
    await _org(client)
    status, body = await _lifecycle(client, operation, "nobody@example.com")
    assert (status, body["error"]) == (404, "not_found")


@pytest.mark.parametrize(
    "body",
    [{"status": "ASLEEP"}, {"status": None}, {}, {"status": "ACTIVE", "more": 1}, {"status": 3}],
)
async def test_put_status_refuses_a_bad_body_and_changes_nothing(client: Any, body: Any) -> None:
    await _org(client, "SUSPENDED")
    status, answered = await control(client, "PUT", f"/users/{LOGIN}/status", json=body)
    assert (status, answered["error"]) == (400, "invalid_request")
    assert await _status(client) == "SUSPENDED"


@pytest.mark.parametrize(
    ("query", "body"),
    [("?sendEmail=maybe", {}), ("?sendEmail=true&sendEmail=false", {}), ("", {"sendEmail": "yes"}), ("", {"x": 1})],
)
async def test_activate_refuses_a_bad_send_email_and_changes_nothing(client: Any, query: str, body: Any) -> None:
    await _org(client, "STAGED", password=None)
    status, answered = await control(client, "POST", f"/users/{LOGIN}/lifecycle/activate{query}", json=body)
    assert (status, answered["error"]) == (400, "invalid_request")
    assert await _status(client) == "STAGED"


async def test_a_transition_with_a_body_it_does_not_take_is_refused(client: Any) -> None:
    await _org(client)
    status, _ = await control(client, "POST", f"/users/{LOGIN}/lifecycle/suspend", json={"reason": "x"})
    assert status == 400
    assert await _status(client) == "ACTIVE"


async def test_writes_must_be_json(client: Any) -> None:
    await _org(client)
    response = await client.post(f"/_mock/v1/users/{LOGIN}/lifecycle/suspend", data="x")
    assert response.status == 415
    assert await _status(client) == "ACTIVE"


async def test_scenario_users_may_start_staged_or_provisioned(client: Any) -> None:
    await load_org(
        client,
        [
            {"login": "staged@example.com", "password": None, "status": "STAGED", "authenticators": {}},
            {"login": "provisioned@example.com", "password": None, "status": "PROVISIONED", "authenticators": {}},
        ],
    )
    _, listed = await control(client, "GET", "/users")
    assert {u["login"]: u["status"] for u in listed["users"]} == {
        "staged@example.com": "STAGED",
        "provisioned@example.com": "PROVISIONED",
    }
    status, body = await _lifecycle(client, "activate", "provisioned@example.com")  # Okta's reactivate
    assert status == 200 and body["activationToken"]
