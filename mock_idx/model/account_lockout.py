"""The engine's lockout side: wrong passwords counted on the user, a locked user refused, the clock unlocking them,
and self-service unlock ("Unlock account?") as IDX steps. The rules are :mod:`.lockout`'s; this part reads the user
from the store, applies them, and writes the user back, so every replica counts on the same record.
"""

from __future__ import annotations

from .authenticator_steps import Delivery
from .clock import Instant
from .directory import EmailEnrollment, PhoneEnrollment, User
from .engine_core import EngineCore
from .errors import IdxError, NotFound, Reason
from .ids import secret_token
from .lockout import (
    after_right_password,
    after_wrong_password,
    auto_unlock_due,
    is_locked,
    locked,
    unlocked,
)
from .transaction import SentCode, Step, Transaction
from .user_lifecycle import LOCKABLE, check_status_allows
from .user_states import as_sign_in_sees

STAND_IN_NUMBER = "+12015550100"
"""The phone number a stand-in for an unknown username "has" (a 555-01xx number, reserved for fiction; nothing is
sent to it)."""


class AccountLockout(EngineCore):
    """Counting passwords, refusing locked users, and unlocking them."""

    # --- counting, for the password steps ----------------------------------------------------------------------

    async def _user_up_to_date(self, login: str | None, now: float) -> User | None:
        """The user ``login`` names, unlocked first if their lock has run its course (the clock is only looked at
        when the user is used)."""
        user = await self.store.user(login) if login else None
        if user is not None and auto_unlock_due(user, now, self.policy.lockout):
            user = unlocked(user)
            await self.store.put_user(user)
        return user

    def _refuse_if_locked(self, user: User | None, transaction: Transaction, wrong_password: IdxError) -> None:
        """A locked user is refused whatever password they give: told so when the policy shows lockout failures,
        otherwise exactly as a wrong password is (nothing reveals that the account exists or is locked)."""
        if user is not None and is_locked(user):
            if self.policy.lockout.show_lockout_failures:
                raise IdxError(Reason.ACCOUNT_LOCKED, transaction)
            raise wrong_password

    async def _count_password(
        self, user: User | None, password: str, transaction: Transaction, at: Instant
    ) -> User | None:
        """``password`` was given for ``user``: a wrong one counts towards lockout (and when it is the one that
        locks the account and the policy shows lockout failures, the refusal says so), a right one starts the count
        again. The user as stored now."""
        if user is None:
            return None
        right = user.check_password(password)
        updated = after_right_password(user) if right else after_wrong_password(user, at.now, self.policy.lockout)
        if updated is not user:
            await self.store.put_user(updated)
        if not right and is_locked(updated) and self.policy.lockout.show_lockout_failures:
            raise IdxError(Reason.ACCOUNT_LOCKED, transaction)
        return updated

    # --- self-service unlock (IDX) -----------------------------------------------------------------------------

    async def unlock_account(self, transaction: Transaction) -> Transaction:
        """``/idp/idx/unlock-account``: the identify page's "Unlock account?", when the org allows it."""
        at = await self._instant()
        if not self.policy.lockout.self_service_unlock:
            raise IdxError(Reason.STEP_UNAVAILABLE, transaction)
        transaction.start_unlock()
        return await self._commit(transaction, at)

    async def choose_unlock_authenticator(
        self, transaction: Transaction, identifier: str, authenticator_id: str, method: str | None, delivery: Delivery
    ) -> Transaction:
        """The unlock form: who, and with what. A user who has that authenticator gets its code (proving it unlocks
        them if they are locked; either way Okta's "unlocked" message follows); an unknown username, or a user
        without it, sees the same challenge page, but no code goes out and none is right, so the page reveals
        nothing about the username."""
        at = await self._instant()
        transaction.require(Step.UNLOCK_ACCOUNT)
        lockout = self.policy.lockout
        key = self.authenticators.key_of(authenticator_id)
        if key is None:
            raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "unknown authenticator")
        if not lockout.allows_unlock_with(key, method):
            raise IdxError(Reason.UNLOCK_NOT_ALLOWED, transaction)
        method = method or lockout.methods_for(key)[0]
        user = as_sign_in_sees(await self._user_up_to_date(identifier, at.now))
        genuine = user is not None and key in user.enrolled()
        if user is None or not genuine:
            user = _stand_in(identifier, user)
        transaction.choose_unlock(user, key, method, stand_in=not genuine)
        if genuine:
            await self.steps.challenge_started(transaction, at.now, self.policy.authenticators, delivery)
        else:
            transaction.code_sent(
                SentCode(secret_token(), at.now + self.policy.authenticators.code_lifetime, (at.now,))
            )
        return await self._commit(transaction, at)

    # --- the admin (control API) -------------------------------------------------------------------------------

    async def lock_user(self, login: str) -> User:
        """Lock the user out, as the lockout policy would (Okta has no API for it; the control API does)."""
        at = await self._instant()
        user = await self._existing_user(login)
        check_status_allows(user, LOCKABLE, "lock")
        updated = locked(user, at.now)
        await self.store.put_user(updated)
        return updated

    async def unlock_user(self, login: str) -> User:
        """Okta's ``lifecycle/unlock``: active again, with a fresh count."""
        await self._instant()
        updated = unlocked(await self._existing_user(login))
        await self.store.put_user(updated)
        return updated

    async def user_as_of_now(self, login: str) -> User:
        """The user as the control API shows them: a lock that has run its course is lifted first, as the user's
        next sign-in would."""
        at = await self._instant()
        user = await self._user_up_to_date(login, at.now)
        if user is None:
            raise NotFound(f"no user {login!r}")
        return user


def _stand_in(identifier: str, user: User | None) -> User:
    """Someone the unlock page can show a challenge for when the username names no user with the authenticator
    chosen: a made-up user of that name (the real one's profile, when there is one) who has it. Never stored."""
    return User(
        login=identifier,
        password=None,
        email=EmailEnrollment(),
        phone=PhoneEnrollment(STAND_IN_NUMBER),
        profile=user.profile if user is not None else {},
    )
