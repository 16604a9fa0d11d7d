"""Okta Verify enrollment on the simulated phone, in a real browser: an activation a sign-in starts shows up under
"Add account" without a reload, and tapping it (or opening the email link, or pasting the QR code's URI) enrolls the
phone, whose code then shows. The control token is on, so the page's fetches must carry it.

Activations are started as the enroll step starts them (``engine.activations.start`` on the server's loop)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from mock_idx.model.activation import OktaVerifyActivation, activation_link, activation_uri
from mock_idx.pytest_plugin import MockIdx
from mock_idx.web.app_keys import ENGINE

TOKEN = "e2e-control-token"
pytestmark = pytest.mark.mock_idx(poll_refresh_ms=100, control_token=TOKEN)
ADDED = "Account added"


def start_activation(mock_idx: MockIdx, login: str, channel: str = "qrcode") -> OktaVerifyActivation:
    assert mock_idx.server.app is not None
    engine = mock_idx.server.app[ENGINE]

    async def start() -> OktaVerifyActivation:
        return await engine.activations.start(login, "txn-enrolling", channel, await engine.now())

    activation: OktaVerifyActivation = mock_idx.server.call(start)
    return activation


async def test_a_pending_enrollment_appears_and_add_account_enrolls_the_phone(mock_idx: MockIdx, page: Page) -> None:
    user = mock_idx.add_user(okta_verify=False, profile={"name": "Nova Phone"})
    await page.goto(mock_idx.device_url(user.login))
    await expect(page.get_by_role("heading", name="Add account")).to_be_visible()
    await expect(page.get_by_text("No QR code to scan")).to_be_visible()

    start_activation(mock_idx, user.login)
    add = page.locator("#activations").get_by_role("button", name="Add account")
    await expect(add).to_be_visible()  # arrived by polling: the page was never reloaded
    await add.click()

    await expect(page.get_by_role("status")).to_contain_text(ADDED)
    await expect(page.locator("#totp-code")).to_have_text(mock_idx.totp_code(user.login))
    assert mock_idx.users()[-1]["authenticators"]["okta_verify"]["methods"] == ["push", "totp"]
    await expect(page.get_by_text("No QR code to scan")).to_be_visible()


async def test_the_email_link_opens_the_phone_offering_that_activation(mock_idx: MockIdx, page: Page) -> None:
    user = mock_idx.add_user(okta_verify=False)
    start_activation(mock_idx, user.login)
    emailed = start_activation(mock_idx, user.login, "email")
    await page.goto(f"{activation_link(mock_idx.url, emailed.token, emailed.login)}&token={TOKEN}")

    offered = page.locator(".activation.offered")
    await expect(offered).to_contain_text("the link you opened")
    await expect(page.locator(".activation")).to_have_count(2)
    await offered.get_by_role("button", name="Add account").click()

    await expect(page.get_by_role("status")).to_contain_text(ADDED)
    assert "activate=" not in page.url
    await expect(page.locator(".activation")).to_have_count(1)  # the QR code's one is still pending


async def test_pasting_the_qr_code_s_uri_enrolls_and_a_used_one_is_refused(mock_idx: MockIdx, page: Page) -> None:
    user = mock_idx.add_user(okta_verify=False)
    started = start_activation(mock_idx, user.login)
    uri = activation_uri(mock_idx.url, started.token, started.login)
    await page.goto(mock_idx.device_url(user.login))

    await page.get_by_label("Or paste").fill(uri)
    await page.locator("#activate-form").get_by_role("button", name="Add account").click()
    await expect(page.get_by_role("status")).to_contain_text(ADDED)

    await page.get_by_label("Or paste").fill(uri)
    await page.locator("#activate-form").get_by_role("button", name="Add account").click()
    await expect(page.get_by_role("status")).to_contain_text("already used")
