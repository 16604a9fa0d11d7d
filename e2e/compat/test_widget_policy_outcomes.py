"""The official Okta Sign-In Widget, unmodified, Gen2 and Gen3 in Chromium, shows Okta's access-denied answer when the
app's authentication policy denies the user (issue #15): the message after the password, and no tokens.

The org denies the group ``contractors``; a member signs in on ``/_mock/widget``, and a colleague outside the group
signs in with the same widget to show the rule is about the group, not the app.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.async_api import expect

from e2e.artifacts import RecordedContexts
from e2e.compat.compat_support import COMPAT_SETTINGS
from e2e.compat.test_widget_authenticators import GENERATIONS, PASSWORD, WIDGET_START_MS, open_widget, signed_in
from e2e.compat.widget_driver import sign_in_with_password
from mock_idx.control_client import MockUser
from mock_idx.pytest_plugin import MockIdx

pytestmark = pytest.mark.mock_idx(**COMPAT_SETTINGS)

DENIED_TEXT = "You do not have permission to perform the requested action"
"""The widget's own words for ``security.access_denied`` (its login.properties, without the server text's period):
both generations show the message by its key."""
MEMBER = "contractor@example.com"
COLLEAGUE = "staff@example.com"


def load_org(mock_idx: MockIdx, folder: Path) -> dict[str, MockUser]:
    """One factor for everyone, and an app sign-on rule denying the contractors."""
    scenario = {
        "settings": {"authenticators": {"sign_on": "one_factor", "deny": [{"groups": ["contractors"]}]}},
        "users": [
            {"login": MEMBER, "password": PASSWORD, "groups": ["contractors"], "authenticators": {}},
            {"login": COLLEAGUE, "password": PASSWORD, "groups": ["staff"], "authenticators": {}},
        ],
    }
    path = folder / "org.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    mock_idx.load_scenario(path)
    stored = {user["login"]: user for user in mock_idx.users()}
    return {
        login: MockUser(login=login, password=PASSWORD, id=user["id"], profile=user["profile"], totp_secret=None)
        for login, user in stored.items()
    }


@pytest.mark.parametrize("gen", GENERATIONS)
async def test_the_widget_shows_access_denied_to_a_denied_user_and_signs_in_another(
    mock_idx: MockIdx, pages: RecordedContexts, gen: int, tmp_path: Path
) -> None:
    users = load_org(mock_idx, tmp_path)
    page = await open_widget(pages, mock_idx, gen)
    await sign_in_with_password(page, users[MEMBER])
    await expect(page.get_by_role("alert").filter(has_text=DENIED_TEXT).first).to_be_visible(timeout=WIDGET_START_MS)
    assert await page.evaluate("window.__widgetResult") is None  # no tokens
    identify = [e for e in mock_idx.journal() if e["path"] == "/idp/idx/identify"]
    assert [e["status"] for e in identify] == [403]
    assert not [e for e in mock_idx.journal() if e["path"].endswith("/v1/token")]

    other = await open_widget(pages, mock_idx, gen, "browser-later")
    await sign_in_with_password(other, users[COLLEAGUE])
    assert await signed_in(other, mock_idx, users[COLLEAGUE]) == ["pwd"]
