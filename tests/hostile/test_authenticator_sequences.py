"""A property of issue #14's IDX steps (on both stores): whatever the org's authenticator policy, whatever the user
has enrolled, and whatever sequence of requests a client sends (the right ones, out of order, repeated, with wrong
values, between clock jumps, phone activations and magic links), the server never answers a 5xx, every refusal leaves
the transaction as it was, and afterwards the server still answers and a new sign-in still starts. The same holds
for issue #15's flows together (lockout and unlock, statuses and the admin's lifecycle operations, recovery, sign-up,
deny rules), where a refusal also leaves the users and their outbox as they were.
"""

from __future__ import annotations

import json
from typing import Any

import pyotp
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from mock_idx.model.authenticators import AuthenticatorKey
from tests.fuzz.strategies import json_values
from tests.support.idx import PASSWORD, Flow, Response, advance, control
from tests.support.idx_steps import LOGIN, PHONE, authenticator_id, messages

LEAKS = ("Traceback", 'File "', "site-packages", "mock_idx/")
SECRET = pyotp.random_base32()
KEYS = list(AuthenticatorKey)
PATHS = {
    "enroll": "/idp/idx/credential/enroll",
    "challenge": "/idp/idx/challenge",
    "answer": "/idp/idx/challenge/answer",
    "send": "/idp/idx/challenge/send",
    "poll": "/idp/idx/challenge/poll",
    "resend": "/idp/idx/challenge/resend",
    "skip": "/idp/idx/skip",
    "cancel": "/idp/idx/cancel",
    "push poll": "/idp/idx/authenticators/poll",
}
ENROLLED = {
    "okta_verify": {"methods": ["push", "totp"]},
    "email": {},
    "phone": {"number": PHONE},
    "google_authenticator": {"secret": SECRET},
    "security_question": {"question_key": "disliked_food", "answer": "Brussels sprouts"},
}

requirements = st.sampled_from(["required", "optional", "disabled"])
policies = st.fixed_dictionaries(
    {
        "enrollment": st.fixed_dictionaries(
            {"okta_password": st.just("required")},
            optional={key.value: requirements for key in KEYS if key is not AuthenticatorKey.PASSWORD},
        ),
        "sign_on": st.sampled_from(["when_enrolled", "one_factor", "two_factors", "okta_verify"]),
        "identifier_first": st.booleans(),
    }
)
enrollments = st.sets(st.sampled_from(sorted(ENROLLED))).map(lambda names: {name: ENROLLED[name] for name in names})
keys = st.sampled_from([*KEYS, None])
methods = st.sampled_from([None, None, None, "sms", "voice", "push", "totp", "email", "fax"])
"""Mostly none (the usual request), else each method, one no authenticator has among them."""
answers = st.sampled_from(["newest code", "google code", "right answer", "new answer", "password", "wrong"])
actions = st.one_of(
    st.tuples(st.just("pick"), st.integers(0, 6), methods),  # twice: an option the page offers, as a person picks
    st.tuples(st.just("pick"), st.integers(0, 6), methods),
    st.tuples(st.just("enroll"), keys, st.sampled_from([None, None, "qrcode", "email", "sms", "fax"]), methods),
    st.tuples(st.just("answer"), answers),  # twice: what moves a sign-in on most
    st.tuples(st.just("enroll phone"), st.sampled_from([PHONE, "12", ""]), methods),
    st.tuples(st.just("challenge"), keys, methods),
    st.tuples(st.just("answer"), answers),
    st.tuples(st.just("send"), st.sampled_from([{"email": LOGIN}, {"phoneNumber": PHONE}, {"email": "x"}, {}])),
    st.tuples(st.sampled_from(["poll", "resend", "skip", "cancel", "push poll"])),
    st.tuples(st.just("raw"), st.sampled_from(sorted(PATHS)), json_values),
    st.tuples(st.just("advance"), st.sampled_from([1, 31, 301])),
    st.tuples(st.sampled_from(["activate okta verify", "approve push", "open email link"])),
)


def assert_sound(response: Response, what: Any) -> None:
    text = json.dumps(response.body)
    where = (what, response.status, text[:400])
    assert response.status < 500, where
    assert not any(leak in text for leak in LEAKS), where
    assert response.headers["Content-Type"].startswith("application/ion+json"), where
    assert "version" in response.body or "messages" in response.body, where


