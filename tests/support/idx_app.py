"""A minimal "app under test": signs a user in through Okta IDX with Okta Verify, start to tokens, synchronously.

It stands for the code a mock-idx user tests: the pytest example in docs/pytest-example.md imports it as ``myapp``,
the tester-tools tests walk every shipped scenario with it, the fuzz suite proves with it that the server survived,
and the device-page browser test waits on it in a thread. Each step is :class:`~tests.support.idx.Flow`'s (the same
requests okta-auth-js sends), in an event loop of its own, so sync tests and threads can call it; it polls at the
``refresh`` the server asks for and, as a good app should, waits and polls again after a rate-limited (429) poll.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from tests.support import idx_documents
from tests.support.idx import REDIRECT_URI, Flow, Response

PUSH_REJECTED = "api.authn.poll.error.push_rejected"
TIMED_OUT = "core.system.transaction_resource_not_found"
DEFAULT_REFRESH_MS = 4000
"""Okta's poll interval, used when a ``challenge-poll`` names none."""


@dataclass
class SignInOutcome:
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
    """An app registered as ``client_id`` at ``issuer`` (``.../oauth2/{id}``, or the org's own)."""

    def __init__(self, issuer: str, client_id: str = "my-app", redirect_uri: str = REDIRECT_URI) -> None:
        parts = urlsplit(issuer.rstrip("/"))
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.issuer_path = parts.path or "/oauth2"
        self.client_id = client_id
        self.redirect_uri = redirect_uri

    def sign_in(
        self,
        login: str,
        password: str,
        method: str = "push",
        on_push: Callable[[SignInOutcome], object] | None = None,
        totp: Callable[[], str] | None = None,
        max_polls: int = 100,
    ) -> SignInOutcome:
        """Password, then Okta Verify (``push`` or ``totp``). ``on_push`` runs once the push is sent (a test taps the
        phone there); ``totp`` gives the code to type."""
        return asyncio.run(self._sign_in(login, password, method, on_push, totp, max_polls))

    async def _sign_in(
        self,
        login: str,
        password: str,
        method: str,
        on_push: Callable[[SignInOutcome], object] | None,
        totp: Callable[[], str] | None,
        max_polls: int,
    ) -> SignInOutcome:
        outcome = SignInOutcome()
        async with aiohttp.ClientSession(base_url=self.origin) as http:
            flow = Flow(http, client_id=self.client_id, issuer_path=self.issuer_path, redirect_uri=self.redirect_uri)
            await flow.start()
            answer = await flow.identify(login, password)
            if "select-authenticator-authenticate" in answer.remediations:
                answer = await flow.choose(method)
            if "challenge-poll" in answer.remediations:
                outcome.correct_answer = idx_documents.correct_answer(answer.body)
                if on_push:
                    on_push(outcome)
                answer = await _poll(flow, answer, outcome, max_polls)
            elif "challenge-authenticator" in answer.remediations and totp is not None:
                answer = await flow.answer(totp())
            outcome.messages = answer.message_keys
            if "successWithInteractionCode" in answer.body:
                flow.last = answer  # the code to exchange, even if a rate-limited poll came after it
                exchanged = await flow.exchange()
                tokens = await exchanged.json() if exchanged.status == 200 else None
                outcome.status, outcome.tokens = ("success", tokens) if tokens else ("failed", None)
            elif PUSH_REJECTED in outcome.messages:
                outcome.status = "denied"
            elif TIMED_OUT in outcome.messages or answer.remediations[:1] == ["resend"]:
                # terminal (404) or, Okta's default, a push no longer pending: resend offered, no rejection message
                outcome.status = "timed_out"
            else:
                outcome.status = "failed"
        return outcome


async def _poll(flow: Flow, answer: Response, outcome: SignInOutcome, max_polls: int) -> Response:
    """Polls at the server's ``refresh`` while it answers ``challenge-poll``, at most ``max_polls`` times; a
    rate-limited poll keeps the answer it had and polls again."""
    while outcome.polls < max_polls and "challenge-poll" in answer.remediations:
        outcome.refresh_ms = answer.remediation("challenge-poll").get("refresh", DEFAULT_REFRESH_MS)
        await asyncio.sleep(outcome.refresh_ms / 1000)
        outcome.polls += 1
        polled = await flow.poll()
        if polled.status == 429:
            outcome.rate_limited += 1
            continue
        answer = polled
    return answer


def sign_in(issuer: str, login: str, password: str, **options: Any) -> SignInOutcome:
    """One sign-in with a default app registration (see :meth:`IdxApp.sign_in` for ``options``)."""
    return IdxApp(issuer).sign_in(login, password, **options)
