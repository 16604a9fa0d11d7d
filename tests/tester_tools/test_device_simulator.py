"""The simulated Okta Verify page and its JSON state endpoint, and the journal page, over HTTP."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pyotp
import pytest

from mock_idx.pytest_plugin import MockIdx
from mock_idx.web.device_view import describe_browser
from tests.support.idx_app import IdxApp, SignInOutcome

pytestmark = pytest.mark.mock_idx(poll_refresh_ms=20)
TOKEN = "s3cret-token"
PASTE_BUTTON = "Add account"
"""The last button of every device page: "Add account" under the field for pasting an Okta Verify activation URI."""


class Buttons(HTMLParser):
    """The text of every <button>, and the attributes of every element that has a data-* attribute."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._inside = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "button":
            self._inside = True
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = self._inside and tag != "button"

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.texts[-1] += data.strip()


def get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def on_page(pattern: str, html: str) -> str:
    """What the page shows in ``pattern``'s first group; a page without it fails the test here."""
    found = re.search(pattern, html)
    assert found is not None, f"{pattern} not in the page"
    return found.group(1)


@pytest.fixture
def waiting_push(mock_idx: MockIdx, app: IdxApp) -> Iterator[dict[str, Any]]:
    """Starts a sign-in for a fresh manual user, waits for its push, and denies it afterwards if still pending."""
    yield from _waiting(mock_idx, app, number_challenge=False)


@pytest.fixture
def waiting_number_push(mock_idx: MockIdx, app: IdxApp) -> Iterator[dict[str, Any]]:
    yield from _waiting(mock_idx, app, number_challenge=True)


def _waiting(mock_idx: MockIdx, app: IdxApp, number_challenge: bool) -> Iterator[dict[str, Any]]:
    user = mock_idx.add_user(number_challenge=number_challenge, profile={"name": "Pat Example"})
    outcome: list[SignInOutcome] = []
    thread = threading.Thread(target=lambda: outcome.append(app.sign_in(user.login, user.password, max_polls=500)))
    thread.start()
    push = mock_idx.wait_for_push(user.login)
    yield {"user": user, "push": push, "outcome": outcome}
    if mock_idx.pushes(user.login):
        mock_idx.deny_push(user.login)
    thread.join(30)


def test_page_lists_a_pending_push_with_where_it_comes_from(mock_idx: MockIdx, waiting_push: dict[str, Any]) -> None:
    user = waiting_push["user"]
    status, html = get(mock_idx.device_url(user.login))
    assert status == 200
    assert Buttons(html).texts == ["Yes, it's me", "No, it's not me", PASTE_BUTTON]
    for shown in (
        "Pat Example",
        user.login,
        "mock-idx app",
        "my-app",
        "127.0.0.1",
        "Python aiohttp 3",
        waiting_push["push"]["created_at"],
    ):
        assert shown in html, shown


def test_number_challenge_offers_three_numbers_and_no_yes_button(
    mock_idx: MockIdx, waiting_number_push: dict[str, Any]
) -> None:
    user, push = waiting_number_push["user"], waiting_number_push["push"]
    _, html = get(mock_idx.device_url(user.login))
    texts = Buttons(html).texts
    assert texts == [str(n) for n in push["options"]] + ["No, it's not me", PASTE_BUTTON]
    assert "Yes, it's me" not in html


