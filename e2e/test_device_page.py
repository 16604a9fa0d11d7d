"""The simulated Okta Verify page in a real browser: a push that arrives while the page is open shows up without a
reload, and tapping it completes the sign-in that was waiting for it, with the control token kept in every fetch.

The waiting sign-in is the suite's small IDX app (tests/support/idx_app.py), running in a thread while the browser
plays the phone.
"""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Page, expect

from mock_idx.pytest_plugin import MockIdx
from tests.support.idx_app import IdxApp

TOKEN = "e2e-control-token"
pytestmark = pytest.mark.mock_idx(poll_refresh_ms=100, control_token=TOKEN)


async def test_tapping_yes_completes_the_waiting_sign_in(mock_idx: MockIdx, page: Page) -> None:
    user = mock_idx.add_user(profile={"name": "Robin Phone"})
    await page.goto(mock_idx.device_url(user.login))
    await expect(page.get_by_role("heading", name="Robin Phone")).to_be_visible()
    await expect(page.get_by_text("No sign-in is waiting")).to_be_visible()
    code = mock_idx.totp_code(user.login)
    await expect(page.locator("#totp-code")).to_have_text(code)

    app = IdxApp(mock_idx.issuer)
    sign_in = asyncio.create_task(asyncio.to_thread(app.sign_in, user.login, user.password, max_polls=600))
    yes = page.get_by_role("button", name="Yes, it's me")
    await expect(yes).to_be_visible()  # arrived by polling: the page was never reloaded
    await expect(page.locator(".push")).to_contain_text("Python aiohttp")
    await expect(page.locator(".push")).to_contain_text("mock-idx app")
    await yes.click()
    await expect(page.get_by_role("status")).to_contain_text("Approved")

    result = await asyncio.wait_for(sign_in, 30)
    assert result.status == "success" and result.tokens is not None and result.tokens["access_token"]
    approvals = [e for e in mock_idx.journal(user.login) if e["path"].endswith("/push/approve")]
    assert [e["status"] for e in approvals] == [200]  # sent by the page, with the control token
    await expect(page.get_by_text("No sign-in is waiting")).to_be_visible()


async def test_number_challenge_is_answered_by_tapping_the_number(mock_idx: MockIdx, page: Page) -> None:
    user = mock_idx.add_user(number_challenge=True)
    await page.goto(mock_idx.device_url(user.login))
    shown: list[int | None] = []  # what the app showed; None would fail the tap below
    app = IdxApp(mock_idx.issuer)
    sign_in = asyncio.create_task(
        asyncio.to_thread(
            app.sign_in,
            user.login,
            user.password,
            on_push=lambda result: shown.append(result.correct_answer),
            max_polls=600,
        )
    )
    numbers = page.locator("button.number")
    await expect(numbers).to_have_count(3)
    await expect(page.get_by_role("button", name="Yes, it's me")).to_have_count(0)
    await page.get_by_role("button", name=str(shown[0]), exact=True).click()

    result = await asyncio.wait_for(sign_in, 30)
    assert result.status == "success"
    await expect(page.get_by_role("status")).to_contain_text("Approved")
