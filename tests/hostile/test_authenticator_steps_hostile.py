"""Hostile input on issue #14's IDX endpoints, at every step of every authenticator's sign-in and enrollment (on both
stores): ``/idp/idx/credential/enroll``, ``/skip``, ``/challenge/send``, ``/challenge/answer``, ``/challenge/poll`` and
``/challenge/resend``.

Each refusal is a 4xx IDX document that keeps the form the step showed (Okta's step error for a request out of place),
never a 5xx; and it leaves the transaction as introspect showed it before (``expiresAt`` aside) and sends no message.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mock_idx.model.authenticators import AuthenticatorKey
from tests.support.idx import Flow, Response
from tests.support.idx_steps import PHONE, STEPS, authenticator_id, reach, sent, snapshot, top_messages

LEAKS = ("Traceback", 'File "', "site-packages", "mock_idx/")
STEP_ERROR = "Api validation failed: this step is not available now"
ENDPOINTS = {
    "skip": "/idp/idx/skip",
    "poll": "/idp/idx/challenge/poll",
    "resend": "/idp/idx/challenge/resend",
    "send": "/idp/idx/challenge/send",
    "enroll": "/idp/idx/credential/enroll",
    "answer": "/idp/idx/challenge/answer",
}
DOES_SOMETHING = {
    ("select-enroll (optional)", "skip"),
    ("email challenge", "poll"),
    ("email enrollment", "poll"),
    ("okta verify push", "poll"),
    ("okta verify enroll-poll", "poll"),
    ("okta verify link sent", "poll"),
    ("email challenge", "resend"),
    ("email enrollment", "resend"),
    ("okta verify push", "resend"),
    ("okta verify link sent", "resend"),
    ("okta verify code", "send"),
}
"""Where an empty request to the endpoint is the step's own action (it answers 200): everywhere else it is refused."""
RATE_LIMITED = {
    "sms challenge": "You have reached the limit of sms requests, please try again later.",
    "sms enrollment": "You have reached the limit of sms requests, please try again later.",
    "voice challenge": "You have reached the limit of call requests, please try again later.",
}
"""Steps whose code went out a moment ago: sending it again at once is Okta's rate limit, not the step error."""


def assert_refused(response: Response, status: int | None = None) -> None:
    text = json.dumps(response.body)
    assert 400 <= response.status < 500, (response.status, text[:500])
    assert status is None or response.status == status, (response.status, text[:500])
    assert not any(leak in text for leak in LEAKS), text[:500]
    assert response.headers["Content-Type"].startswith("application/ion+json")


def assert_form_kept(response: Response, step: str) -> None:
    """A refusal shows the step's form again (the first remediation it had), or, on a finished sign-in, the code."""
    expected = STEPS[step].remediation
    if expected:
        assert response.remediations[:1] == [expected], (step, response.body)
    else:
        assert "successWithInteractionCode" in response.body, response.body


@pytest.mark.parametrize("step", list(STEPS))
async def test_each_endpoint_at_each_step_is_the_step_s_action_or_a_refusal_that_changes_nothing(
    client: TestClient[Any, Any], step: str
) -> None:
    for endpoint in ENDPOINTS:
        flow = Flow(client)
        await reach(flow, client, step)
        before, messages_before = await snapshot(flow), await sent(client)
        assert await snapshot(flow) == before, "introspect alone changes nothing"
        answered = await flow.post(ENDPOINTS[endpoint], {})
        where = (step, endpoint, answered.status, answered.body)
        if (step, endpoint) in DOES_SOMETHING:
            assert answered.status == 200, where
            continue
        assert_refused(answered)
        assert_form_kept(answered, step)
        assert await snapshot(flow) == before, where
        assert await sent(client) == messages_before, where
        messages = top_messages(answered)
        if endpoint == "resend" and step in RATE_LIMITED:
            assert answered.status == 429 and messages == [RATE_LIMITED[step]], where
        elif endpoint == "send" and step == "okta verify enrollment-channel-data":
            assert answered.status == 400, where  # the address is missing: a field error on the form
        elif endpoint in ("skip", "poll", "resend", "send"):
            assert answered.status == 400 and messages == [STEP_ERROR], where


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"passcode": value}
    return value