def test_page_shows_the_current_code_and_a_qr_code_of_the_fake_secret(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    assert user.totp_secret is not None
    before = mock_idx.totp_code(user.login)  # the page is read between two readings of the code: a 30-second
    _, html = get(mock_idx.device_url(user.login))  # step may turn over in between, never twice
    after = mock_idx.totp_code(user.login)
    code = on_page(r'id="totp-code">(\d{6})<', html)
    assert code in {before, after} and pyotp.TOTP(user.totp_secret).verify(code, valid_window=1)
    assert re.search(r'id="totp-seconds">\d+<', html)
    assert "<svg" in html and "FAKE secret" in html
    uri = on_page(r'<code class="uri">([^<]+)</code>', html).replace("&amp;", "&")
    assert pyotp.parse_uri(uri).secret == user.totp_secret and "mock-idx%20FAKE" in uri


def test_state_endpoint_has_the_pushes_and_the_code(mock_idx: MockIdx, waiting_number_push: dict[str, Any]) -> None:
    user, push = waiting_number_push["user"], waiting_number_push["push"]
    before = mock_idx.totp_code(user.login)
    status, body = get(f"{mock_idx.url}/_mock/device/{user.login}/state")
    after = mock_idx.totp_code(user.login)  # the step may turn over while the state is read
    state = json.loads(body)
    assert status == 200 and state["login"] == user.login and state["name"] == "Pat Example"
    assert [(p["id"], p["options"], p["browser"]) for p in state["pushes"]] == [
        (push["id"], push["options"], "Python aiohttp 3")
    ]
    assert state["totp"]["code"] in {before, after} and 0 < state["totp"]["seconds_left"] <= 30
    assert Buttons(state["pushes_html"]).texts[:3] == [str(n) for n in push["options"]]


def test_answers_from_the_page_reach_the_waiting_sign_in(mock_idx: MockIdx, waiting_push: dict[str, Any]) -> None:
    """What the page's buttons post: the control API with the push id."""
    user, push = waiting_push["user"], waiting_push["push"]
    answered = mock_idx._call("POST", f"/users/{user.login}/push/approve", {"push_id": push["id"]})
    assert answered["state"] == "approved"
    _, body = get(f"{mock_idx.url}/_mock/device/{user.login}/state")
    assert json.loads(body)["pushes"] == []


def test_user_without_okta_verify_and_unknown_user(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(okta_verify=False)
    status, html = get(mock_idx.device_url(user.login))
    assert status == 200 and "no Okta Verify enrollment" in html and "totp-code" not in html
    status, html = get(mock_idx.device_url("nobody@example.com"))
    assert status == 404 and "There is no user nobody@example.com" in html and user.login in html
    status, body = get(f"{mock_idx.url}/_mock/device/nobody@example.com/state")
    assert status == 404 and json.loads(body)["error"] == "not_found"


def test_device_index_links_every_users_phone(mock_idx: MockIdx) -> None:
    mock_idx.load_scenario("number-challenge")
    _, html = get(f"{mock_idx.url}/_mock/device")
    assert 'href="/_mock/device/number%40example.com"' in html
    assert 'href="/_mock/device/wrong.number%40example.com"' in html


@pytest.mark.mock_idx(control_token=TOKEN)
def test_pages_need_the_control_token_and_keep_it(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    assert get(f"{mock_idx.url}/_mock/device/{user.login}")[0] == 401
    status, html = get(mock_idx.device_url(user.login))
    assert status == 200 and f'data-token="{TOKEN}"' in html
    assert f"/_mock/static/device.js?token={TOKEN}" in html and f"/state?token={TOKEN}" in html
    assert get(f"{mock_idx.url}/_mock/static/device.js?token={TOKEN}")[0] == 200
    assert get(f"{mock_idx.url}/_mock/device/{user.login}/state", token=TOKEN)[0] == 200
    status, html = get(f"{mock_idx.url}/_mock/journal?token={TOKEN}")
    assert status == 200 and f'name="token" value="{TOKEN}"' in html


def test_without_a_control_token_no_token_is_written_into_pages(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    _, html = get(f"{mock_idx.device_url(user.login)}?token=leaked")
    assert "leaked" not in html


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Chrome 126 on Linux",
        ),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 on Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17 on iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
            "Safari/537.36 Edg/126.0.0.0",
            "Edge 126 on Windows",
        ),
        ("node", "Node.js"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", "Unknown browser"),
    ],
)
def test_browser_descriptions(user_agent: str, described: str) -> None:
    assert describe_browser(user_agent) == described


# --- the journal page --------------------------------------------------------------------------------------------


def test_journal_page_groups_requests_into_timelines(mock_idx: MockIdx, app: IdxApp) -> None:
    ann = mock_idx.add_user(push="approve")
    bob = mock_idx.add_user(push="deny")
    mock_idx.fail_next("/idp/idx/authenticators/poll", status=429, user=bob.login)
    app.sign_in(ann.login, ann.password)
    app.sign_in(bob.login, bob.password)
    transactions = {e["transaction"] for e in mock_idx.journal() if e["transaction"]}

    _, html = get(f"{mock_idx.url}/_mock/journal")
    sections = html.split('<section class="timeline">')[1:]
    assert len(sections) == len(transactions) + 1  # plus the requests that belong to no sign-in
    bob_section = next(s for s in sections if bob.login in s.split("</h2>")[0] and "(no transaction)" not in s)
    assert "/idp/idx/identify" in bob_section and '<span class="badge client-error">429</span>' in bob_section
    assert '<tr class="faulted">' in bob_section and "answered 429" in bob_section
    assert '<span class="badge ok">200</span>' in bob_section and "+0.000 s" in bob_section

    _, only_ann = get(f"{mock_idx.url}/_mock/journal?user={ann.login}&refresh=5")
    assert bob.login not in only_ann and ann.login in only_ann
    assert '<meta http-equiv="refresh" content="5">' in only_ann