async def state_of(flow: Flow) -> tuple[int, dict[str, Any]]:
    shown = await flow.introspect(stateToken=flow.state_handle)
    return shown.status, {name: value for name, value in shown.body.items() if name != "expiresAt"}


def shared_secret(flow: Flow) -> str:
    """Google Authenticator's secret: the one being enrolled when the page shows it, else the user's."""
    current = flow.last.body.get("currentAuthenticator", {}) if flow.last else {}
    found: str = current.get("value", {}).get("contextualData", {}).get("sharedSecret", SECRET)
    return found


async def credentials(client: TestClient[Any, Any], flow: Flow, which: str) -> dict[str, str]:
    if which == "newest code":
        sent = await messages(client)
        return {"passcode": sent[0]["code"] if sent and sent[0]["code"] else "123456"}
    if which == "google code":
        return {"passcode": pyotp.TOTP(shared_secret(flow)).now()}
    if which == "right answer":
        return {"answer": "Brussels sprouts"}
    if which == "new answer":
        return {"questionKey": "favorite_book", "answer": "The Hobbit"}
    if which == "password":
        return {"passcode": PASSWORD}
    return {"passcode": "000000", "answer": "wrong"}


def offered(flow: Flow) -> list[tuple[str, str]]:
    """The authenticators the page's list offers: where each option posts, and its ``id``."""
    body = flow.last.body if flow.last else {}
    for remediation in body.get("remediation", {}).get("value", []):
        for field in remediation.get("value", []):
            if field.get("name") == "authenticator" and field.get("options"):
                path = URL(remediation["href"]).path
                forms = [option.get("value", {}).get("form", {}).get("value", []) for option in field["options"]]
                return [(path, next(f["value"] for f in form if f["name"] == "id")) for form in forms]
    return []


def authenticator(client: TestClient[Any, Any], key: AuthenticatorKey | None, **more: Any) -> dict[str, Any]:
    chosen = {"id": authenticator_id(client, key) if key else "autNOPE"}
    return {"authenticator": {**chosen, **{name: value for name, value in more.items() if value is not None}}}


async def act(client: TestClient[Any, Any], flow: Flow, action: tuple[Any, ...]) -> Response | None:
    """One step of the sequence; ``None`` for what happens off the sign-in (the clock, the phone, the inbox)."""
    kind = action[0]
    if kind == "pick":
        _, index, method = action
        options = offered(flow)
        if not options:
            return await flow.post(PATHS["enroll"], {})
        path, chosen = options[index % len(options)]
        fields = {"id": chosen, **({"methodType": method} if method else {})}
        return await flow.post(path, {"authenticator": fields})
    if kind == "enroll":
        _, key, channel, method = action
        return await flow.post(PATHS["enroll"], authenticator(client, key, channel=channel, methodType=method))
    if kind == "enroll phone":
        _, number, method = action
        body = authenticator(client, AuthenticatorKey.PHONE, phoneNumber=number, methodType=method)
        return await flow.post(PATHS["enroll"], body)
    if kind == "challenge":
        _, key, method = action
        return await flow.post(PATHS["challenge"], authenticator(client, key, methodType=method))
    if kind == "answer":
        return await flow.post(PATHS["answer"], {"credentials": await credentials(client, flow, action[1])})
    if kind == "send":
        return await flow.post(PATHS["send"], action[1])
    if kind == "raw":
        _, path, body = action
        return await flow.post(PATHS[path], body if isinstance(body, dict) else {"value": body})
    if kind in PATHS:
        return await flow.post(PATHS[kind], {})
    if kind == "advance":
        await advance(client, action[1])
    elif kind == "activate okta verify":
        await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate")
    elif kind == "approve push":
        await control(client, "POST", f"/users/{LOGIN}/push/approve")
    elif kind == "open email link":
        sent = [message for message in await messages(client, channel="email") if message["link"]]
        if sent:
            link = URL(sent[0]["link"])
            page = await client.get(link.path_qs)
            assert page.status < 500, await page.text()
    return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policy=policies, enrolled=enrollments, steps=st.lists(actions, min_size=1, max_size=12))