NOT_TEXT: list[Any] = [None, 0, 123456, -1, 1.5, 1e308, True, [], ["123456"], {}, {"$ne": ""}, nested(60)]
"""Values of every JSON type but a string, for a field that takes text."""
ODD_TEXT = [
    "",
    " ",
    "\t\n",
    "\x00",
    "\x00123456",
    "123456\x00",
    "\u202e654321",
    "１２３４５６",  # fullwidth digits: str.isdigit() says yes
    "٣٤٥٦٧٨",  # Arabic-Indic digits, likewise
    "💥",
    "a" * 1001,
    "9" * 5000,
    "x" * 70_000,  # past the body limit
    "<script>alert(1)</script>",
    "' OR '1'='1",
]
"""Text no code, password or security answer of these users is: wrong, blank, huge, or not the digits it looks like."""
BAD_ANSWERS = [*NOT_TEXT, "", " ", "\t\n", "\x00", "💥", "abc", "a" * 1001, "9" * 5000]
"""A new security answer that breaks Okta's rules whatever the question (blank, short, long, not text)."""
BAD_QUESTIONS = [*NOT_TEXT, "", " ", "\t\n", "\x00", "\x00What?", "<b>What</b> is it?", "q" * 1001]
"""A custom security question Okta refuses (blank, control characters, HTML, too long, not text)."""
CREDENTIALS_NOT_AN_OBJECT: list[Any] = [None, "123456", [], [{"passcode": "123456"}], 0, True]

SQ_ENROLL = {"questionKey": "disliked_food", "answer": "Brussels sprouts"}
ANSWERED_WITH: dict[str, list[dict[str, Any]]] = {
    "password challenge": [{"passcode": value} for value in [*NOT_TEXT, *ODD_TEXT]],
    "okta verify code": [{name: value} for name in ("totp", "passcode") for value in [*NOT_TEXT, *ODD_TEXT]],
    "security question challenge": [{"answer": value} for value in [*NOT_TEXT, *ODD_TEXT]],
    "security question enrollment": [
        *({**SQ_ENROLL, "answer": value} for value in BAD_ANSWERS),
        *({**SQ_ENROLL, "questionKey": value} for value in [*NOT_TEXT, *ODD_TEXT, "custom"]),
        *({"questionKey": "custom", "question": value, "answer": "Brussels sprouts"} for value in BAD_QUESTIONS),
        {"answer": "Brussels sprouts"},
        {"questionKey": "disliked_food"},
    ],
    **{
        step: [{"passcode": value} for value in [*NOT_TEXT, *ODD_TEXT]] + [{"totp": "123456"}, {"answer": "x"}]
        for step in (
            "email challenge",
            "sms challenge",
            "voice challenge",
            "google challenge",
            "email enrollment",
            "sms enrollment",
            "google enrollment",
        )
    },
}
"""For each step that takes an answer: credentials it must refuse."""


async def assert_each_refused(client: TestClient[Any, Any], step: str, requests: list[tuple[str, Any]]) -> None:
    """Each ``(path, body)`` on one live step: refused in shape, the form kept, nothing changed, nothing sent."""
    flow = Flow(client)
    await reach(flow, client, step)
    before, messages_before = await snapshot(flow), await sent(client)
    for path, body in requests:
        answered = await flow.post(path, body)
        where = (step, path, repr(body)[:200], answered.status, json.dumps(answered.body)[:400])
        assert 400 <= answered.status < 500, where
        assert_refused(answered)
        if answered.status != 413:  # a body past the limit is not read: Okta's bare 413
            assert_form_kept(answered, step)
        assert await snapshot(flow) == before, where
        assert await sent(client) == messages_before, where


