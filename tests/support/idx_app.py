"""A minimal "app under test": signs a user in through Okta IDX, start to tokens, synchronously: Okta Verify by
default, or any other authenticator, enrolling the ones the org asks for.

It stands for the code a mock-idx user tests: the pytest example in docs/pytest-example.md imports it as ``myapp``,
the tester-tools tests walk every shipped scenario with it, the fuzz suite proves with it that the server survived,
and the device-page browser test waits on it in a thread. Each step is :class:`~tests.support.idx.Flow`'s (the same
requests okta-auth-js sends), in an event loop of its own, so sync tests and threads can call it; it polls at the
``refresh`` the server asks for and, as a good app should, waits and polls again after a rate-limited (429) poll.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pyotp

from tests.support import idx_documents
from tests.support.idx import REDIRECT_URI, Flow, Response

PUSH_REJECTED = "api.authn.poll.error.push_rejected"
TIMED_OUT = "core.system.transaction_resource_not_found"
DEFAULT_REFRESH_MS = 4000
"""Okta's poll interval, used when a ``challenge-poll`` names none."""
MAX_STEPS = 30
"""More steps than any sign-in takes (password, every enrollment, a second factor): a loop guard."""


@dataclass(frozen=True)
class Person:
    """What the person at the keyboard does when the sign-in asks: the authenticator they verify with (and its
    method), where they read codes, the authenticators they enroll when asked (the rest are skipped), and what they
    enter to enroll them."""

    authenticator: str = "okta_verify"
    method: str | None = None
    code: Callable[[], str] | None = None
    answer: str | None = None
    enroll: Sequence[str] = ()
    on_qr_code: Callable[[], object] | None = None
    phone: str | None = None
    security_question: tuple[str, str] = ("disliked_food", "brussels sprouts")


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
        *,
        authenticator: str = "okta_verify",
        code: Callable[[], str] | None = None,
        answer: str | None = None,
        enroll: str | Sequence[str] = (),
        on_qr_code: Callable[[], object] | None = None,
        phone: str | None = None,
        security_question: tuple[str, str] = ("disliked_food", "brussels sprouts"),
    ) -> SignInOutcome:
        """Password, then the second factor the org asks for, with ``authenticator`` (Okta's key: ``okta_verify``,
        ``okta_email``, ``phone_number``, ``google_otp``, ``security_question``) and, for Okta Verify, ``method``
        ``push`` or ``totp`` (phone: ``sms`` or ``voice``). ``on_push`` runs once the push is sent (a test taps the
        phone there); ``totp`` or ``code`` gives the code to type; ``answer`` the security question's answer.

        When the org asks the user to enroll, the authenticators named in ``enroll`` are enrolled in that order
        (with ``phone``, ``security_question`` and, for Okta Verify, ``on_qr_code``, where a test adds the account on
        the phone) and optional ones not named are skipped. Google Authenticator's first code comes from the shared
        secret the enrollment shows, as the person's app would compute it."""
        person = Person(
            authenticator=authenticator,
            method=method if authenticator == "okta_verify" else (method if method != "push" else None),
            code=code or totp,
            answer=answer,
            enroll=(enroll,) if isinstance(enroll, str) else tuple(enroll),
            on_qr_code=on_qr_code,
            phone=phone,
            security_question=security_question,
        )
        return asyncio.run(self._sign_in(login, password, person, on_push, max_polls))

    async def _sign_in(
        self,
        login: str,
        password: str,
        person: Person,
        on_push: Callable[[SignInOutcome], object] | None,
        max_polls: int,
    ) -> SignInOutcome:
        outcome = SignInOutcome()
        async with aiohttp.ClientSession(base_url=self.origin) as http:
            flow = Flow(http, client_id=self.client_id, issuer_path=self.issuer_path, redirect_uri=self.redirect_uri)
            started = await flow.start()
            asks_password = "credentials" in [f["name"] for f in started.remediation("identify")["value"]]
            answer = await (flow.identify(login, password) if asks_password else _identify_alone(flow, login))
            answer = await _steps(flow, answer, person, password, outcome, on_push, max_polls)
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


async def _identify_alone(flow: Flow, login: str) -> Response:
    """Identifier-first: the username alone; the password comes as a challenge of its own."""
    return await flow.post("/idp/idx/identify", {"identifier": login})


