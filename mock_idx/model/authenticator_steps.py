"""What each authenticator's steps do to the org, beyond moving the transaction: codes sent to the user's inbox or
phone, Okta Verify activations, answers checked, and new enrollments written to the directory.

The transaction (:mod:`.transaction`) decides which step comes next and refuses steps out of place; this module does
the rest and tells the transaction what happened. The engine calls it between reading the org and committing the
transaction, so each method here is one part of one IDX request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any

import pyotp

from .activation import Activations, activation_link
from .authenticators import AMR, AuthenticatorKey, AuthenticatorPolicy
from .directory import (
    EmailEnrollment,
    GoogleAuthenticatorEnrollment,
    PhoneEnrollment,
    SecurityQuestionEnrollment,
    User,
    UserStatus,
)
from .errors import IdxError, Reason
from .ids import secret_token
from .lockout import unlocked
from .outbox import (
    Outbox,
    okta_verify_activation_email,
    okta_verify_activation_sms,
    recovery_email,
    verification_call,
    verification_email,
    verification_sms,
)
from .password_policy import COMMON_PASSWORD_KEY, PasswordPolicy
from .phone_numbers import InvalidPhoneNumber, normalise
from .recovery import AfterReset
from .resend_limits import Channel, policy_for
from .security_questions import (
    CUSTOM_QUESTION_KEY,
    AnswerProblem,
    check_answer,
    check_custom_question,
    question_text,
)
from .store import Handle, OrgStore, RecordKind
from .totp import TotpVerdict, TotpVerifier
from .transaction import PASSWORD_CHANGE_STEPS, SentCode, Step, Transaction

CODE_DIGITS = 6


@dataclass(frozen=True)
class EmailLink:
    """An email's magic link: opening it verifies the sign-in it was sent for, in whichever tab polls it."""

    transaction_id: str
    state_handle: str
    """Finds the sign-in, to check it still waits for this link."""
    login: str
    code: str
    """The code the same email carries: what a person who opened the link in another browser is shown to type."""
    expires_at: float
    opened: bool = False


@dataclass(frozen=True)
class Delivery:
    """Where the sign-in is happening, for the links a message carries."""

    org_url: str
    org_name: str = "mock-idx"


