"""The built-in hosted sign-in page for the rest of a user's life, over plain HTTP on both stores: "Forgot password?"
through to the app (or the terminal "You can now sign in"), an expired or expiring password, "Unlock account?", "Sign
up" with the org's profile form, and the pages of a sign-in that cannot go on. Every refusal shows Okta's message on
the page kept; forms no page sends leave the sign-in as it was. Also: no step of the state machine falls back to the
timed-out page but ``TIMED_OUT`` itself. The wire these pages stand in for is tests/mock_idx/test_password_recovery.py,
test_expired_password.py, test_lockout.py and test_registration.py; the browser is e2e/test_hosted_self_service.py.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mock_idx.model.policy import Policy
from mock_idx.model.transaction import Interaction, Step, Transaction
from mock_idx.web.hosted_pages import STEP_PAGES, _page_view
from mock_idx.web.hosted_parts import PageInput
from tests.mock_idx.test_hosted_authenticators import back_in_the_app, newest_code, refused, signed_in
from tests.support.hosted_pages import HostedSignIn, Page, open_page, press, read, start, step
from tests.support.idx import PASSWORD, advance, control
from tests.support.idx_steps import load_org, user
from tests.support.registration import NEW_LOGIN, NEW_PASSWORD, load_sign_up_org

Client = TestClient[Any, Any]

LOGIN = "forgetful@example.com"
NEW = "Brand-new-Passw0rd"
EMAIL_ONLY = {"okta_password": "required", "okta_email": "optional", "phone_number": "optional"}
RESET = "Reset your password"
BLANK = "This field cannot be left blank"
INVALID_CODE = "Invalid code. Try again."
BACK = "Back to sign in"


async def recovery_org(client: Client, **password_policy: Any) -> None:
    await load_org(
        client, [user(LOGIN, email={}, phone={"number": "+1 201-555-0123"})], EMAIL_ONLY, "one_factor",
        password_policy=password_policy,
    )  # fmt: skip


async def identify_page(client: Client, **overrides: Any) -> tuple[HostedSignIn, Page]:
    hosted = await start(client, **overrides)
    return hosted, await open_page(client, hosted.url)


async def recovery_list(client: Client, login: str = LOGIN) -> tuple[HostedSignIn, Page]:
    hosted, page = await identify_page(client)
    page = await step(client, page, "Forgot password?")
    assert page.heading == RESET and page.buttons == ["Next", BACK]
    return hosted, await step(client, page, "Next", identifier=login)


async def post(client: Client, hosted: HostedSignIn, **fields: str) -> Page:
    """A form posted as no page sends it, to the sign-in's step."""
    return await read(await client.post("/signin", data={"stateToken": hosted.transaction.state_handle, **fields}))


async def state_of(client: Client, hosted: HostedSignIn) -> tuple[str, str]:
    """What a refusal must leave as it was: the page shown, and the user's sent messages."""
    page = await open_page(client, hosted.url)
    status, body = await control(client, "GET", f"/users/{LOGIN}/messages")
    return page.heading + "|" + " ".join(page.buttons), str(body if status == 200 else status)


# --- every step has a page ------------------------------------------------------------------------------------------


def test_no_step_falls_back_to_the_timed_out_page_but_timed_out() -> None:
    assert set(STEP_PAGES) == set(Step) - {Step.SUCCESS}  # SUCCESS is the redirect to the app, never a page
    now = time.time()
    interaction = Interaction("app", "http://localhost/cb", "openid", "c", "S256", "s", None, None, hosted=True)
    for member in set(Step) - {Step.SUCCESS}:
        transaction = Transaction(interaction, now, now + 600, step=member)
        page = PageInput(transaction, "http://127.0.0.1", 1000, False, "aut", Policy())
        view = _page_view(page)
        timed_out = view.template == "signin_timed_out.html"
        assert timed_out == (member is Step.TIMED_OUT), member
        assert view.heading, member


# --- "Forgot password?" ---------------------------------------------------------------------------------------------


async def test_recovery_by_email_code_then_a_new_password_signs_in(client: Client) -> None:
    await recovery_org(client)
    hosted, page = await recovery_list(client)
    assert "Verify with one of the following security methods to reset your password." in page.text
    assert page.buttons[0] == "Email"
    page = await step(client, page, "Email")
    assert page.heading == "Verify with your email" and "Send again" in page.buttons
    code = await newest_code(client, LOGIN, "email")
    wrong = await refused(client, page, "Verify", code="000000" if code != "000000" else "111111")
    assert wrong.alerts == [INVALID_CODE]
    again = await step(client, wrong, "Send again")
    page = await step(client, again, "Verify", code=await newest_code(client, LOGIN, "email"))
    assert page.heading == RESET and "Password requirements:" in page.text and "At least 8 characters" in page.text
    weak = await refused(client, page, "Reset Password", password="short")
    assert weak.alerts and weak.alerts[0].startswith("Password requirements were not met.")
    blank = await refused(client, weak, "Reset Password", password="")
    assert blank.heading == RESET and blank.alerts
    response = await press(client, blank, "Reset Password", password=NEW)
    assert "pwd" in await back_in_the_app(client, hosted, response.headers["Location"])
    _, fresh = await identify_page(client)
    old = await read(await press(client, fresh, "Sign in", identifier=LOGIN, password=PASSWORD))
    assert old.status == 400 and old.alerts == ["Authentication failed"]  # the old password no longer works


