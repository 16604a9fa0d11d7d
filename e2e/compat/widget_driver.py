"""Playwright steps for signing in through the real Okta Sign-In Widget (Gen2 and Gen3 alike).

Selectors are the widget's own accessible names and field names, which both generations share, so one
driver serves both bundles. A host page exposes ``window.__widgetResult`` (the outcome of
``showSignInToGetTokens``) and ``window.__widgetViews`` (every form the widget rendered), as mock_idx's
``/_mock/widget`` does.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from mock_idx.control_client import MockUser

METHOD_LABELS = {
    "push": "Select to get a push notification to the Okta Verify app.",
    "totp": "Select to enter a code from the Okta Verify app.",
}
DEVICE_BUTTONS = {"approve": ("Yes, it's me", "Approved."), "deny": ("No, it's not me", "Denied.")}
REJECTED_TEXT = "You have chosen to reject this login."


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