async def test_no_sequence_of_steps_breaks_a_sign_in_or_the_server(
    client: TestClient[Any, Any], policy: dict[str, Any], enrolled: dict[str, Any], steps: list[tuple[Any, ...]]
) -> None:
    scenario = {
        "settings": {"authenticators": policy},
        "users": [{"login": LOGIN, "password": PASSWORD, "authenticators": enrolled}],
    }
    status, body = await control(client, "PUT", "/scenario", json=scenario)
    assert status == 200, body
    flow = Flow(client)
    await flow.start()
    if policy["identifier_first"]:
        await flow.post("/idp/idx/identify", {"identifier": LOGIN})
        await flow.post(PATHS["answer"], {"credentials": {"passcode": PASSWORD}})
    else:
        await flow.identify(LOGIN)
    for action in steps:
        before = await state_of(flow)
        answered = await act(client, flow, action)
        if answered is None:
            continue
        assert_sound(answered, action)
        if 400 <= answered.status < 500 and action[0] != "cancel":
            assert await state_of(flow) == before, (action, answered.status, answered.body)
    shown = await flow.introspect(stateToken=flow.state_handle)
    assert_sound(shown, "introspect at the end")
    fresh = Flow(client)
    assert (await fresh.start()).status == 200


# --- issue #15's flows, together -------------------------------------------------------------------------------------

NEWCOMER = "newcomer@example.com"
MEMBER = "contractor@example.com"
EVERYTHING_ON: dict[str, Any] = {
    "authenticators": {
        "enrollment": {"okta_password": "required", "okta_email": "optional", "phone_number": "optional"},
        "sign_on": "one_factor",
        "deny": [{"groups": ["contractors"]}],
    },
    "lockout": {"max_attempts": 2, "self_service_unlock": ["email", "sms"], "auto_unlock_minutes": 5},
    "registration": {"enabled": True, "groups": ["newcomers"]},
    "password_policy": {"recovery": {"authenticators": ["okta_email", "phone_number"]}, "history_count": 2},
}
LIFECYCLE_PATHS = {
    "unlock-account": "/idp/idx/unlock-account",
    "recover": "/idp/idx/recover",
    "sign up": "/idp/idx/enroll",
    "back to sign in": "/idp/idx/identify/select",
}
logins = st.sampled_from([LOGIN, MEMBER, NEWCOMER, "nobody@example.com"])
passwords = st.sampled_from([PASSWORD, "Brand-new-Passw0rd", "wrong-one", ""])
control_actions = st.sampled_from(
    [
        "lock",
        "unlock",
        "lifecycle/unlock",
        "lifecycle/suspend",
        "lifecycle/unsuspend",
        "lifecycle/deactivate",
        "lifecycle/activate",
        "expire-password",
        "lifecycle/expire_password",
    ]
)
lifecycle_actions = st.one_of(
    st.tuples(st.sampled_from(sorted(LIFECYCLE_PATHS))),
    st.tuples(st.just("identify"), logins, passwords),
    st.tuples(st.just("identify"), logins, passwords),
    st.tuples(st.just("username"), logins),
    st.tuples(st.just("unlock with"), logins, st.sampled_from([AuthenticatorKey.EMAIL, AuthenticatorKey.PHONE])),
    st.tuples(st.just("challenge"), st.sampled_from([AuthenticatorKey.EMAIL, AuthenticatorKey.PHONE]), methods),
    st.tuples(st.just("answer"), st.sampled_from(["newest code", "password", "wrong"])),
    st.tuples(st.just("answer"), st.sampled_from(["newest code", "password", "wrong"])),
    st.tuples(st.just("new password"), passwords),
    st.tuples(st.just("sign-up form"), st.sampled_from([NEWCOMER, LOGIN, "not an address", ""])),
    st.tuples(st.just("skip")),
    st.tuples(st.just("raw"), st.sampled_from(sorted(LIFECYCLE_PATHS)), json_values),
    st.tuples(st.just("admin"), control_actions, logins),
    st.tuples(st.just("admin"), control_actions, logins),
    st.tuples(st.just("advance"), st.sampled_from([1, 301, 3601])),
)
"""The new IDX endpoints with right, wrong and out-of-place bodies, and an admin's lifecycle operations between
them, on the sign-in's user or anyone else."""
CARRIES_A_PASSWORD = {"identify", "answer", "new password"}
"""A wrong password is a refusal that counts towards lockout: the user changes, by design."""


async def newest_code_of(client: TestClient[Any, Any], login: str) -> str:
    for channel in ("email", "sms"):
        sent = await messages(client, login, channel=channel)
        if sent and sent[0]["code"]:
            return str(sent[0]["code"])
    return "123456"


