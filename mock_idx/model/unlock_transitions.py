"""Self-service unlock's moves on a sign-in ("Unlock account?").

IDENTIFY --> UNLOCK_ACCOUNT --username and authenticator--> CHALLENGE --code or link--> ACCOUNT_UNLOCKED, where
nothing is left but going back to sign in. The challenge is the ordinary one (:class:`.transaction.Transaction`'s
codes and links); what differs is its end, so :meth:`UnlockTransitions.factor_verified` ends an unlock at its proof
instead of counting a factor. The engine's side (the username looked up, a stand-in for an unknown one, the user
unlocked) is :mod:`.account_lockout`.
"""

from __future__ import annotations

from .authenticators import AuthenticatorKey, AuthenticatorPolicy
from .directory import User
from .transaction_state import DEFAULT_METHODS, Step, TransactionState


class UnlockTransitions(TransactionState):
    """The unlock form and its end."""

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
        self.method = method or DEFAULT_METHODS[key]
        self.step = Step.CHALLENGE

    def factor_verified(self, key: AuthenticatorKey, amr: str, policy: AuthenticatorPolicy) -> None:
        """An unlock's challenge met: the account is unlocked and the sign-in ends there, signing nobody in (no
        factor counted). Any other sign-in goes on as its flow says."""
        if self.unlocking:
            self._account_unlocked()
            return
        super().factor_verified(key, amr, policy)

    def _account_unlocked(self) -> None:
        self.current, self.method, self.sent_code = None, None, None
        self.step = Step.ACCOUNT_UNLOCKED
