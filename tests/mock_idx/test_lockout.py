"""Lockout and self-service unlock over HTTP, on both stores: wrong passwords counted on the user (identify form and
identifier-first challenge), the lock at the limit, the window, auto-unlock on the virtual clock, a locked user
refused whatever the password (as a wrong password, or told so when the policy shows lockout failures), unlock by
email code, magic link, SMS and voice, the control API's lock and unlock, and every refusal leaving the org as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_idx.control_client import ControlApiError
from mock_idx.model.authenticators import AuthenticatorKey
from mock_idx.model.directory import User, UserStatus
from mock_idx.model.lockout import (
    LockoutPolicy,
    UnlockMethod,
    after_right_password,
    after_wrong_password,
    auto_unlock_due,
    counted_failures,
    unlocked,
)
from tests.support.hosted_pages import path_of
from tests.support.idx import PASSWORD, Flow, Response, advance, control
from tests.support.idx_steps import (
    LOGIN,
    PHONE,
    authenticator_id,
    field_messages,
    messages,
    newest_code,
    sent,
    snapshot,
    top_messages,
)

WRONG = "not-the-password"
T0 = 1_800_000_000.0
LOCKED_TEXT = "Your account is locked because of too many authentication attempts."
UNLOCKED_TEXT = "Your account is now unlocked!"
NOT_ALLOWED_TEXT = "Self Service Unlock is not allowed at this time. Please contact support for assistance."


async def load(client: Any, lockout: dict[str, Any], *, identifier_first: bool = False, **enrolled: Any) -> None:
    """The org of :data:`LOGIN` (password, plus ``enrolled``; email and phone by default) with this lockout policy,
    signing in with the password alone."""
    authenticators = enrolled or {"email": {}, "phone": {"number": PHONE}}
    settings: dict[str, Any] = {
        "lockout": lockout,
        "authenticators": {"sign_on": "one_factor", "identifier_first": identifier_first},
    }
    users = [{"login": LOGIN, "password": PASSWORD, "authenticators": authenticators}]
    status, body = await control(client, "PUT", "/scenario", json={"settings": settings, "users": users})
    assert status == 200, body


async def user_json(client: Any, login: str = LOGIN) -> dict[str, Any]:
    status, body = await control(client, "GET", f"/users/{login}")
    assert status == 200, body
    found: dict[str, Any] = body
    return found


async def sign_in(flow: Flow, password: str = PASSWORD, login: str = LOGIN) -> Response:
    await flow.start()
    return await flow.identify(login, password)


async def fail(flow: Flow, times: int, login: str = LOGIN) -> Response:
    response = None
    for _ in range(times):
        response = await sign_in(flow, WRONG, login)
        assert response.status == 400, response.body
    assert response is not None
    return response


def is_success(response: Response) -> bool:
    return response.status == 200 and "successWithInteractionCode" in response.body


# ----- the model: pure functions over the user -----


def test_lockout_is_off_by_default_and_counts_nothing():
    user = User(login=LOGIN, password=PASSWORD)
    assert after_wrong_password(user, T0, LockoutPolicy()) is user


def test_the_limit_locks_and_a_right_password_starts_again():
    policy = LockoutPolicy(max_attempts=3)
    user = User(login=LOGIN, password=PASSWORD)
    twice = after_wrong_password(after_wrong_password(user, T0, policy), T0 + 1, policy)
    assert twice.status is UserStatus.ACTIVE and twice.failed_passwords == (T0, T0 + 1)
    assert after_right_password(twice).failed_passwords == ()
    thrice = after_wrong_password(twice, T0 + 2, policy)
    assert thrice.status is UserStatus.LOCKED_OUT and thrice.locked_at == T0 + 2
    assert after_wrong_password(thrice, T0 + 3, policy) is thrice, "a locked user's attempts are not counted"


def test_the_window_forgets_old_failures_and_auto_unlock_counts_from_the_lock():
    policy = LockoutPolicy(max_attempts=2, window_minutes=10, auto_unlock_minutes=30)
    user = after_wrong_password(User(login=LOGIN, password=PASSWORD), T0, policy)
    assert counted_failures(user, T0 + 601, policy) == ()
    assert after_wrong_password(user, T0 + 601, policy).status is UserStatus.ACTIVE
    locked = after_wrong_password(user, T0 + 599, policy)
    assert locked.status is UserStatus.LOCKED_OUT
    assert not auto_unlock_due(locked, T0 + 599 + 1799, policy)
    assert auto_unlock_due(locked, T0 + 599 + 1800, policy)
    assert unlocked(locked).status is UserStatus.ACTIVE and unlocked(locked).failed_passwords == ()


def test_the_policy_says_what_unlocks_with_what():
    policy = LockoutPolicy(unlock_methods=(UnlockMethod.VOICE, UnlockMethod.EMAIL))
    assert policy.self_service_unlock and not LockoutPolicy().self_service_unlock
    assert policy.unlock_authenticators() == (AuthenticatorKey.EMAIL, AuthenticatorKey.PHONE)
    assert policy.methods_for(AuthenticatorKey.PHONE) == ("voice",)
    assert policy.allows_unlock_with(AuthenticatorKey.PHONE, "voice")
    assert not policy.allows_unlock_with(AuthenticatorKey.PHONE, "sms")
    assert policy.allows_unlock_with(AuthenticatorKey.EMAIL, None)


# ----- counting and locking over HTTP -----


async def test_wrong_passwords_lock_at_the_limit_and_then_even_the_right_one_is_refused(client, flow):
    await load(client, {"max_attempts": 3})
    await fail(flow, 2)
    assert (await user_json(client))["failed_password_count"] == 2
    assert (await user_json(client))["status"] == "ACTIVE"
    locking = await fail(flow, 1)
    assert locking.message_keys == ["errors.E0000004"], "the lock is not revealed when showLockoutFailures is off"
    shown = await user_json(client)
    assert shown["status"] == "LOCKED_OUT" and shown["failed_password_count"] == 3
    refused = await sign_in(flow)
    assert refused.status == 400 and refused.message_keys == ["errors.E0000004"]
    assert top_messages(refused) == ["Authentication failed"]
    assert (await user_json(client))["failed_password_count"] == 3, "attempts while locked are not counted"


async def test_a_locked_user_is_answered_exactly_as_a_wrong_password_is(client, flow, new_flow):
    await load(client, {"max_attempts": 1})
    wrong = await fail(flow, 1)
    locked_right = await sign_in(new_flow())

    def shape(response: Response) -> tuple[int, str]:
        body = {k: v for k, v in response.body.items() if k != "expiresAt"}
        return response.status, str(body).replace(response.body["stateHandle"], "SH")

    assert shape(locked_right) == shape(wrong)


async def test_a_right_password_resets_the_count(client, flow):
    await load(client, {"max_attempts": 3})
    await fail(flow, 2)
    assert is_success(await sign_in(flow))
    assert (await user_json(client))["failed_password_count"] == 0
    await fail(flow, 2)
    assert (await user_json(client))["status"] == "ACTIVE"


async def test_lockout_off_lets_wrong_passwords_be_tried_freely(client, flow):
    await load(client, {})
    await fail(flow, 12)
    shown = await user_json(client)
    assert shown["status"] == "ACTIVE" and shown["failed_password_count"] == 0
    assert is_success(await sign_in(flow))


async def test_failures_older_than_the_window_do_not_count(client, flow):
    await load(client, {"max_attempts": 2, "window_minutes": 5})
    await fail(flow, 1)
    await advance(client, 5 * 60 + 1)
    await fail(flow, 1)
    assert (await user_json(client))["status"] == "ACTIVE"
    await fail(flow, 1)
    assert (await user_json(client))["status"] == "LOCKED_OUT"


async def test_auto_unlock_after_the_virtual_clock_passes_it(client, flow):
    await load(client, {"max_attempts": 1, "auto_unlock_minutes": 30})
    await fail(flow, 1)
    await advance(client, 29 * 60)
    assert (await sign_in(flow)).status == 400
    await advance(client, 60)
    assert is_success(await sign_in(flow))
    shown = await user_json(client)
    assert shown["status"] == "ACTIVE" and shown["failed_password_count"] == 0


async def test_the_user_json_shows_an_auto_unlock_that_is_due(client, flow):
    await load(client, {"max_attempts": 1, "auto_unlock_minutes": 1})
    await fail(flow, 1)
    await advance(client, 61)
    assert (await user_json(client))["status"] == "ACTIVE"


async def _replace(client: Any, status: str = "ACTIVE") -> dict[str, Any]:
    """An admin's new body for :data:`LOGIN` (the one :func:`load` gave, with a new name), answering the user."""
    body = {
        "password": PASSWORD,
        "profile": {"firstName": "Renamed"},
        "authenticators": {"email": {}, "phone": {"number": PHONE}},
        "status": status,
    }
    code, answered = await control(client, "PUT", f"/users/{LOGIN}", json=body)
    assert code == 200, answered
    replaced: dict[str, Any] = answered
    return replaced