async def test_recovery_for_a_username_that_names_nobody_looks_the_same_and_sends_nothing(client: Client) -> None:
    await recovery_org(client)
    _, known = await recovery_list(client)
    _, unknown = await recovery_list(client, "nobody@example.com")
    assert known.heading == unknown.heading and known.buttons == unknown.buttons
    page = await step(client, unknown, "Email")
    assert page.heading == "Verify with your email" and "n***y@e***e.com" in page.text
    wrong = await refused(client, page, "Verify", code="123456")
    assert wrong.alerts == [INVALID_CODE]


async def test_recovery_ends_on_you_can_now_sign_in_when_the_policy_signs_no_one_in(client: Client) -> None:
    await recovery_org(client, recovery={"after_reset": "terminal"})
    _, page = await recovery_list(client)
    page = await step(client, page, "Email")
    page = await step(client, page, "Verify", code=await newest_code(client, LOGIN, "email"))
    page = await step(client, page, "Reset Password", password=NEW)
    assert page.heading == RESET
    assert page.alerts == ["You can now sign in with your existing username and new password."]
    assert page.buttons == [BACK]
    fresh = await step(client, page, BACK)
    assert fresh.heading == "Sign In"
    response = await press(client, fresh, "Sign in", identifier=LOGIN, password=NEW)
    assert response.status == 303


async def test_no_forgot_password_where_the_org_has_no_recovery(client: Client) -> None:
    await recovery_org(client, recovery={"authenticators": []})
    hosted, page = await identify_page(client)
    assert page.buttons == ["Sign in"]
    posted = await post(client, hosted, action="recover")
    assert posted.status == 400 and posted.heading == "Sign In" and posted.alerts


# --- an expired or expiring password ----------------------------------------------------------------------------------


async def test_an_expired_password_is_changed_then_the_app_gets_its_code(client: Client) -> None:
    await recovery_org(client, max_age_days=90)
    await advance(client, 91 * 86400)
    hosted, page = await signed_in(client, LOGIN)
    assert page.heading == "Your password has expired" and page.buttons == ["Change Password", BACK]
    same = await refused(client, page, "Change Password", password="x")
    assert same.alerts and same.alerts[0].startswith("Password requirements were not met.")
    response = await press(client, same, "Change Password", password=NEW)
    assert "pwd" in await back_in_the_app(client, hosted, response.headers["Location"])


async def test_the_expiry_warning_changes_the_password_or_reminds_later(client: Client) -> None:
    await recovery_org(client, max_age_days=90, expire_warn_days=10)
    await advance(client, 85 * 86400)
    hosted, page = await signed_in(client, LOGIN)
    assert page.heading == "Your password will expire in 5 days"
    assert page.buttons == ["Change Password", "Remind me later", BACK]
    response = await press(client, page, "Remind me later")
    assert response.status == 303
    assert "pwd" in await back_in_the_app(client, hosted, response.headers["Location"])
    hosted, page = await signed_in(client, LOGIN)
    response = await press(client, page, "Change Password", password=NEW)
    assert "pwd" in await back_in_the_app(client, hosted, response.headers["Location"])


# --- "Unlock account?" ------------------------------------------------------------------------------------------------


async def unlock_org(client: Client, methods: list[str]) -> None:
    settings = {
        "lockout": {"max_attempts": 2, "self_service_unlock": methods, "show_lockout_failures": True},
        "authenticators": {"sign_on": "one_factor"},
    }
    users = [user(LOGIN, email={})]
    status, body = await control(client, "PUT", "/scenario", json={"settings": settings, "users": users})
    assert status == 200, body


async def test_unlock_by_email_code_then_back_to_sign_in(client: Client) -> None:
    await unlock_org(client, ["email"])
    hosted, page = await identify_page(client)
    for _ in range(2):
        page = await refused(client, page, "Sign in", identifier=LOGIN, password="wrong-one")
    assert page.alerts == ["Your account is locked because of too many authentication attempts."]
    page = await step(client, page, "Unlock account?")
    assert page.heading == "Unlock account?" and page.buttons == ["Send Email", BACK]
    blank = await refused(client, page, "Send Email", identifier="")
    assert blank.alerts == [BLANK]
    page = await step(client, blank, "Send Email", identifier=LOGIN)
    assert page.heading == "Verify with your email" and "Verify with something else" not in page.links
    wrong = await refused(client, page, "Verify", code="000000")
    assert wrong.alerts == [INVALID_CODE]
    page = await step(client, wrong, "Verify", code=await newest_code(client, LOGIN, "email"))
    assert page.heading == "Account successfully unlocked!" and page.alerts == ["Your account is now unlocked!"]
    page = await step(client, page, BACK)
    response = await press(client, page, "Sign in", identifier=LOGIN, password=PASSWORD)
    assert "pwd" in await back_in_the_app(client, hosted, response.headers["Location"])


