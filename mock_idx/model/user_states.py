"""How each user status answers sign-in: the one table the IDX steps ask before they trust a user.

Okta never tells a sign-in page *why* an account cannot sign in when that would reveal that the account exists: a
suspended, deactivated or not-yet-activated user typing their username (and even their right password) is answered
exactly as a username nobody has (:attr:`Admission.AS_UNKNOWN`). Once a sign-in is under way the user is known, so a
status that changes mid-flight ends it (:attr:`Admission.refused_mid_flight`).

``LOCKED_OUT`` and ``PASSWORD_EXPIRED`` are admitted here and judged after the user is known (the lockout policy
refuses a locked user's password; an expired password leads to the change-password step). What the rows do on the
wire is :mod:`mock_idx.idx.messages`'.
"""

from __future__ import annotations

from enum import Enum

from .directory import User, UserStatus
from .errors import Reason


class Admission(str, Enum):
    """What a sign-in does with a user of some status."""

    SIGNS_IN = "signs_in"
    """The sign-in goes on as the org's policy says."""
    AS_UNKNOWN = "as_unknown"
    """Answered as a username nobody has, whatever password comes with it: no user enumeration."""

    @property
    def refused_mid_flight(self) -> Reason | None:
        """The terminal refusal for a sign-in already under way whose user now has this status (``None``: it goes
        on). A guess: no capture shows a sign-in whose user changed status mid-flight; Okta's generic 403 "You do
        not have permission" is the one terminal answer its widget fixtures give an identified user it refuses."""
        return None if self is Admission.SIGNS_IN else Reason.ACCESS_DENIED


ADMISSIONS: dict[UserStatus, Admission] = {
    UserStatus.ACTIVE: Admission.SIGNS_IN,
    UserStatus.RECOVERY: Admission.SIGNS_IN,
    UserStatus.LOCKED_OUT: Admission.SIGNS_IN,
    UserStatus.PASSWORD_EXPIRED: Admission.SIGNS_IN,
    UserStatus.STAGED: Admission.AS_UNKNOWN,
    UserStatus.PROVISIONED: Admission.AS_UNKNOWN,
    UserStatus.SUSPENDED: Admission.AS_UNKNOWN,
    UserStatus.DEPROVISIONED: Admission.AS_UNKNOWN,
}
"""Every status's row. ``LOCKED_OUT`` and ``PASSWORD_EXPIRED`` users are admitted here and judged further on: a
locked user's password is refused by :mod:`.account_lockout`, an expired one is asked for a new password right after it
is verified (:meth:`.sign_in_steps.SignInSteps.identify`); ``RECOVERY`` signs in (an admin's reset does not stop the old
sign-in until it completes)."""


def admission(status: UserStatus) -> Admission:
    return ADMISSIONS[status]


def as_sign_in_sees(user: User | None) -> User | None:
    """The user an ``identify`` (or an identifier-first password challenge) may go on with: ``None`` for a username
    nobody has and for a user whose status answers as one."""
    if user is None or admission(user.status) is Admission.AS_UNKNOWN:
        return None
    return user


def refusal_mid_flight(user: User | None) -> Reason | None:
    """Why a sign-in already under way for ``user`` (as the directory has them now; ``None``: deleted) must stop,
    or ``None`` when it goes on."""
    if user is None:
        return Reason.ACCESS_DENIED
    return admission(user.status).refused_mid_flight


def can_sign_in(status: UserStatus) -> bool:
    return admission(status) is Admission.SIGNS_IN


def still_signed_in(user: User | None, signed_in_at: float) -> bool:
    """Whether a session, token or code from a sign-in (or issuance) at ``signed_in_at`` on the virtual clock still
    stands, with its user as the directory has them now (``None``: deleted). Not when the user cannot sign in now
    (suspended, deactivated: Okta ends their sessions and tokens), nor when an admin signed them out everywhere after
    it (:attr:`~.directory.User.signed_out_at`: unsuspending does not bring it back)."""
    if user is None or not can_sign_in(user.status):
        return False
    return user.signed_out_at is None or signed_in_at > user.signed_out_at
