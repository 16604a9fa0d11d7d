"""Sign-in steps as okta-auth-js sends them, over :class:`bench.http.Client`, with as little work as possible in this
(the load) process: bodies are built directly, and a document is parsed only when the next step needs a value.

This is deliberately not the tests' walker (:class:`tests.support.idx.Flow`): the bench measures the server from the
same machine, so every allocation and check here is taken from the server's share of the CPU. ``Flow`` keeps every
answer as a parsed :class:`~tests.support.idx.Response`, reads remediations and asserts as it goes; this keeps one
string per handle. What is the same (PKCE, reading the interaction code) comes from ``tests.support``, which imports
no pytest."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyotp

from tests.support import pkce
from tests.support.idx_documents import interaction_code

from .http import Client, Reply
from .users import PASSWORD

ISSUER = "/oauth2/default"
CLIENT_ID = "bench-client"
REDIRECT_URI = "http://127.0.0.1:9/callback"


class UnexpectedReply(AssertionError):
    def __init__(self, step: str, reply: Reply) -> None:
        super().__init__(f"{step}: HTTP {reply.status}: {reply.body[:300]!r}")


def expect(step: str, reply: Reply, status: int = 200) -> Reply:
    if reply.status != status:
        raise UnexpectedReply(step, reply)
    return reply


@dataclass
class LoadSignIn:
    """One sign-in as the load generator drives it: one transaction, from ``/v1/interact`` to the tokens."""

    client: Client
    verifier: str = field(default_factory=pkce.new_verifier)
    interaction_handle: str = ""
    state_handle: str = ""
    okta_verify_id: str = ""
    interaction_code: str = ""

    async def start(self) -> None:
        """``/v1/interact`` then ``introspect``: the transaction is ready for ``identify``."""
        reply = expect(
            "interact",
            await self.client.post_form(
                f"{ISSUER}/v1/interact",
                {
                    "client_id": CLIENT_ID,
                    "redirect_uri": REDIRECT_URI,
                    "scope": "openid profile email",
                    "code_challenge": pkce.challenge(self.verifier),
                    "code_challenge_method": "S256",
                    "state": "bench",
                },
            ),
        )
        self.interaction_handle = reply.json()["interaction_handle"]
        self._read(expect("introspect", await self.introspect()))

    async def introspect(self) -> Reply:
        return await self.client.post_json("/idp/idx/introspect", {"interactionHandle": self.interaction_handle})

    async def identify(self, login: str) -> dict:
        reply = await self.client.post_json(
            "/idp/idx/identify",
            {"identifier": login, "credentials": {"passcode": PASSWORD}, "stateHandle": self.state_handle},
        )
        return self._read(expect("identify", reply))

    async def choose(self, method: str | None = None) -> dict:
        authenticator = {"id": self.okta_verify_id}
        if method:
            authenticator["methodType"] = method
        reply = await self.client.post_json(
            "/idp/idx/challenge", {"authenticator": authenticator, "stateHandle": self.state_handle}
        )
        return self._read(expect("challenge", reply))

    async def poll(self) -> dict:
        reply = await self.client.post_json("/idp/idx/authenticators/poll", {"stateHandle": self.state_handle})
        return self._read(expect("poll", reply))

    async def answer(self, code: str) -> dict:
        reply = await self.client.post_json(
            "/idp/idx/challenge/answer", {"credentials": {"totp": code}, "stateHandle": self.state_handle}
        )
        return self._read(expect("answer", reply))

    async def token(self) -> dict:
        reply = await self.client.post_form(
            f"{ISSUER}/v1/token",
            {
                "grant_type": "interaction_code",
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "interaction_code": self.interaction_code,
                "code_verifier": self.verifier,
            },
        )
        return expect("token", reply).json()

    async def push_sign_in(self, login: str) -> dict:
        """The whole push sign-in: the scripted phone approves after some polls; the app polls until it has."""
        await self.start()
        await self.identify(login)
        await self.choose()
        await self.choose("push")
        while not self.interaction_code:
            await self.poll()
        return await self.token()

    async def totp_sign_in(self, login: str, secret: str) -> dict:
        await self.start()
        await self.identify(login)
        await self.choose("totp")
        await self.answer(pyotp.TOTP(secret).now())
        return await self.token()

    def _read(self, reply: Reply) -> dict:
        document = reply.json()
        self.state_handle = document.get("stateHandle", self.state_handle)
        if not self.okta_verify_id and "authenticators" in document:
            self.okta_verify_id = document["authenticators"]["value"][0]["id"]
        if "successWithInteractionCode" in document:
            self.interaction_code = interaction_code(document)
        return document
