"""The org's authenticators and the policy that says which a user enrolls and which a sign-in needs.

Okta splits this over two policies: the *authenticator enrollment policy* (per authenticator: required, optional or
not allowed) and the app's *authentication policy* (how many factor types a sign-in needs). :func:`next_need` reads
both against what a user has enrolled and what this sign-in has verified so far, and says what the sign-in needs
next; the transaction turns that into a step. Nothing here knows IDX or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .assurance import NEVER_MET, Assurance
from .ids import stable_id


class AuthenticatorKey(str, Enum):
    """Okta's authenticator keys, as IDX documents name them."""

    PASSWORD = "okta_password"
    OKTA_VERIFY = "okta_verify"
    EMAIL = "okta_email"
    PHONE = "phone_number"
    GOOGLE = "google_otp"
    SECURITY_QUESTION = "security_question"


POSSESSION = frozenset(
    {AuthenticatorKey.OKTA_VERIFY, AuthenticatorKey.EMAIL, AuthenticatorKey.PHONE, AuthenticatorKey.GOOGLE}
)
"""Possession factors: what a second factor *type* must be, since password and security question are both knowledge."""

AMR = {
    AuthenticatorKey.PASSWORD: "pwd",
    AuthenticatorKey.EMAIL: "email",
    AuthenticatorKey.PHONE: "sms",
    AuthenticatorKey.GOOGLE: "otp",
    AuthenticatorKey.SECURITY_QUESTION: "kba",
}
"""The ``amr`` value an authenticator adds to the ID token (Okta Verify's depends on the method: ``swk`` or ``otp``;
a voice call adds ``tel``)."""


class Enrollment(str, Enum):
    """An authenticator's place in the enrollment policy."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    DISABLED = "disabled"
    """Not in the org (or not allowed for enrollment): never offered, never asked for."""


class SignOn(str, Enum):
    """What the authentication policy asks of a sign-in once the first factor is verified."""

    WHEN_ENROLLED = "when_enrolled"
    """mock-idx's default, which every scenario written before authenticators existed relies on: a second factor
    when the user has one enrolled, none otherwise (Okta has no such rule: say ``two_factors`` to be strict)."""
    ONE_FACTOR = "one_factor"
    """Okta's "Any 1 factor type": the first factor is enough."""
    TWO_FACTORS = "two_factors"
    """Okta's "Any 2 factor types": a possession factor besides the password; a user without one must enroll one."""
    OKTA_VERIFY = "okta_verify"
    """Two factor types, the second being Okta Verify (Okta's possession constraint on the rule)."""


@dataclass(frozen=True)
class DenyRule:
    """A rule of the app's authentication policy whose outcome is Okta's "Access is denied": once the user is known,
    a sign-in it applies to ends with ``security.access_denied`` and nothing is issued."""

    groups: tuple[str, ...] = ()
    """The groups it applies to (a member of any one); none listed: every user."""
    clients: tuple[str, ...] = ()
    """The apps (client ids) whose policy has it; none listed: every app."""

    def applies(self, client_id: str, user_groups: tuple[str, ...]) -> bool:
        in_group = not self.groups or any(group in self.groups for group in user_groups)
        return in_group and (not self.clients or client_id in self.clients)


DEFAULT_ENROLLMENT = (
    (AuthenticatorKey.PASSWORD, Enrollment.REQUIRED),
    (AuthenticatorKey.OKTA_VERIFY, Enrollment.OPTIONAL),
)


@dataclass(frozen=True)
class AuthenticatorPolicy:
    """The org's authenticators (in the order Okta lists them) and the rules over them."""

    enrollment: tuple[tuple[AuthenticatorKey, Enrollment], ...] = DEFAULT_ENROLLMENT
    sign_on: SignOn = SignOn.WHEN_ENROLLED
    identifier_first: bool = False
    """Okta's identifier-first sign-in: ``identify`` asks for the username alone and the password is a challenge of
    its own; off, the username and the password come on one form."""
    code_lifetime: float = 300.0
    """How long an email, SMS or voice code stays good (Okta's default: 5 minutes)."""
    activation_lifetime: float = 300.0
    """How long an Okta Verify activation (QR code or link) stays good."""
    deny: tuple[DenyRule, ...] = ()
    """Rules that deny access to some users of some apps (checked once the first factor shows who the user is)."""

    def denies(self, client_id: str, user_groups: tuple[str, ...]) -> bool:
        """Whether the app's authentication policy denies this user access."""
        return any(rule.applies(client_id, user_groups) for rule in self.deny)

    def can_meet(self, assurance: Assurance) -> bool:
        """Whether anyone could reach this level in this org: two factors need a possession authenticator in the
        org; the phishing-resistant levels need authenticators mock-idx does not model."""
        if assurance in NEVER_MET:
            return False
        if assurance is Assurance.ANY_TWO_FACTORS:
            return any(self.has(key) for key in POSSESSION)
        return True

    def requirement(self, key: AuthenticatorKey) -> Enrollment:
        return dict(self.enrollment).get(key, Enrollment.DISABLED)

    def enabled(self) -> tuple[AuthenticatorKey, ...]:
        """The org's authenticators, in the policy's order."""
        return tuple(key for key, rule in self.enrollment if rule is not Enrollment.DISABLED)

    def has(self, key: AuthenticatorKey) -> bool:
        return self.requirement(key) is not Enrollment.DISABLED


DEFAULT_AUTHENTICATOR_POLICY = AuthenticatorPolicy()