async def test_replacing_the_user_does_not_reset_the_count(client, flow):
    """Editing an account is no way round its lockout: the wrong passwords already given still count."""
    await load(client, {"max_attempts": 3})
    await fail(flow, 2)
    assert (await _replace(client))["failed_password_count"] == 2
    await fail(flow, 1)
    assert (await user_json(client))["status"] == "LOCKED_OUT"


async def test_a_replacement_that_keeps_the_lock_keeps_when_it_happened(client, flow):
    await load(client, {"max_attempts": 1, "auto_unlock_minutes": 30})
    await fail(flow, 1)
    await advance(client, 29 * 60)
    assert (await _replace(client, "LOCKED_OUT"))["status"] == "LOCKED_OUT"
    await advance(client, 60)  # 30 minutes after the lock, not after the replacement
    assert is_success(await sign_in(flow))


async def test_a_replacement_that_lifts_the_lock_starts_a_fresh_count(client, flow):
    await load(client, {"max_attempts": 2})
    await fail(flow, 2)
    replaced = await _replace(client)
    assert replaced["status"] == "ACTIVE" and replaced["failed_password_count"] == 0
    await fail(flow, 1)
    assert (await user_json(client))["status"] == "ACTIVE"


async def test_show_lockout_failures_tells_the_locked_user(client, flow):
    await load(client, {"max_attempts": 2, "show_lockout_failures": True})
    first = await fail(flow, 1)
    assert first.message_keys == ["errors.E0000004"]
    locking = await fail(flow, 1)
    assert locking.message_keys == ["errors.E0000069"] and top_messages(locking) == [LOCKED_TEXT]
    assert "identify" in locking.remediations, "the form stays, so 'Unlock account?' stays offered"
    right = await sign_in(flow)
    assert right.status == 400 and right.message_keys == ["errors.E0000069"]


