"""What the fuzz tests share: the server's settings, the invariants of every answer, and a normal sign-in to prove
the server still works after the abuse."""

from __future__ import annotations

import base64
import hashlib
import secrets

import requests

from mock_idx.config import Settings

FUZZ_SETTINGS = Settings(poll_refresh_ms=100)
ION = "application/ion+json; okta-version=1.0.0"
LEAKS = ("Traceback", 'File "', "Exception", "Error:", "/site-packages/", "mock_idx/")
"""Signs of an exception's text reaching a response."""
PASSWORD = "fuzz-Passw0rd"
REDIRECT_URI = "http://localhost:7777/callback"


def assert_sound(response: requests.Response, json_body: bool = True) -> None:
    """No 5xx, no traceback, and every error and non-empty success is JSON (logout's plain "Signed out." aside)."""
    text = response.text
    where = f"{response.status_code} {response.request.method} {response.url}: {text[:500]}"
    assert response.status_code < 500, where
    assert not any(leak in text for leak in LEAKS), where
    if response.status_code >= 400 or (json_body and response.content and response.status_code < 300):
        try:
            response.json()
        except ValueError:
            raise AssertionError(f"not JSON: {where}") from None
    if response.url.split("?")[0].split("/", 3)[-1].startswith("idp/idx/"):
        assert response.headers["Content-Type"] == ION
        assert "version" in response.json() or "messages" in response.json(), text[:300]


def sign_in(base: str, http: requests.Session) -> dict:
    """A fresh user signs in with an Okta Verify push that their phone approves, interact to tokens: proof that the
    server is still whole."""
    login = f"after-fuzz-{secrets.token_hex(4)}@example.com"
    http.put(
        f"{base}/_mock/v1/users/{login}",
        json={"password": PASSWORD, "authenticators": {"okta_verify": {"push": {"outcome": "approve"}}}},
    ).raise_for_status()
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    interact = http.post(
        f"{base}/oauth2/default/v1/interact",
        data={
            "client_id": "fuzz",
            "redirect_uri": REDIRECT_URI,
            "scope": "openid",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert interact.status_code == 200, interact.text
    state = _step(http, f"{base}/idp/idx/introspect", {"interactionHandle": interact.json()["interaction_handle"]})
    state = _step(
        http,
        f"{base}/idp/idx/identify",
        {"identifier": login, "credentials": {"passcode": PASSWORD}, "stateHandle": state["stateHandle"]},
    )
    okta_verify = state["authenticators"]["value"][0]["id"]
    state = _step(
        http,
        f"{base}/idp/idx/challenge",
        {"authenticator": {"id": okta_verify, "methodType": "push"}, "stateHandle": state["stateHandle"]},
    )
    state = _step(http, f"{base}/idp/idx/authenticators/poll", {"stateHandle": state["stateHandle"]})
    interaction_code = next(
        v["value"] for v in state["successWithInteractionCode"]["value"] if v["name"] == "interaction_code"
    )
    tokens = http.post(
        f"{base}/oauth2/default/v1/token",
        data={
            "grant_type": "interaction_code",
            "client_id": "fuzz",
            "redirect_uri": REDIRECT_URI,
            "interaction_code": interaction_code,
            "code_verifier": verifier,
        },
    )
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def _step(http: requests.Session, url: str, body: dict) -> dict:
    response = http.post(url, json=body)
    assert response.status_code == 200, response.text
    return response.json()