class AuthenticatorSteps:
    def __init__(self, store: OrgStore, totp: TotpVerifier, outbox: Outbox, activations: Activations) -> None:
        self._store = store
        self._totp = totp
        self._outbox = outbox
        self._activations = activations

    # --- verification ------------------------------------------------------------------------------------------

    async def challenge_started(
        self, transaction: Transaction, now: float, policy: AuthenticatorPolicy, delivery: Delivery
    ) -> None:
        """The transaction has just chosen what to verify or enroll: send the code it needs, if any."""
        if transaction.step in (Step.CHALLENGE, Step.ENROLL) and transaction.current in _SENDS_CODE:
            await self._send_code(transaction, now, policy, delivery, resend=False)
        if transaction.step is Step.ENROLL and transaction.current is AuthenticatorKey.GOOGLE:
            assert transaction.pending is not None
            transaction.pending.google_secret = pyotp.random_base32()

    async def resend(
        self, transaction: Transaction, now: float, policy: AuthenticatorPolicy, delivery: Delivery
    ) -> None:
        """ "Send again": the code (within Okta's limits), or Okta Verify's activation link."""
        if transaction.step is Step.OV_ENROLL_POLL and transaction.pending and transaction.pending.channel != "qrcode":
            await self._send_activation_link(transaction, now, policy, delivery)
            return
        if transaction.step not in (Step.CHALLENGE, Step.ENROLL) or transaction.current not in _SENDS_CODE:
            transaction.require()  # a step with nothing to send again: refused as any step out of place
        await self._send_code(transaction, now, policy, delivery, resend=True)

    async def answer(
        self,
        transaction: Transaction,
        credentials: dict[str, Any],
        now: float,
        policy: AuthenticatorPolicy,
        passwords: PasswordPolicy,
        clock_start: float = 0.0,
    ) -> None:
        """The challenge's (or the enrollment's) answer, checked as Okta checks it; the transaction moves on. A new
        password must meet ``passwords``; ``clock_start`` is when a password set with the org was set (a user's
        ``password_changed_at`` of ``None``)."""
        key = transaction.current
        if transaction.step is Step.CHALLENGE:
            await self._verify(transaction, key, credentials, now, policy)
        elif transaction.step is Step.ENROLL and key is AuthenticatorKey.PASSWORD:
            await self._enroll_password(
                transaction, _text(credentials, "passcode", transaction), now, policy, passwords
            )
        elif transaction.step in PASSWORD_CHANGE_STEPS:
            password = _text(credentials, "passcode", transaction)
            await self._change_password(transaction, password, now, policy, passwords, clock_start)
        elif transaction.step is Step.ENROLL:
            await self._enroll(transaction, key, credentials, now, policy)
        else:
            transaction.require()

    async def poll(self, transaction: Transaction, now: float, policy: AuthenticatorPolicy) -> None:
        """Whether what the page waits for happened elsewhere: Okta Verify activated on the phone, or the email's
        magic link opened."""
        if transaction.step is Step.OV_ENROLL_POLL:
            await self._check_activation(transaction, now, policy)
            return
        if transaction.step not in (Step.CHALLENGE, Step.ENROLL) or transaction.current is not AuthenticatorKey.EMAIL:
            transaction.require()
        sent = transaction.sent_code
        if sent is None or sent.link_token is None:
            return
        link = await self._store.record(RecordKind.EMAIL_LINK, sent.link_token)
        if isinstance(link, EmailLink) and link.opened and link.expires_at > now:
            await self._code_accepted(transaction, AuthenticatorKey.EMAIL, now, policy)

    async def email_link(self, token: str, now: float) -> EmailLink | None:
        """The live magic link ``token`` names, or ``None``: unknown, used, expired, or its sign-in no longer waits
        for it (cancelled, ended, or on to another step)."""
        link = await self._store.record(RecordKind.EMAIL_LINK, token)
        if not isinstance(link, EmailLink) or link.expires_at <= now:
            return None
        waiting = await self._store.transaction(Handle.STATE_HANDLE, link.state_handle)
        sent = waiting.sent_code if waiting is not None and waiting.is_alive(now) else None
        return link if sent is not None and sent.link_token == token else None

    async def open_email_link(self, token: str, now: float) -> EmailLink | None:
        """Someone opened an email's magic link in the browser the sign-in runs in: the sign-in is verified at its
        next poll. ``None`` when the link is unknown or expired."""
        link = await self.email_link(token, now)
        if link is None:
            return None
        opened = replace(link, opened=True)
        await self._store.put_record(RecordKind.EMAIL_LINK, token, opened, link.expires_at - now)
        return opened

    # --- enrollment --------------------------------------------------------------------------------------------

    async def enrollment_started(
        self, transaction: Transaction, now: float, policy: AuthenticatorPolicy, delivery: Delivery
    ) -> None:
        """An authenticator was chosen to set up: start what it needs (an activation, a code, a secret)."""
        if transaction.step is Step.OV_ENROLL_POLL:
            await self._start_activation(transaction, now, policy)
        else:
            await self.challenge_started(transaction, now, policy, delivery)

    async def phone_number(
        self,
        transaction: Transaction,
        raw_number: str,
        method: str | None,
        now: float,
        policy: AuthenticatorPolicy,
        delivery: Delivery,
    ) -> None:
        """The phone number to enroll: normalised to E.164 (Okta's message when it is no number), then the code."""
        if method not in ("sms", "voice"):
            reason = Reason.FIELD_REQUIRED if method is None else Reason.FIELD_INVALID
            raise IdxError(reason, transaction, fields=(("authenticator", "methodType"),))
        try:
            number = normalise(raw_number)
        except InvalidPhoneNumber:
            raise IdxError(Reason.PHONE_NUMBER_INVALID, transaction) from None
        transaction.enrollment_data(number, method)
        await self._send_code(transaction, now, policy, delivery, resend=False)

    async def activation_channel_target(
        self, transaction: Transaction, target: str, now: float, policy: AuthenticatorPolicy, delivery: Delivery
    ) -> None:
        """The address or number Okta Verify's activation link goes to."""
        assert transaction.pending is not None
        if transaction.pending.channel == "sms":
            try:
                target = normalise(target)
            except InvalidPhoneNumber:
                raise IdxError(Reason.PHONE_NUMBER_INVALID, transaction) from None
        elif "@" not in target.strip("@") or len(target) > 100 or " " in target or not target.isprintable():
            # no spaces, line breaks or control characters: what no address has (and what would forge a header)
            raise IdxError(Reason.EMAIL_ADDRESS_INVALID, transaction, fields=(("email",),))
        transaction.channel_target(target)
        await self._send_activation_link(transaction, now, policy, delivery)

    # --- internals ---------------------------------------------------------------------------------------------

    async def _verify(
        self,
        transaction: Transaction,
        key: AuthenticatorKey | None,
        credentials: dict[str, Any],
        now: float,
        policy: AuthenticatorPolicy,
    ) -> None:
        if key in _SENDS_CODE:  # first: a recovery for nobody (no user) was sent no code, so any code is wrong
            transaction.check_code(_text(credentials, "passcode", transaction), now)
            await self._code_accepted(transaction, key, now, policy)
            return
        user = transaction.user
        assert user is not None
        if key is AuthenticatorKey.GOOGLE:
            assert user.google is not None
            await self._check_totp(transaction, user.google.secret, _text(credentials, "passcode", transaction), now)
            transaction.factor_verified(key, AMR[key], policy)
        elif key is AuthenticatorKey.SECURITY_QUESTION:
            transaction.answer_question(_text(credentials, "answer", transaction))
            transaction.factor_verified(key, AMR[key], policy)
        else:
            raise IdxError(Reason.STEP_UNAVAILABLE, transaction)

    async def _enroll(
        self,
        transaction: Transaction,
        key: AuthenticatorKey | None,
        credentials: dict[str, Any],
        now: float,
        policy: AuthenticatorPolicy,
    ) -> None:
        user = transaction.user
        pending = transaction.pending
        assert user is not None and pending is not None and key is not None
        if key in _SENDS_CODE:
            transaction.check_code(_text(credentials, "passcode", transaction), now)
            await self._code_accepted(transaction, key, now, policy)
            return
        if key is AuthenticatorKey.GOOGLE:  # a wrong first code is Okta's plain "Invalid code" (enroll captures)
            assert pending.google_secret is not None
            code = _text(credentials, "passcode", transaction)
            await self._check_totp(transaction, pending.google_secret, code, now, wrong=Reason.OTP_INVALID)
            updated = replace(user, google=GoogleAuthenticatorEnrollment(secret=pending.google_secret))
        elif key is AuthenticatorKey.SECURITY_QUESTION:
            updated = replace(user, security_question=self._question(transaction, credentials))
        else:
            raise IdxError(Reason.STEP_UNAVAILABLE, transaction)
        await self._store.put_user(updated)
        transaction.enrolled(updated, key, AMR[key], policy)

    async def _enroll_password(
        self,
        transaction: Transaction,
        password: str,
        now: float,
        policy: AuthenticatorPolicy,
        passwords: PasswordPolicy,
    ) -> None:
        """A new password, checked against the org's password policy; Okta's message lists all its requirements."""
        user = transaction.user
        assert user is not None
        updated = replace(_with_new_password(transaction, user, password, passwords), password_changed_at=now)
        await self._store.put_user(updated)
        transaction.enrolled(updated, AuthenticatorKey.PASSWORD, AMR[AuthenticatorKey.PASSWORD], policy)

    async def _change_password(
        self,
        transaction: Transaction,
        password: str,
        now: float,
        policy: AuthenticatorPolicy,
        passwords: PasswordPolicy,
        clock_start: float,
    ) -> None:
        """A new password for a user who has one: after a recovery, or for an expired (or expiring) one. The policy's
        rules all apply, history included; the minimum age too, but not to an expired password, which must change.
        The user is ``ACTIVE`` afterwards (a ``PASSWORD_EXPIRED`` or ``RECOVERY`` status is over)."""
        user = await self._store.user(transaction.user.login) if transaction.user else None
        if user is None:  # deleted since the sign-in began: nothing to set a password on
            raise IdxError(Reason.STEP_UNAVAILABLE, transaction)
        must_change = transaction.step is Step.PASSWORD_EXPIRED or user.status is UserStatus.PASSWORD_EXPIRED
        age = None if must_change else (user.password_set_at(clock_start), now)
        updated = _with_new_password(transaction, user, password, passwords, age)
        if transaction.step is Step.RESET_PASSWORD and passwords.recovery.after_reset is not AfterReset.TERMINAL:
            transaction.check_access(updated, policy)  # a deny rule refuses before the new password is kept
        updated = replace(unlocked(updated), status=UserStatus.ACTIVE, password_changed_at=now)
        await self._store.put_user(updated)
        terminal = passwords.recovery.after_reset is AfterReset.TERMINAL
        transaction.password_set(updated, policy, now, terminal=terminal)

    def _question(self, transaction: Transaction, credentials: dict[str, Any]) -> SecurityQuestionEnrollment:
        """A predefined question (``questionKey``) or the user's own (``custom`` with ``question``), and the answer,
        checked by Okta's rules (:mod:`.security_questions`)."""
        question_key = _text(credentials, "questionKey", transaction)
        answer = _text(credentials, "answer", transaction)
        if question_key == CUSTOM_QUESTION_KEY:
            question = _text(credentials, "question", transaction).strip()
            if check_custom_question(question):
                raise IdxError(Reason.FIELD_INVALID, transaction, fields=(("credentials", "question"),))
        else:
            known = question_text(question_key)
            if known is None:
                raise IdxError(Reason.FIELD_INVALID, transaction, fields=(("credentials", "questionKey"),))
            question = known
        problems = check_answer(question, answer)
        if problems:
            raise IdxError(_ANSWER_PROBLEMS[problems[0]], transaction)
        return SecurityQuestionEnrollment(question_key=question_key, question=question, answer=answer.strip())

    async def _code_accepted(
        self, transaction: Transaction, key: AuthenticatorKey | None, now: float, policy: AuthenticatorPolicy
    ) -> None:
        """A sent code was right (or its magic link opened): verified, or, when enrolling, enrolled."""
        assert key is not None and transaction.user is not None
        sent = transaction.sent_code
        if sent is not None and sent.link_token is not None:
            await self._store.delete_record(RecordKind.EMAIL_LINK, sent.link_token)
        amr = "tel" if transaction.method == "voice" else AMR[key]
        if transaction.step is Step.CHALLENGE:
            transaction.factor_verified(key, amr, policy)
            return
        user = transaction.user
        if key is AuthenticatorKey.EMAIL:
            updated = replace(user, email=EmailEnrollment())
        else:
            assert transaction.pending is not None and transaction.pending.phone_number is not None
            updated = replace(user, phone=PhoneEnrollment(number=transaction.pending.phone_number))
        await self._store.put_user(updated)
        transaction.enrolled(updated, key, amr, policy)

    async def _check_totp(
        self, transaction: Transaction, secret: str, code: str, now: float, wrong: Reason = Reason.SOFT_TOKEN_INVALID
    ) -> None:
        verdict = await self._totp.verify(secret, code.strip(), now)
        if verdict is TotpVerdict.INVALID:
            raise IdxError(wrong, transaction, fields=(("credentials", "passcode"),))
        if verdict is TotpVerdict.REUSED:
            raise IdxError(Reason.PASSCODE_REUSED, transaction, fields=(("credentials", "passcode"),))

    async def _send_code(
        self,
        transaction: Transaction,
        now: float,
        policy: AuthenticatorPolicy,
        delivery: Delivery,
        *,
        resend: bool,
    ) -> None:
        if not _can_receive(transaction):
            return  # a recovery for nobody, or by an authenticator the user lacks: the page waits for nothing
        user = transaction.user
        assert user is not None
        previous = transaction.sent_code
        channel = Channel(transaction.method if transaction.method in ("sms", "voice") else "email")
        limits = policy_for(channel)
        earlier = previous.sent_at if previous is not None else ()
        if not limits.decide(now, earlier).allowed:
            raise IdxError(_RATE_LIMITED[channel], transaction)
        code = previous.code if resend and previous and previous.expires_at > now else _new_code()
        expires_at = now + policy.code_lifetime
        history = limits.remember(earlier, now)
        lifetime = policy.code_lifetime
        if transaction.current is AuthenticatorKey.EMAIL:
            token = secret_token()
            link = f"{delivery.org_url}/email/verify/{transaction.id}?token={token}"
            await self._store.put_record(
                RecordKind.EMAIL_LINK,
                token,
                EmailLink(transaction.id, transaction.state_handle, user.login, code, expires_at),
                lifetime,
            )
            transaction.code_sent(SentCode(code, expires_at, history, link_token=token))
            email = recovery_email if transaction.recovering else verification_email
            await self._outbox.send(email(user.login, user.email_address, code, link, now, lifetime, delivery.org_name))
            return
        number = _phone_of(transaction)
        transaction.code_sent(SentCode(code, expires_at, history))
        compose = verification_call if transaction.method == "voice" else verification_sms
        await self._outbox.send(compose(user.login, number, code, now, lifetime))

    async def _start_activation(self, transaction: Transaction, now: float, policy: AuthenticatorPolicy) -> None:
        assert transaction.user is not None and transaction.pending is not None
        activation = await self._activations.start(
            transaction.user.login, transaction.id, "qrcode", now, policy.activation_lifetime
        )
        transaction.pending.activation_token = activation.token

    async def _send_activation_link(
        self, transaction: Transaction, now: float, policy: AuthenticatorPolicy, delivery: Delivery
    ) -> None:
        user, pending = transaction.user, transaction.pending
        assert user is not None and pending is not None and pending.channel_target is not None
        if pending.activation_token is None:
            await self._start_activation(transaction, now, policy)
        assert pending.activation_token is not None
        link = activation_link(delivery.org_url, pending.activation_token, user.login)
        lifetime = policy.activation_lifetime
        if pending.channel == "email":
            await self._outbox.send(
                okta_verify_activation_email(user.login, pending.channel_target, link, now, lifetime)
            )
        else:
            await self._outbox.send(okta_verify_activation_sms(user.login, pending.channel_target, link, now, lifetime))

    async def _check_activation(self, transaction: Transaction, now: float, policy: AuthenticatorPolicy) -> None:
        pending = transaction.pending
        if pending is None or pending.activation_token is None:
            return
        activation = await self._activations.get(pending.activation_token)
        if activation is None or not activation.is_activated:
            return
        assert transaction.user is not None
        user = await self._store.user(transaction.user.login)
        if user is None or user.okta_verify is None:
            return
        transaction.enrolled(user, AuthenticatorKey.OKTA_VERIFY, "swk", policy)


