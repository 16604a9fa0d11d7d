"""Users and the authenticators they have enrolled: the org's directory.

A user's Okta Verify enrollment carries a *script* for the phone (:class:`PushBehaviour`): whether pushes are answered
by a person (``manual``) or automatically approved, denied or left to time out. Tests choose behaviour per user, so two
sign-ins running at the same moment never need a global switch.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

import pyotp

from .authenticators import AuthenticatorKey
from .ids import okta_id


class PushOutcome(str, Enum):
    MANUAL = "manual"
    APPROVE = "approve"
    DENY = "deny"
    TIMEOUT = "timeout"


class ExpiredPushAnswer(str, Enum):
    """What the sign-in answers once a push went unanswered until it expired.

    ``RESEND`` is what Okta's real captures show for a push that is no longer pending (HTTP 200, a ``resend``
    remediation and "Verify with something else"); ``TERMINAL`` is the widget's "verification timed out" fixture
    (404 ``core.system.transaction_resource_not_found`` on every step), kept for apps that must handle it."""

    RESEND = "resend"
    TERMINAL = "terminal"


class NumberAnswer(str, Enum):
    """Which number a scripted phone taps in a number challenge."""

    CORRECT = "correct"
    WRONG = "wrong"


DEFAULT_DEVICE_NAME = "iPhone"


class UserStatus(str, Enum):
    """Okta's user statuses (the ``status`` of ``/api/v1/users``), each answering sign-in as Okta does.

    ``STAGED`` and ``PROVISIONED`` users have not activated their account yet (an admin created them; Okta sends a
    ``PROVISIONED`` user an activation email); ``LOCKED_OUT`` follows too many wrong passwords (the lockout policy) or
    an admin's lock; ``PASSWORD_EXPIRED`` must change their password before signing in; ``SUSPENDED`` and
    ``DEPROVISIONED`` cannot sign in at all. ``RECOVERY`` is Okta's status while an admin-started reset is pending."""

    STAGED = "STAGED"
    PROVISIONED = "PROVISIONED"
    ACTIVE = "ACTIVE"
    RECOVERY = "RECOVERY"
    LOCKED_OUT = "LOCKED_OUT"
    PASSWORD_EXPIRED = "PASSWORD_EXPIRED"
    SUSPENDED = "SUSPENDED"
    DEPROVISIONED = "DEPROVISIONED"


class VerifyMethod(str, Enum):
    PUSH = "push"
    TOTP = "totp"


@dataclass(frozen=True)
class PushBehaviour:
    outcome: PushOutcome = PushOutcome.MANUAL
    after_polls: int = 0
    """Scripted outcomes happen once the app has polled this many times (0: at the first poll)."""
    after_seconds: float | None = None
    """...or once this much (virtual) time has passed since the push was sent, whichever is set."""
    number_challenge: bool = False
    number_answer: NumberAnswer = NumberAnswer.CORRECT
    when_expired: ExpiredPushAnswer = ExpiredPushAnswer.RESEND


@dataclass
class OktaVerifyEnrollment:
    methods: tuple[VerifyMethod, ...] = (VerifyMethod.PUSH, VerifyMethod.TOTP)
    push: PushBehaviour = field(default_factory=PushBehaviour)
    totp_secret: str = field(default_factory=pyotp.random_base32)
    device_name: str = DEFAULT_DEVICE_NAME
    """The phone's name, as Okta shows it in the enrollment's ``profile.deviceName``."""
    auto_challenge: bool = False
    """Okta's "Send push automatically": once the user ticks it with a push, choosing Okta Verify sends the push
    straight away on later sign-ins, without asking for the method."""
    enrollment_id: str = field(default_factory=lambda: okta_id("pfd"))

    def supports(self, method: VerifyMethod) -> bool:
        return method in self.methods


@dataclass
class EmailEnrollment:
    """The user's email address as an authenticator (the address is the profile's ``email``)."""

    enrollment_id: str = field(default_factory=lambda: okta_id("eae"))


@dataclass
class PhoneEnrollment:
    number: str
    """E.164 (``+15551234567``), as Okta keeps it."""
    enrollment_id: str = field(default_factory=lambda: okta_id("sms"))


@dataclass
class GoogleAuthenticatorEnrollment:
    secret: str = field(default_factory=pyotp.random_base32)
    enrollment_id: str = field(default_factory=lambda: okta_id("gaf"))


