"""The reference web app's routes with aiohttp's test client, signing in against mock_idx."""

from __future__ import annotations

import re

import pytest

from tests.reference_client.visitor_steps import choose_method, sign_in_to_methods, wait_for_push


async def test_login_page_has_labelled_fields_and_protective_headers(visitor):
    page = await visitor.get("/login")
    assert page.status == 200
    assert '<label for="username">Username</label>' in page.text
    assert '<label for="password">Password</label>' in page.text
    assert '<button type="submit">Sign in</button>' in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


async def test_wrong_password_shows_oktas_message_on_the_form(visitor, mock_idx):
    user = mock_idx.add_user()
    await visitor.get("/login")
    page = await visitor.post("/login", {"username": user.login, "password": "wrong"})
    assert page.status == 401
    assert "Authentication failed" in page.text and f'value="{user.login}"' in page.text


@pytest.mark.parametrize("csrf", ["", "forged-token"])
async def test_forms_without_the_sessions_csrf_token_are_rejected(visitor, mock_idx, csrf, requests_seen):
    user = mock_idx.add_user()
    await visitor.get("/login")
    page = await visitor.post("/login", {"username": user.login, "password": user.password}, csrf=csrf)
    assert page.status == 403
    assert ("POST", "/idp/idx/identify") not in requests_seen()


