"""What each of the hosted page's forms does: one step of the sign-in, asked of the engine directly (never IDX over
HTTP), named by the form's ``action`` field (:data:`ACTIONS`).

A form's fields are the page's own names (``code``, ``password``, ``phoneNumber``, …); each action turns them into
what the engine takes, and refuses what no page sends (an action out of place, an authenticator the list never
offered, a method the authenticator has not) with the same :class:`~mock_idx.model.errors.IdxError` an IDX client
would get, before anything changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from ..model.authenticators import AuthenticatorKey
from ..model.errors import IdxError, Reason
from ..model.transaction import Step, Transaction
from .app_keys import ENGINE, USER
from .hosted_account_actions import ACCOUNT_ACTIONS
from .request_parsing import delivery, sign_in_context

Fields = dict[str, str]
Action = Callable[[web.Request, Transaction, Fields], Awaitable[Transaction]]

METHODS = {
    AuthenticatorKey.PASSWORD: ("password",),
    AuthenticatorKey.OKTA_VERIFY: ("push", "totp"),
    AuthenticatorKey.EMAIL: ("email",),
    AuthenticatorKey.PHONE: ("sms", "voice"),
    AuthenticatorKey.GOOGLE: ("otp",),
    AuthenticatorKey.SECURITY_QUESTION: ("security_question",),
}
"""The methods each authenticator has: a method the page's lists could never have sent is refused here."""
CREDENTIALS = (("code", "passcode"), ("password", "passcode"), ("answer", "answer"))
ENROLLMENT_CREDENTIALS = (("questionKey", "questionKey"), ("question", "question"))
"""The page's fields, and the ``credentials`` field each stands for in the IDX answer."""


async def identify(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """ "Sign in" with the username and password, or (identifier-first) "Next" with the username alone."""
    identifier = fields.get("identifier", "")
    password = fields.get("password")
    given = ((("identifier",), identifier), (("credentials", "passcode"), password))
    blank = tuple(path for path, value in given if value == "")
    if blank:
        raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=blank)
    request[USER] = identifier
    return await request.app[ENGINE].identify(transaction, identifier, password, delivery(request))


async def choose(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """An authenticator picked to verify with, with its method (Okta Verify's always has one; the phone's may come
    next, on its own page)."""
    key = _authenticator(fields, transaction)
    method = fields.get("method") or None
    if method is not None and method not in METHODS[key]:
        raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, f"method {method!r} is not one of {key.value}'s")
    if method is None and key is AuthenticatorKey.OKTA_VERIFY:
        raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "no method chosen")
    engine = request.app[ENGINE]
    return await engine.choose_authenticator(
        transaction, engine.authenticators.of(key), method, sign_in_context(request), delivery(request)
    )


async def answer(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """The answer to the step's challenge, or the proof of a new enrollment: a code, the password, an answer (and,
    enrolling a security question, the question)."""
    engine = request.app[ENGINE]
    if transaction.step is Step.TOTP_CHALLENGE:
        code = fields.get("code", "").strip()
        if not code:
            raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("credentials", "totp"),))
        return await engine.answer_totp(transaction, code)
    names = CREDENTIALS + (ENROLLMENT_CREDENTIALS if transaction.step is Step.ENROLL else ())
    credentials: dict[str, object] = {}
    for page_name, idx_name in names:
        if page_name in fields:
            credentials.setdefault(idx_name, fields[page_name])
    return await engine.answer(transaction, credentials)


async def enroll(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """An authenticator picked from the list to set up."""
    engine = request.app[ENGINE]
    authenticator_id = engine.authenticators.of(_authenticator(fields, transaction))
    return await engine.enroll(transaction, {"authenticator": {"id": authenticator_id}}, delivery(request))


async def phone(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """The phone number to enroll, and the button pressed: a code by SMS or a voice call."""
    transaction.require_current(Step.ENROLLMENT_DATA, AuthenticatorKey.PHONE)
    method = fields.get("method", "")
    if method not in METHODS[AuthenticatorKey.PHONE]:
        raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("authenticator", "methodType"),))
    engine = request.app[ENGINE]
    authenticator = {
        "id": engine.authenticators.of(AuthenticatorKey.PHONE),
        "methodType": method,
        "phoneNumber": fields.get("phoneNumber", ""),
    }
    return await engine.enroll(transaction, {"authenticator": authenticator}, delivery(request))


async def channel(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """Okta Verify set up by QR code, or by a link sent by email or SMS."""
    transaction.require_current((Step.OV_ENROLL_POLL, Step.OV_ENROLL_CHANNEL_DATA), AuthenticatorKey.OKTA_VERIFY)
    engine = request.app[ENGINE]
    authenticator = {"id": engine.authenticators.okta_verify_id, "channel": fields.get("channel", "")}
    return await engine.enroll(transaction, {"authenticator": authenticator}, delivery(request))


async def send_link(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """Where Okta Verify's setup link goes: the address or number typed in ``to``."""
    transaction.require_current(Step.OV_ENROLL_CHANNEL_DATA, AuthenticatorKey.OKTA_VERIFY)
    by_sms = transaction.pending is not None and transaction.pending.channel == "sms"
    target = {"phoneNumber" if by_sms else "email": fields.get("to", "")}
    return await request.app[ENGINE].enroll(transaction, target, delivery(request))


async def resend(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """ "Send again": the push, the code, or Okta Verify's setup link."""
    return await request.app[ENGINE].resend(transaction, sign_in_context(request), delivery(request))


async def skip(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """ "Continue" past the optional authenticators, or "Remind me later" when the password expires soon."""
    return await request.app[ENGINE].skip(transaction)


async def cancel(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """ "Back to sign in": this sign-in ends and a fresh one for the same app starts, with a new stateToken."""
    return await request.app[ENGINE].cancel(transaction)


async def unknown_action(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    raise IdxError(Reason.MALFORMED_REQUEST, transaction, "unknown action")


ACTIONS: dict[str, Action] = {
    "identify": identify,
    "choose": choose,
    "answer": answer,
    "enroll": enroll,
    "phone": phone,
    "channel": channel,
    "send_link": send_link,
    "resend": resend,
    "skip": skip,
    "cancel": cancel,
    **ACCOUNT_ACTIONS,
}


def _authenticator(fields: Fields, transaction: Transaction) -> AuthenticatorKey:
    try:
        return AuthenticatorKey(fields.get("authenticator", ""))
    except ValueError:
        raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "unknown authenticator") from None