@dataclass
class SecurityQuestionEnrollment:
    question_key: str
    """One of Okta's predefined question keys, or ``custom``."""
    question: str
    answer: str
    enrollment_id: str = field(default_factory=lambda: okta_id("qae"))


@dataclass
class User:
    login: str
    password: str | None
    """``None``: the user has no password yet (they sign in with their email and set one, as the org asks)."""
    profile: dict[str, str] = field(default_factory=dict)
    okta_verify: OktaVerifyEnrollment | None = None
    id: str = field(default_factory=lambda: okta_id("00u"))
    groups: tuple[str, ...] = ()
    """The names of the groups the user belongs to (what groups claims and access policy rules look at)."""
    email: EmailEnrollment | None = None
    phone: PhoneEnrollment | None = None
    google: GoogleAuthenticatorEnrollment | None = None
    security_question: SecurityQuestionEnrollment | None = None
    password_history: tuple[str, ...] = ()
    """Earlier passwords, newest first (what the password policy's history rule compares a new one with)."""
    status: UserStatus = UserStatus.ACTIVE
    password_changed_at: float | None = None
    """When the password was last set, on the org's virtual clock (what the password policy's age rules count from);
    ``None``: set when the org was loaded, which counts as the clock's start."""
    failed_passwords: tuple[float, ...] = ()
    """When each wrong password since the last right one was given, on the virtual clock, oldest first (what the
    lockout policy counts: :mod:`.lockout`)."""
    locked_at: float | None = None
    """When the account was locked out (what auto-unlock counts from); ``None`` while it is not locked."""
    activation_token: str | None = None
    """The user's current activation token (:mod:`.user_lifecycle`), while they are activating; any other is
    invalid."""
    signed_out_at: float | None = None
    """When an admin's suspend or deactivate last ended every session and token the user had, on the virtual clock:
    those from earlier sign-ins stay dead even once the user is active again (:func:`.user_states.still_signed_in`)."""

    def __post_init__(self) -> None:
        profile = {**_default_profile(self.login), **self.profile}
        profile.setdefault("name", f"{profile['firstName']} {profile['lastName']}")
        self.profile = profile

    def check_password(self, candidate: str) -> bool:
        if self.password is None:
            return False
        return hmac.compare_digest(self.password.encode(), candidate.encode())

    def password_set_at(self, clock_start: float) -> float:
        """When the password was set, on the org's virtual clock: :attr:`password_changed_at`, or ``clock_start`` for
        a password the org was loaded with."""
        return self.password_changed_at if self.password_changed_at is not None else clock_start

    def enrolled(self) -> frozenset[AuthenticatorKey]:
        """The authenticators this user has."""
        have = {
            AuthenticatorKey.PASSWORD: self.password is not None,
            AuthenticatorKey.OKTA_VERIFY: self.okta_verify is not None,
            AuthenticatorKey.EMAIL: self.email is not None,
            AuthenticatorKey.PHONE: self.phone is not None,
            AuthenticatorKey.GOOGLE: self.google is not None,
            AuthenticatorKey.SECURITY_QUESTION: self.security_question is not None,
        }
        return frozenset(key for key, has in have.items() if has)

    @property
    def email_address(self) -> str:
        return self.profile["email"]

    @property
    def display_name(self) -> str:
        return self.profile.get("name") or self.login


def _default_profile(login: str) -> dict[str, str]:
    local = login.split("@", 1)[0]
    first = local.split(".")[0].capitalize() or login
    return {
        "login": login,
        "email": login if "@" in login else f"{login}@example.com",
        "firstName": first,
        "lastName": "User",
        "locale": "en_US",
        "timeZone": "UTC",
    }


class Directory:
    """Users by login (case-insensitive, as Okta's usernames are)."""

    def __init__(self) -> None:
        self._users: dict[str, User] = {}

    def put(self, user: User) -> User:
        self._users[user.login.lower()] = user
        return user

    def get(self, login: str) -> User | None:
        return self._users.get(login.lower())

    def remove(self, login: str) -> bool:
        return self._users.pop(login.lower(), None) is not None

    def clear(self) -> None:
        self._users.clear()

    def __iter__(self) -> Iterator[User]:
        return iter(list(self._users.values()))

    def __len__(self) -> int:
        return len(self._users)