@dataclass(frozen=True)
class AuthenticatorIds:
    """The org-wide ids (``aut…``) IDX documents give each authenticator: two are stored with the org's identity, the
    others derived from them, so every replica names them alike."""

    password_id: str
    okta_verify_id: str
    others: dict[AuthenticatorKey, str] = field(default_factory=dict)

    @classmethod
    def derive(cls, password_id: str, okta_verify_id: str) -> AuthenticatorIds:
        derived: dict[AuthenticatorKey, str] = {
            key: stable_id("aut", f"{password_id}:{key.value}")
            for key in AuthenticatorKey
            if key not in (AuthenticatorKey.PASSWORD, AuthenticatorKey.OKTA_VERIFY)
        }
        return cls(password_id, okta_verify_id, derived)

    def of(self, key: AuthenticatorKey) -> str:
        if key is AuthenticatorKey.PASSWORD:
            return self.password_id
        if key is AuthenticatorKey.OKTA_VERIFY:
            return self.okta_verify_id
        return self.others[key]

    def key_of(self, authenticator_id: str) -> AuthenticatorKey | None:
        """The authenticator an id names (Okta takes the ``aut…`` id, never an enrollment's)."""
        return next((key for key in AuthenticatorKey if self.of(key) == authenticator_id), None)


class NeedKind(str, Enum):
    ENROLL = "enroll"
    """Enroll one of :attr:`Need.choices` (with ``skip`` allowed when :attr:`Need.optional`)."""
    VERIFY = "verify"
    """Verify with one of :attr:`Need.choices` (the user's enrolled ones)."""
    DONE = "done"


@dataclass(frozen=True)
class Need:
    kind: NeedKind
    choices: tuple[AuthenticatorKey, ...] = ()
    optional: bool = False


def next_need(
    policy: AuthenticatorPolicy,
    enrolled: frozenset[AuthenticatorKey],
    verified: tuple[AuthenticatorKey, ...],
    enrolled_here: tuple[AuthenticatorKey, ...],
    skipped_optional: bool,
    assurance: Assurance | None = None,
) -> Need:
    """What the sign-in needs once the first factor is verified.

    In Okta's order: required authenticators the user lacks are enrolled first (enrolling one verifies it); then the
    authentication policy's second factor, from the user's enrolled ones, or enrolled now when they have none that
    will do; then what the app's requested ``assurance`` adds to the policy; then, only for a user who enrolled
    something in this sign-in, the optional ones they still lack, with ``skip``.
    """
    enabled = policy.enabled()
    missing_required = tuple(
        key for key in enabled if policy.requirement(key) is Enrollment.REQUIRED and key not in enrolled
    )
    if missing_required:
        return Need(NeedKind.ENROLL, missing_required)
    second = _second_factor_choices(policy, enrolled, verified)
    if second is not None:
        return second
    stepped_up = _assurance_choices(policy, enrolled, verified, assurance)
    if stepped_up is not None:
        return stepped_up
    missing_optional = tuple(
        key for key in enabled if policy.requirement(key) is Enrollment.OPTIONAL and key not in enrolled
    )
    if enrolled_here and missing_optional and not skipped_optional:
        return Need(NeedKind.ENROLL, missing_optional, optional=True)
    return Need(NeedKind.DONE)


def _second_factor_choices(
    policy: AuthenticatorPolicy, enrolled: frozenset[AuthenticatorKey], verified: tuple[AuthenticatorKey, ...]
) -> Need | None:
    enabled = policy.enabled()
    if policy.sign_on is SignOn.ONE_FACTOR:
        return None
    if policy.sign_on is SignOn.WHEN_ENROLLED:
        others = tuple(key for key in enabled if key is not AuthenticatorKey.PASSWORD and key in enrolled)
        if not others or any(key in verified for key in others):
            return None
        return Need(NeedKind.VERIFY, others)
    wanted = (
        (AuthenticatorKey.OKTA_VERIFY,)
        if policy.sign_on is SignOn.OKTA_VERIFY
        else tuple(key for key in enabled if key in POSSESSION)
    )
    if any(key in verified for key in wanted):
        return None
    have = tuple(key for key in wanted if key in enrolled and key in enabled)
    if have:
        return Need(NeedKind.VERIFY, have)
    can_enroll = tuple(key for key in wanted if policy.requirement(key) is not Enrollment.DISABLED)
    return Need(NeedKind.ENROLL, can_enroll or wanted)


def _assurance_choices(
    policy: AuthenticatorPolicy,
    enrolled: frozenset[AuthenticatorKey],
    verified: tuple[AuthenticatorKey, ...],
    assurance: Assurance | None,
) -> Need | None:
    """What an app's ACR value asks beyond the policy: a possession factor for two factors (enrolled on the spot when
    the user has none, for ``2fa:any``; only when they have one, for ``2fa:any:ifpossible``). The one-factor levels
    add nothing: the password (always the first factor here) meets both."""
    if assurance not in (Assurance.ANY_TWO_FACTORS, Assurance.TWO_FACTORS_IF_POSSIBLE):
        return None
    possession = tuple(key for key in policy.enabled() if key in POSSESSION)
    if any(key in verified for key in possession):
        return None
    have = tuple(key for key in possession if key in enrolled)
    if have:
        return Need(NeedKind.VERIFY, have)
    if assurance is Assurance.TWO_FACTORS_IF_POSSIBLE or not possession:
        return None
    return Need(NeedKind.ENROLL, possession)
