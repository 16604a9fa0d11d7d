"""Playwright steps for signing in through the real Okta Sign-In Widget (Gen2 and Gen3 alike).

Selectors are the widget's own accessible names and field names, which both generations share, so one
driver serves both bundles. A host page exposes ``window.__widgetResult`` (the outcome of
``showSignInToGetTokens``) and ``window.__widgetViews`` (every form the widget rendered), as mock_idx's
``/_mock/widget`` does.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page, Request, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from mock_idx.control_client import MockUser

METHOD_LABELS = {
    "push": "Select to get a push notification to the Okta Verify app.",
    "totp": "Select to enter a code from the Okta Verify app.",
}
DEVICE_BUTTONS = {"approve": ("Yes, it's me", "Approved."), "deny": ("No, it's not me", "Denied.")}
REJECTED_TEXT = "You have chosen to reject this login."
SHARED_SECRET = re.compile(r"^\s*([A-Z2-7]{16,})\s*$", re.MULTILINE)
"""A Base32 secret alone on its line, as "Can't scan?" shows Google Authenticator's key."""


async def sign_in_with_password(page: Page, user: MockUser) -> None:
    await page.locator('input[name="identifier"]').fill(user.login)
    await page.locator('input[name="credentials.passcode"]').fill(user.password)
    await page.get_by_role("button", name="Sign in").click()


async def choose_okta_verify(page: Page, method: str) -> None:
    await page.get_by_label(METHOD_LABELS[method]).click()
    await wait_for_view(page, "challenge-poll" if method == "push" else "challenge-authenticator")


async def enter_code(page: Page, code: str) -> None:
    await page.locator('input[name="credentials.totp"]').fill(code)
    await page.get_by_role("button", name="Verify").click()


async def identify(page: Page, login: str) -> None:
    """Identifier-first: the username alone, then "Next"."""
    await page.locator('input[name="identifier"]').fill(login)
    await page.get_by_role("button", name="Next").click()
    await wait_for_view(page, "challenge-authenticator")


async def enter_password(page: Page, password: str) -> None:
    """The password page of an identifier-first sign-in ("Verify with your password")."""
    await page.locator('input[name="credentials.passcode"]').fill(password)
    await page.get_by_role("button", name="Verify").click()


async def choose_authenticator(page: Page, name: str) -> None:
    """Picks ``name`` ("Email", "Phone", "Security Question"...) on "Verify it's you with a security method": each
    row's button is labelled "Select Email - m**l@e***e.com." and the like in both generations."""
    await page.get_by_label(re.compile(rf"^Select {re.escape(name)}\b")).first.click()


async def unlock_with(page: Page, login: str, name: str) -> None:
    """ "Unlock account": the username, then ``name`` ("Email", "Phone") to prove it. Gen2 asks both on one page;
    Gen3 asks the username first ("Next"), then shows the list."""
    await page.locator('input[name="identifier"]').fill(login)
    next_button = page.get_by_role("button", name="Next")
    if await next_button.count():
        await next_button.click()
    await choose_authenticator(page, name)


async def set_up_authenticator(page: Page, name: str) -> None:
    """Picks ``name`` on "Set up security methods" (its row's button is labelled "Set up Phone." and the like)."""
    await page.get_by_label(re.compile(rf"^Set up {re.escape(name)}\b")).first.click()


VIEW_CHANGE_MS = 30_000
"""How long a widget view change may take: Gen3 leaves a push page only once its poll in flight has answered, and on a
busy 2-core machine the bundle's own work takes seconds."""


async def verify_with_something_else(page: Page) -> None:
    """Leaves the current authenticator's page for the list of every other one."""
    views = await page.evaluate("window.__widgetViews.length")
    await page.get_by_role("link", name="Verify with something else").click()
    await page.wait_for_function(
        "n => window.__widgetViews.length > n && window.__widgetViews.at(-1).formName"
        " === 'select-authenticator-authenticate'",
        arg=views,
        timeout=VIEW_CHANGE_MS,
    )


async def enter_passcode(page: Page, code: str) -> None:
    """A code sent by email or SMS, or Google Authenticator's, typed in ``credentials.passcode`` and verified."""
    await page.locator('input[name="credentials.passcode"]').fill(code)
    await submit(page, "Verify")


async def email_code_instead(page: Page) -> None:
    """The email page offers the magic link first; "Enter a verification code instead" shows the code field."""
    await page.get_by_role("button", name="Enter a verification code instead").click()
    await page.locator('input[name="credentials.passcode"]').wait_for()


async def send_phone_number(page: Page, national_number: str) -> None:
    """Phone enrollment: SMS (the default method), the number typed after the country code (United States by
    default), then "Receive a code via SMS"."""
    await page.locator('input[name="authenticator.phoneNumber"]').fill(national_number)
    await page.get_by_role("button", name="Receive a code via SMS").click()
    await page.locator('input[name="credentials.passcode"]').wait_for()