async def _steps(
    flow: Flow,
    answer: Response,
    person: Person,
    password: str,
    outcome: SignInOutcome,
    on_push: Callable[[SignInOutcome], object] | None,
    max_polls: int,
) -> Response:
    """Walks the remediations the server offers until the sign-in succeeds, is refused, or asks for something the
    person cannot give. A push's polling, and a second factor's answer, end the walk, as an app shows the result."""
    enrolling = list(person.enroll)
    for _ in range(MAX_STEPS):
        first = answer.remediations[:1]
        if answer.status >= 400 or "successWithInteractionCode" in answer.body or not first:
            return answer
        step = first[0]
        if step == "select-authenticator-authenticate":
            answer = await _choose(flow, answer, person)
            if answer.remediations[:1] == ["challenge-poll"]:
                outcome.correct_answer = idx_documents.correct_answer(answer.body)
                if on_push:
                    on_push(outcome)
                return await _poll(flow, answer, outcome, max_polls)
        elif step == "challenge-authenticator":
            key = _key(answer)
            credentials = _credentials(key, person, password)
            if credentials is None:
                return answer
            answer = await flow.post("/idp/idx/challenge/answer", {"credentials": credentials})
            if key != "okta_password":  # the second factor answered: the app shows the result
                return answer
        elif step == "select-authenticator-enroll":
            offered = authenticator_ids(answer.body, step)
            wanted = next((key for key in enrolling if key in offered), None)
            if wanted is None:
                if "skip" not in answer.remediations:
                    return answer
                answer = await flow.post("/idp/idx/skip", {})
                continue
            enrolling.remove(wanted)
            answer = await flow.post("/idp/idx/credential/enroll", {"authenticator": {"id": offered[wanted]}})
        elif step == "authenticator-enrollment-data":
            if person.phone is None:
                return answer
            chosen = {"id": _form_id(answer, step), "methodType": _phone_method(person), "phoneNumber": person.phone}
            answer = await flow.post("/idp/idx/credential/enroll", {"authenticator": chosen})
        elif step == "enroll-authenticator":
            answer = await flow.post("/idp/idx/challenge/answer", {"credentials": _enrollment(answer, person)})
        elif step == "enroll-poll":
            if person.on_qr_code is None:
                return answer
            person.on_qr_code()
            answer = await _poll_enrollment(flow, answer, max_polls)
        elif step == "authenticator-verification-data":
            chosen = {"id": _form_id(answer, step), "methodType": _phone_method(person)}
            answer = await flow.post("/idp/idx/challenge", {"authenticator": chosen})
        else:
            return answer
    return answer


def _form_id(answer: Response, remediation: str) -> str:
    """The authenticator id a data form (``authenticator-enrollment-data``, ``authenticator-verification-data``)
    posts back: its ``authenticator`` field's immutable ``id``."""
    fields = answer.remediation(remediation)["value"]
    inner = next(f for f in fields if f["name"] == "authenticator")["form"]["value"]
    authenticator_id: str = next(f["value"] for f in inner if f["name"] == "id")
    return authenticator_id


def _phone_method(person: Person) -> str:
    """How the phone gets its code: the person's ``method`` when it is one a phone has, else SMS."""
    return person.method if person.method in ("sms", "voice") else "sms"


def _key(answer: Response) -> str | None:
    """The authenticator the answer is about (its ``currentAuthenticatorEnrollment``, else ``currentAuthenticator``)."""
    for name in ("currentAuthenticatorEnrollment", "currentAuthenticator"):
        current = answer.body.get(name, {}).get("value")
        if current:
            key: str = current["key"]
            return key
    return None


async def _choose(flow: Flow, answer: Response, person: Person) -> Response:
    """The person's authenticator from the list (Okta Verify straight to its method, as okta-auth-js does)."""
    offered = authenticator_ids(answer.body, "select-authenticator-authenticate")
    key = person.authenticator if person.authenticator in offered else next(iter(offered))
    chosen: dict[str, str] = {"id": offered[key]}
    if person.method is not None and key == person.authenticator:
        chosen["methodType"] = person.method
    return await flow.post("/idp/idx/challenge", {"authenticator": chosen})


def _credentials(key: str | None, person: Person, password: str) -> dict[str, str] | None:
    """What the person types into the challenge of ``key``, or ``None`` when the test gave nothing to type."""
    if key == "okta_password":
        return {"passcode": password}
    if key == "security_question":
        return {"answer": person.answer} if person.answer is not None else None
    if person.code is None:
        return None
    return {"totp": person.code()} if key == "okta_verify" else {"passcode": person.code()}


def _enrollment(answer: Response, person: Person) -> dict[str, str]:
    """What the person enters to enroll the authenticator on screen: the question and answer, the first code of the
    app that scanned the shared secret, or the code sent to the new email or phone."""
    current = answer.body["currentAuthenticator"]["value"]
    if current["key"] == "security_question":
        question_key, text = person.security_question
        return {"questionKey": question_key, "answer": text}
    if current["key"] == "google_otp":
        return {"passcode": pyotp.TOTP(current["contextualData"]["sharedSecret"]).now()}
    return {"passcode": person.code() if person.code else ""}


async def _poll_enrollment(flow: Flow, answer: Response, max_polls: int) -> Response:
    """Polls ``enroll-poll`` until the phone has added the account."""
    for _ in range(max_polls):
        if answer.remediations[:1] != ["enroll-poll"]:
            return answer
        refresh = answer.remediation("enroll-poll").get("refresh", DEFAULT_REFRESH_MS)
        await asyncio.sleep(min(refresh, 100) / 1000)
        polled = await flow.post("/idp/idx/challenge/poll", {})
        if polled.status != 429:
            answer = polled
    return answer


def authenticator_ids(document: dict[str, Any], remediation: str) -> dict[str, str]:
    """The authenticators a list remediation offers, by Okta's key: the ``aut…`` id each option posts."""
    found: dict[str, str] = {}
    for option in idx_documents.remediation(document, remediation)["value"][0]["options"]:
        fields = option["value"]["form"]["value"]
        listed, index = option["relatesTo"].removeprefix("$.").split(".value[")
        found[document[listed]["value"][int(index.rstrip("]"))]["key"]] = next(
            f["value"] for f in fields if f["name"] == "id"
        )
    return found


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
