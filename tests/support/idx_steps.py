"""Every IDX step of issue #14's sign-ins, reached over plain HTTP the way okta-auth-js reaches it, for suites that
must try something at each of them (the hostile suite's "every endpoint at every step").

:data:`STEPS` names each step and how to get there from a fresh org; :func:`reach` puts the org in place and drives a
:class:`~tests.support.idx.Flow` to the step. :func:`snapshot` and :func:`sent` are what a refused request must leave
as they were: the transaction as introspect shows it, and the messages the user was sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mock_idx.model.authenticators import AuthenticatorKey
from mock_idx.web.app_keys import ENGINE
from tests.support.idx import PASSWORD, Flow, Response, control

LOGIN = "someone@example.com"
PHONE = "+1 201-555-0123"
ALL_OPTIONAL = {
    "okta_password": "required",
    "okta_verify": "optional",
    "okta_email": "optional",
    "phone_number": "optional",
    "google_otp": "optional",
    "security_question": "optional",
}
EVERY_AUTHENTICATOR = {
    "okta_verify": {"methods": ["push", "totp"]},
    "email": {},
    "phone": {"number": PHONE},
    "google_authenticator": {},
    "security_question": {"question_key": "disliked_food", "answer": "Brussels sprouts"},
}
"""A user who has enrolled everything: every verification step is open to them."""


def user(login: str, **enrolled: Any) -> dict[str, Any]:
    """A scenario user with the test password who has ``enrolled`` these authenticators (the scenario's names)."""
    return {"login": login, "password": PASSWORD, "authenticators": enrolled}


async def load_org(
    client: Any,
    users: list[dict[str, Any]],
    enrollment: dict[str, str] | None = None,
    sign_on: str = "two_factors",
    password_policy: dict[str, Any] | None = None,
    **authenticators: Any,
) -> None:
    """The org of ``users`` with this authenticator policy (every authenticator optional unless ``enrollment`` says
    otherwise) and ``password_policy`` (the scenario's, when given), loaded as a scenario through the control API."""
    settings: dict[str, Any] = {
        "authenticators": {"enrollment": enrollment or ALL_OPTIONAL, "sign_on": sign_on, **authenticators}
    }
    if password_policy is not None:
        settings["password_policy"] = password_policy
    status, body = await control(client, "PUT", "/scenario", json={"settings": settings, "users": users})
    assert status == 200, body


async def put_org(
    client: Any,
    enrolled: dict[str, Any],
    enrollment: dict[str, str] | None = None,
    sign_on: str = "two_factors",
    **authenticators: Any,
) -> None:
    """The org of one user, :data:`LOGIN`, who has ``enrolled`` these authenticators (the scenario's names)."""
    await load_org(client, [user(LOGIN, **enrolled)], enrollment, sign_on, **authenticators)


def authenticator_id(client: Any, key: AuthenticatorKey) -> str:
    """The ``aut…`` id the org's documents give ``key`` (what every option posts)."""
    found: str = client.app[ENGINE].authenticators.of(key)
    return found


async def messages(client: Any, login: str = LOGIN, channel: str | None = None) -> list[dict[str, Any]]:
    """What the fake inbox and phone hold for ``login``, newest first."""
    query = f"?channel={channel}" if channel else ""
    status, body = await control(client, "GET", f"/users/{login}/messages{query}")
    assert status == 200, body
    listed: list[dict[str, Any]] = body["messages"]
    return listed


async def newest_code(client: Any, channel: str, login: str = LOGIN) -> str:
    listed = await messages(client, login, channel)
    assert listed, f"no {channel} message for {login}"
    code: str = listed[0]["code"]
    return code


async def sent(client: Any, login: str = LOGIN) -> list[str]:
    """The ids of every message ``login`` was sent: a refused request sends none."""
    return [message["id"] for message in await messages(client, login)]


async def snapshot(flow: Flow) -> dict[str, Any]:
    """The transaction as introspect shows it, less ``expiresAt`` (every request slides it on)."""
    shown = await flow.introspect(stateToken=flow.state_handle)
    assert shown.status == 200, shown.body
    return {name: value for name, value in shown.body.items() if name != "expiresAt"}


def field_messages(response: Response, remediation: str, *path: str) -> list[str]:
    """The message texts on the field at ``path`` in ``remediation`` (in its form, or every option's form)."""
    fields = response.remediation(remediation)["value"]
    found: list[dict[str, Any]] = []
    for name in path:
        found = [f for f in fields if f.get("name") == name]
        assert found, f"no field {name} in {remediation}"
        inner = list(found[0].get("form", {}).get("value", []))
        for option in found[0].get("options", []):
            inner += option.get("value", {}).get("form", {}).get("value", [])
        fields = inner
    return [m["message"] for f in found for m in f.get("messages", {}).get("value", [])]


def top_messages(response: Response) -> list[str]:
    return [m["message"] for m in response.body.get("messages", {}).get("value", [])]


async def choose(flow: Flow, client: Any, key: AuthenticatorKey, method: str | None = None) -> Response:
    authenticator = {"id": authenticator_id(client, key)}
    if method:
        authenticator["methodType"] = method
    return await flow.post("/idp/idx/challenge", {"authenticator": authenticator})


async def enroll(flow: Flow, client: Any, key: AuthenticatorKey, **more: str) -> Response:
    return await flow.post(
        "/idp/idx/credential/enroll", {"authenticator": {"id": authenticator_id(client, key), **more}}
    )


async def answer(flow: Flow, **credentials: Any) -> Response:
    return await flow.post("/idp/idx/challenge/answer", {"credentials": credentials})


Driver = Callable[[Flow, Any], Awaitable[Response]]


@dataclass(frozen=True)
class StepSetup:
    """How to reach one step: the org (what the user has, the policy) and the requests after ``/v1/interact``."""

    remediation: str
    """The first remediation the step shows (what a refusal must keep)."""
    enrolled: dict[str, Any]
    drive: Driver
    enrollment: dict[str, str] | None = None
    sign_on: str = "two_factors"
    identifier_first: bool = False


async def _identified(flow: Flow, client: Any) -> Response:
    return await flow.identify(LOGIN)


def _verifying(key: AuthenticatorKey, method: str | None = None) -> Driver:
    async def drive(flow: Flow, client: Any) -> Response:
        await flow.identify(LOGIN)
        return await choose(flow, client, key, method)

    return drive


def _enrolling(key: AuthenticatorKey, **more: str) -> Driver:
    async def drive(flow: Flow, client: Any) -> Response:
        await flow.identify(LOGIN)
        shown = await enroll(flow, client, key)
        return await enroll(flow, client, key, **more) if more else shown

    return drive


async def _started(flow: Flow, client: Any) -> Response:
    assert flow.last is not None
    return flow.last


async def _password_asked(flow: Flow, client: Any) -> Response:
    return await flow.post("/idp/idx/identify", {"identifier": LOGIN})


async def _ov_channel_data(flow: Flow, client: Any) -> Response:
    await flow.identify(LOGIN)
    await enroll(flow, client, AuthenticatorKey.OKTA_VERIFY)
    return await enroll(flow, client, AuthenticatorKey.OKTA_VERIFY, channel="email")


async def _ov_link_sent(flow: Flow, client: Any) -> Response:
    await _ov_channel_data(flow, client)
    return await flow.post("/idp/idx/challenge/send", {"email": LOGIN})


async def _optional_enrollment(flow: Flow, client: Any) -> Response:
    await flow.identify(LOGIN)
    await enroll(flow, client, AuthenticatorKey.EMAIL)
    return await answer(flow, passcode=await newest_code(client, "email"))


def _required(key: str) -> dict[str, str]:
    return {"okta_password": "required", key: "required"}


STEPS: dict[str, StepSetup] = {
    "identify": StepSetup("identify", {}, _started),
    "password challenge": StepSetup(
        "challenge-authenticator", {}, _password_asked, sign_on="one_factor", identifier_first=True
    ),
    "select-authenticator": StepSetup("select-authenticator-authenticate", EVERY_AUTHENTICATOR, _identified),
    "email challenge": StepSetup("challenge-authenticator", EVERY_AUTHENTICATOR, _verifying(AuthenticatorKey.EMAIL)),
    "sms challenge": StepSetup(
        "challenge-authenticator", EVERY_AUTHENTICATOR, _verifying(AuthenticatorKey.PHONE, "sms")
    ),
    "voice challenge": StepSetup(
        "challenge-authenticator", EVERY_AUTHENTICATOR, _verifying(AuthenticatorKey.PHONE, "voice")
    ),
    "phone verification-data": StepSetup(
        "authenticator-verification-data", EVERY_AUTHENTICATOR, _verifying(AuthenticatorKey.PHONE)
    ),
    "google challenge": StepSetup("challenge-authenticator", EVERY_AUTHENTICATOR, _verifying(AuthenticatorKey.GOOGLE)),
    "security question challenge": StepSetup(
        "challenge-authenticator",
        EVERY_AUTHENTICATOR,
        _verifying(AuthenticatorKey.SECURITY_QUESTION),
        sign_on="when_enrolled",  # a knowledge factor: no second factor under two_factors
    ),
    "okta verify push": StepSetup(
        "challenge-poll", EVERY_AUTHENTICATOR, _verifying(AuthenticatorKey.OKTA_VERIFY, "push")
    ),
    "okta verify code": StepSetup(
        "challenge-authenticator", EVERY_AUTHENTICATOR, _verifying(AuthenticatorKey.OKTA_VERIFY, "totp")
    ),
    "select-enroll (required)": StepSetup(
        "select-authenticator-enroll", {}, _identified, _required("okta_email"), "one_factor"
    ),
    "select-enroll (optional)": StepSetup(
        "select-authenticator-enroll",
        {},
        _optional_enrollment,
        {**_required("okta_email"), "phone_number": "optional"},
        "one_factor",
    ),
    "email enrollment": StepSetup(
        "enroll-authenticator", {}, _enrolling(AuthenticatorKey.EMAIL), _required("okta_email"), "one_factor"
    ),
    "phone enrollment-data": StepSetup(
        "authenticator-enrollment-data", {}, _enrolling(AuthenticatorKey.PHONE), _required("phone_number"), "one_factor"
    ),
    "sms enrollment": StepSetup(
        "enroll-authenticator",
        {},
        _enrolling(AuthenticatorKey.PHONE, methodType="sms", phoneNumber=PHONE),
        _required("phone_number"),
        "one_factor",
    ),
    "google enrollment": StepSetup(
        "enroll-authenticator", {}, _enrolling(AuthenticatorKey.GOOGLE), _required("google_otp"), "one_factor"
    ),
    "security question enrollment": StepSetup(
        "enroll-authenticator",
        {},
        _enrolling(AuthenticatorKey.SECURITY_QUESTION),
        _required("security_question"),
        "one_factor",
    ),
    "okta verify enroll-poll": StepSetup(
        "enroll-poll", {}, _enrolling(AuthenticatorKey.OKTA_VERIFY), _required("okta_verify"), "one_factor"
    ),
    "okta verify enrollment-channel-data": StepSetup(
        "enrollment-channel-data", {}, _ov_channel_data, _required("okta_verify"), "one_factor"
    ),
    "okta verify link sent": StepSetup("enroll-poll", {}, _ov_link_sent, _required("okta_verify"), "one_factor"),
    "success": StepSetup("", {}, _identified, {"okta_password": "required"}, "one_factor"),
}


async def reach(flow: Flow, client: Any, name: str) -> Response:
    """The org :data:`STEPS` names for ``name`` put in force, and ``flow`` driven to that step (checked)."""
    setup = STEPS[name]
    await put_org(client, setup.enrolled, setup.enrollment, setup.sign_on, identifier_first=setup.identifier_first)
    await flow.start()
    shown = await setup.drive(flow, client)
    assert shown.status == 200, (name, shown.status, shown.body)
    if setup.remediation:
        assert shown.remediations[0] == setup.remediation, (name, shown.body)
    else:
        assert "successWithInteractionCode" in shown.body, (name, shown.body)
    return shown