async def receive_sms_code(page: Page) -> None:
    """Phone verification: "Receive a code via SMS" on the method page."""
    await page.get_by_role("button", name="Receive a code via SMS").click()
    await page.locator('input[name="credentials.passcode"]').wait_for()


async def google_authenticator_secret(page: Page) -> str:
    """The shared secret "Can't scan?" reveals on Google Authenticator's setup page; then on to the code field."""
    await page.get_by_text("Can't scan?").click()
    found = SHARED_SECRET.search(await page.locator("#okta-sign-in").inner_text())
    assert found, "no shared secret on the page"
    await submit(page, "Next")
    await page.locator('input[name="credentials.passcode"]').wait_for()
    return found.group(1)


async def set_up_security_question(page: Page, question: str, answer: str) -> None:
    """ "Choose a security question" (the predefined ones, the default choice), its answer, then submit."""
    # Gen2 hides the native <select> behind its own drop-down: choose on the <select> itself, as that one does.
    await page.locator('select[name="credentials.questionKey"]').select_option(label=question, force=True)
    await page.locator('input[name="credentials.answer"]').fill(answer)
    await page.get_by_role("button", name=re.compile("^(Verify|Set up)$")).click()


async def answer_security_question(page: Page, answer: str) -> None:
    await page.locator('input[name="credentials.answer"]').fill(answer)
    await page.get_by_role("button", name="Verify").click()


async def add_account_on_device(phone: Page, device_url: str) -> None:
    """Plays the user's phone: Okta Verify's "Add account" on the enrollment the sign-in's QR code shows, as
    scanning it would."""
    await phone.goto(device_url)
    await phone.locator("#activations").get_by_role("button", name="Add account").click()
    await expect(phone.get_by_role("status")).to_contain_text("Account added")


async def code_texted_to(phone: Page, device_url: str) -> str:
    """The code in the newest text on the device page's SMS section, as the user reads it off their phone."""
    await phone.goto(device_url)
    newest = phone.locator("#texts article.text").first
    return await newest.locator(".code").inner_text()


async def code_emailed_to(browser_page: Page, inbox_url: str) -> str:
    """The code in the newest email of the fake inbox page, as the user reads it there."""
    await browser_page.goto(inbox_url)
    newest = browser_page.locator("article.email").first
    return await newest.locator(".code").inner_text()


async def submit(page: Page, name: str) -> None:
    """The form's primary action: a button in Gen3 and on most Gen2 forms, a button-styled link on some Gen2 ones
    (Google Authenticator's "Next" and "Verify")."""
    button = page.get_by_role("button", name=name, exact=True)
    await button.or_(page.get_by_role("link", name=name, exact=True)).click()


async def submit_again(page: Page, name: str, path: str) -> None:
    """The form's primary action once more, right after the widget showed a refusal on it: the Gen2 widget may still be
    redrawing the form then and drop the click (a run on a busy machine sent no request), so the click is repeated
    until the widget posts to ``path`` (three tries)."""

    def posted(request: Request) -> bool:
        return request.method == "POST" and path in request.url

    for _ in range(3):
        try:
            async with page.expect_request(posted, timeout=3000):
                await submit(page, name)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"the widget never posted to {path} after {name!r} was clicked three times")


async def wait_for_view(page: Page, form_name: str) -> None:
    """Waits until the widget has rendered the form for this IDX remediation."""
    await page.wait_for_function("name => window.__widgetViews.some(v => v.formName === name)", arg=form_name)


async def tap_on_device(phone: Page, device_url: str, action: str, number: str | None = None) -> None:
    """Plays the user's phone on mock_idx's device page: "Yes, it's me" (or, in a number challenge, the number)
    or "No, it's not me" on the waiting push."""
    button, confirmation = DEVICE_BUTTONS[action]
    await phone.goto(device_url)
    await phone.get_by_role("button", name=number or button, exact=True).click()
    await expect(phone.get_by_role("status")).to_contain_text(confirmation)


async def number_to_tap(page: Page) -> str:
    """The number challenge as the widget shows it ("...then tap 42 in Okta Verify to continue")."""
    return await page.get_by_text("in Okta Verify to continue").locator(".strong").inner_text()


async def widget_result(page: Page) -> dict[str, Any]:
    """What ``showSignInToGetTokens`` settled with."""
    await page.wait_for_function("window.__widgetResult !== null")
    result: dict[str, Any] = await page.evaluate("window.__widgetResult")
    return result


def assert_tokens_for(result: dict[str, Any], *, user: MockUser, issuer: str, client_id: str) -> None:
    """The widget resolved with tokens (its auth-js verified the id_token's RS256 signature) for this user."""
    assert result["status"] == "SUCCESS", result
    claims = result["idToken"]["claims"]
    assert (claims["iss"], claims["aud"], claims["email"]) == (issuer, client_id, user.login)
    assert result["accessToken"]["raw"]
    assert {"openid", "email"} <= set(result["accessToken"]["scopes"])
