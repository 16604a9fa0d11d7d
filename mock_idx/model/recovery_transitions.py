"""Password recovery's and password expiry's moves on a sign-in: the flows that end in a new password for a user who
has one (``RESET_PASSWORD``, ``PASSWORD_EXPIRED``, ``PASSWORD_EXPIRING``), so they share :meth:`password_set`.

Recovery ("Forgot password?"): IDENTIFY --recover--> IDENTIFY_RECOVERY --username--> SELECT_AUTHENTICATOR (the org's
recovery authenticators) --> CHALLENGE --code or link--> RESET_PASSWORD --new password--> on with the sign-in, or
RECOVERY_COMPLETED (terminal) as the recovery policy says. Identifier-first, ``recover`` on the password challenge
goes straight to the list. Expiry: a password that has expired (or will soon) is asked for again right after it was
verified: PASSWORD_EXPIRED, or PASSWORD_EXPIRING (with ``skip``), then on. Which authenticators recover and what
follows the reset is :mod:`.recovery`'s; the password's rules are :mod:`.password_policy`'s.
"""

from __future__ import annotations

from .authenticators import AuthenticatorKey, AuthenticatorPolicy
from .directory import User
from .transaction_state import PASSWORD_CHANGE_STEPS, Step, TransactionState


class RecoveryTransitions(TransactionState):
    """Recovery's steps, the expired and expiring password's, and the new password that ends them."""

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

    def factor_verified(self, key: AuthenticatorKey, amr: str, policy: AuthenticatorPolicy) -> None:
        """A recovery's factor met: it counts, and the new password comes next rather than the rest of the policy."""
        if not self.recovering:
            super().factor_verified(key, amr, policy)
            return
        self._count_factor(key, amr)
        self._reset_asked()

    def skip(self, policy: AuthenticatorPolicy) -> None:
        """ "Remind me later" when the password expires soon: on with the sign-in, the password as it is."""
        if self.step is not Step.PASSWORD_EXPIRING:
            super().skip(policy)
            return
        self.days_to_expiry = None
        self.advance(policy)

    def _recovery_list(self, choices: tuple[AuthenticatorKey, ...]) -> None:
        self.current, self.method, self.sent_code, self.pending = None, None, None, None
        self.choices, self.optional = choices, False
        self.step = Step.SELECT_AUTHENTICATOR

    def _reset_asked(self) -> None:
        """A recovery factor was verified: the new password comes next."""
        self.current, self.method, self.sent_code, self.pending = AuthenticatorKey.PASSWORD, None, None, None
        self.step = Step.RESET_PASSWORD
