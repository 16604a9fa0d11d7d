"""Self-service registration over plain HTTP, as okta-auth-js drives it: an org that lets people sign up, and a
:class:`~tests.support.idx.Flow` taken to the sign-up form or through it."""

from __future__ import annotations

from typing import Any

from tests.support.idx import Flow, Response, control

NEW_LOGIN = "newcomer@example.com"
PROFILE = {"firstName": "Nina", "lastName": "Newcomer", "email": NEW_LOGIN}
NEW_PASSWORD = "Quartz7lamp"
"""Meets Okta's default password policy, and is no part of :data:`NEW_LOGIN`."""


async def load_sign_up_org(
    client: Any,
    users: list[dict[str, Any]] | None = None,
    enrollment: dict[str, str] | None = None,
    sign_on: str = "one_factor",
    **registration: Any,
) -> None:
    """An org that lets people sign up (``settings.registration`` with ``enabled: true`` and ``registration``),
    with ``users`` and this authenticator enrollment policy (the password alone unless ``enrollment`` says more)."""
    settings = {
        "authenticators": {"enrollment": enrollment or {"okta_password": "required"}, "sign_on": sign_on},
        "registration": {"enabled": True, **registration},
    }
    status, body = await control(client, "PUT", "/scenario", json={"settings": settings, "users": users or []})
    assert status == 200, body


async def sign_up_form(flow: Flow) -> Response:
    """A new sign-in, then "Sign up": the answer is the sign-up form."""
    await flow.start()
    shown = await flow.post("/idp/idx/enroll", {})
    assert shown.status == 200 and shown.remediations[0] == "enroll-profile", shown.body
    return shown


async def submit_profile(flow: Flow, profile: Any) -> Response:
    return await flow.post("/idp/idx/enroll/new", {"userProfile": profile})