@pytest.mark.parametrize("step", list(ANSWERED_WITH))
async def test_every_credentials_shape_is_refused_and_changes_nothing(client: TestClient[Any, Any], step: str) -> None:
    requests = [("/idp/idx/challenge/answer", {"credentials": credentials}) for credentials in ANSWERED_WITH[step]]
    requests += [("/idp/idx/challenge/answer", {"credentials": value}) for value in CREDENTIALS_NOT_AN_OBJECT]
    await assert_each_refused(client, step, requests)


def _authenticators_not_enrollable(client: TestClient[Any, Any], key: AuthenticatorKey) -> list[dict[str, Any]]:
    """``authenticator`` objects naming nothing this step can set up (the step sets up ``key``)."""
    others = [authenticator_id(client, other) for other in AuthenticatorKey if other is not key]
    return [
        *({"authenticator": value} for value in [*NOT_TEXT[:9], "", "autNOPE"]),
        *({"authenticator": {"id": value}} for value in [*NOT_TEXT, *ODD_TEXT, "autNOPE", *others]),
        {"authenticator": {"key": key.value}},
        {"id": authenticator_id(client, key)},  # the id outside its object
    ]


PHONE_NUMBERS_REFUSED = [
    *NOT_TEXT,
    *ODD_TEXT,
    "12",
    "+1",
    "+999 201 555 0123",
    "+1 201-555-0123 ext. 9" * 40,
    "+1 201-555-0123\x00",
    "+1 201-555-0123\n+1 415-555-0100",
    "tel:+12015550123;ext=<script>",
]
METHODS_REFUSED: list[Any] = [None, "", "SMS", "push", "email", 1, ["sms"], {"sms": True}]
ACTIVATION_CHANNELS_REFUSED = ["", "fax", "QRCODE", "email\x00", "sms ", "💥", "a" * 5000]
ADDRESSES_REFUSED: list[Any] = [
    *NOT_TEXT,
    "",
    " ",
    "@",
    "@@",
    "no-at-sign",
    "a" * 200 + "@example.com",
    "x" * 70_000,
    "a\r\nBcc: b@example.com",
    "someone@example.com\x00",
    "some one@example.com",
    "\u202esomeone@example.com",
]


def enrollment_requests(client: TestClient[Any, Any], step: str) -> list[tuple[str, Any]]:
    """What each enrollment step must refuse on ``/credential/enroll`` (and, Okta Verify's, ``/challenge/send``)."""
    enroll = "/idp/idx/credential/enroll"
    phone = authenticator_id(client, AuthenticatorKey.PHONE)
    okta_verify = authenticator_id(client, AuthenticatorKey.OKTA_VERIFY)
    if step == "select-enroll (required)":
        return [(enroll, body) for body in _authenticators_not_enrollable(client, AuthenticatorKey.EMAIL)]
    if step == "phone enrollment-data":
        numbers = [{"id": phone, "methodType": "sms", "phoneNumber": number} for number in PHONE_NUMBERS_REFUSED]
        methods = [{"id": phone, "methodType": method, "phoneNumber": PHONE} for method in METHODS_REFUSED]
        return [(enroll, {"authenticator": body}) for body in numbers + methods]
    if step == "okta verify enroll-poll":
        channels = [{"authenticator": {"id": okta_verify, "channel": value}} for value in ACTIVATION_CHANNELS_REFUSED]
        return [
            (enroll, body) for body in channels + _authenticators_not_enrollable(client, AuthenticatorKey.OKTA_VERIFY)
        ]
    assert step == "okta verify enrollment-channel-data"
    addresses = [{"email": value} for value in ADDRESSES_REFUSED]
    return [(path, body) for path in (enroll, "/idp/idx/challenge/send") for body in [*addresses, {}]]


ENROLLMENT_STEPS = [
    "select-enroll (required)",
    "phone enrollment-data",
    "okta verify enroll-poll",
    "okta verify enrollment-channel-data",
]


@pytest.mark.parametrize("step", ENROLLMENT_STEPS)
async def test_every_odd_enrollment_request_is_refused_and_changes_nothing(
    client: TestClient[Any, Any], step: str
) -> None:
    await assert_each_refused(client, step, enrollment_requests(client, step))
