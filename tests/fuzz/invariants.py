"""What the fuzz suite holds every answer to, and the server it fuzzes: the settings of that one live server, the
soundness check every fuzzed answer must pass, and a normal sign-in that proves the server is still whole after the
abuse."""

from __future__ import annotations

from typing import Any

import requests

from mock_idx.config import Settings
from mock_idx.control_client import ControlClient
from mock_idx.idx.forms import ION_CONTENT_TYPE
from tests.support.idx_app import IdxApp

FUZZ_SETTINGS = Settings(poll_refresh_ms=100)
LEAKS = ("Traceback", 'File "', "Exception", "Error:", "/site-packages/", "mock_idx/")
"""Signs of an exception's text reaching a response."""


def assert_sound(response: requests.Response, json_body: bool = True) -> None:
    """No 5xx, no traceback, and every error and non-empty success is JSON; ``json_body=False`` for a page a browser
    is sent to (logout: "Signed out.", or Okta's HTML error page)."""
    text = response.text
    where = f"{response.status_code} {response.request.method} {response.url}: {text[:500]}"
    assert response.status_code < 500, where
    assert not any(leak in text for leak in LEAKS), where
    if (response.status_code >= 400 and json_body) or (json_body and response.content and response.status_code < 300):
        try:
            response.json()
        except ValueError:
            raise AssertionError(f"not JSON: {where}") from None
    if response.url.split("?")[0].split("/", 3)[-1].startswith("idp/idx/"):
        assert response.headers["Content-Type"] == ION_CONTENT_TYPE
        assert "version" in response.json() or "messages" in response.json(), text[:300]


def still_signs_in(url: str) -> dict[str, Any]:
    """A fresh user signs in with an Okta Verify push that their phone approves, interact to tokens; the tokens."""
    user = ControlClient(url).add_user(push="approve")
    outcome = IdxApp(f"{url}/oauth2/default", client_id="fuzz").sign_in(user.login, user.password)
    assert outcome.status == "success" and outcome.tokens, outcome
    return outcome.tokens