async def test_identifier_first_password_challenge_counts_and_refuses_a_locked_user(client, flow):
    await load(client, {"max_attempts": 2}, identifier_first=True)
    for _ in range(2):
        await flow.start()
        await flow.post("/idp/idx/identify", {"identifier": LOGIN})
        wrong = await flow.post("/idp/idx/challenge/answer", {"credentials": {"passcode": WRONG}})
        assert wrong.status == 401 and wrong.message_keys == ["incorrectPassword"]
    assert (await user_json(client))["status"] == "LOCKED_OUT"
    await flow.start()
    await flow.post("/idp/idx/identify", {"identifier": LOGIN})
    right = await flow.post("/idp/idx/challenge/answer", {"credentials": {"passcode": PASSWORD}})
    assert right.status == 401 and right.message_keys == ["incorrectPassword"]


async def test_a_refused_password_leaves_the_sign_in_as_it_was(client, flow):
    await load(client, {"max_attempts": 1})
    await fail(flow, 1)
    before = await snapshot(flow)
    await flow.identify(LOGIN, PASSWORD)
    assert await snapshot(flow) == before


# ----- the control API -----


async def test_control_lock_and_unlock(client, flow):
    await load(client, {"max_attempts": 5})
    await fail(flow, 2)
    status, locked = await control(client, "POST", f"/users/{LOGIN}/lock")
    assert status == 200 and locked["status"] == "LOCKED_OUT"
    assert (await sign_in(flow)).status == 400
    status, again = await control(client, "POST", f"/users/{LOGIN}/lock")
    assert status == 200 and again["status"] == "LOCKED_OUT"
    status, unlocked_user = await control(client, "POST", f"/users/{LOGIN}/unlock")
    assert status == 200 and unlocked_user["status"] == "ACTIVE" and unlocked_user["failed_password_count"] == 0
    assert is_success(await sign_in(flow))


