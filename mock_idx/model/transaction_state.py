"""What a sign-in is, apart from how each flow moves it: its steps (:class:`Step`), the records it keeps
(:class:`Interaction`, :class:`SentCode`, :class:`PendingEnrollment`), and :class:`TransactionState`, every field the
store writes down plus the checks and moves every flow shares (:meth:`~TransactionState.require`,
:meth:`~TransactionState.advance`, the app's deny rules).

Each flow's transitions are a class of their own over this one (:mod:`.sign_up_transitions`,
:mod:`.unlock_transitions`, :mod:`.recovery_transitions`, :mod:`.enrollment_transitions`,
:mod:`.okta_verify_transitions`), and :class:`.transaction.Transaction` is all of them at once. The fields stay
here, in one dataclass, so the stored record has one shape whichever flow wrote it. Two moves end differently by
flow, and each flow says how by overriding them and handing on to ``super()``: :meth:`~TransactionState.factor_verified`
(a recovery goes to the new password, an unlock ends) and :meth:`~TransactionState.skip` (the enrollment list's
"Set up later", the expiring password's "Remind me later").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, cast

from .assurance import Assurance
from .authenticators import AuthenticatorKey, AuthenticatorPolicy, NeedKind, next_need
from .directory import User
from .errors import IdxError, Reason
from .ids import okta_id, secret_token
from .policy import DEFAULT_CLIENT_LABEL
from .push import PushChallenge

if TYPE_CHECKING:
    from .transaction import Transaction


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
    CHALLENGE = "challenge"
    """Waiting for the answer to :attr:`Transaction.current`'s challenge: a password, a code sent by email, SMS or
    voice (or the email's magic link), a Google Authenticator code, a security question's answer."""
    VERIFICATION_DATA = "verification-data"
    """The phone chosen without a method: SMS or voice?"""
    SELECT_ENROLL = "select-enroll"
    """Which authenticator to set up (:attr:`Transaction.choices`; ``skip`` when :attr:`Transaction.optional`)."""
    ENROLLMENT_DATA = "enrollment-data"
    """The phone number (and SMS or voice) to enroll."""
    ENROLL = "enroll"
    """Proving the new authenticator: the code sent to it, Google Authenticator's first code, a question and its
    answer, a new password."""
    OV_ENROLL_POLL = "ov-enroll-poll"
    """Waiting for Okta Verify to be activated with the QR code or the link sent by email or SMS."""
    OV_ENROLL_CHANNEL_DATA = "ov-enroll-channel-data"
    """The address or number the activation link goes to."""
    UNLOCK_ACCOUNT = "unlock-account"
    """ "Unlock account?": which user, and which authenticator proves it is them (self-service unlock)."""
    ACCOUNT_UNLOCKED = "account-unlocked"
    """Self-service unlock done: Okta's message, nothing left to do but go back to sign in."""
    IDENTIFY_RECOVERY = "identify-recovery"
    """ "Forgot password?": the username whose password is to be reset."""
    RESET_PASSWORD = "reset-password"
    """Recovery verified: the new password (``reset-authenticator``)."""
    PASSWORD_EXPIRED = "password-expired"
    """The password just verified has expired: a new one before going on (``reenroll-authenticator``)."""
    PASSWORD_EXPIRING = "password-expiring"
    """The password just verified expires soon: a new one, or ``skip`` (``reenroll-authenticator-warning``)."""
    RECOVERY_COMPLETED = "recovery-completed"
    """The password was reset and the recovery policy signs no one in: Okta's terminal "You can now sign in"."""
    ENROLL_PROFILE = "enroll-profile"
    """The sign-up form (self-service registration): the profile attributes the org's profile enrollment policy asks
    for. Submitted, it creates the user, who then enrolls the required authenticators (``SELECT_ENROLL``)."""
    SUCCESS = "success"
    TIMED_OUT = "timed-out"
    TERMINAL = "terminal"
    """The sign-in cannot go on, for :attr:`Transaction.terminal`'s reason (an expired activation link): every step,
    introspect included, answers that reason; only cancel starts afresh."""


CHOOSING_AGAIN_ALLOWED = {
    Step.SELECT_AUTHENTICATOR,
    Step.SELECT_METHOD,
    Step.PUSH_WAITING,
    Step.PUSH_REJECTED,
    Step.PUSH_EXPIRED,
    Step.TOTP_CHALLENGE,
    Step.CHALLENGE,
    Step.VERIFICATION_DATA,
}
"""Steps from which "Verify with something else" goes back to the list (not the first factor's challenge)."""
ENROLLING_AGAIN_ALLOWED = {
    Step.SELECT_ENROLL,
    Step.ENROLLMENT_DATA,
    Step.ENROLL,
    Step.OV_ENROLL_POLL,
    Step.OV_ENROLL_CHANNEL_DATA,
}
"""Steps from which "Set up something else" goes back to the enrollment list."""
PUSH_RESENDABLE = (Step.PUSH_WAITING, Step.PUSH_REJECTED, Step.PUSH_EXPIRED)
"""Steps whose push may be sent again: waiting for it, or after it was denied or expired."""
PASSWORD_CHANGE_STEPS = (Step.RESET_PASSWORD, Step.PASSWORD_EXPIRED, Step.PASSWORD_EXPIRING)
"""Steps that take a new password for a user who has one (recovery, expiry)."""


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
    activation_token: str | None = None
    """The user's activation token (``activation_token`` of ``/v1/interact``): the sign-in activates their account
    (:mod:`.user_lifecycle`)."""
    acr_values: str | None = None
    """As the app asked (``acr_values``) until the engine has checked it, then the one ACR value chosen (what the
    tokens' ``acr`` says), or ``None``."""

    @property
    def assurance(self) -> Assurance | None:
        """The level the app asked for, once the engine has chosen it (see :attr:`acr_values`)."""
        try:
            return Assurance(self.acr_values) if self.acr_values else None
        except ValueError:
            return None

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes asked for; none at all means ``openid``."""
        return tuple(self.scope.split()) or ("openid",)


@dataclass
class SentCode:
    """A one-time code this sign-in sent by email, SMS or voice (the message itself is in the user's outbox)."""

    code: str
    expires_at: float
    sent_at: tuple[float, ...]
    """Every time it was sent (resends included), oldest first: what the resend limit looks at."""
    link_token: str | None = None
    """The email's magic link, which verifies this sign-in from another tab (see :attr:`link_used`)."""
    link_used: bool = False


@dataclass
class PendingEnrollment:
    """What an enrollment in progress has chosen so far."""

    phone_number: str | None = None
    """E.164, for a phone being enrolled."""
    phone_method: str = "sms"
    google_secret: str | None = None
    activation_token: str | None = None
    """Okta Verify's activation, waiting for the phone."""
    channel: str = "qrcode"
    """How the Okta Verify activation reaches the phone: ``qrcode``, ``email`` or ``sms``."""
    channel_target: str | None = None
    """The address or number the activation link went to."""


DEFAULT_METHODS = {
    AuthenticatorKey.EMAIL: "email",
    AuthenticatorKey.GOOGLE: "otp",
    AuthenticatorKey.SECURITY_QUESTION: "security_question",
    AuthenticatorKey.PASSWORD: "password",
    AuthenticatorKey.PHONE: "sms",
}
"""The method an authenticator is verified or enrolled with when the request names none."""


@dataclass
class TransactionState:
    """One sign-in's record (every field the store keeps) and the moves every flow makes on it."""

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
    identifier: str | None = None
    """The username an identifier-first ``identify`` gave (the user is only known once the password is right, so an
    unknown username is not revealed)."""
    current: AuthenticatorKey | None = None
    """The authenticator the step is about (challenge, verification data, enrollment)."""
    method: str | None = None
    """Its method, once chosen (``sms``, ``voice``, ``email``, ``otp``, ...)."""
    choices: tuple[AuthenticatorKey, ...] = ()
    """What ``SELECT_AUTHENTICATOR`` or ``SELECT_ENROLL`` offers."""
    optional: bool = False
    """``SELECT_ENROLL`` offers only optional authenticators, so ``skip`` is allowed."""
    verified: tuple[AuthenticatorKey, ...] = ()
    """Every authenticator this sign-in has verified (or enrolled, which verifies it), in order."""
    enrolled_here: tuple[AuthenticatorKey, ...] = ()
    skipped_optional: bool = False
    sent_code: SentCode | None = None
    pending: PendingEnrollment | None = None
    unlocking: bool = False
    """The sign-in became a self-service unlock ("Unlock account?"): the challenge it reaches unlocks the user instead
    of signing them in."""
    unlock_stand_in: bool = False
    """The unlock's username names no user with the authenticator chosen: the challenge page is shown all the same,
    but nothing is sent and no code is right (so the page tells nobody whether the username exists)."""
    unlock_applied: bool = False
    """The user this unlock was for has been unlocked in the directory (done once, at the commit after the proof)."""
    terminal: Reason | None = None
    """Why a :attr:`Step.TERMINAL` sign-in cannot go on."""
    recovering: bool = False
    """A password recovery: until the new password is set, verifying a factor leads to ``RESET_PASSWORD``, and the
    documents show neither whether the username exists nor what it has enrolled."""
    days_to_expiry: int | None = None
    """``PASSWORD_EXPIRING``: whole days left before the password expires (what the warning shows)."""
    registering: bool = False
    """A sign-up: the user this sign-in created (``STAGED``) is activated when it succeeds."""

    def is_alive(self, now: float) -> bool:
        return now < self.expires_at

    def touch(self, now: float, lifetime: float) -> None:
        """Each step keeps the transaction alive for another ``lifetime`` seconds, as Okta's sliding window does."""
        self.expires_at = max(self.expires_at, now + lifetime)

    @property
    def login(self) -> str | None:
        """Whose sign-in this is, for the journal and per-user faults: the user, or (identifier-first, before the
        password) the username they typed."""
        return self.user.login if self.user else self.identifier

    # --- what every flow shares ------------------------------------------------------------------------------

    def refusal(self, reason: Reason, detail: str = "") -> IdxError:
        """The error that refuses this step and re-renders the sign-in as it is. Every flow's class is only ever a
        part of :class:`.transaction.Transaction` (none is made on its own), so ``self`` is the whole sign-in the
        answer is rendered from."""
        return IdxError(reason, cast("Transaction", self), detail)

    def require(self, *steps: Step) -> None:
        """Refuse a request that this step does not take (with no steps: refuse it whatever the step is). Once the push
        has timed out nothing but cancel goes on: every step answers the same terminal "verification timed out" that
        the poll did."""
        if self.step is Step.TIMED_OUT:
            raise self.refusal(Reason.VERIFICATION_TIMED_OUT)
        if self.step is Step.TERMINAL:
            raise self.refusal(self.terminal or Reason.SESSION_EXPIRED)
        if self.step not in steps:
            raise self.refusal(Reason.STEP_UNAVAILABLE)

    def require_current(self, steps: Step | tuple[Step, ...], key: AuthenticatorKey) -> None:
        """Refuse a request that this step, or the authenticator it is about, does not take."""
        self.require(*((steps,) if isinstance(steps, Step) else steps))
        if self.current is not key:
            raise self.refusal(Reason.STEP_UNAVAILABLE)

    def advance(self, policy: AuthenticatorPolicy) -> None:
        """On to what the org's policy asks next (:func:`.authenticators.next_need`)."""
        assert self.user is not None
        need = next_need(
            policy,
            self.user.enrolled(),
            self.verified,
            self.enrolled_here,
            self.skipped_optional,
            self.interaction.assurance,
        )
        self.current = None
        self.method = None
        self.sent_code = None
        self.pending = None
        if need.kind is NeedKind.DONE:
            if len(self.verified) >= 2 and "mfa" not in self.amr:
                self.amr = (*self.amr, "mfa")
            self.step = Step.SUCCESS
        elif need.kind is NeedKind.VERIFY:
            self.choices, self.optional = need.choices, False
            self.step = Step.SELECT_AUTHENTICATOR
        else:
            self.choices, self.optional = need.choices, need.optional
            self.step = Step.SELECT_ENROLL

    def factor_verified(self, key: AuthenticatorKey, amr: str, policy: AuthenticatorPolicy) -> None:
        """The current challenge was met: count the factor and go on. A flow that ends otherwise (recovery, unlock)
        overrides this and hands on to it when the sign-in is not theirs."""
        self._count_factor(key, amr)
        self.advance(policy)

    def _count_factor(self, key: AuthenticatorKey, amr: str) -> None:
        self.verified = (*self.verified, key)
        if amr not in self.amr:
            self.amr = (*self.amr, amr)

    def skip(self, policy: AuthenticatorPolicy) -> None:
        """``skip``, which no step takes unless a flow's override says it does (the enrollment list, the expiring
        password): refused as any step out of place."""
        self.require()

    def check_access(self, user: User, policy: AuthenticatorPolicy) -> None:
        """The app's authentication policy, once the user is known: a deny rule ends the sign-in here. Checked after
        the first factor, so a denied user's wrong password still gets "Authentication failed" (no user
        enumeration), and before anything is written, so the refused request changes nothing."""
        if policy.denies(self.interaction.client_id, user.groups):
            raise self.refusal(Reason.ACCESS_DENIED)

    def _require_choice(self, key: AuthenticatorKey) -> None:
        """Choosing an authenticator to verify with: from the verification list or a step of one of its entries."""
        self.require(*CHOOSING_AGAIN_ALLOWED)
        if not self.verified and not self.recovering:  # the first factor's own challenge has no list
            raise self.refusal(Reason.STEP_UNAVAILABLE)
        if key not in self.choices:
            raise self.refusal(Reason.INVALID_AUTHENTICATOR, "not an authenticator to verify with here")

    def end(self, reason: Reason) -> None:
        """The sign-in cannot go on (:attr:`Step.TERMINAL`): every later request answers ``reason``."""
        self.terminal = reason
        self.step = Step.TERMINAL

    def record_interaction_code(self, code: str, expires_at: float) -> None:
        """The code the app exchanges for tokens, as the store handed it out: the first one claimed, should two
        replicas race, so a repeated introspect shows the same code."""
        if self.interaction_code != code:
            self.interaction_code = code
            self.code_expires_at = expires_at
