"""The official Okta Sign-In Widget 7.49.0, unmodified, signs in against mock_idx in Chromium.

The page is mock_idx's own ``/_mock/widget``, which serves the widget bundle from the installed npm package
on mock_idx's origin. Every flow runs with the Gen2 bundle (``okta-sign-in.min.js``) and the Gen3 one
(``okta-sign-in.next.js``); the user taps "Yes, it's me" / "No, it's not me" on mock_idx's device page,
opened in a separate browser context (the phone).
"""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from e2e.compat.compat_support import COMPAT_SETTINGS
from e2e.compat.widget_driver import (
    REJECTED_TEXT,
    assert_tokens_for,
    choose_okta_verify,
    enter_code,
    number_to_tap,
    sign_in_with_password,
    tap_on_device,
    wait_for_view,
    widget_result,
)
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(**COMPAT_SETTINGS)

GENERATIONS = (2, 3)
WIDGET_CLIENT_ID = "mock-widget-client"
GEN3_UNPATCHED_ERROR = "Could not load transaction data from storage"


async def open_widget(pages: RecordedContexts, mock_idx: MockIdx, gen: int, query: str = "") -> Page:
    page = await pages.new_page("browser")
    response = await page.goto(f"{mock_idx.url}/_mock/widget?gen={gen}{query}")
    assert response is not None and response.status == 200
    return page


async def signed_in_to(
    method: str, pages: RecordedContexts, mock_idx: MockIdx, gen: int, number_challenge: bool = False
) -> tuple[MockUser, Page]:
    """A new user past the password, looking at the widget's Okta Verify push or code page."""
    user = mock_idx.add_user(number_challenge=number_challenge)
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, user)
    await choose_okta_verify(page, method)
    return user, page


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_push_approved_on_the_device_page_resolves_tokens(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int
) -> None:
    user, page = await signed_in_to("push", pages, mock_idx, gen)
    await tap_on_device(await pages.new_page("phone"), mock_idx.device_url(user.login), "approve")
    assert_tokens_for(await widget_result(page), user=user, issuer=mock_idx.issuer, client_id=WIDGET_CLIENT_ID)


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_number_challenge_shown_by_the_widget_is_tapped_on_the_device(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int
) -> None:
    user, page = await signed_in_to("push", pages, mock_idx, gen, number_challenge=True)
    number = await number_to_tap(page)
    [push] = mock_idx.pushes(user.login)
    assert int(number) in push["options"]
    await tap_on_device(await pages.new_page("phone"), mock_idx.device_url(user.login), "approve", number)
    assert_tokens_for(await widget_result(page), user=user, issuer=mock_idx.issuer, client_id=WIDGET_CLIENT_ID)


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_reloading_mid_push_resumes_the_same_sign_in(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int
) -> None:
    """On reload the widget re-introspects its saved interaction handle (no new /v1/interact) and must get the
    push page back, for the push that is still waiting."""
    user, page = await signed_in_to("push", pages, mock_idx, gen)
    [push] = mock_idx.pushes(user.login)
    await page.reload()
    await wait_for_view(page, "challenge-poll")
    assert [p["id"] for p in mock_idx.pushes(user.login)] == [push["id"]]
    await tap_on_device(await pages.new_page("phone"), mock_idx.device_url(user.login), "approve")
    assert_tokens_for(await widget_result(page), user=user, issuer=mock_idx.issuer, client_id=WIDGET_CLIENT_ID)
    interacts = [e for e in mock_idx.journal() if e["path"] == "/oauth2/default/v1/interact"]
    assert len(interacts) == 1


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_totp_resolves_tokens(mock_idx: MockIdx, pages: RecordedContexts, gen: int) -> None:
    user, page = await signed_in_to("totp", pages, mock_idx, gen)
    await enter_code(page, mock_idx.totp_code(user.login))
    assert_tokens_for(await widget_result(page), user=user, issuer=mock_idx.issuer, client_id=WIDGET_CLIENT_ID)


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_denied_push_shows_the_widgets_rejection_message(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int
) -> None:
    user, page = await signed_in_to("push", pages, mock_idx, gen)
    await tap_on_device(await pages.new_page("phone"), mock_idx.device_url(user.login), "deny")
    await wait_for_view(page, "resend")
    await expect(page.locator("#okta-sign-in")).to_contain_text(REJECTED_TEXT)
    assert await page.evaluate("window.__widgetResult") is None


async def test_gen3_push_without_the_host_page_workaround_never_resolves(
    mock_idx: MockIdx, pages: RecordedContexts
) -> None:
    """Pins the Gen3 7.49.0 defect the host page works around (see widget.html): its poll lets auth-js
    exchange the code and clear the transaction, then the widget fails to find it. If a future widget
    fixes this, this test fails and the workaround can go."""
    user = mock_idx.add_user()
    page = await open_widget(pages, mock_idx, 3, "&workarounds=off")
    async with page.expect_event("pageerror") as error:
        await sign_in_with_password(page, user)
        await choose_okta_verify(page, "push")
        mock_idx.approve_push(user.login)
    assert GEN3_UNPATCHED_ERROR in str(await error.value)
    assert await page.evaluate("window.__widgetResult") is None
