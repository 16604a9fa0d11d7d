"""The reference client's "Sign in with Okta (redirect)" in Chromium: the button, mock-idx's hosted page, a tap on the
phone (the mock's device page, in a browser of its own), and back to the app's welcome page, as a confidential web app
with a client secret. The page's Content-Security-Policy, the SameSite=Lax session cookie on the way back from the org,
and the org's own session cookie are a real browser's business, which is why this runs in one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx
from mock_idx.testing import BackgroundServer
from reference_client.app import create_app
from reference_client.config import AppConfig
from reference_client.idx import IdxClientConfig

pytestmark = pytest.mark.mock_idx(poll_refresh_ms=200)

BUTTON = "Sign in with Okta (redirect)"
TOKEN = ("POST", "/oauth2/default/v1/token", 200)


def web_app(mock_idx: MockIdx, client_id: str) -> Iterator[str]:
    """A reference client for `client_id` with a secret (an unregistered client id: the mock ignores the secret)."""
    idx = IdxClientConfig(
        issuer=mock_idx.issuer,
        client_id=client_id,
        redirect_uri="http://127.0.0.1/login/callback",
        client_secret=f"{client_id}-secret",
    )
    with BackgroundServer(lambda: create_app(AppConfig(idx=idx))) as server:
        yield server.url


@pytest.fixture
def app_url(mock_idx: MockIdx) -> Iterator[str]:
    yield from web_app(mock_idx, "e2e-redirect-web-app")


@pytest.fixture
def second_app_url(mock_idx: MockIdx) -> Iterator[str]:
    """Another app of the same org, reached as localhost so its session cookie is its own (cookies ignore ports)."""
    for url in web_app(mock_idx, "e2e-redirect-second-app"):
        yield url.replace("127.0.0.1", "localhost")


@pytest_asyncio.fixture(loop_scope="session")
async def phone(pages: RecordedContexts) -> Page:
    return await pages.new_page("phone")


async def test_push_approved_on_the_phone_through_the_hosted_page(
    mock_idx: MockIdx, app_url: str, page: Page, phone: Page
) -> None:
    user = mock_idx.add_user()
    await sign_in_on_the_hosted_page(page, app_url, user)
    await phone.goto(mock_idx.device_url(user.login))
    await phone.get_by_role("button", name="Yes, it's me", exact=True).click()
    await expect(phone.get_by_role("status")).to_contain_text("Approved.")

    await expect(page.get_by_role("heading", name=f"Welcome, {user.profile['name']}")).to_be_visible()
    assert page.url == f"{app_url}/"
    assert journal(mock_idx).count(TOKEN) == 1

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("link", name="Sign in")).to_be_visible()


async def test_a_second_app_signs_in_on_the_orgs_session_without_a_page(
    mock_idx: MockIdx, app_url: str, second_app_url: str, page: Page
) -> None:
    user = mock_idx.add_user(push="approve")
    await sign_in_on_the_hosted_page(page, app_url, user)
    await expect(page.get_by_role("heading", name=f"Welcome, {user.profile['name']}")).to_be_visible()

    await page.goto(f"{second_app_url}/login")
    await page.get_by_role("link", name=BUTTON).click()

    await expect(page.get_by_role("heading", name=f"Welcome, {user.profile['name']}")).to_be_visible()
    assert page.url == f"{second_app_url}/"
    assert journal(mock_idx).count(TOKEN) == 2
    hosted_steps = [entry for entry in journal(mock_idx, user) if entry[:2] == ("POST", "/signin")]
    assert len(hosted_steps) == 2  # password and push, for the first app; the second showed no page


async def sign_in_on_the_hosted_page(page: Page, app_url: str, user: MockUser) -> None:
    """The button, then username and password and Okta Verify's push on the org's page: ends waiting for the push
    (or already back at the app, when the phone answers by itself)."""
    await page.goto(f"{app_url}/login")
    await page.get_by_role("link", name=BUTTON).click()
    await expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    await page.get_by_label("Username").fill(user.login)
    await page.get_by_label("Password").fill(user.password)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("button", name="Get a push notification").click()


def journal(mock_idx: MockIdx, user: MockUser | None = None) -> list[tuple[str, str, int]]:
    """What the org answered (to one user's sign-in steps, or to anyone: token requests name no user)."""
    return [(e["method"], e["path"], e["status"]) for e in mock_idx.journal(user.login if user else None)]
