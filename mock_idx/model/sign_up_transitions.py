"""Self-service registration's moves on a sign-in: "Sign up" on the identify page, back again, and the form accepted.

The engine's side (the profile checked, the user created and claimed) is :mod:`.sign_up_steps`; here is only where
the sign-in goes: IDENTIFY --> ENROLL_PROFILE --the form--> the org's required enrollments, as for a user who lacks
them (:meth:`~.transaction_state.TransactionState.advance`), the new user activated when the sign-in succeeds.
"""

from __future__ import annotations

from .authenticators import AuthenticatorPolicy
from .directory import User
from .transaction_state import Step, TransactionState


class SignUpTransitions(TransactionState):
    """The sign-up form's steps."""

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
