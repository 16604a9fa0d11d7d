"""Okta Verify's moves on a sign-in: push and the six-digit code.

SELECT_AUTHENTICATOR --{id}--> SELECT_METHOD --push--> PUSH_WAITING --approve--> SUCCESS, --deny--> PUSH_REJECTED,
(push expires) --> PUSH_EXPIRED (or, as the user's phone script says, the terminal TIMED_OUT); resend from the
rejected or expired push waits again. {id, method totp} --> TOTP_CHALLENGE --code--> SUCCESS. Okta Verify keeps steps
of its own because its answer comes from the phone (the push) or is checked against its own secret (the code), and
it always meets the second factor. The push itself is :mod:`.push`'s; the code's check is :mod:`.totp`'s.
"""

from __future__ import annotations

from .authenticators import AuthenticatorKey
from .directory import ExpiredPushAnswer, OktaVerifyEnrollment, VerifyMethod
from .errors import Reason
from .push import PushChallenge, PushState
from .totp import TotpVerdict
from .transaction_state import Step, TransactionState


class OktaVerifyTransitions(TransactionState):
    """Verifying with Okta Verify."""

    def choose_okta_verify(self, method: VerifyMethod | None) -> VerifyMethod | None:
        """Okta Verify picked from the list; without a method the user is asked to pick one next, unless they ticked
        "Send push automatically" before (then it is a push). The method it comes to."""
        self._require_choice(AuthenticatorKey.OKTA_VERIFY)
        enrollment = self._okta_verify()
        self.current, self.sent_code = AuthenticatorKey.OKTA_VERIFY, None
        if method is not None and not enrollment.supports(method):
            raise self.refusal(Reason.INVALID_AUTHENTICATOR, f"method {method.value} is not enrolled")
        self.push = None
        if method is None and enrollment.auto_challenge and enrollment.supports(VerifyMethod.PUSH):
            method = VerifyMethod.PUSH
        if method is None:
            self.step = Step.SELECT_METHOD
        elif method is VerifyMethod.TOTP:
            self.step = Step.TOTP_CHALLENGE
        return method

    def send_code(self) -> None:
        """Okta Verify's ``send`` on the code page: the code is on the phone already, so there is nothing to send and
        the page stays as it is (a request on any other step is refused like any step out of place)."""
        self.require(Step.TOTP_CHALLENGE)

    def start_push(self, push: PushChallenge) -> None:
        self.push = push
        self.step = Step.PUSH_WAITING

    def apply_push_state(self) -> None:
        """What the phone did shows on the sign-in: the engine has brought :attr:`push` up to date (counted the poll,
        read the settled state, let it expire or the scripted phone answer) before calling this."""
        if self.step is not Step.PUSH_WAITING or self.push is None:
            return
        state = self.push.state
        if state is PushState.APPROVED:
            self._complete_mfa("swk")
        elif state is PushState.DENIED:
            self.step = Step.PUSH_REJECTED
        elif state is PushState.EXPIRED:
            terminal = self.push.behaviour.when_expired is ExpiredPushAnswer.TERMINAL
            self.step = Step.TIMED_OUT if terminal else Step.PUSH_EXPIRED

    def totp_secret(self) -> str:
        """The secret a code on this step is checked against (the step must be the code page)."""
        self.require(Step.TOTP_CHALLENGE)
        return self._okta_verify().totp_secret

    def answer_totp(self, verdict: TotpVerdict) -> None:
        """The code was checked (and, if good, spent) against :meth:`totp_secret`."""
        self.require(Step.TOTP_CHALLENGE)
        if verdict is TotpVerdict.INVALID:
            raise self.refusal(Reason.PASSCODE_INVALID)
        if verdict is TotpVerdict.REUSED:
            raise self.refusal(Reason.PASSCODE_REUSED)
        self._complete_mfa("otp")

    def _complete_mfa(self, factor_amr: str) -> None:
        """Okta Verify answered (push approved or code right). The policy is the one :meth:`advance` last used: a
        push may be approved on a poll that has no policy at hand, and Okta Verify always meets the second factor."""
        self._count_factor(AuthenticatorKey.OKTA_VERIFY, factor_amr)
        if "mfa" not in self.amr:
            self.amr = (*self.amr, "mfa")
        self.current = None
        self.step = Step.SUCCESS

    def _okta_verify(self) -> OktaVerifyEnrollment:
        if self.user is None or self.user.okta_verify is None:
            raise self.refusal(Reason.INVALID_AUTHENTICATOR)
        return self.user.okta_verify
