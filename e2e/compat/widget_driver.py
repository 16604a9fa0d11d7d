"""Playwright steps for signing in through the real Okta Sign-In Widget (Gen2 and Gen3 alike).

Selectors are the widget's own accessible names and field names, which both generations share, so one
driver serves both bundles. The widget host page exposes ``window.__widgetResult`` (the outcome of
``showSignInToGetTokens``) and ``window.__widgetViews`` (every form the widget rendered).
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from compat_support import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STEP_TIMEOUT_MS = 15_000
METHOD_LABELS = {
    "push": "Select to get a push notification to the Okta Verify app.",
    "totp": "Select to enter a code from the Okta Verify app.",
}
REJECTED_TEXT = "You have chosen to reject this login."


def sign_in_with_password(page: Page, login: str) -> None:
    page.locator('input[name="identifier"]').fill(login, timeout=STEP_TIMEOUT_MS)
    page.locator('input[name="credentials.passcode"]').fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def choose_okta_verify(page: Page, method: str) -> None:
    page.get_by_label(METHOD_LABELS[method]).click(timeout=STEP_TIMEOUT_MS)
    wait_for_view(page, "challenge-poll" if method == "push" else "challenge-authenticator")


def enter_code(page: Page, code: str) -> None:
    page.locator('input[name="credentials.totp"]').fill(code, timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name="Verify").click()


def wait_for_view(page: Page, form_name: str) -> None:
    """Waits until the widget has rendered the form for this IDX remediation."""
    page.wait_for_function(
        "name => window.__widgetViews.some(v => v.formName === name)", arg=form_name, timeout=STEP_TIMEOUT_MS)


DEVICE_BUTTONS = {"approve": ("Yes, it's me", "Approved."), "deny": ("No, it's not me", "Denied.")}


def tap_on_device(context: BrowserContext, device_url: str, action: str) -> None:
    """Plays the phone: opens mock_idx's device page and taps "Yes, it's me" / "No, it's not me"."""
    button, confirmation = DEVICE_BUTTONS[action]
    phone = context.new_page()
    try:
        phone.goto(device_url)
        phone.get_by_role("button", name=button).click(timeout=STEP_TIMEOUT_MS)
        expect(phone.get_by_role("status")).to_contain_text(confirmation, timeout=STEP_TIMEOUT_MS)
    finally:
        phone.close()


def widget_result(page: Page) -> dict[str, Any]:
    """What ``showSignInToGetTokens`` settled with."""
    page.wait_for_function("window.__widgetResult !== null", timeout=STEP_TIMEOUT_MS)
    return page.evaluate("window.__widgetResult")


def assert_tokens_for(result: dict[str, Any], *, login: str, issuer: str, client_id: str) -> None:
    assert result["status"] == "SUCCESS", result
    claims = result["idToken"]["claims"]
    assert (claims["iss"], claims["aud"], claims["preferred_username"]) == (issuer, client_id, login)
    assert result["accessToken"]["raw"]
    assert {"openid", "email"} <= set(result["accessToken"]["scopes"])
