"""The fake inbox and the phone's SMS section in a real browser: a message sent while the page is open shows up
without a reload (with the control token kept in every fetch), its link is one to click, and it goes once the clock
passes its lifetime.

Nothing in a sign-in sends messages yet, so the test sends them through the engine on the server's loop, as the IDX
steps will.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from mock_idx.model.outbox import Message, verification_call, verification_email, verification_sms
from mock_idx.pytest_plugin import MockIdx
from mock_idx.web.app_keys import ENGINE

TOKEN = "e2e-control-token"
PHONE = "+14155550100"
pytestmark = pytest.mark.mock_idx(control_token=TOKEN)


def send(mock_idx: MockIdx, compose, *args: object) -> Message:
    assert mock_idx.server.app is not None
    engine = mock_idx.server.app[ENGINE]

    async def sending() -> Message:
        message: Message = await engine.outbox.send(compose(*args, await engine.now(), 300.0))
        return message

    sent: Message = mock_idx.server.run(sending)
    return sent


async def test_an_email_arrives_in_the_open_inbox_and_expires(mock_idx: MockIdx, page: Page) -> None:
    user = mock_idx.add_user(profile={"name": "Robin Inbox"})
    await page.goto(mock_idx.inbox_url(user.login))
    await expect(page.get_by_role("heading", name="Robin Inbox")).to_be_visible()
    await expect(page.get_by_text("No email yet")).to_be_visible()

    link = f"{mock_idx.url}/_mock/device/{user.login}?token={TOKEN}"
    send(mock_idx, verification_email, user.login, user.login, "482193", link)
    email = page.locator("article.email")
    await expect(email).to_be_visible()  # arrived by polling: the page was never reloaded
    await expect(email.get_by_role("heading")).to_have_text("One-time verification code")
    await expect(email.locator(".code")).to_have_text("482193")
    await expect(email.get_by_role("link", name="Open the link")).to_have_attribute("href", link)

    mock_idx.advance_clock(301)
    await expect(page.get_by_text("No email yet")).to_be_visible()


async def test_texts_and_calls_arrive_on_the_open_phone(mock_idx: MockIdx, page: Page) -> None:
    user = mock_idx.add_user()
    await page.goto(mock_idx.device_url(user.login))
    await expect(page.get_by_text("No text or call yet")).to_be_visible()
    send(mock_idx, verification_sms, user.login, PHONE, "135790")
    texts = page.locator("article.text")
    await expect(texts).to_have_count(1)
    await expect(texts.first.locator(".code")).to_have_text("135790")
    send(mock_idx, verification_call, user.login, PHONE, "246802")
    await expect(texts).to_have_count(2)
    await expect(texts.first).to_contain_text("Voice call")  # newest first
    await expect(texts.first.locator(".code")).to_have_text("246802")
