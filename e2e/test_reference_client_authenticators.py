"""The reference client's enrollment and verification pages in a real browser, with the person's phone and mailbox
in second browsers (the mock's device page and fake inbox): Okta Verify set up by its QR code and then answering a
push at the next sign-in, a code read from the inbox, a code read from the phone's texts, and wrong inputs, each
answered with Okta's message on the same form.

Each test ends on the page the person would see and on what mock_idx recorded for the user in its journal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from e2e.artifacts import RecordedContexts
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(poll_refresh_ms=200)

PASSWORD = "Correct-Horse-9"
PHONE = "+1 201-555-0123"
PHONE_E164 = "+12015550123"
ENROLL = "/idp/idx/credential/enroll"
ANSWER = "/idp/idx/challenge/answer"
TOKEN = ("POST", "/oauth2/default/v1/token", 200)


@pytest_asyncio.fixture(loop_scope="session")
async def phone(pages: RecordedContexts) -> Page:
    """The person's phone: the mock's Okta Verify page (pushes, "Add account", texts), in a browser of its own."""
    return await pages.new_page("phone")


@pytest_asyncio.fixture(loop_scope="session")
async def mailbox(pages: RecordedContexts) -> Page:
    """The person's email: the mock's fake inbox, in a browser of its own."""
    return await pages.new_page("mailbox")


def put_org(
    mock_idx: MockIdx,
    folder: Path,
    login: str,
    enrolled: dict[str, Any],
    enrollment: dict[str, str],
    sign_on: str,
    password_policy: dict[str, Any] | None = None,
) -> None:
    """An org with one user, `login` (named "Pat Example"), who has enrolled `enrolled`, under `password_policy`
    (None: mock-idx's default)."""
    user = {"login": login, "password": PASSWORD, "profile": {"name": "Pat Example"}, "authenticators": enrolled}
    settings: dict[str, Any] = {"authenticators": {"enrollment": enrollment, "sign_on": sign_on}}
    if password_policy is not None:
        settings["password_policy"] = password_policy
    scenario = {"settings": settings, "users": [user]}
    path = folder / "org.yaml"
    path.write_text(json.dumps(scenario), encoding="utf-8")  # JSON is YAML
    mock_idx.load_scenario(path)


# -- the flows -------------------------------------------------------------------------------------------------


async def test_okta_verify_set_up_by_qr_code_then_a_push_at_the_next_sign_in(
    mock_idx: MockIdx, app_url: str, tmp_path: Path, page: Page, phone: Page
) -> None:
    login = "qr@example.com"
    enrollment = {"okta_password": "required", "okta_verify": "required"}
    put_org(mock_idx, tmp_path, login, {}, enrollment, sign_on="okta_verify")
    await submit_password(page, app_url, login)
    await choose(page, "Set up security methods", "Okta Verify", "Set up")
    await expect(page.get_by_role("heading", name="Set up Okta Verify")).to_be_visible()
    await expect(page.get_by_role("img", name="QR code to scan with Okta Verify")).to_be_visible()

    await open_phone(phone, mock_idx, login)
    await phone.locator("#activations").get_by_role("button", name="Add account").click()  # "scans" the QR code
    await expect(phone.get_by_role("status")).to_contain_text("Account added")

    await expect_signed_in(page)  # the setup page's poll saw the new account
    await page.get_by_role("button", name="Sign out").click()
    await submit_password(page, app_url, login)
    await choose(page, "Select an authenticator", "Okta Verify", "Submit")
    await choose(page, "Verify it's you with a security method", "Get a push notification", "Submit")
    await expect(page.get_by_role("heading", name="Push Sent")).to_be_visible()
    await open_phone(phone, mock_idx, login)
    await phone.get_by_role("button", name="Yes, it's me", exact=True).click()

    await expect_signed_in(page)
    expect_journal(
        mock_idx,
        login,
        [
            ("POST", ENROLL, 200),
            ("POST", f"/_mock/v1/users/{login}/okta-verify/activate", 200),
            TOKEN,
            ("POST", f"/_mock/v1/users/{login}/push/approve", 200),
            TOKEN,
        ],
    )


async def test_email_code_read_from_the_inbox(
    mock_idx: MockIdx, app_url: str, tmp_path: Path, page: Page, mailbox: Page
) -> None:
    login = "mail@example.com"
    enrollment = {"okta_password": "required", "okta_email": "optional"}
    put_org(mock_idx, tmp_path, login, {"email": {}}, enrollment, sign_on="two_factors")
    await submit_password(page, app_url, login)
    await choose(page, "Select an authenticator", "Email", "Submit")
    await expect(page.get_by_role("heading", name="Enter a code")).to_be_visible()
    await expect(page.get_by_text("A code was sent to m**l@e***e.com.")).to_be_visible()

    await mailbox.goto(mock_idx.inbox_url(login))
    code = await mailbox.locator("article.email").first.locator(".code").inner_text()
    await enter_code(page, code)

    await expect_signed_in(page)
    expect_journal(mock_idx, login, [("POST", "/idp/idx/challenge", 200), ("POST", ANSWER, 200), TOKEN])


async def test_sms_code_read_from_the_phone(
    mock_idx: MockIdx, app_url: str, tmp_path: Path, page: Page, phone: Page
) -> None:
    login = "text@example.com"
    enrolled = {"phone": {"number": PHONE}}
    enrollment = {"okta_password": "required", "phone_number": "optional"}
    put_org(mock_idx, tmp_path, login, enrolled, enrollment, sign_on="two_factors")
    await submit_password(page, app_url, login)
    await choose(page, "Select an authenticator", "Phone", "Submit")
    await choose(page, "Verify it's you with a security method", "SMS", "Submit")
    await expect(page.get_by_role("heading", name="Enter a code")).to_be_visible()

    await open_phone(phone, mock_idx, login)
    code = await phone.locator("article.text").first.locator(".code").inner_text()
    await enter_code(page, code)

    await expect_signed_in(page)
    expect_journal(mock_idx, login, [("POST", "/idp/idx/challenge", 200), ("POST", ANSWER, 200), TOKEN])


async def test_wrong_inputs_show_oktas_message_and_keep_the_form(
    mock_idx: MockIdx, app_url: str, tmp_path: Path, page: Page, phone: Page
) -> None:
    """A wrong phone number for Okta Verify's setup link, a wrong phone number to enroll, a wrong SMS code: each time
    the same form, Okta's words, what was typed still there; then the right ones finish the sign-in."""
    login = "typo@example.com"
    enrollment = {"okta_password": "required", "okta_verify": "required", "phone_number": "required"}
    put_org(mock_idx, tmp_path, login, {}, enrollment, sign_on="one_factor")
    await submit_password(page, app_url, login)
    await choose(page, "Set up security methods", "Okta Verify", "Set up")
    await page.get_by_role("link", name="Send me a link instead").click()
    await choose(page, "More options", "SMS", "Next")
    await expect(page.get_by_role("heading", name="Set up Okta Verify via SMS")).to_be_visible()

    await send_setup_link(page, "12")
    await expect(page.get_by_role("alert")).to_have_text("Unable to initiate factor enrollment: Invalid Phone Number.")
    await expect(page.get_by_label("Phone Number")).to_have_value("12")
    await send_setup_link(page, PHONE)
    await expect(page.get_by_text(f"An activation link was sent to {PHONE_E164}")).to_be_visible()
    await open_phone(phone, mock_idx, login)
    await phone.locator("article.text").first.get_by_role("link").click()  # the link opens the phone's Okta Verify
    await phone.get_by_role("button", name="Add account").first.click()
    await expect(phone.get_by_role("status")).to_contain_text("Account added")

    await expect(page.get_by_role("heading", name="Set up security methods")).to_be_visible()
    await choose(page, "Set up security methods", "Phone", "Set up")
    await page.get_by_label("Phone number").fill("12")
    await page.get_by_role("button", name="Receive a code").click()
    await expect(page.get_by_role("alert")).to_have_text("Unable to initiate factor enrollment: Invalid Phone Number.")
    await expect(page.get_by_label("Phone number")).to_have_value("12")
    await page.get_by_label("Phone number").fill(PHONE)
    await page.get_by_role("button", name="Receive a code").click()

    await expect(page.get_by_role("heading", name="Enter a code")).to_be_visible()
    await open_phone(phone, mock_idx, login)
    code = await phone.locator("article.text").first.locator(".code").inner_text()
    await enter_code(page, f"{(int(code) + 1) % 1_000_000:06d}")
    await expect(page.get_by_role("alert")).to_have_text("Invalid code. Try again.")
    await expect(page.get_by_label("Enter code")).to_be_visible()
    await enter_code(page, code)

    await expect_signed_in(page)
    expect_journal(
        mock_idx,
        login,
        [
            ("POST", "/idp/idx/challenge/send", 400),
            ("POST", "/idp/idx/challenge/send", 200),
            ("POST", ENROLL, 400),
            ("POST", ENROLL, 200),
            ("POST", ANSWER, 401),
            ("POST", ANSWER, 200),
            TOKEN,
        ],
    )


# -- steps a person takes --------------------------------------------------------------------------------------


async def submit_password(page: Page, app_url: str, login: str) -> None:
    await page.goto(f"{app_url}/login")
    await page.get_by_label("Username").fill(login)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()


async def choose(page: Page, heading: str, option: str, button: str) -> None:
    await expect(page.get_by_role("heading", name=heading)).to_be_visible()
    await page.get_by_label(option, exact=True).check()
    await page.get_by_role("button", name=button, exact=True).click()


async def enter_code(page: Page, code: str) -> None:
    await page.get_by_label("Enter code").fill(code)
    await page.get_by_role("button", name="Verify").click()


async def send_setup_link(page: Page, number: str) -> None:
    await page.get_by_label("Phone Number").fill(number)
    await page.get_by_role("button", name="Send me the setup link").click()


async def open_phone(phone: Page, mock_idx: MockIdx, login: str) -> None:
    await phone.goto(mock_idx.device_url(login))
    await expect(phone.get_by_role("heading", name="Pat Example")).to_be_visible()


# -- what the person and the mock end up with ------------------------------------------------------------------


async def expect_signed_in(page: Page) -> None:
    await expect(page.get_by_role("heading", name="Welcome, Pat Example")).to_be_visible()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def expect_journal(mock_idx: MockIdx, login: str, expected: list[tuple[str, str, int]]) -> None:
    """The user's journal holds these entries in this order; others, such as polls, may come between."""
    seen = [(e["method"], e["path"], e["status"]) for e in mock_idx.journal(login)]
    remaining = iter(seen)
    missing = [step for step in expected if step not in remaining]  # `in` consumes the iterator: order counts
    assert not missing, f"journal lacks {missing[0]} (in order); it holds:\n" + "\n".join(map(str, seen))
