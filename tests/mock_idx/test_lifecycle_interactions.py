"""Where issue #15's features meet (on both stores): lockout and self-service unlock, user statuses and activation,
password recovery and expiry, self-service registration, and deny rules, in one org. Each case is decided by what
Okta does where its documentation or support articles say, and otherwise by the guesses the README lists: a locked
user's "Forgot password?", a suspended user's recovery, unlock and activation, recovery of an expired password, the
lockout count after an unlock, sign-up with an address already taken or a group that is denied, a reset while
another sign-in of the same user is under way, and the control API's lock and expire-password on users they cannot
apply to (refused, nothing changed).
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_idx.model.authenticators import AuthenticatorKey
from tests.mock_idx.test_lockout import WRONG, choose_unlock, fail, sign_in, start_unlock, user_json
from tests.mock_idx.test_password_recovery import NEW_PASSWORD, choose, options, recover
from tests.support.hosted_pages import open_page, press, read
from tests.support.idx import PASSWORD, Flow, Response, control
from tests.support.idx_steps import LOGIN, PHONE, answer, enroll, messages, newest_code, sent, snapshot
from tests.support.idx_steps import choose as choose_factor
from tests.support.registration import PROFILE, submit_profile

MEMBER = "contractor@example.com"
UNKNOWN = "nobody@example.com"
SUCCESS = "successWithInteractionCode"
MAX_ATTEMPTS = 3


async def load(
    client: Any,
    *,
    show_lockout_failures: bool = False,
    identifier_first: bool = False,
    sign_on: str = "one_factor",
    deny: list[dict[str, Any]] | None = None,
    password_policy: dict[str, Any] | None = None,
    new_users_group: str = "newcomers",
    users: list[dict[str, Any]] | None = None,
) -> None:
    """One org with everything on: lockout (3 attempts, unlock by email), recovery by email, sign-up (new users
    join ``new_users_group``) and a deny rule for the ``contractors`` group; :data:`LOGIN` (email and phone, in
    ``staff``) and :data:`MEMBER` (email, in ``contractors``)."""
    enrolled = {"email": {}, "phone": {"number": PHONE}}
    settings: dict[str, Any] = {
        "authenticators": {
            "enrollment": {"okta_password": "required", "okta_email": "optional", "phone_number": "optional"},
            "sign_on": sign_on,
            "identifier_first": identifier_first,
            "deny": deny if deny is not None else [{"groups": ["contractors"]}],
        },
        "lockout": {
            "max_attempts": MAX_ATTEMPTS,
            "self_service_unlock": ["email"],
            "show_lockout_failures": show_lockout_failures,
        },
        "registration": {"enabled": True, "groups": [new_users_group]},
        "password_policy": password_policy or {},
    }
    everyone = [
        {"login": LOGIN, "password": PASSWORD, "authenticators": enrolled, "groups": ["staff"]},
        {"login": MEMBER, "password": PASSWORD, "authenticators": {"email": {}}, "groups": ["contractors"]},
        *(users or []),
    ]
    status, body = await control(client, "PUT", "/scenario", json={"settings": settings, "users": everyone})
    assert status == 200, body


async def lock(client: Any, login: str = LOGIN) -> None:
    status, body = await control(client, "POST", f"/users/{login}/lock")
    assert status == 200 and body["status"] == "LOCKED_OUT", body


async def set_status(client: Any, status_name: str, login: str = LOGIN) -> None:
    status, body = await control(client, "PUT", f"/users/{login}/status", json={"status": status_name})
    assert status == 200, body


async def reset_by_email(flow: Flow, client: Any, login: str = LOGIN) -> Response:
    """Recovery by the emailed code, up to the answer to the new password."""
    listed = await recover(flow, login)
    await choose(flow, listed, "okta_email")
    asked = await answer(flow, passcode=await newest_code(client, "email", login))
    assert asked.remediations == ["reset-authenticator"], asked.body
    return await answer(flow, passcode=NEW_PASSWORD)


async def signs_in(client: Any, password: str, login: str = LOGIN) -> bool:
    return SUCCESS in (await sign_in(Flow(client), password, login)).body


def page_shape(response: Response) -> tuple[int, list[str], list[str], set[str]]:
    """What a recovery page shows, less what differs between any two sign-ins (handles, times)."""
    listed = options(response) if "authenticators" in response.body else []
    return response.status, response.remediations, listed, set(response.body)


# --- a locked user's "Forgot password?" ------------------------------------------------------------------------------


async def test_a_locked_users_reset_unlocks_them_when_the_policy_shows_lockout_failures(
    flow: Flow, client: Any
) -> None:
    await load(client, show_lockout_failures=True)
    await lock(client)
    done = await reset_by_email(flow, client)
    assert SUCCESS in done.body, done.body
    after = await user_json(client)
    assert after["status"] == "ACTIVE" and after["failed_password_count"] == 0
    assert await signs_in(client, NEW_PASSWORD)
    assert (await sign_in(Flow(client), WRONG)).status == 400  # one wrong password: counted afresh, not locked again
    assert (await user_json(client))["status"] == "ACTIVE"


async def test_a_locked_user_is_sent_no_reset_code_when_lockout_failures_are_hidden(flow: Flow, client: Any) -> None:
    """Okta's "Forgot Password Denied": a locked user cannot reset while the policy hides lockout failures; the
    pages are those any username gets, so nothing tells the account is locked."""
    await load(client, show_lockout_failures=False)
    await fail(Flow(client), MAX_ATTEMPTS)
    locked = await user_json(client)
    assert locked["status"] == "LOCKED_OUT"
    unknown = await recover(Flow(client), UNKNOWN)
    listed = await recover(flow)
    assert page_shape(listed) == page_shape(unknown)
    await choose(flow, listed, "okta_email")
    assert await sent(client) == []
    refused = await answer(flow, passcode="123456")
    assert refused.status == 401
    assert await user_json(client) == locked


# --- a suspended user: recovery, unlock, activation --------------------------------------------------------------


@pytest.mark.parametrize("identifier_first", [False, True])
async def test_a_suspended_user_recovers_nothing_and_is_shown_what_nobody_is_shown(
    client: Any, identifier_first: bool
) -> None:
    await load(client, identifier_first=identifier_first)
    await control(client, "POST", f"/users/{LOGIN}/lifecycle/suspend")
    before = await user_json(client)
    pages = []
    for login in (LOGIN, UNKNOWN):
        flow = Flow(client)
        if identifier_first:
            await flow.start()
            await flow.post("/idp/idx/identify", {"identifier": login})
            listed = await flow.post("/idp/idx/recover", {})
        else:
            listed = await recover(flow, login)
        challenge = await choose(flow, listed, "okta_email")
        pages.append((page_shape(listed), challenge.status, challenge.remediations))
    assert pages[0] == pages[1]
    assert await sent(client) == []
    assert await user_json(client) == before


async def test_a_suspended_user_cannot_unlock_or_be_activated_and_nothing_is_sent(flow: Flow, client: Any) -> None:
    await load(client)
    await control(client, "POST", f"/users/{LOGIN}/lifecycle/suspend")
    before = await user_json(client)
    await start_unlock(flow)
    await choose_unlock(flow, client, AuthenticatorKey.EMAIL)
    assert await sent(client) == []
    refused = await answer(flow, passcode="123456")
    assert refused.status == 401
    status, body = await control(client, "POST", f"/users/{LOGIN}/lifecycle/activate")
    assert status == 403 and body["errors"][0]["errorCode"] == "E0000016", body
    status, body = await control(client, "POST", f"/users/{LOGIN}/lock")
    assert status == 400 and body["errors"][0]["errorCode"] == "E0000001", body
    status, body = await control(client, "POST", f"/users/{LOGIN}/lifecycle/expire_password")
    assert status == 400 and body["errors"][0]["errorCode"] == "E0000001", body
    assert await user_json(client) == before
    assert not await signs_in(client, PASSWORD)


# --- expiry meets recovery and lockout ---------------------------------------------------------------------------


async def test_an_expired_password_is_recovered_even_within_the_minimum_age(flow: Flow, client: Any) -> None:
    """The minimum age does not stop a password that must change (as at the expiry step) from being reset."""
    await load(client, password_policy={"min_age_minutes": 60})
    await control(client, "PUT", f"/users/{LOGIN}", json={"password": PASSWORD, "authenticators": {"email": {}}})
    await control(client, "POST", f"/users/{LOGIN}/lifecycle/expire_password")
    done = await reset_by_email(flow, client)
    assert SUCCESS in done.body, done.body
    assert (await user_json(client))["status"] == "ACTIVE"
    assert await signs_in(client, NEW_PASSWORD)


@pytest.mark.parametrize("path", ["expire-password", "lifecycle/expire_password"])
async def test_expiring_a_locked_users_password_is_refused_and_keeps_them_locked(client: Any, path: str) -> None:
    await load(client)
    await lock(client)
    before = await user_json(client)
    status, body = await control(client, "POST", f"/users/{LOGIN}/{path}")
    assert status == 400 and body["errors"][0]["errorCode"] == "E0000001", body
    assert await user_json(client) == before
    assert not await signs_in(client, PASSWORD)


@pytest.mark.parametrize("path", ["unlock", "lifecycle/unlock"])
async def test_wrong_passwords_after_an_unlock_count_from_zero_identifier_first(
    flow: Flow, client: Any, path: str
) -> None:
    await load(client, identifier_first=True)
    await lock(client)
    status, body = await control(client, "POST", f"/users/{LOGIN}/{path}")
    assert status == 200 and body["status"] == "ACTIVE" and body["failed_password_count"] == 0, body
    for attempt in range(1, MAX_ATTEMPTS + 1):
        await flow.start()
        await flow.post("/idp/idx/identify", {"identifier": LOGIN})
        wrong = await answer(flow, passcode=WRONG)
        assert wrong.status in (400, 401), wrong.body
        expected = "LOCKED_OUT" if attempt == MAX_ATTEMPTS else "ACTIVE"
        assert (await user_json(client))["status"] == expected, attempt


# --- registration meets statuses and deny rules --------------------------------------------------------------------


@pytest.mark.parametrize("status_name", ["STAGED", "DEPROVISIONED", "SUSPENDED", "LOCKED_OUT"])
async def test_signing_up_with_the_address_of_a_user_of_any_status_is_refused(
    flow: Flow, client: Any, status_name: str
) -> None:
    taken = PROFILE["email"]
    await load(client, users=[{"login": taken, "password": None, "status": status_name}])
    before = await user_json(client, taken)
    await flow.start()
    await flow.post("/idp/idx/enroll", {})
    form = await snapshot(flow)
    refused = await submit_profile(flow, PROFILE)
    assert refused.status == 400 and "registration.error.notUniqueWithinOrg" in str(refused.body), refused.body
    assert await snapshot(flow) == form
    assert await user_json(client, taken) == before


async def test_a_deny_rule_on_the_new_users_group_refuses_the_sign_up_and_creates_nobody(
    flow: Flow, client: Any
) -> None:
    await load(client, new_users_group="contractors")
    await flow.start()
    await flow.post("/idp/idx/enroll", {})
    form = await snapshot(flow)
    denied = await submit_profile(flow, PROFILE)
    assert denied.status == 403 and denied.message_keys == ["security.access_denied"], denied.body
    assert await snapshot(flow) == form
    status, _ = await control(client, "GET", f"/users/{PROFILE['email']}")
    assert status == 404
    await load(client, new_users_group="newcomers")  # the same person, in a group no rule denies
    allowed = Flow(client)
    await allowed.start()
    await allowed.post("/idp/idx/enroll", {})
    assert (await submit_profile(allowed, PROFILE)).status == 200


async def test_a_denied_user_cannot_reset_into_a_sign_in_and_keeps_the_old_password(flow: Flow, client: Any) -> None:
    """Recovery that signs in: the deny rule refuses at the new password, before it is kept (a refusal changes
    nothing); a recovery that ends without signing in (``terminal``) is not an app sign-in and goes through."""
    await load(client)
    listed = await recover(flow, MEMBER)
    await choose(flow, listed, "okta_email")
    await answer(flow, passcode=await newest_code(client, "email", MEMBER))
    asked = await snapshot(flow)
    denied = await answer(flow, passcode=NEW_PASSWORD)
    assert denied.status == 403 and denied.message_keys == ["security.access_denied"], denied.body
    assert await snapshot(flow) == asked
    assert (await sign_in(Flow(client), NEW_PASSWORD, MEMBER)).status == 400  # not kept: wrong password
    assert (await sign_in(Flow(client), PASSWORD, MEMBER)).status == 403  # the old one, and still denied
    await load(client, password_policy={"recovery": {"after_reset": "terminal"}})
    ended = await reset_by_email(Flow(client), client, MEMBER)
    assert ended.status == 200 and SUCCESS not in ended.body, ended.body


# --- activation meets deny rules ------------------------------------------------------------------------------------

NEWCOMER = "newcomer@example.com"
DENIED_TEXT = "You do not have permission to perform the requested action."


async def activation_link(client: Any) -> str:
    """The org of :func:`load` with :data:`NEWCOMER` (no password yet, in the denied ``contractors`` group)
    activated: the link its email carries."""
    await load(client, users=[{"login": NEWCOMER, "password": None, "status": "STAGED", "groups": ["contractors"]}])
    status, activated = await control(client, "POST", f"/users/{NEWCOMER}/lifecycle/activate")
    assert status == 200 and activated["user"]["status"] == "PROVISIONED", activated
    link: str = activated["activationUrl"]
    return link


async def no_longer_denied(client: Any) -> None:
    status, body = await control(client, "PUT", f"/users/{NEWCOMER}/groups", json={"groups": ["staff"]})
    assert status == 200, body


async def test_a_denied_user_s_activation_is_refused_before_anything_is_written_and_the_token_stays_good(
    flow: Flow, client: Any
) -> None:
    """The token stands for the first factor, so the deny rule answers the first step (choosing the password to set
    up): the user stays ``PROVISIONED`` with no password, and once no rule denies them the same link activates them."""
    token = (await activation_link(client)).rsplit("/", 1)[1]
    before = await user_json(client, NEWCOMER)
    opened = await flow.start(activation_token=token)
    assert opened.status == 200 and opened.remediations[0] == "select-authenticator-enroll", opened.body
    form = await snapshot(flow)
    denied = await enroll(flow, client, AuthenticatorKey.PASSWORD)
    assert denied.status == 403 and denied.message_keys == ["security.access_denied"], denied.body
    assert await snapshot(flow) == form
    assert await user_json(client, NEWCOMER) == before

    await no_longer_denied(client)
    again = Flow(client)
    await again.start(activation_token=token)
    assert (await enroll(again, client, AuthenticatorKey.PASSWORD)).status == 200
    offered = await answer(again, passcode=NEW_PASSWORD)
    assert "skip" in offered.remediations, offered.body  # the org's optional email and phone
    done = await again.post("/idp/idx/skip", {})
    assert SUCCESS in done.body, done.body
    assert (await again.exchange()).status == 200
    assert (await user_json(client, NEWCOMER))["status"] == "ACTIVE"


async def test_a_denied_user_s_welcome_link_shows_access_denied_on_the_hosted_page(client: Any) -> None:
    link = await activation_link(client)
    page = await open_page(client, link)
    assert page.heading == "Set up security methods", page.html
    response = await press(client, page, "Password")
    refused = await read(response)
    assert 400 <= refused.status < 500 and "Location" not in response.headers, refused.html
    assert refused.alerts == [DENIED_TEXT]
    assert (await user_json(client, NEWCOMER))["status"] == "PROVISIONED"
    await no_longer_denied(client)
    assert (await open_page(client, link)).heading == "Set up security methods"


# --- two sign-ins of one user ----------------------------------------------------------------------------------------


async def test_a_reset_while_another_sign_in_is_under_way_leaves_that_one_going(client: Any) -> None:
    """The first sign-in verified the old password before the reset; it goes on (Okta's sessions are revoked only
    with ``revokeSessions``, which mock-idx ignores), and the old password signs nobody in afterwards."""
    await load(client, sign_on="two_factors")
    first = Flow(client)
    await first.start()
    waiting = await first.identify(LOGIN)
    assert waiting.status == 200 and SUCCESS not in waiting.body, waiting.body
    assert SUCCESS in (await reset_by_email(Flow(client), client)).body
    chosen = await choose_factor(first, client, AuthenticatorKey.EMAIL)
    assert chosen.status == 200, chosen.body
    done = await answer(first, passcode=await newest_code(client, "email"))
    assert SUCCESS in done.body, done.body
    assert (await sign_in(Flow(client), PASSWORD)).status == 400
    assert (await sign_in(Flow(client), NEW_PASSWORD)).status == 200


# --- the control API's lock on users it cannot reach ----------------------------------------------------------------


@pytest.mark.parametrize("status_name", ["SUSPENDED", "DEPROVISIONED", "STAGED", "PROVISIONED"])
async def test_locking_a_user_who_cannot_sign_in_is_refused_and_changes_nothing(client: Any, status_name: str) -> None:
    """Locked then unlocked would otherwise make a suspended user ``ACTIVE``."""
    await load(client)
    await set_status(client, status_name)
    before = await user_json(client)
    status, body = await control(client, "POST", f"/users/{LOGIN}/lock")
    assert status == 400 and body["errors"][0]["errorCode"] == "E0000001", body
    status, body = await control(client, "POST", f"/users/{LOGIN}/lifecycle/unlock")
    assert status == 200 and body["status"] == status_name, body
    assert await user_json(client) == before
    assert await messages(client) == []
