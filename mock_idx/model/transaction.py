"""The sign-in state machine: one :class:`Transaction` per ``/v1/interact``, moved along by IDX steps.

Steps follow Okta's password + Okta Verify policy:

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
A user with no Okta Verify enrollment succeeds straight after the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .directory import ExpiredPushAnswer, OktaVerifyEnrollment, User, VerifyMethod
from .errors import IdxError, Reason
from .ids import okta_id, secret_token
from .policy import DEFAULT_CLIENT_LABEL
from .push import PushChallenge, PushState
from .totp import TotpVerdict


class Step(str, Enum):
    IDENTIFY = "identify"
    SELECT_AUTHENTICATOR = "select-authenticator"
    SELECT_METHOD = "select-method"
    PUSH_WAITING = "push-waiting"
    PUSH_REJECTED = "push-rejected"
    PUSH_EXPIRED = "push-expired"
    """The push went unanswered until it expired; the user may send another or choose again."""
    TOTP_CHALLENGE = "totp-challenge"
    """Waiting for the six-digit code from Okta Verify (named for what it waits for, like ``PUSH_WAITING``)."""
    SUCCESS = "success"
    TIMED_OUT = "timed-out"


CHOOSING_AGAIN_ALLOWED = {
    Step.SELECT_AUTHENTICATOR,
    Step.SELECT_METHOD,
    Step.PUSH_WAITING,
    Step.PUSH_REJECTED,
    Step.PUSH_EXPIRED,
    Step.TOTP_CHALLENGE,
}
PUSH_RESENDABLE = (Step.PUSH_WAITING, Step.PUSH_REJECTED, Step.PUSH_EXPIRED)
"""Steps whose push may be sent again: waiting for it, or after it was denied or expired."""


@dataclass(frozen=True)
class Interaction:
    """The OAuth request that opens a transaction (``/v1/interact``): what the web layer read, what the engine checks
    and keeps on the transaction, and what the token exchange is checked against. One record all the way, so a
    parameter cannot be dropped between the request and the transaction."""

    client_id: str
    redirect_uri: str
    scope: str
    """As requested, space-separated (see :attr:`scopes`)."""
    code_challenge: str
    code_challenge_method: str
    state: str
    nonce: str | None
    authorization_server: str | None
    """The custom authorization server id, or ``None`` for the org authorization server."""
    client_label: str = DEFAULT_CLIENT_LABEL
    """The registered client's label, filled in by the engine once it has found the client."""
    hosted: bool = False
    """Opened by ``/v1/authorize`` for Okta's hosted sign-in page (not by an app's ``/v1/interact``): it ends in a
    redirect to the app with an authorization code (or tokens), not in an interaction code."""
    response_type: str = "code"
    response_mode: str = "query"
    login_hint: str | None = None

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes asked for; none at all means ``openid``."""
        return tuple(self.scope.split()) or ("openid",)


@dataclass
class Transaction:
    interaction: Interaction
    created_at: float
    expires_at: float
    step: Step = Step.IDENTIFY
    user: User | None = None
    push: PushChallenge | None = None
    interaction_code: str | None = None
    code_expires_at: float = 0.0
    amr: tuple[str, ...] = ()
    auth_time: float | None = None
    id: str = field(default_factory=lambda: okta_id("txn"))
    interaction_handle: str = field(default_factory=secret_token)
    state_handle: str = field(default_factory=lambda: "02" + secret_token())

    def is_alive(self, now: float) -> bool:
        return now < self.expires_at

    def touch(self, now: float, lifetime: float) -> None:
        """Each step keeps the transaction alive for another ``lifetime`` seconds, as Okta's sliding window does."""
        self.expires_at = max(self.expires_at, now + lifetime)

    @property
    def login(self) -> str | None:
        return self.user.login if self.user else None

    # --- steps -------------------------------------------------------------------------------------------------

    def identify(self, user: User | None, password: str, now: float) -> None:
        """Identifier and password in one step. Unknown user and wrong password fail alike (no user enumeration)."""
        self.require(Step.IDENTIFY)
        if user is None or not user.check_password(password):
            raise IdxError(Reason.AUTHENTICATION_FAILED, self)
        self.user = user
        self.amr = ("pwd",)
        self.auth_time = now
        if user.okta_verify is None:
            self.step = Step.SUCCESS
        else:
            self.step = Step.SELECT_AUTHENTICATOR

    def choose_okta_verify(self, method: VerifyMethod | None) -> VerifyMethod | None:
        """Okta Verify picked from the list; without a method the user is asked to pick one next, unless they ticked
        "Send push automatically" before (then it is a push). The method it comes to."""
        self.require(*CHOOSING_AGAIN_ALLOWED)
        enrollment = self._okta_verify()
        if method is not None and not enrollment.supports(method):
            raise IdxError(Reason.INVALID_AUTHENTICATOR, self, f"method {method.value} is not enrolled")
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
            raise IdxError(Reason.PASSCODE_INVALID, self)
        if verdict is TotpVerdict.REUSED:
            raise IdxError(Reason.PASSCODE_REUSED, self)
        self._complete_mfa("otp")

    def record_interaction_code(self, code: str, expires_at: float) -> None:
        """The code the app exchanges for tokens, as the store handed it out: the first one claimed, should two
        replicas race, so a repeated introspect shows the same code."""
        if self.interaction_code != code:
            self.interaction_code = code
            self.code_expires_at = expires_at

    # --- internals ---------------------------------------------------------------------------------------------

    def _complete_mfa(self, factor_amr: str) -> None:
        self.amr = ("pwd", factor_amr, "mfa")
        self.step = Step.SUCCESS

    def _okta_verify(self) -> OktaVerifyEnrollment:
        if self.user is None or self.user.okta_verify is None:
            raise IdxError(Reason.INVALID_AUTHENTICATOR, self)
        return self.user.okta_verify

    def require(self, *steps: Step) -> None:
        """Refuse a request that this step does not take. Once the push has timed out nothing but cancel goes on:
        every step answers the same terminal "verification timed out" that the poll did."""
        if self.step is Step.TIMED_OUT:
            raise IdxError(Reason.VERIFICATION_TIMED_OUT, self)
        if self.step not in steps:
            raise IdxError(Reason.STEP_UNAVAILABLE, self)
