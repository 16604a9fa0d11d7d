"""The reference web app's password pages with aiohttp's test client against mock_idx: "Forgot password?" from the
login page (the username, the recovery authenticators when there are several, the code page with "Resend code", the
new password page listing the org's requirements), the page a recovery ends on when the org signs no one in, and
the expired and expiring password pages after a sign-in. Each refusal is the same form with Okta's message."""

from __future__ import annotations

import html
import re
from pathlib import Path

from mock_idx.pytest_plugin import MockIdx
from tests.reference_client.authenticator_orgs import PASSWORD, other_code, put_org, required
from tests.reference_client.conftest import Page, Visitor
from tests.reference_client.test_idx_client_passwords import DAY, LOGIN, NEW_PASSWORD, expiring, recovery_org
from tests.reference_client.test_web_authenticator_pages import error_texts, log_in, pick

RESET = "/forgot-password/new-password"
CHANGE = "/change-password"


async def forgot_password(visitor: Visitor, login: str, landing: str) -> Page:
    login_page = await visitor.get("/login")
    assert '<a href="/forgot-password">Forgot password?</a>' in login_page.text
    await visitor.get("/forgot-password")
    posted = await visitor.post("/forgot-password", {"username": login})
    assert (posted.status, posted.location) == (302, landing), posted.text
    return await visitor.get(landing)


async def new_password(visitor: Visitor, path: str, password: str, again: str | None = None) -> Page:
    return await visitor.post(
        path, {"new_password": password, "confirm_password": password if again is None else again}
    )


def field_errors(page: Page) -> list[str]:
    block = re.search(r'id="new-password-errors">(.*?)</div>', page.text, re.S)
    return [html.unescape(t) for t in re.findall(r"<p>(.*?)</p>", block.group(1))] if block else []


def requirements(page: Page) -> list[str]:
    block = re.search(r'id="password-requirements">(.*?)</div>', page.text, re.S)
    return [html.unescape(t) for t in re.findall(r"<li>(.*?)</li>", block.group(1))] if block else []


async def signed_in_as(visitor: Visitor, name: str) -> bool:
    return f"<h1>Welcome, {name}</h1>" in (await visitor.get("/")).text


# -- "Forgot password?" --------------------------------------------------------------------------------------------


async def test_forgot_password_by_email_code_then_a_new_password_signs_in(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    """One recovery authenticator: chosen at once, straight to the code page; then the new password page."""
    recovery_org(mock_idx, tmp_path, history_count=3)
    code_page = await forgot_password(visitor, LOGIN, "/verify/enter-code")
    assert "A code was sent to <strong>p*t@e***e.com</strong>." in code_page.text and "Resend code" in code_page.text

    wrong = await visitor.post("/verify/enter-code", {"code": other_code(mock_idx.reset_code(LOGIN))})
    assert wrong.status == 401 and error_texts(wrong) == ["Invalid code. Try again."]
    right = await visitor.post("/verify/enter-code", {"code": mock_idx.reset_code(LOGIN)})
    assert (right.status, right.location) == (302, RESET)

    page = await visitor.get(RESET)
    assert "<h1>Reset your password</h1>" in page.text and 'for="new_password">New password<' in page.text
    assert requirements(page) == [
        "At least 8 characters",
        "A lowercase letter",
        "An uppercase letter",
        "A number",
        "No parts of your username",
        "Password can't be the same as your last 3 passwords",
    ]
    assert "Sign me out of all other devices" in page.text and "Remind me later" not in page.text

    weak = await new_password(visitor, RESET, "short")
    assert weak.status == 400 and error_texts(weak) == []
    assert field_errors(weak) == [
        "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, "
        "an uppercase letter, a number, no parts of your username. "
        "Your password cannot be any of your last 3 passwords."
    ]
    assert 'aria-invalid="true"' in weak.text and "<h1>Reset your password</h1>" in weak.text
    differ = await new_password(visitor, RESET, NEW_PASSWORD, "something else")
    assert differ.status == 400 and error_texts(differ) == ["New passwords must match"]

    done = await visitor.post(
        RESET, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "revoke_sessions": "on"}
    )
    assert (done.status, done.location) == (302, "/")
    assert await signed_in_as(visitor, "Pat")


