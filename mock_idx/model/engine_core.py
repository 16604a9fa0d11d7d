"""What every part of the engine stands on: the org's store and services, the policy and clock each call reads
first, and opening, finding and committing transactions. The parts (:mod:`.oauth_front_door`, :mod:`.sign_in_steps`,
:mod:`.org_admin`) add their methods over it, and :class:`~.engine.Engine` is all of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Self

from .activation import Activations
from .authenticator_steps import AuthenticatorSteps
from .authenticators import AuthenticatorIds
from .clock import Instant
from .directory import User, UserStatus
from .errors import IdxError, NotFound, Reason
from .ids import okta_id, secret_token, stable_id
from .lockout import is_locked, unlocked
from .org_header import HeaderReads
from .outbox import Outbox
from .policy import DEFAULT_POLICY, Policy
from .push import PushChallenge, PushState
from .store import Handle, OrgHeader, OrgIdentity, OrgStore
from .tokens import (
    SigningKey,
    TokenService,
)
from .totp import TotpVerifier
from .transaction import Interaction, Step, Transaction
from .user_lifecycle import AccountActivations

log = logging.getLogger("mock_idx")


class EngineCore:
    """The org's state and services, and the internals every part of the engine uses."""

    def __init__(self, store: OrgStore, key: SigningKey, identity: OrgIdentity) -> None:
        self.store = store
        self.header_reads = HeaderReads(store)
        """The org's header, read once per request within :meth:`one_header_read` (the web layer opens it)."""
        self.key = key
        self.identity = identity
        self.authenticators = AuthenticatorIds.derive(identity.password_id, identity.okta_verify_id)
        self.restore_org: Callable[[], Awaitable[None]] | None = None
        """Puts this replica's starting org back in force (the app sets it): called when the store turns out to have
        lost the org, say a Redis restarted without persistence."""
        self._restoring = False
        self.idp_id = stable_id("00o", f"{identity.password_id}:{identity.okta_verify_id}")
        """The org's own identity provider (``00o…``): ID tokens' ``idp`` and the session's, alike on every replica."""
        self.tokens = TokenService(key, store, self.idp_id)
        self.totp = TotpVerifier(store)
        self.outbox = Outbox(store)
        """The fake inbox and phone: the IDX steps send codes and links through it; the control API reads them."""
        self.activations = Activations(store)
        """Okta Verify activations: the enroll step starts them, the phone completes them, the poll reads them."""
        self.steps = AuthenticatorSteps(store, self.totp, self.outbox, self.activations)
        self.account_activations = AccountActivations(store)
        """Users' activation tokens: the lifecycle API issues them, ``/v1/interact`` redeems them."""
        self.sweep_interval = 5.0
        """Expired state is invisible at once; the store frees it at most this often (virtual seconds)."""
        self._policy = DEFAULT_POLICY
        self._policy_generation = -1
        self._last_sweep = 0.0
        self.clock_offset_seen = 0.0
        """The clock's offset as the last engine call read it: for stamping the journal without another read."""

    @classmethod
    async def join(cls, store: OrgStore, key: SigningKey | None = None) -> Self:
        """The org in ``store``: its signing key and authenticator ids, made here if this is the first replica.

        ``key`` (from ``--key-file``) is used as it is and not stored; without one the org's stored key is used, or a
        new one is made and stored for the replicas that join later."""
        made = None if key else await asyncio.to_thread(SigningKey.generate)  # 20-250 ms: the loop serves meanwhile
        proposed = OrgIdentity(
            password_id=okta_id("aut"),
            okta_verify_id=okta_id("aut"),
            signing_key_pem=made.pem() if made else None,
        )
        identity = await store.claim_identity(proposed)
        if key is None:
            if identity.signing_key_pem is None:
                raise ValueError("this org's replicas sign with a --key-file: give this one the same key file")
            if made is not None and identity.signing_key_pem == proposed.signing_key_pem:
                key = made  # ours won: used as made (parsing its PEM would check the key again, 20-60 ms)
            else:
                key = SigningKey.from_pem(identity.signing_key_pem)
        return cls(store, key, identity)

    @property
    def policy(self) -> Policy:
        """The policy in force, as the last engine call read it (every call reads it first)."""
        return self._policy

    def close(self) -> None:
        """Stop the engine's threads (token signing); the store is its owner's to close."""
        self.tokens.close()

    @property
    def policy_generation(self) -> int:
        """The configuration generation :attr:`policy` was read at: what documents made from it are valid for."""
        return self._policy_generation

    async def now(self) -> float:
        return (await self._instant()).now

    def one_header_read(self) -> AbstractContextManager[None]:
        """Within the block (one request), every engine call decides with the header its first call read: one store
        round trip per request instead of one per call (see :mod:`.org_header`)."""
        return self.header_reads.scope()

    async def header(self) -> OrgHeader:
        """The org's header, as this request read it (the fault rules check it too)."""
        return await self.header_reads.read()

    def read_header_again(self) -> None:
        """Time passed within the request (an injected delay): the next call reads the header from the store."""
        self.header_reads.forget()

    # --- internals shared by the parts ------------------------------------------------------------------------

    async def sweep(self, now: float | None = None) -> None:
        """Let the store free what has expired."""
        self._last_sweep = await self.now() if now is None else now
        await self.store.collect_garbage()

    async def _existing_user(self, login: str) -> User:
        """The user a control request names, or :class:`NotFound` (answered 404)."""
        user = await self.store.user(login)
        if user is None:
            raise NotFound(f"no user {login!r}")
        return user

    async def _instant(self) -> Instant:
        """Read the clock and, when another request changed it, the policy: what every method decides with."""
        header = await self.header_reads.read()
        if header.generation == 0 and self._policy_generation > 0 and not self._restoring:
            header = await self._restore_lost_org()
        if header.generation != self._policy_generation:
            self._policy = await self.store.policy() or DEFAULT_POLICY
            self._policy_generation = header.generation
        self.clock_offset_seen = header.clock_offset
        return Instant.current(header.clock_offset)

    async def _restore_lost_org(self) -> OrgHeader:
        """The store forgot the org this replica served (generation 0 after it was configured): claim the identity
        again, with this replica's key and ids, so tokens it signed keep verifying, and put the starting org back.
        Two replicas noticing at once both restore the same scenario; the identity's first claim wins for both."""
        self._restoring = True
        try:
            log.warning("the org's store lost its data (was Redis restarted without persistence?): restoring the org")
            await self.store.claim_identity(self.identity)
            if self.restore_org is not None:
                await self.restore_org()
        finally:
            self._restoring = False
        self.header_reads.forget()
        return await self.header_reads.read()

    async def _open(
        self,
        interaction: Interaction,
        at: Instant,
        interaction_handle: str | None = None,
        start: Callable[[Transaction], None] | None = None,
    ) -> Transaction:
        """A new transaction for ``interaction``, stored; ``start`` sets its first step before it is (an activation
        token's sign-in begins past ``identify``)."""
        if at.now - self._last_sweep >= self.sweep_interval:
            await self.sweep(at.now)
        transaction = Transaction(
            interaction=interaction, created_at=at.now, expires_at=at.now + self.policy.transaction_lifetime
        )
        if interaction_handle is not None:
            transaction.interaction_handle = interaction_handle
        if start is not None:
            start(transaction)
        await self.store.save_transaction(transaction, self.policy.transaction_lifetime)
        return transaction

    async def _alive(self, handle: Handle, value: str) -> tuple[Transaction, User | None]:
        """The live transaction a handle names, kept alive, and its user as the directory holds them now (read with
        it: every step asks the directory about the user again, see ``SignInSteps._still_admitted``)."""
        at = await self._instant()
        transaction, user = await self.store.transaction_with_user(handle, value)
        if transaction is None or not transaction.is_alive(at.now):
            raise IdxError(Reason.SESSION_EXPIRED)
        transaction.touch(at.now, self.policy.transaction_lifetime)
        return transaction, user

    async def _commit(self, transaction: Transaction, at: Instant) -> Transaction:
        """After a step: a successful transaction gets its interaction code (findable at the token endpoint), and the
        transaction is written back."""
        if transaction.step is Step.ACCOUNT_UNLOCKED and not transaction.unlock_applied:
            await self._apply_unlock(transaction)
        if transaction.step is Step.SUCCESS and transaction.interaction_code is None:
            token = transaction.interaction.activation_token
            if token is not None and transaction.user is not None:  # the user's activation is complete
                await self.account_activations.complete(transaction.user.login, token)
            lifetime = self.policy.interaction_code_lifetime
            code = await self.store.claim_interaction_code(transaction.id, secret_token(), lifetime)
            transaction.record_interaction_code(code, at.now + lifetime)
        if transaction.step is Step.SUCCESS and transaction.registering:
            await self._activate_new_user(transaction)
        await self.store.save_transaction(transaction, max(0.0, transaction.expires_at - at.now))
        return transaction

    async def _apply_unlock(self, transaction: Transaction) -> None:
        """A self-service unlock's challenge was met: its user is unlocked in the directory, once (a user locked
        again later is not unlocked by this transaction's next introspect)."""
        stored = await self.store.user(transaction.user.login) if transaction.user is not None else None
        if stored is not None and is_locked(stored):
            await self.store.put_user(unlocked(stored))
        transaction.unlock_applied = True

    async def _activate_new_user(self, transaction: Transaction) -> None:
        """A sign-up's sign-in succeeded: the user it created, ``STAGED`` until now, is ``ACTIVE``."""
        user = transaction.user
        assert user is not None
        stored = await self.store.user(user.login)
        if stored is not None and stored.status is UserStatus.STAGED:
            stored = replace(stored, status=UserStatus.ACTIVE)
            await self.store.put_user(stored)
        transaction.user = stored or user
        transaction.registering = False

    async def _settle(self, push: PushChallenge, state: PushState) -> PushChallenge:
        """The push with the outcome that won: ``state``, or whatever a racing tap or expiry decided first."""
        _, winner = await self.store.settle_push(push.id, state, self.policy.push_lifetime)
        return replace(push, state=winner)

    async def _current(self, user: User | None) -> User:
        """The user as the directory has them now (groups and profile may have changed since the sign-in began)."""
        assert user is not None
        return await self.store.user(user.login) or user
