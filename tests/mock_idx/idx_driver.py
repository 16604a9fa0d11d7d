"""A small driver that walks IDX the way okta-auth-js does (same requests, same bodies), for mock_idx's tests."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import pyotp
from aiohttp.test_utils import TestClient

REDIRECT_URI = "http://localhost:7777/callback"
PASSWORD = "s3cret-Passw0rd"


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    headers: Any

    @property
    def remediations(self) -> list[str]:
        return [r["name"] for r in self.body.get("remediation", {}).get("value", [])]

    def remediation(self, name: str) -> dict[str, Any]:
        return next(r for r in self.body["remediation"]["value"] if r["name"] == name)

    @property
    def message_keys(self) -> list[str]:
        return [m["i18n"]["key"] for m in self.body.get("messages", {}).get("value", [])]


@dataclass
class Flow:
    """One sign-in, driven the way okta-auth-js drives it (same requests, same bodies)."""

    client: TestClient
    client_id: str = "test-client"
    issuer_path: str = "/oauth2/default"
    scope: str = "openid profile email"
    verifier: str = field(default_factory=lambda: secrets.token_hex(22))
    state_handle: str = ""
    interaction_handle: str = ""
    last: Response | None = None

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    async def start(self) -> Response:
        response = await self.client.post(
            f"{self.issuer_path}/v1/interact",
            data={
                "client_id": self.client_id,
                "scope": self.scope,
                "redirect_uri": REDIRECT_URI,
                "code_challenge": self.challenge,
                "code_challenge_method": "S256",
                "state": "st",
                "nonce": "nonce-1",
            },
        )
        assert response.status == 200, await response.text()
        self.interaction_handle = (await response.json())["interaction_handle"]
        return await self.introspect()

    async def introspect(self, **body: Any) -> Response:
        return await self.post(
            "/idp/idx/introspect", body or {"interactionHandle": self.interaction_handle}, with_state=False
        )

    async def post(self, path: str, body: dict[str, Any], with_state: bool = True) -> Response:
        payload = {**body, "stateHandle": self.state_handle} if with_state else body
        response = await self.client.post(path, json=payload)
        parsed = Response(response.status, await response.json(content_type=None), response.headers)
        self.state_handle = parsed.body.get("stateHandle", self.state_handle)
        self.last = parsed
        return parsed

    async def identify(self, login: str, password: str = PASSWORD) -> Response:
        return await self.post("/idp/idx/identify", {"identifier": login, "credentials": {"passcode": password}})

    def okta_verify_id(self) -> str:
        select = self.last.remediation("select-authenticator-authenticate")
        return select["value"][0]["options"][0]["value"]["form"]["value"][0]["value"]

    async def choose(self, method: str | None = None) -> Response:
        authenticator = {"id": self.okta_verify_id()}
        if method:
            authenticator["methodType"] = method
        return await self.post("/idp/idx/challenge", {"authenticator": authenticator})

    async def poll(self) -> Response:
        return await self.post("/idp/idx/authenticators/poll", {})

    async def answer(self, code: str) -> Response:
        return await self.post("/idp/idx/challenge/answer", {"credentials": {"totp": code}})

    async def push_sign_in(self, login: str) -> Response:
        await self.start()
        await self.identify(login)
        await self.choose()
        return await self.choose("push")

    def interaction_code(self) -> str:
        values = self.last.body["successWithInteractionCode"]["value"]
        return next(v["value"] for v in values if v["name"] == "interaction_code")

    async def exchange(self, **overrides: str):
        form = {
            "client_id": self.client_id,
            "redirect_uri": REDIRECT_URI,
            "grant_type": "interaction_code",
            "code_verifier": self.verifier,
            "interaction_code": self.interaction_code(),
            **overrides,
        }
        return await self.client.post(f"{self.issuer_path}/v1/token", data=form)


async def put_user(
    client: TestClient, login: str, *, methods=("push", "totp"), password: str = PASSWORD, **push: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "password": password,
        "profile": {"firstName": "Ada", "lastName": "Lovelace"},
        "authenticators": {"okta_verify": {"methods": list(methods), "push": push}},
    }
    response = await client.put(f"/_mock/v1/users/{login}", json=body)
    assert response.status == 200, await response.text()
    return await response.json()


async def control(client: TestClient, method: str, path: str, **kw: Any) -> tuple[int, Any]:
    """A control-API call; writes go as JSON (``{}`` when no body is given), as the control API requires."""
    if method != "GET" and "json" not in kw and "data" not in kw:
        kw["json"] = {}
    response = await client.request(method, f"/_mock/v1{path}", **kw)
    return response.status, await response.json(content_type=None)


def totp_now(secret: str, offset_steps: int = 0, clock_offset: float = 0.0) -> str:
    return pyotp.TOTP(secret).at(time.time() + clock_offset + 30 * offset_steps)