@pytest.mark.parametrize("action", ["lock", "unlock"])
async def test_control_lock_and_unlock_refuse_bad_requests_and_change_nothing(client, action):
    await load(client, {"max_attempts": 5})
    before = await user_json(client)
    status, body = await control(client, "POST", f"/users/nobody@example.com/{action}")
    assert status == 404 and "error" in body
    for bad in (
        {"json": {"status": "LOCKED_OUT"}},
        {"json": [1]},
        {"data": b"{", "headers": {"Content-Type": "application/json"}},
    ):
        status, body = await control(client, "POST", f"/users/{LOGIN}/{action}", **bad)
        assert status == 400 and "error" in body, (bad, body)
    assert await user_json(client) == before


# ----- self-service unlock -----


UNLOCK_ALL = {"max_attempts": 1, "self_service_unlock": ["email", "sms", "voice"]}


async def start_unlock(flow: Flow) -> Response:
    started = await flow.start()
    assert "unlock-account" in started.remediations
    return await flow.post("/idp/idx/unlock-account", {})


async def choose_unlock(
    flow: Flow, client: Any, key: AuthenticatorKey, method: str | None = None, login: str = LOGIN
) -> Response:
    authenticator = {"id": authenticator_id(client, key), **({"methodType": method} if method else {})}
    return await flow.post("/idp/idx/challenge", {"identifier": login, "authenticator": authenticator})


async def answer(flow: Flow, code: str) -> Response:
    return await flow.post("/idp/idx/challenge/answer", {"credentials": {"passcode": code}})


def assert_unlocked_document(response: Response) -> None:
    assert response.status == 200, response.body
    assert response.remediations == []
    [shown] = response.body["messages"]["value"]
    assert shown == {
        "message": UNLOCKED_TEXT,
        "i18n": {"key": "oie.selfservice.unlock_user.success.message", "params": []},
        "class": "INFO",
    }
    assert response.body["user"]["value"]["identifier"] == LOGIN
    assert "cancel" in response.body


async def test_the_identify_page_offers_unlock_only_when_the_org_allows_it(client, flow):
    await load(client, {"max_attempts": 1})
    assert "unlock-account" not in (await flow.start()).remediations
    refused = await flow.post("/idp/idx/unlock-account", {})
    assert refused.status == 400 and "identify" in refused.remediations
    await load(client, UNLOCK_ALL)
    page = await flow.start()
    assert page.remediations == ["identify", "unlock-account"]
    unlock = page.remediation("unlock-account")
    assert unlock["href"].endswith("/idp/idx/unlock-account")
    assert [f["name"] for f in unlock["value"]] == ["stateHandle"]


async def test_the_unlock_form_lists_what_the_policy_unlocks_with(client, flow):
    await load(client, {"max_attempts": 1, "self_service_unlock": ["voice", "email"]})
    form = await start_unlock(flow)
    assert form.status == 200 and form.remediations == ["select-authenticator-unlock-account"]
    select = form.remediation("select-authenticator-unlock-account")
    assert select["href"].endswith("/idp/idx/challenge")
    identifier, authenticator, _ = select["value"]
    assert identifier == {"name": "identifier", "label": "Username", "required": True}
    email, phone = authenticator["options"]
    assert (email["label"], phone["label"]) == ("Email", "Phone")
    assert email["relatesTo"] == "$.authenticatorEnrollments.value[0]"
    assert phone["value"]["form"]["value"][1]["options"] == [{"label": "Voice call", "value": "voice"}]
    assert [a["key"] for a in form.body["authenticators"]["value"]] == ["okta_email", "phone_number"]
    assert all("id" not in e for e in form.body["authenticatorEnrollments"]["value"])


async def test_unlock_by_email_code(client, flow):
    await load(client, UNLOCK_ALL)
    await fail(flow, 1)
    await start_unlock(flow)
    challenge = await choose_unlock(flow, client, AuthenticatorKey.EMAIL)
    assert challenge.status == 200 and challenge.remediations == ["challenge-authenticator"]
    assert challenge.body["user"]["value"] == {"identifier": LOGIN}
    assert_unlocked_document(await answer(flow, await newest_code(client, "email")))
    shown = await user_json(client)
    assert shown["status"] == "ACTIVE" and shown["failed_password_count"] == 0
    assert is_success(await sign_in(flow))