async def lifecycle_act(client: TestClient[Any, Any], flow: Flow, action: tuple[Any, ...]) -> Response | None:
    """One step; ``None`` for an admin's operation or the clock (checked by :func:`admin_act`)."""
    kind = action[0]
    if kind in LIFECYCLE_PATHS:
        return await flow.post(LIFECYCLE_PATHS[kind], {})
    if kind == "identify":
        _, login, password = action
        return await flow.post("/idp/idx/identify", {"identifier": login, "credentials": {"passcode": password}})
    if kind == "username":
        return await flow.post("/idp/idx/identify", {"identifier": action[1]})
    if kind == "unlock with":
        _, login, key = action
        return await flow.post("/idp/idx/challenge", {"identifier": login, **authenticator(client, key)})
    if kind == "challenge":
        _, key, method = action
        return await flow.post(PATHS["challenge"], authenticator(client, key, methodType=method))
    if kind == "answer":
        which = action[1]
        code = await newest_code_of(client, LOGIN) if which == "newest code" else None
        passcode = code or (PASSWORD if which == "password" else "000000")
        return await flow.post(PATHS["answer"], {"credentials": {"passcode": passcode}})
    if kind == "new password":
        return await flow.post(PATHS["answer"], {"credentials": {"passcode": action[1]}})
    if kind == "sign-up form":
        profile = {"firstName": "Nina", "lastName": "Newcomer", "email": action[1]}
        return await flow.post("/idp/idx/enroll/new", {"userProfile": profile})
    if kind == "skip":
        return await flow.post(PATHS["skip"], {})
    if kind == "raw":
        _, name, body = action
        return await flow.post(LIFECYCLE_PATHS[name], body if isinstance(body, dict) else {"value": body})
    if kind == "admin":
        await admin_act(client, action[1], action[2])
    elif kind == "advance":
        await advance(client, action[1])
    return None


async def admin_act(client: TestClient[Any, Any], operation: str, login: str) -> None:
    """An admin's operation: answered as the control API describes, and a refusal changes nothing."""
    before = await control(client, "GET", f"/users/{login}")
    status, body = await control(client, "POST", f"/users/{login}/{operation}", json={})
    assert status < 500, (operation, login, status, body)
    if status >= 400:
        assert "error" in body or "errors" in body, (operation, status, body)
        assert await control(client, "GET", f"/users/{login}") == before, (operation, login, body)


async def user_and_outbox(client: TestClient[Any, Any]) -> list[Any]:
    return [
        (await control(client, "GET", f"/users/{login}"), await messages(client, login)) for login in (LOGIN, MEMBER)
    ]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(identifier_first=st.booleans(), steps=st.lists(lifecycle_actions, min_size=1, max_size=14))
async def test_no_sequence_across_lockout_statuses_recovery_sign_up_and_deny_breaks_the_server(
    client: TestClient[Any, Any], identifier_first: bool, steps: list[tuple[Any, ...]]
) -> None:
    """Issue #15's features all on in one org, their IDX endpoints and the admin's lifecycle operations interleaved:
    never a 5xx, always Okta's shape, and an IDX refusal leaves the sign-in, the users and the outbox as they were
    (a wrong password aside, which counts towards lockout)."""
    authenticators = {**EVERYTHING_ON["authenticators"], "identifier_first": identifier_first}
    scenario_settings = {**EVERYTHING_ON, "authenticators": authenticators}
    people = [
        {"login": LOGIN, "password": PASSWORD, "authenticators": {"email": {}, "phone": {"number": PHONE}}},
        {"login": MEMBER, "password": PASSWORD, "authenticators": {"email": {}}, "groups": ["contractors"]},
    ]
    status, body = await control(client, "PUT", "/scenario", json={"settings": scenario_settings, "users": people})
    assert status == 200, body
    flow = Flow(client)
    await flow.start()
    for action in steps:
        before = await state_of(flow)
        others_before = await user_and_outbox(client)
        answered = await lifecycle_act(client, flow, action)
        if answered is None:
            continue
        assert_sound(answered, action)
        if 400 <= answered.status < 500:
            assert await state_of(flow) == before, (action, answered.status, answered.body)
            if action[0] not in CARRIES_A_PASSWORD:
                assert await user_and_outbox(client) == others_before, (action, answered.status, answered.body)
    assert_sound(await flow.introspect(stateToken=flow.state_handle), "introspect at the end")
    fresh = Flow(client)
    assert (await fresh.start()).status == 200