async def test_several_recovery_authenticators_are_listed_to_choose_from(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    recovery_org(mock_idx, tmp_path, recovery={"authenticators": ["okta_email", "phone_number"]})
    listed = await forgot_password(visitor, LOGIN, "/select-authenticator")
    assert "<h1>Reset your password</h1>" in listed.text
    assert "Verify with one of the following security methods to reset your password." in listed.text

    assert await pick(visitor, "/select-authenticator", "authenticator_id", "Phone") == "/verify/select-method"
    assert await pick(visitor, "/verify/select-method", "method_type", "SMS") == "/verify/enter-code"
    answered = await visitor.post("/verify/enter-code", {"code": mock_idx.reset_code(LOGIN, "sms")})
    assert answered.location == RESET


async def test_the_org_ending_the_recovery_shows_oktas_words_and_a_way_back_to_sign_in(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    recovery_org(mock_idx, tmp_path, recovery={"after_reset": "terminal"})
    await forgot_password(visitor, LOGIN, "/verify/enter-code")
    await visitor.post("/verify/enter-code", {"code": mock_idx.reset_code(LOGIN)})
    await visitor.get(RESET)

    done = await new_password(visitor, RESET, NEW_PASSWORD)
    assert (done.status, done.location) == (302, "/ended")
    ended = await visitor.get("/ended")
    assert "<h1>Reset your password</h1>" in ended.text
    assert "You can now sign in with your existing username and new password." in ended.text
    assert '<a class="button" href="/login">Back to sign in</a>' in ended.text
    assert (await visitor.get("/ended")).location == "/login"  # said once
    assert not await signed_in_as(visitor, "Pat")
    await visitor.get("/login")
    assert (await visitor.post("/login", {"username": LOGIN, "password": NEW_PASSWORD})).location == "/"


async def test_forgot_password_refusals_keep_the_username(visitor: Visitor, mock_idx: MockIdx, tmp_path: Path) -> None:
    recovery_org(mock_idx, tmp_path, recovery={"authenticators": []})
    await visitor.get("/forgot-password")
    blank = await visitor.post("/forgot-password", {"username": "  "})
    assert blank.status == 400 and error_texts(blank) == ["Enter your username."]
    none = await visitor.post("/forgot-password", {"username": LOGIN})
    assert none.status == 409
    assert error_texts(none) == ["No password reset options available. Please contact your administrator."]
    assert f'value="{LOGIN}"' in none.text


async def test_the_new_password_page_without_a_sign_in_goes_to_login(visitor: Visitor) -> None:
    for path in (RESET, CHANGE):
        assert (await visitor.get(path)).location == "/login"


# -- expired and expiring passwords ----------------------------------------------------------------------------------


async def test_an_expired_password_is_changed_on_its_page_after_sign_in(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {LOGIN: {}}, required(), "one_factor")
    mock_idx.expire_password(LOGIN)
    page = await log_in(visitor, LOGIN, CHANGE)
    assert (
        "<h1>Your password has expired</h1>" in page.text
        and '<button type="submit">Change Password</button>' in page.text
    )
    assert "Remind me later" not in page.text and "Sign me out" not in page.text
    assert (await visitor.get(RESET)).location == CHANGE  # the reset page serves another step: sent to this one

    weak = await new_password(visitor, CHANGE, "weak")
    assert weak.status == 400 and field_errors(weak)[0].startswith("Password requirements were not met.")
    done = await new_password(visitor, CHANGE, NEW_PASSWORD)
    assert (done.status, done.location) == (302, "/")
    assert await signed_in_as(visitor, "Pat")


async def test_an_expiring_password_warns_and_remind_me_later_signs_in(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    put_org(mock_idx, tmp_path, {LOGIN: {}}, required(), "one_factor", password_policy=expiring())
    mock_idx.advance_clock(85 * DAY + 60)
    page = await log_in(visitor, LOGIN, CHANGE)
    assert "<h1>Your password will expire in 4 days</h1>" in page.text
    assert "When your password expires, you will have to change your password" in page.text
    assert "Remind me later" in page.text

    later = await visitor.post("/change-password/remind-me-later")
    assert (later.status, later.location) == (302, "/")
    assert await signed_in_as(visitor, "Pat")
    assert mock_idx.user(LOGIN)["status"] == "ACTIVE"
    await visitor.post("/logout")
    await visitor.get("/login")
    assert (await visitor.post("/login", {"username": LOGIN, "password": PASSWORD})).location == CHANGE


async def test_a_refused_post_leaves_the_new_password_step_as_it_was(
    visitor: Visitor, mock_idx: MockIdx, tmp_path: Path
) -> None:
    """Without the CSRF token, or with a field sent twice, the app refuses before the issuer hears of it."""
    put_org(mock_idx, tmp_path, {LOGIN: {}}, required(), "one_factor")
    mock_idx.expire_password(LOGIN)
    await log_in(visitor, LOGIN, CHANGE)
    journal = len(mock_idx.journal(LOGIN))

    forged = await visitor.post(CHANGE, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, csrf="x")
    doubled = await visitor.client.post(
        CHANGE, data=[("csrf_token", visitor.csrf_token), ("new_password", "a"), ("new_password", "b")]
    )

    assert forged.status == 403 and doubled.status == 400
    assert len(mock_idx.journal(LOGIN)) == journal and mock_idx.user(LOGIN)["status"] == "PASSWORD_EXPIRED"
    assert "<h1>Your password has expired</h1>" in (await visitor.get(CHANGE)).text
