"""The sign-in state machine: one :class:`Transaction` per ``/v1/interact``, moved along by IDX steps.

After the first factor (the password, on the identify form or, identifier-first, as a challenge of its own) the org's
authenticator policy (:func:`.authenticators.next_need`) says what comes next: enrolling an authenticator the user
lacks (``SELECT_ENROLL`` and the enrollment steps), verifying one they have (``SELECT_AUTHENTICATOR``), or success.
Email, phone, Google Authenticator, security question and password share one challenge step and one enrollment step
(``CHALLENGE``, ``ENROLL``), told apart by :attr:`Transaction.current`. Okta Verify keeps its own steps:

    IDENTIFY --password--> SELECT_AUTHENTICATOR --{id}--> SELECT_METHOD --push--> PUSH_WAITING --approve--> SUCCESS
                                 |                           |                     |--deny--> PUSH_REJECTED
                                 |                           |                     |            --resend--> PUSH_WAITING
                                 |                           |                     (push expires) --> PUSH_EXPIRED
                                 |                           |                          --resend--> PUSH_WAITING
                                 |                           |                     (expires, terminal) --> TIMED_OUT
                                 +------{id, method}---------+--totp--> TOTP_CHALLENGE --code--> SUCCESS

"Verify with something else" (choosing an authenticator again) is allowed from every step after the password.
An expired push leads to ``PUSH_EXPIRED`` (Okta's "push no longer pending": resend or choose again) unless the
user's phone script asks for the terminal ``TIMED_OUT``, where nothing but cancel goes on.
Password recovery ("Forgot password?", :meth:`Transaction.recover`) and a password that has expired or will soon
(:mod:`.recovery_transitions`), self-service unlock ("Unlock account?", :meth:`Transaction.start_unlock`,
:mod:`.unlock_transitions`), sign-up (:meth:`Transaction.start_sign_up`, :mod:`.sign_up_transitions`), enrollment and
Okta Verify enrollment (:mod:`.enrollment_transitions`) and Okta Verify's push and code
(:mod:`.okta_verify_transitions`) each move the sign-in in a module of their own; :class:`Transaction` is all of them
over :class:`.transaction_state.TransactionState` (the fields the store keeps, and what every flow shares), plus the
sign-in's own first steps and the challenges every other authenticator shares. A sign-in opened with an activation
token starts at the password's enrollment (:meth:`Transaction.start_activation`). A sign-in that cannot go on for a
reason Okta shows once (an expired activation link, a user suspended since it began) is TERMINAL; on every path that
can reach SUCCESS the app's deny rules are checked (:meth:`Transaction.check_access`) before anything is written.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from .authenticators import AuthenticatorKey, AuthenticatorPolicy
from .directory import User
from .enrollment_transitions import EnrollmentTransitions
from .errors import IdxError, Reason
from .okta_verify_transitions import OktaVerifyTransitions
from .recovery_transitions import RecoveryTransitions
from .security_questions import answers_match
from .sign_up_transitions import SignUpTransitions
from .transaction_state import (
    CHOOSING_AGAIN_ALLOWED,
    DEFAULT_METHODS,
    ENROLLING_AGAIN_ALLOWED,
    PASSWORD_CHANGE_STEPS,
    PUSH_RESENDABLE,
    Interaction,
    PendingEnrollment,
    SentCode,
    Step,
)
from .unlock_transitions import UnlockTransitions

__all__ = [
    "CHOOSING_AGAIN_ALLOWED",
    "ENROLLING_AGAIN_ALLOWED",
    "PASSWORD_CHANGE_STEPS",
    "PUSH_RESENDABLE",
    "Interaction",
    "PendingEnrollment",
    "SentCode",
    "Step",
    "Transaction",
]
"""What importers of the sign-in state machine find here, wherever it is defined."""


@dataclass
class Transaction(
    UnlockTransitions,
    RecoveryTransitions,
    SignUpTransitions,
    EnrollmentTransitions,
    OktaVerifyTransitions,
):
    """One sign-in per ``/v1/interact``: every flow's moves over one record. The fields are all
    :class:`.transaction_state.TransactionState`'s, so the stored shape is the same whichever flow wrote it. Unlock
    comes before recovery in this order because its end overrides every other (an unlock counts no factor)."""

    # --- the sign-in's own steps -------------------------------------------------------------------------------

    def identify(self, user: User | None, password: str | None, now: float, policy: AuthenticatorPolicy) -> None:
        """The identify form. With a password (username and password on one form) both are checked at once; without
        one (identifier-first) the password comes next as a challenge, whoever the username names. Unknown user and
        wrong password fail alike (no user enumeration)."""
        self.require(Step.IDENTIFY)
        if password is None and user is not None and user.password is None and user.email is not None:
            self._first_factor_by_email(user, now, policy)
            return
        if password is None:
            self.identifier = user.login if user else self.identifier
            self.current = AuthenticatorKey.PASSWORD
            self.step = Step.CHALLENGE
            return
        if user is None or not user.check_password(password):
            raise IdxError(Reason.AUTHENTICATION_FAILED, self)
        self._first_factor(user, now, policy)

    def start_activation(self, user: User, now: float, policy: AuthenticatorPolicy) -> None:
        """A sign-in opened with ``user``'s activation token: the token stands for the first factor (the user proved
        they own the address it was sent to), so the org's policy asks straight away for what they lack, a password
        first."""
        self.require(Step.IDENTIFY)
        self.user = user
        self.identifier = user.login
        self.auth_time = now
        self.advance(policy)

    def name_identifier(self, identifier: str) -> None:
        """The username an identifier-first ``identify`` gave, kept until the password shows whose it is."""
        self.identifier = identifier

    def answer_password(self, user: User | None, password: str, now: float, policy: AuthenticatorPolicy) -> None:
        """The password challenge of an identifier-first sign-in."""
        self.require_current(Step.CHALLENGE, AuthenticatorKey.PASSWORD)
        if user is None or not user.check_password(password):
            raise IdxError(Reason.PASSWORD_INVALID, self, fields=(("credentials", "passcode"),))
        self._first_factor(user, now, policy)

    def choose(self, key: AuthenticatorKey, method: str | None) -> None:
        """An authenticator other than Okta Verify chosen to verify with (Okta Verify: :meth:`choose_okta_verify`):
        what it needs next. Sending the code (email, phone) is the engine's part."""
        self._require_choice(key)
        self.push = None
        self.current, self.method, self.sent_code = key, None, None
        if key is AuthenticatorKey.PHONE and method is None:
            self.step = Step.VERIFICATION_DATA
            return
        if key is AuthenticatorKey.PHONE and method not in ("sms", "voice"):
            raise IdxError(Reason.INVALID_AUTHENTICATOR, self, f"method {method} is not enrolled")
        self.method = method or DEFAULT_METHODS[key]
        self.step = Step.CHALLENGE

    def code_sent(self, code: SentCode) -> None:
        """The engine sent (or sent again) the code the current step waits for."""
        self.sent_code = code

    def check_code(self, code: str, now: float) -> None:
        """A code sent by email, SMS or voice, on the challenge or the enrollment step: right and in time, or
        refused with the form kept (an expired code is an invalid one, as Okta says)."""
        self.require(Step.CHALLENGE, Step.ENROLL)
        sent = self.sent_code
        if sent is None or not _same(sent.code, code.strip()):
            raise IdxError(Reason.OTP_INVALID, self)
        if sent.expires_at <= now:
            raise IdxError(Reason.OTP_EXPIRED, self)

    def verified_by_link(self) -> bool:
        """Whether the email's magic link was opened for the code this step waits for."""
        return self.sent_code is not None and self.sent_code.link_used

    def answer_question(self, answer: str) -> None:
        """The security question's answer, matched as :func:`.security_questions.answers_match` says."""
        self.require_current(Step.CHALLENGE, AuthenticatorKey.SECURITY_QUESTION)
        assert self.user is not None and self.user.security_question is not None
        if not answers_match(self.user.security_question.answer, answer):
            raise IdxError(Reason.ANSWER_INVALID, self)

    def step_up(
        self,
        user: User,
        verified: tuple[AuthenticatorKey, ...],
        amr: tuple[str, ...],
        auth_time: float,
        policy: AuthenticatorPolicy,
    ) -> None:
        """A browser session that does not meet the app's requested level: the sign-in starts from what the session
        verified (the user known, the password counted) and asks only for what is missing, as Okta considers "the
        previously satisfied authenticators" before prompting."""
        self.require(Step.IDENTIFY)
        self.check_access(user, policy)
        self.user = user
        self.identifier = user.login
        self.verified, self.amr, self.auth_time = verified, amr, auth_time
        self.advance(policy)

    def _first_factor(self, user: User, now: float, policy: AuthenticatorPolicy) -> None:
        self.check_access(user, policy)
        self.user = user
        self.identifier = user.login
        self.verified = (AuthenticatorKey.PASSWORD,)
        self.amr = ("pwd",)
        self.auth_time = now
        self.advance(policy)

    def _first_factor_by_email(self, user: User, now: float, policy: AuthenticatorPolicy) -> None:
        """A user with no password yet (identifier-first): their email is the first factor, then the org's policy
        has them set a password (a required authenticator they lack)."""
        self.check_access(user, policy)
        self.user = user
        self.identifier = user.login
        self.auth_time = now
        self.amr = ()
        self.current, self.method, self.sent_code = AuthenticatorKey.EMAIL, "email", None
        self.step = Step.CHALLENGE


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())