async def test_unlock_by_the_emails_magic_link(client, flow):
    await load(client, UNLOCK_ALL)
    await fail(flow, 1)
    await start_unlock(flow)
    await choose_unlock(flow, client, AuthenticatorKey.EMAIL)
    [email] = await messages(client, channel="email")
    opened = await client.get(path_of(email["link"]))
    assert opened.status == 200
    assert_unlocked_document(await flow.post("/idp/idx/challenge/poll", {}))
    assert (await user_json(client))["status"] == "ACTIVE"


@pytest.mark.parametrize("method", ["sms", "voice"])
async def test_unlock_by_phone(client, flow, method):
    await load(client, UNLOCK_ALL)
    await fail(flow, 1)
    await start_unlock(flow)
    challenge = await choose_unlock(flow, client, AuthenticatorKey.PHONE, method)
    assert challenge.status == 200 and challenge.remediations == ["challenge-authenticator"]
    wrong = await answer(flow, "000000" if await newest_code(client, method) != "000000" else "111111")
    assert wrong.status == 401 and (await user_json(client))["status"] == "LOCKED_OUT"
    assert_unlocked_document(await answer(flow, await newest_code(client, method)))
    assert (await user_json(client))["status"] == "ACTIVE"


async def test_a_phone_chosen_without_a_method_gets_the_first_the_policy_allows(client, flow):
    await load(client, {"max_attempts": 1, "self_service_unlock": ["voice"]})
    await fail(flow, 1)
    await start_unlock(flow)
    await choose_unlock(flow, client, AuthenticatorKey.PHONE)
    assert await messages(client, channel="voice")


async def test_unlocking_an_authenticator_the_policy_does_not_allow_is_refused(client, flow):
    await load(client, {"max_attempts": 1, "self_service_unlock": ["email"]})
    await fail(flow, 1)
    form = await start_unlock(flow)
    before = await snapshot(flow)
    refused = await choose_unlock(flow, client, AuthenticatorKey.PHONE, "sms")
    assert refused.status == 400 and top_messages(refused) == [NOT_ALLOWED_TEXT]
    assert refused.message_keys == ["oie.selfservice.user.unlock.not.allowed"]
    assert refused.remediations == form.remediations
    assert await snapshot(flow) == before and await sent(client) == []


async def test_the_unlock_form_refuses_missing_fields_and_changes_nothing(client, flow):
    await load(client, UNLOCK_ALL)
    await fail(flow, 1)
    await start_unlock(flow)
    before = await snapshot(flow)
    no_name = await flow.post(
        "/idp/idx/challenge", {"authenticator": {"id": authenticator_id(client, AuthenticatorKey.EMAIL)}}
    )
    assert no_name.status == 400 and no_name.remediations == ["select-authenticator-unlock-account"]
    for bad in (
        {"identifier": LOGIN},
        {"identifier": LOGIN, "authenticator": "email"},
        {"identifier": 7, "authenticator": {"id": "x"}},
    ):
        refused = await flow.post("/idp/idx/challenge", bad)
        assert 400 <= refused.status < 500, (bad, refused.body)
    unknown = await flow.post("/idp/idx/challenge", {"identifier": LOGIN, "authenticator": {"id": "autNOPE"}})
    assert unknown.status == 400
    assert await snapshot(flow) == before and await sent(client) == []


@pytest.mark.parametrize("who", ["nobody@example.com", "no-phone@example.com"])
async def test_an_unknown_user_sees_the_same_challenge_but_no_code_goes_out_and_none_is_right(client, flow, who):
    await load(client, UNLOCK_ALL)
    status, _ = await control(
        client, "PUT", "/users/no-phone@example.com", json={"password": PASSWORD, "authenticators": {"email": {}}}
    )
    assert status == 200
    await start_unlock(flow)
    challenge = await choose_unlock(flow, client, AuthenticatorKey.PHONE, "sms", login=who)
    assert challenge.status == 200 and challenge.remediations == ["challenge-authenticator"]
    assert challenge.body["user"]["value"] == {"identifier": who}
    resent = await flow.post("/idp/idx/challenge/resend", {})
    assert resent.status == 200
    assert await sent(client, "no-phone@example.com") == []
    refused = await answer(flow, "123456")
    assert refused.status == 401
    assert field_messages(refused, "challenge-authenticator", "credentials", "passcode") == ["Invalid code. Try again."]