_SENDS_CODE = frozenset({AuthenticatorKey.EMAIL, AuthenticatorKey.PHONE})
_RATE_LIMITED = {
    Channel.SMS: Reason.SMS_RATE_LIMITED,
    Channel.VOICE: Reason.VOICE_RATE_LIMITED,
    Channel.EMAIL: Reason.EMAIL_RATE_LIMITED,
}
_ANSWER_PROBLEMS = {
    AnswerProblem.TOO_SHORT: Reason.SECURITY_ANSWER_TOO_SHORT,
    AnswerProblem.PART_OF_QUESTION: Reason.SECURITY_ANSWER_CONTAINS_QUESTION,
    AnswerProblem.TOO_LONG: Reason.FIELD_TOO_LONG,
}


HISTORY_KEPT = 24
"""Earlier passwords kept per user: the most Okta's history rule can look back (``age.historyCount`` up to 24)."""


def _with_new_password(
    transaction: Transaction,
    user: User,
    password: str,
    passwords: PasswordPolicy,
    age: tuple[float, float] | None = None,
) -> User:
    """``user`` with ``password`` as the new one, the old one first in the history, or Okta's refusal (the form
    kept). ``age`` (when the current password was set, and now) judges the minimum age; ``None``: not judged, as for
    a first password or an expired one."""
    history = (user.password, *user.password_history) if user.password else user.password_history
    changed_at, now = age if age is not None else (None, None)
    violations = passwords.violations(password, user.login, user.profile, history, changed_at=changed_at, now=now)
    found = passwords.error_message(violations)
    if found is not None and found.key == COMMON_PASSWORD_KEY:
        raise IdxError(Reason.PASSWORD_COMMON, transaction)
    if found is not None:
        raise IdxError(Reason.PASSWORD_REQUIREMENTS_NOT_MET, transaction, passwords.requirements_text())
    return replace(user, password=password, password_history=history[:HISTORY_KEPT])


def _can_receive(transaction: Transaction) -> bool:
    """Whether the user of the sign-in has the authenticator a code is for (only a recovery can ask otherwise)."""
    user, key = transaction.user, transaction.current
    if user is None:
        return False
    return key in user.enrolled() or transaction.pending is not None


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _phone_of(transaction: Transaction) -> str:
    """The number a phone code goes to: the one being enrolled, or the user's."""
    if transaction.pending is not None and transaction.pending.phone_number is not None:
        return transaction.pending.phone_number
    assert transaction.user is not None and transaction.user.phone is not None
    return transaction.user.phone.number


def _text(fields: dict[str, Any], name: str, transaction: Transaction) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("credentials", name),))
    if len(value) > 1000:
        raise IdxError(Reason.MALFORMED_REQUEST, transaction, f"{name} is too long")
    return value
