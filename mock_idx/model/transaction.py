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
Password recovery ("Forgot password?", :meth:`Transaction.recover`): IDENTIFY --recover--> IDENTIFY_RECOVERY
--username--> SELECT_AUTHENTICATOR (the org's recovery authenticators) --> CHALLENGE --code or link--> RESET_PASSWORD
--new password--> on with the sign-in, or RECOVERY_COMPLETED (terminal) as the recovery policy says. Identifier-first,
``recover`` on the password challenge goes straight to the list. A password that has expired (or will soon) is asked
for again right after it was verified: PASSWORD_EXPIRED, or PASSWORD_EXPIRING (with ``skip``), then on.
Okta Verify enrollment: SELECT_ENROLL --okta_verify--> OV_ENROLL_POLL (QR code) --channel email or sms-->
OV_ENROLL_CHANNEL_DATA (the address or number the link goes to) --> OV_ENROLL_POLL; activated on the phone, the poll
moves on.
Self-service unlock ("Unlock account?", :meth:`Transaction.start_unlock`): IDENTIFY --> UNLOCK_ACCOUNT --username and
authenticator--> CHALLENGE --code or link--> ACCOUNT_UNLOCKED (nothing left but going back to sign in). Sign-up
(:meth:`Transaction.start_sign_up`): IDENTIFY --> ENROLL_PROFILE --the form--> the org's required enrollments, as for
a user who lacks them. A sign-in opened with an activation token starts at the password's enrollment
(:meth:`Transaction.start_activation`). A sign-in that cannot go on for a reason Okta shows once (an expired activation
link, a user suspended since it began) is TERMINAL; on every path that can reach SUCCESS the app's deny rules are
checked (:meth:`Transaction.check_access`) before anything is written.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from enum import Enum

from .assurance import Assurance
from .authenticators import AuthenticatorKey, AuthenticatorPolicy, NeedKind, next_need
from .directory import ExpiredPushAnswer, OktaVerifyEnrollment, User, VerifyMethod
from .errors import IdxError, Reason
from .ids import okta_id, secret_token
from .policy import DEFAULT_CLIENT_LABEL
from .push import PushChallenge, PushState
from .security_questions import answers_match
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
PASSWORD_CHANGE_STEPS = (Step.RESET_PASSWORD, Step.PASSWORD_EXPIRED, Step.PASSWORD_EXPIRING)
"""Steps that take a new password for a user who has one (recovery, expiry)."""
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

    # --- steps -------------------------------------------------------------------------------------------------

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

    def end(self, reason: Reason) -> None:
        """The sign-in cannot go on (:attr:`Step.TERMINAL`): every later request answers ``reason``."""
        self.terminal = reason
        self.step = Step.TERMINAL

    def start_sign_up(self) -> None:
        """ "Sign up" on the identify page: the sign-up form next."""
        self.require(Step.IDENTIFY, Step.ENROLL_PROFILE)
        self.step = Step.ENROLL_PROFILE

    def back_to_sign_in(self) -> None:
        """ "Back to sign in" from the sign-up form (``select-identify``)."""
        self.require(Step.ENROLL_PROFILE, Step.IDENTIFY)
        self.step = Step.IDENTIFY

    def signed_up(self, user: User, now: float, policy: AuthenticatorPolicy) -> None:
        """The sign-up form was accepted and ``user`` created: they enroll what the org requires (a password first of
        all), which verifies them."""
        self.require(Step.ENROLL_PROFILE)
        self.user = user
        self.identifier = user.login
        self.registering = True
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
        self.method = method or _DEFAULT_METHODS[key]
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

    def factor_verified(self, key: AuthenticatorKey, amr: str, policy: AuthenticatorPolicy) -> None:
        """The current challenge was met: count the factor and go on (a self-service unlock ends there)."""
        if self.unlocking:
            self._account_unlocked()
            return
        self.verified = (*self.verified, key)
        if amr not in self.amr:
            self.amr = (*self.amr, amr)
        if self.recovering:
            self._reset_asked()
            return
        self.advance(policy)

    # --- self-service unlock ---------------------------------------------------------------------------------

    def start_unlock(self) -> None:
        """ "Unlock account?" from the identify page: the unlock form (username and authenticator) comes next."""
        self.require(Step.IDENTIFY)
        self.unlocking = True
        self.step = Step.UNLOCK_ACCOUNT

    def choose_unlock(self, user: User, key: AuthenticatorKey, method: str | None, *, stand_in: bool) -> None:
        """The username and the authenticator to unlock with: its challenge comes next. ``user`` is whoever the
        username names, or (``stand_in``) one the engine made up so an unknown username cannot be told apart."""
        self.require(Step.UNLOCK_ACCOUNT)
        self.unlock_stand_in = stand_in
        self.user, self.identifier = user, user.login
        self.current, self.sent_code = key, None
        self.method = method or _DEFAULT_METHODS[key]
        self.step = Step.CHALLENGE

    def _account_unlocked(self) -> None:
        self.current, self.method, self.sent_code = None, None, None
        self.step = Step.ACCOUNT_UNLOCKED

    # --- password recovery and expiry --------------------------------------------------------------------------

    def recover(self, choices: tuple[AuthenticatorKey, ...], named: User | None = None) -> None:
        """ "Forgot password?" (the password's ``recover`` action): on the one-form identify page, the username comes
        next; on an identifier-first password challenge the username was given (``named``: the user it names, if
        any), so the list of ``choices`` (the org's recovery authenticators) comes at once. Nothing is revealed about
        the username either way."""
        if self.is_password_challenge():
            self.recovering = True
            self.user = named
            self._recovery_list(choices)
            return
        self.require(Step.IDENTIFY)
        self.recovering = True
        self.step = Step.IDENTIFY_RECOVERY

    def is_password_challenge(self) -> bool:
        """The first factor's password challenge of an identifier-first sign-in (the user not known yet)."""
        return self.step is Step.CHALLENGE and self.current is AuthenticatorKey.PASSWORD and not self.verified

    def identify_for_recovery(self, user: User | None, identifier: str, choices: tuple[AuthenticatorKey, ...]) -> None:
        """The username to recover; ``user`` is who it names (``None``: nobody, which the next pages do not show)."""
        self.require(Step.IDENTIFY_RECOVERY)
        self.user, self.identifier = user, identifier
        self._recovery_list(choices)

    def password_set(self, user: User, policy: AuthenticatorPolicy, now: float, *, terminal: bool) -> None:
        """The new password is set (``user`` has it): a recovery ends (``terminal``) or signs in with it, an expired or
        expiring password's sign-in goes on."""
        self.require(*PASSWORD_CHANGE_STEPS)
        self.user = user
        self.days_to_expiry = None
        if self.step is Step.RESET_PASSWORD:
            self.recovering = False
            if terminal:
                self.current = None
                self.step = Step.RECOVERY_COMPLETED
                return
            self.verified = (*self.verified, AuthenticatorKey.PASSWORD)
            self.amr = (*self.amr, "pwd") if "pwd" not in self.amr else self.amr
            self.auth_time = now
        self.advance(policy)

    def ask_password_change(self, *, expired: bool, days_left: int | None) -> None:
        """Right after the password was verified: an expired one must be changed, one that expires in ``days_left``
        days may be (the step the policy asked for next is worked out again after it, by :meth:`advance`)."""
        if not expired and days_left is None:
            return
        self.current, self.method, self.sent_code, self.pending = AuthenticatorKey.PASSWORD, None, None, None
        self.days_to_expiry = None if expired else days_left
        self.step = Step.PASSWORD_EXPIRED if expired else Step.PASSWORD_EXPIRING

    # --- enrollment ------------------------------------------------------------------------------------------

    def choose_enrollment(self, key: AuthenticatorKey) -> None:
        """An authenticator picked from the enrollment list: what setting it up asks first. Starting an Okta Verify
        activation, making a Google Authenticator secret, sending an email code are the engine's part."""
        self.require(*ENROLLING_AGAIN_ALLOWED)
        if key not in self.choices:
            raise IdxError(Reason.AUTHENTICATOR_NOT_ENROLLABLE, self)
        self.current, self.method, self.sent_code = key, _DEFAULT_METHODS.get(key), None
        self.pending = PendingEnrollment()
        self.step = {
            AuthenticatorKey.OKTA_VERIFY: Step.OV_ENROLL_POLL,
            AuthenticatorKey.PHONE: Step.ENROLLMENT_DATA,
        }.get(key, Step.ENROLL)

    def enrollment_data(self, phone_number: str, method: str) -> None:
        """The phone number to enroll (E.164) and how the code goes to it."""
        self.require_current(Step.ENROLLMENT_DATA, AuthenticatorKey.PHONE)
        assert self.pending is not None
        self.pending.phone_number, self.pending.phone_method = phone_number, method
        self.method = method
        self.step = Step.ENROLL

    def choose_channel(self, channel: str) -> None:
        """Okta Verify's activation by QR code, or by a link sent by email or SMS."""
        self.require_current((Step.OV_ENROLL_POLL, Step.OV_ENROLL_CHANNEL_DATA), AuthenticatorKey.OKTA_VERIFY)
        assert self.pending is not None
        if channel == "qrcode":
            self.pending.channel, self.pending.channel_target = channel, None
            self.step = Step.OV_ENROLL_POLL
        elif channel in ("email", "sms"):
            self.pending.channel = channel
            self.step = Step.OV_ENROLL_CHANNEL_DATA
        else:
            raise IdxError(Reason.INVALID_AUTHENTICATOR, self, f"unknown channel {channel!r}")

    def channel_target(self, target: str) -> None:
        """Where the activation link went (an address or an E.164 number): the page waits for the phone again."""
        self.require_current(Step.OV_ENROLL_CHANNEL_DATA, AuthenticatorKey.OKTA_VERIFY)
        assert self.pending is not None
        self.pending.channel_target = target
        self.step = Step.OV_ENROLL_POLL

    def enrolled(self, user: User, key: AuthenticatorKey, amr: str, policy: AuthenticatorPolicy) -> None:
        """The new authenticator is set up (``user`` has it now): enrolling it verified it."""
        self.require_current(_ENROLLMENT_STEPS, key)
        self.user = user
        self.enrolled_here = (*self.enrolled_here, key)
        self.factor_verified(key, amr, policy)

    def skip(self, policy: AuthenticatorPolicy) -> None:
        """ "Set up later" on the optional authenticators' list, or "Remind me later" when the password expires soon."""
        self.require(Step.SELECT_ENROLL, Step.PASSWORD_EXPIRING)
        if self.step is Step.PASSWORD_EXPIRING:
            self.days_to_expiry = None
            self.advance(policy)
            return
        if not self.optional:
            raise IdxError(Reason.STEP_UNAVAILABLE, self)
        self.skipped_optional = True
        self.advance(policy)

    def choose_okta_verify(self, method: VerifyMethod | None) -> VerifyMethod | None:
        """Okta Verify picked from the list; without a method the user is asked to pick one next, unless they ticked
        "Send push automatically" before (then it is a push). The method it comes to."""
        self._require_choice(AuthenticatorKey.OKTA_VERIFY)
        enrollment = self._okta_verify()
        self.current, self.sent_code = AuthenticatorKey.OKTA_VERIFY, None
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
        """Okta Verify answered (push approved or code right). The policy is the one :meth:`advance` last used: a
        push may be approved on a poll that has no policy at hand, and Okta Verify always meets the second factor."""
        self.verified = (*self.verified, AuthenticatorKey.OKTA_VERIFY)
        if factor_amr not in self.amr:
            self.amr = (*self.amr, factor_amr)
        if "mfa" not in self.amr:
            self.amr = (*self.amr, "mfa")
        self.current = None
        self.step = Step.SUCCESS

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

    def check_access(self, user: User, policy: AuthenticatorPolicy) -> None:
        """The app's authentication policy, once the user is known: a deny rule ends the sign-in here. Checked after
        the first factor, so a denied user's wrong password still gets "Authentication failed" (no user
        enumeration), and before anything is written, so the refused request changes nothing."""
        if policy.denies(self.interaction.client_id, user.groups):
            raise IdxError(Reason.ACCESS_DENIED, self)

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

    def _recovery_list(self, choices: tuple[AuthenticatorKey, ...]) -> None:
        self.current, self.method, self.sent_code, self.pending = None, None, None, None
        self.choices, self.optional = choices, False
        self.step = Step.SELECT_AUTHENTICATOR

    def _reset_asked(self) -> None:
        """A recovery factor was verified: the new password comes next."""
        self.current, self.method, self.sent_code, self.pending = AuthenticatorKey.PASSWORD, None, None, None
        self.step = Step.RESET_PASSWORD

    def _require_choice(self, key: AuthenticatorKey) -> None:
        """Choosing an authenticator to verify with: from the verification list or a step of one of its entries."""
        self.require(*CHOOSING_AGAIN_ALLOWED)
        if not self.verified and not self.recovering:  # the first factor's own challenge has no list
            raise IdxError(Reason.STEP_UNAVAILABLE, self)
        if key not in self.choices:
            raise IdxError(Reason.INVALID_AUTHENTICATOR, self, "not an authenticator to verify with here")

    def require_current(self, steps: Step | tuple[Step, ...], key: AuthenticatorKey) -> None:
        """Refuse a request that this step, or the authenticator it is about, does not take."""
        self.require(*((steps,) if isinstance(steps, Step) else steps))
        if self.current is not key:
            raise IdxError(Reason.STEP_UNAVAILABLE, self)

    def _okta_verify(self) -> OktaVerifyEnrollment:
        if self.user is None or self.user.okta_verify is None:
            raise IdxError(Reason.INVALID_AUTHENTICATOR, self)
        return self.user.okta_verify

    def require(self, *steps: Step) -> None:
        """Refuse a request that this step does not take (with no steps: refuse it whatever the step is). Once the push
        has timed out nothing but cancel goes on: every step answers the same terminal "verification timed out" that
        the poll did."""
        if self.step is Step.TIMED_OUT:
            raise IdxError(Reason.VERIFICATION_TIMED_OUT, self)
        if self.step is Step.TERMINAL:
            raise IdxError(self.terminal or Reason.SESSION_EXPIRED, self)
        if self.step not in steps:
            raise IdxError(Reason.STEP_UNAVAILABLE, self)


_DEFAULT_METHODS = {
    AuthenticatorKey.EMAIL: "email",
    AuthenticatorKey.GOOGLE: "otp",
    AuthenticatorKey.SECURITY_QUESTION: "security_question",
    AuthenticatorKey.PASSWORD: "password",
    AuthenticatorKey.PHONE: "sms",
}
_ENROLLMENT_STEPS = (Step.ENROLL, Step.OV_ENROLL_POLL)


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())