async def test_unlocking_a_user_who_is_not_locked_says_unlocked_and_changes_nothing(client, flow):
    await load(client, UNLOCK_ALL)
    await start_unlock(flow)
    await choose_unlock(flow, client, AuthenticatorKey.EMAIL)
    assert_unlocked_document(await answer(flow, await newest_code(client, "email")))
    assert (await user_json(client))["status"] == "ACTIVE"


async def test_after_unlocking_the_sign_in_goes_nowhere_but_cancel(client, flow):
    await load(client, UNLOCK_ALL)
    await fail(flow, 1)
    await start_unlock(flow)
    await choose_unlock(flow, client, AuthenticatorKey.EMAIL)
    await answer(flow, await newest_code(client, "email"))
    again = await answer(flow, "123456")
    assert again.status == 400 and again.remediations == []
    await control(client, "POST", f"/users/{LOGIN}/lock")
    await flow.introspect(stateToken=flow.state_handle)
    assert (await user_json(client))["status"] == "LOCKED_OUT", "an old unlock does not unlock again"
    fresh = await flow.post("/idp/idx/cancel", {})
    assert fresh.status == 200 and "identify" in fresh.remediations


async def test_identifier_first_identify_page_offers_unlock_too(client, flow):
    await load(client, UNLOCK_ALL, identifier_first=True)
    assert (await flow.start()).remediations == ["identify", "unlock-account"]


# ----- hostile input on the unlock endpoints -----


async def test_the_unlock_endpoint_refuses_hostile_requests_without_a_server_error(client, flow):
    await load(client, UNLOCK_ALL)
    await flow.start()
    for body in ({}, {"stateHandle": 7}, {"stateHandle": "02nope"}, {"stateHandle": ["x"]}):
        response = await client.post("/idp/idx/unlock-account", json=body)
        assert 400 <= response.status < 500, (body, response.status)
    for raw in (b"{", b"[]", b"\xff\xfe", b"null"):
        response = await client.post("/idp/idx/unlock-account", data=raw, headers={"Content-Type": "application/json"})
        assert 400 <= response.status < 500, (raw, response.status)
    assert (await flow.introspect()).remediations == ["identify", "unlock-account"]


async def test_unlock_steps_out_of_place_are_refused_and_change_nothing(client, flow):
    await load(client, UNLOCK_ALL)
    await start_unlock(flow)
    before = await snapshot(flow)
    for path, body in (
        ("/idp/idx/unlock-account", {}),
        ("/idp/idx/identify", {"identifier": LOGIN, "credentials": {"passcode": PASSWORD}}),
        ("/idp/idx/challenge/answer", {"credentials": {"passcode": "123456"}}),
        ("/idp/idx/challenge/resend", {}),
        ("/idp/idx/challenge/poll", {}),
    ):
        refused = await flow.post(path, body)
        assert refused.status == 400 and refused.remediations == ["select-authenticator-unlock-account"], path
    assert await snapshot(flow) == before and await sent(client) == []


async def test_a_huge_or_strange_username_on_the_unlock_form_is_no_server_error(client, flow):
    await load(client, UNLOCK_ALL)
    for name in ("x" * 20_000, "\u0000\u202e<script>", "../../etc/passwd", " "):
        await start_unlock(flow)
        response = await choose_unlock(flow, client, AuthenticatorKey.EMAIL, login=name)
        assert response.status < 500, name
    assert await sent(client) == []


# ----- the pytest plugin -----


def test_the_plugin_locks_and_unlocks_a_user(mock_idx):
    user = mock_idx.add_user(login="plugin@example.com")
    assert mock_idx.lock(user.login)["status"] == "LOCKED_OUT"
    assert mock_idx.user(user.login)["status"] == "LOCKED_OUT"
    unlocked_user = mock_idx.unlock(user.login)
    assert unlocked_user["status"] == "ACTIVE" and unlocked_user["failed_password_count"] == 0
    with pytest.raises(ControlApiError) as refused:
        mock_idx.lock("nobody@example.com")
    assert refused.value.status == 404
