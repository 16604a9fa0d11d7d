"""A minimal "app under test": signs a user in through Okta IDX with Okta Verify, in the standard library only.

It stands for the code a mock-idx user tests: the pytest example in docs/pytest-example.md imports it as ``myapp``,
and the harness tests walk every shipped scenario with it. It follows the remediations the server offers (their
``href``s and ``refresh``), as okta-auth-js does, and behaves as a good app should on a rate-limited poll: it waits and
polls again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

REDIRECT_URI = "http://localhost:7777/callback"
PUSH_REJECTED = "api.authn.poll.error.push_rejected"
TIMED_OUT = "core.system.transaction_resource_not_found"
TOO_MANY_REQUESTS = "tooManyRequests"


@dataclass
class SignIn:
    """How a sign-in ended: ``success`` (with ``tokens``), ``denied``, ``timed_out`` or ``failed``."""

    status: str = "pending"
    tokens: dict[str, Any] | None = None
    messages: list[str] = field(default_factory=list)
    correct_answer: int | None = None
    """The number a number challenge asked the person to tap, as the app would show it."""
    polls: int = 0
    rate_limited: int = 0
    refresh_ms: int | None = None
    """The poll interval the server asked for."""


class IdxApp:
    def __init__(self, issuer: str, client_id: str = "my-app", redirect_uri: str = REDIRECT_URI) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.redirect_uri = redirect_uri

    def sign_in(
        self,
        login: str,
        password: str,
        method: str = "push",
        on_push: Callable[[SignIn], None] | None = None,
        totp: Callable[[], str] | None = None,
        max_polls: int = 100,
    ) -> SignIn:
        """Password, then Okta Verify (``push`` or ``totp``). ``on_push`` runs once the push is sent (a test taps the
        phone there); ``totp`` gives the code to type."""
        result = SignIn()
        verifier = secrets.token_urlsafe(48)
        handle = self._form(
            "/v1/interact",
            {
                "client_id": self.client_id,
                "scope": "openid profile email",
                "redirect_uri": self.redirect_uri,
                "code_challenge": _challenge(verifier),
                "code_challenge_method": "S256",
                "state": secrets.token_hex(8),
            },
        )[1]["interaction_handle"]
        _, doc = self._idx(self._origin() + "/idp/idx/introspect", {"interactionHandle": handle})
        status, doc = self._remediate(doc, "identify", {"identifier": login, "credentials": {"passcode": password}})
        if "select-authenticator-authenticate" in _names(doc):
            choice = {"authenticator": {"id": _okta_verify_id(doc), "methodType": method}}
            status, doc = self._remediate(doc, "select-authenticator-authenticate", choice)
        if "challenge-poll" in _names(doc):
            result.correct_answer = _correct_answer(doc)
            if on_push:
                on_push(result)
            status, doc = self._poll(doc, result, max_polls)
        elif "challenge-authenticator" in _names(doc) and totp is not None:
            status, doc = self._remediate(doc, "challenge-authenticator", {"credentials": {"totp": totp()}})
        return self._finish(status, doc, verifier, result)

    # --- steps ---------------------------------------------------------------------------------------------------

    def _poll(self, doc: dict[str, Any], result: SignIn, max_polls: int) -> tuple[int, dict[str, Any]]:
        status = 200
        while result.polls < max_polls and "challenge-poll" in _names(doc):
            poll = _remediation(doc, "challenge-poll")
            result.refresh_ms = poll.get("refresh", 4000)
            time.sleep(result.refresh_ms / 1000)
            result.polls += 1
            status, answer = self._idx(poll["href"], {"stateHandle": doc["stateHandle"]})
            if status == 429:  # rate-limited: keep the document we had and poll again after the interval
                result.rate_limited += 1
                continue
            doc = answer
        return status, doc

    def _finish(self, status: int, doc: dict[str, Any], verifier: str, result: SignIn) -> SignIn:
        result.messages = _message_keys(doc)
        if "successWithInteractionCode" in doc:
            code = next(
                v["value"] for v in doc["successWithInteractionCode"]["value"] if v["name"] == "interaction_code"
            )
            status, tokens = self._form(
                "/v1/token",
                {
                    "grant_type": "interaction_code",
                    "client_id": self.client_id,
                    "interaction_code": code,
                    "code_verifier": verifier,
                    "redirect_uri": self.redirect_uri,
                },
            )
            result.status, result.tokens = ("success", tokens) if status == 200 else ("failed", None)
        elif PUSH_REJECTED in result.messages:
            result.status = "denied"
        elif TIMED_OUT in result.messages:
            result.status = "timed_out"
        else:
            result.status = "failed"
        return result

    # --- HTTP ----------------------------------------------------------------------------------------------------

    def _remediate(self, doc: dict[str, Any], name: str, values: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._idx(_remediation(doc, name)["href"], {**values, "stateHandle": doc["stateHandle"]})

    def _idx(self, url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _send(url, json.dumps(body).encode(), "application/json")

    def _form(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        return _send(self.issuer + path, urlencode(params).encode(), "application/x-www-form-urlencoded")

    def _origin(self) -> str:
        return self.issuer.split("/oauth2", 1)[0]


def sign_in(issuer: str, login: str, password: str, **options: Any) -> SignIn:
    """One sign-in with a default app registration (see :meth:`IdxApp.sign_in` for ``options``)."""
    return IdxApp(issuer).sign_in(login, password, **options)


def _send(url: str, data: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": content_type, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _names(doc: dict[str, Any]) -> list[str]:
    return [r["name"] for r in doc.get("remediation", {}).get("value", [])]


def _remediation(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in doc["remediation"]["value"] if r["name"] == name)


def _okta_verify_id(doc: dict[str, Any]) -> str:
    return next(a["id"] for a in doc["authenticators"]["value"] if a["key"] == "okta_verify")


def _correct_answer(doc: dict[str, Any]) -> int | None:
    context = doc.get("currentAuthenticator", {}).get("value", {}).get("contextualData", {})
    answer = context.get("correctAnswer")
    return int(answer) if answer is not None else None


def _message_keys(doc: dict[str, Any]) -> list[str]:
    return [m["i18n"]["key"] for m in doc.get("messages", {}).get("value", [])]