async def test_unlock_offered_only_when_enabled_and_not_allowed_with_a_method_off(client: Client) -> None:
    await unlock_org(client, [])
    _, page = await identify_page(client)
    assert "Unlock account?" not in page.buttons
    await unlock_org(client, ["sms"])
    hosted, page = await identify_page(client)
    page = await step(client, page, "Unlock account?")
    assert page.buttons == ["Send SMS", BACK]
    data = {"stateToken": hosted.transaction.state_handle, "action": "unlock_with", "identifier": LOGIN}
    for choice in ("okta_email/email", "nonsense", "phone_number/fax", ""):
        shown = await read(await client.post("/signin", data={**data, "unlock_with": choice}))
        assert shown.status == 400 and shown.heading == "Unlock account?" and shown.alerts, choice


# --- "Sign up" --------------------------------------------------------------------------------------------------------


async def test_sign_up_with_field_errors_then_the_password_then_the_app(client: Client) -> None:
    await load_sign_up_org(client, [user("taken@example.com")])
    hosted, page = await identify_page(client)
    page = await step(client, page, "Sign up")
    assert page.heading == "Sign up" and list(page.forms[0].inputs) == [
        "userProfile.firstName", "userProfile.lastName", "userProfile.email",
    ]  # fmt: skip
    fields = {"userProfile.firstName": "Nina", "userProfile.lastName": "Newcomer"}
    bad = await refused(client, page, "Sign Up", **fields, **{"userProfile.email": "not-an-email"})
    assert "'Email' must be in the form of an email address" in bad.text
    assert bad.forms[0].inputs["userProfile.firstName"] == "Nina"  # the form as typed
    taken = await refused(client, bad, "Sign Up", **fields, **{"userProfile.email": "taken@example.com"})
    assert "A user with this Email already exists" in taken.text
    missing = await refused(client, taken, "Sign Up", **{"userProfile.firstName": "", "userProfile.email": NEW_LOGIN})
    assert BLANK in missing.text
    page = await step(client, missing, "Sign Up", **fields, **{"userProfile.email": NEW_LOGIN})
    assert page.heading == "Set up security methods" and page.buttons[0].startswith("Password")
    page = await step(client, page, "Password")
    assert page.heading == "Set up password" and "At least 8 characters" in page.text
    response = await press(client, page, "Verify", password=NEW_PASSWORD)
    assert "pwd" in await back_in_the_app(client, hosted, response.headers["Location"])
    status, body = await control(client, "GET", f"/users/{NEW_LOGIN}")
    assert status == 200 and body["status"] == "ACTIVE"


async def test_sign_up_is_offered_only_when_the_org_lets_people_sign_up(client: Client) -> None:
    await recovery_org(client)
    hosted, page = await identify_page(client)
    assert "Sign up" not in page.buttons
    posted = await post(client, hosted, action="sign_up")
    assert posted.status == 400 and posted.heading == "Sign In"


# --- sign-ins that cannot go on -------------------------------------------------------------------------------------


async def test_a_user_suspended_mid_flight_sees_why_and_can_only_go_back(client: Client) -> None:
    await load_org(client, [user(LOGIN, email={})], sign_on="two_factors")
    hosted, _ = await signed_in(client, LOGIN)
    status, _ = await control(client, "POST", f"/users/{LOGIN}/lifecycle/suspend")
    assert status == 200
    shown = await open_page(client, hosted.url)
    assert shown.status == 200 and shown.buttons == [BACK]
    assert shown.alerts == ["You do not have permission to perform the requested action."]
    posted = await post(client, hosted, action="choose", authenticator="okta_email")
    assert posted.status == 403 and posted.buttons == [BACK]
    assert (await open_page(client, hosted.url)).alerts == shown.alerts  # still ended, nothing changed
    fresh = await step(client, shown, BACK)
    assert fresh.heading == "Sign In"


# --- forms no page sends --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [
        {"action": "identify_recovery"},
        {"action": "identify_recovery", "identifier": "x" * 5000},
        {"action": "identify_recovery", "identifier": LOGIN, "extra": "\x00"},
        {"action": "unlock_with", "identifier": LOGIN, "unlock_with": "okta_email/email"},
        {"action": "register", "userProfile.email": "a@example.com"},
        {"action": "answer", "password": NEW},
        {"action": "skip"},
        {"action": "recover"},
        {"action": "unlock"},
        {"action": "sign_up"},
        {"action": "nonsense"},
    ],
)
async def test_posts_no_page_sends_leave_the_recovery_list_as_it_was(client: Client, junk: dict[str, str]) -> None:
    await recovery_org(client)
    hosted, page = await recovery_list(client)
    before = await state_of(client, hosted)
    response = await client.post("/signin", data={"stateToken": hosted.transaction.state_handle, **junk})
    assert 400 <= response.status < 500, (junk, response.status)
    assert await state_of(client, hosted) == before
    page = await step(client, await open_page(client, hosted.url), "Email")
    page = await step(client, page, "Verify", code=await newest_code(client, LOGIN, "email"))
    assert page.heading == RESET
