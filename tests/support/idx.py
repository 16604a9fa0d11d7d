"""A sign-in driven one IDX step at a time, the way okta-auth-js drives it (same requests, same bodies), and the
control-API calls tests set it up with.

:class:`Flow` talks through any aiohttp-style client whose ``post(path, json=..., data=...)`` resolves paths against
the server: an ``aiohttp.test_utils.TestClient`` (an app in the test's loop), an ``aiohttp.ClientSession`` with a
``base_url``, or a wrapper that records what it sends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pyotp

from mock_idx.model.directory import OktaVerifyEnrollment, User
from tests.support import idx_documents, pkce

REDIRECT_URI = "http://localhost:7777/callback"
PASSWORD = "s3cret-Passw0rd"


@dataclass
class Response:
    """One IDX answer: its status, its document and headers."""

    status: int
    body: dict[str, Any]
    headers: Any

    @property
    def remediations(self) -> list[str]:
        return idx_documents.remediation_names(self.body)

    def remediation(self, name: str) -> dict[str, Any]:
        return idx_documents.remediation(self.body, name)

    @property
    def message_keys(self) -> list[str]:
        return idx_documents.message_keys(self.body)


@dataclass
class Flow:
    """One sign-in, driven the way okta-auth-js drives it (same requests, same bodies)."""

    client: Any
    client_id: str = "test-client"
    issuer_path: str = "/oauth2/default"
    scope: str = "openid profile email"
    redirect_uri: str = REDIRECT_URI
    verifier: str = field(default_factory=pkce.new_verifier)
    state_handle: str = ""
    interaction_handle: str = ""
    last: Response | None = None
    interact_params: dict[str, str] = field(default_factory=dict)
    """More ``/v1/interact`` parameters (``acr_values``, ``max_age``), as okta-auth-js adds them when configured."""

    @property
    def challenge(self) -> str:
        return pkce.challenge(self.verifier)

    async def start(self, **interact: str) -> Response:
        """``/v1/interact`` (with any more ``interact`` parameters, an ``activation_token`` say) then ``introspect``:
        the transaction is ready for ``identify``."""
        response = await self.client.post(
            f"{self.issuer_path}/v1/interact",
            data={
                "client_id": self.client_id,
                "scope": self.scope,
                "redirect_uri": self.redirect_uri,
                "code_challenge": self.challenge,
                "code_challenge_method": "S256",
                "state": "st",
                "nonce": "nonce-1",
                **self.interact_params,
                **interact,
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
        assert self.last is not None
        select = self.last.remediation("select-authenticator-authenticate")
        authenticator_id: str = select["value"][0]["options"][0]["value"]["form"]["value"][0]["value"]
        return authenticator_id

    async def choose(self, method: str | None = None) -> Response:
        """Okta Verify, then (with ``method``) ``push`` or ``totp``: the SDK's two forms of ``/challenge``."""
        authenticator = {"id": self.okta_verify_id()}
        if method:
            authenticator["methodType"] = method
        return await self.post("/idp/idx/challenge", {"authenticator": authenticator})

    async def poll(self) -> Response:
        return await self.post("/idp/idx/authenticators/poll", {})

    async def answer(self, code: str) -> Response:
        return await self.post("/idp/idx/challenge/answer", {"credentials": {"totp": code}})

    async def push_sign_in(self, login: str) -> Response:
        """Up to the push sent: the answer is the first ``challenge-poll``."""
        await self.start()
        await self.identify(login)
        await self.choose()
        return await self.choose("push")

    def interaction_code(self) -> str:
        assert self.last is not None
        return idx_documents.interaction_code(self.last.body)

    async def exchange(self, **overrides: str) -> Any:
        """The interaction code (of the last answer) for tokens; the raw response, to check errors too."""
        form = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "grant_type": "interaction_code",
            "code_verifier": self.verifier,
            "interaction_code": self.interaction_code(),
            **overrides,
        }
        return await self.client.post(f"{self.issuer_path}/v1/token", data=form)


async def signed_in(client: Any, login: str, flow: Flow | None = None, **push: Any) -> tuple[Flow, dict[str, Any]]:
    """``login`` made (its phone approving at the first poll, plus ``push`` options), signed in by push through
    ``flow`` (a default one when not given), and its tokens."""
    await put_user(client, login, outcome="approve", **push)
    flow = flow or Flow(client)
    await flow.push_sign_in(login)
    await flow.poll()
    response = await flow.exchange()
    assert response.status == 200, await response.text()
    assert response.headers["Cache-Control"] == "no-cache, no-store"  # as Okta sends it
    return flow, await response.json()


async def put_user(
    client: Any, login: str, *, methods: tuple[str, ...] = ("push", "totp"), password: str = PASSWORD, **push: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "password": password,
        "profile": {"firstName": "Ada", "lastName": "Lovelace"},
        "authenticators": {"okta_verify": {"methods": list(methods), "push": push}},
    }
    response = await client.put(f"/_mock/v1/users/{login}", json=body)
    assert response.status == 200, await response.text()
    user: dict[str, Any] = await response.json()
    return user


async def control(client: Any, method: str, path: str, **kw: Any) -> tuple[int, Any]:
    """A control-API call; writes go as JSON (``{}`` when no body is given), as the control API requires."""
    if method != "GET" and "json" not in kw and "data" not in kw:
        kw["json"] = {}
    response = await client.request(method, f"/_mock/v1{path}", **kw)
    return response.status, await response.json(content_type=None)


async def advance(client: Any, seconds: float) -> None:
    """Moves the server's virtual clock."""
    status, _ = await control(client, "POST", "/clock/advance", json={"seconds": seconds})
    assert status == 200


def totp_now(secret: str, offset_steps: int = 0, clock_offset: float = 0.0) -> str:
    """The code for ``secret`` ``offset_steps`` windows from now, on a clock ``clock_offset`` seconds ahead."""
    code: str = pyotp.TOTP(secret).at(time.time() + clock_offset + 30 * offset_steps)
    return code


def okta_verify_of(user: User) -> OktaVerifyEnrollment:
    """The user's Okta Verify enrollment, for a test whose users all have one (it fails here if one has none)."""
    assert user.okta_verify is not None, f"{user.login} has no Okta Verify"
    return user.okta_verify