async def test_session_cookie_is_httponly_lax_and_opaque(visitor):
    page = await visitor.get("/login")
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("reference_client_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert re.fullmatch(r"reference_client_session=[A-Za-z0-9_-]{43}", cookie.split(";")[0])  # only an id
    assert visitor.csrf_token not in cookie and "csrf" not in cookie


async def test_method_page_follows_the_guide(visitor, mock_idx):
    await sign_in_to_methods(visitor, mock_idx.add_user())
    page = await visitor.get("/okta-verify/select-method")
    assert "<h1>Verify it's you with a security method</h1>" in page.text
    assert "Select from the following options" in page.text
    labels = re.findall(r'name="method_type" value="(\w+)" required>\s*([^<]+?)\s*</label>', page.text)
    assert sorted(labels) == [("push", "Get a push notification"), ("totp", "Enter a code")]
    assert '<button type="submit">Cancel</button>' in page.text.replace(' class="link"', "")


async def test_approved_number_challenge_push_signs_in_then_sign_out_revokes(visitor, mock_idx, requests_seen):
    user = mock_idx.add_user(number_challenge=True, profile={"name": "Alice Example"})
    await wait_for_push(visitor, user)

    page = await visitor.get("/okta-verify/push-sent")
    assert "<h1>Push Sent</h1>" in page.text and ">Verify with something else</a>" in page.text
    refresh = mock_idx.settings.poll_refresh_ms
    assert f'data-poll-url="/okta-verify/challenge-poll" data-refresh="{refresh}"' in page.text
    [number] = re.findall(r'id="correct-answer">(\d+)<', page.text)
    assert await visitor.poll() == {"ContinuePolling": True, "Refresh": refresh, "Next": "/okta-verify/push-sent"}

    mock_idx.approve_push(user.login, answer=int(number))
    assert await visitor.poll() == {"ContinuePolling": False, "Refresh": 0, "Next": "/"}

    home = await visitor.get("/")
    assert "<h1>Welcome, Alice Example</h1>" in home.text
    assert '<th scope="row">preferred_username</th><td>' + user.login in home.text
    signed_out = await visitor.post("/logout")
    assert signed_out.location == "/"
    assert ("POST", "/oauth2/default/v1/revoke") in requests_seen()
    assert 'href="/login">Sign in</a>' in (await visitor.get("/")).text


async def test_denied_push_offers_resend_and_another_method(visitor, mock_idx):
    user = mock_idx.add_user()
    await wait_for_push(visitor, user)
    mock_idx.deny_push(user.login)

    assert await visitor.poll() == {"ContinuePolling": False, "Refresh": 0, "Next": "/okta-verify/push-rejected"}
    rejected = await visitor.get("/okta-verify/push-rejected")
    assert "You have chosen to reject this login." in rejected.text
    assert ">Resend push notification</button>" in rejected.text
    assert 'href="/okta-verify/select-method">Verify with something else</a>' in rejected.text

    assert (await visitor.post("/okta-verify/resend-push")).location == "/okta-verify/push-sent"
    mock_idx.approve_push(user.login)
    assert (await visitor.poll())["Next"] == "/"


async def test_expired_push_offers_to_start_again(visitor, mock_idx):
    user = mock_idx.add_user(
        push={"outcome": "manual", "when_expired": "terminal"}
    )  # the terminal expiry; Okta's default offers resend
    await wait_for_push(visitor, user)
    mock_idx.advance_clock(301)

    assert await visitor.poll() == {"ContinuePolling": False, "Refresh": 0, "Next": "/okta-verify/push-expired"}
    page = await visitor.get("/okta-verify/push-expired")
    assert "Your push notification has expired." in page.text and 'href="/login">Sign in again</a>' in page.text
    assert (await visitor.get("/okta-verify/push-sent")).location == "/login"


async def test_push_expired_unanswered_offers_to_send_it_again(visitor, mock_idx):
    """Okta's default expiry (the v3 capture of a push no longer pending): 200 with `resend` and no message. The
    app says the push expired, not that it was rejected, and sending it again works."""
    user = mock_idx.add_user(push="manual")
    await wait_for_push(visitor, user)
    mock_idx.advance_clock(301)

    assert await visitor.poll() == {"ContinuePolling": False, "Refresh": 0, "Next": "/okta-verify/push-rejected"}
    page = await visitor.get("/okta-verify/push-rejected")
    assert "<h1>Push expired</h1>" in page.text and "Your push notification has expired." in page.text
    assert "reject" not in page.text.lower().replace("push-rejected", "")
    assert ">Resend push notification</button>" in page.text
    assert (await visitor.post("/okta-verify/resend-push")).location == "/okta-verify/push-sent"
    mock_idx.approve_push(user.login)
    assert (await visitor.poll())["Next"] == "/"


async def test_wrong_code_shows_invalid_code_then_the_right_one_signs_in(visitor, mock_idx):
    user = mock_idx.add_user()
    await sign_in_to_methods(visitor, user)
    assert await choose_method(visitor, "totp") == "/okta-verify/enter-code"
    form = await visitor.get("/okta-verify/enter-code")
    assert '<label for="code">Enter code</label>' in form.text and ">Verify</button>" in form.text

    code = mock_idx.totp_code(user.login)
    wrong = await visitor.post("/okta-verify/enter-code", {"code": f"{(int(code) + 1) % 1_000_000:06d}"})
    assert wrong.status == 401 and "Invalid code. Try again." in wrong.text

    assert (await visitor.post("/okta-verify/enter-code", {"code": code})).location == "/"


async def test_cancel_cancels_the_transaction_and_returns_to_login(visitor, mock_idx, requests_seen):
    user = mock_idx.add_user()
    await sign_in_to_methods(visitor, user)
    assert (await visitor.post("/cancel")).location == "/login"
    assert ("POST", "/idp/idx/cancel") in requests_seen(user.login)
    assert (await visitor.get("/okta-verify/select-method")).location == "/login"


@pytest.mark.parametrize(
    ("requested", "landing"),
    [("https://evil.example/steal", "/"), ("//evil.example", "/"), ("/?after=signin", "/?after=signin")],
)
async def test_after_sign_in_only_local_next_urls_are_followed(visitor, mock_idx, requested, landing):
    user = mock_idx.add_user()
    await visitor.get(f"/login?next={requested}")
    await sign_in_to_methods(visitor, user)
    await choose_method(visitor, "totp")
    done = await visitor.post("/okta-verify/enter-code", {"code": mock_idx.totp_code(user.login)})
    assert done.location == landing


async def test_poll_without_a_sign_in_sends_the_page_to_login(visitor):
    assert await visitor.poll() == {"ContinuePolling": False, "Refresh": 0, "Next": "/login"}


async def test_rate_limited_poll_asks_the_page_to_slow_down(visitor, mock_idx):
    user = mock_idx.add_user()
    await wait_for_push(visitor, user)
    mock_idx.fail_next("/idp/idx/authenticators/poll", status=429, user=user.login)

    slowed = await visitor.poll()

    assert slowed["ContinuePolling"] is True and slowed["Refresh"] > mock_idx.settings.poll_refresh_ms
    assert slowed["Next"] == "/okta-verify/push-sent"
