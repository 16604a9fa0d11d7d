"""Where the org's state lives: the one interface every piece of state goes through (:class:`OrgStore`).

Two implementations exist (:mod:`mock_idx.storage`): in memory, the zero-setup default, and Redis, shared by any
number of replicas. The engine never keeps state of its own between requests: it loads what a request concerns,
changes it, and writes it back explicitly, so a replica that did not see the previous request of a sign-in serves the
next one exactly as the one that did. The in-memory store keeps encoded copies, never the engine's objects, so a
missing write-back fails the tests on the default store too, not only on Redis.

Where Okta lets exactly one of two racing requests win, the store offers one atomic operation and the engine uses it:
:meth:`~OrgStore.take_interaction_code` (single-use codes), :meth:`~OrgStore.claim_interaction_code` (one code per
sign-in), :meth:`~OrgStore.settle_push` (approve vs deny vs timeout), :meth:`~OrgStore.accept_totp_step` (a code is
good once), :meth:`~OrgStore.take_refresh_token` (rotation), :meth:`~OrgStore.take_record` (authorization codes),
:meth:`~OrgStore.claim_once` (a client assertion is good once; so is an Okta Verify activation),
:meth:`~OrgStore.advance_clock`. Everything else is a plain read or a last-writer-wins write of a record only one
sign-in touches.

Time: every expiry is decided by the engine on the virtual clock. ``keep_for`` arguments are how long (in seconds of
virtual time from now) a record can still matter; a store may forget it after that much *real* time plus a grace
period. Virtual time never runs slower than real time, so a record is never collected while it can still matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from .directory import User
from .faults import FaultRule
from .journal import JournalEntry, JournalRecord
from .outbox import Message
from .policy import Policy
from .push import PushChallenge, PushState
from .tokens import MintedToken, RefreshRecord
from .transaction import Transaction


@dataclass(frozen=True)
class OrgIdentity:
    """What makes replicas one org: the signing key and the ``aut…`` ids IDX documents name. Made by the first
    replica to start and adopted by every other (:meth:`OrgStore.claim_identity`)."""

    password_id: str
    okta_verify_id: str
    signing_key_pem: str | None
    """PKCS#8 PEM of the private key; ``None`` when every replica reads its key from ``--key-file``."""


@dataclass(frozen=True)
class OrgHeader:
    """What every request reads first: the clock's offset and which configuration (policy, fault rules) is in force.
    ``generation`` changes whenever the configuration does, so a replica re-reads it only then."""

    clock_offset: float
    generation: int


class Handle(str, Enum):
    """The names a transaction can be found by."""

    INTERACTION_HANDLE = "interaction_handle"
    STATE_HANDLE = "state_handle"
    INTERACTION_CODE = "interaction_code"


class RecordKind(str, Enum):
    """Short-lived records kept by key (:meth:`OrgStore.put_record`), each kind of one type (the stores'
    ``mock_idx.storage.record_types.RECORD_TYPES``)."""

    SESSION = "session"
    """:class:`~.sessions.Session` by the ``sid`` cookie's value."""
    AUTHORIZATION_CODE = "authorization-code"
    """:class:`~.authorize.AuthorizationCode` by the code."""
    SPENT_ASSERTION = "spent-assertion"
    """A ``private_key_jwt`` assertion's client and ``jti``, once used (:meth:`OrgStore.claim_once` only)."""
    EMAIL_LINK = "email-link"
    """:class:`~.authenticator_steps.EmailLink` by the magic link's token."""
    OKTA_VERIFY_ACTIVATION = "ov-activation"
    """:class:`~.activation.OktaVerifyActivation` by its token."""
    OKTA_VERIFY_ACTIVATIONS_OF_USER = "ov-activations-of"
    """:class:`~.activation.ActivationIndex`, a user's newest activations, by lower-cased login."""
    OKTA_VERIFY_ACTIVATED = "ov-activated"
    """An activation token, once a phone used it (:meth:`OrgStore.claim_once` only: the first phone wins)."""
    ACCOUNT_ACTIVATION = "account-activation"
    """:class:`~.user_lifecycle.AccountActivation`, a user's activation token (``/welcome/{token}``), by the token."""
    NEW_USER = "new-user"
    """A lower-cased login being signed up (:meth:`OrgStore.claim_once` only: of two sign-ups racing for one email,
    on any replicas, one creates the user)."""


class OrgStore(Protocol):
    """All of one org's state. Every method is one round trip to the store or less, but for :meth:`replace_org`."""

    async def close(self) -> None:
        """Release connections; the state stays (in Redis) or goes (in memory)."""

    # --- the org itself ----------------------------------------------------------------------------------------

    async def claim_identity(self, proposed: OrgIdentity) -> OrgIdentity:
        """The org's identity: ``proposed`` if none was stored yet (this replica is the first), else the stored one."""

    async def header(self) -> OrgHeader:
        """Clock offset and configuration generation, in one read."""

    async def advance_clock(self, seconds: float) -> float:
        """Add ``seconds`` (>= 0) to the clock's offset atomically; the new offset."""

    async def policy(self) -> Policy | None:
        """The policy in force (``None`` before any :meth:`replace_org`)."""

    async def replace_org(self, policy: Policy, users: list[User], faults: list[FaultRule]) -> None:
        """Start the org over: forget every transaction, push, message, TOTP replay record, token, user and fault
        rule, then put ``policy``, ``users`` and ``faults`` in force (fault ids are assigned as by :meth:`add_fault`,
        from ``flt1`` again). The identity, the clock and the journal stay (``reset`` clears the journal itself).
        Bumps the generation."""

    async def is_configured(self) -> bool:
        """Whether any replica has put a policy in force yet (a joining replica keeps the org it finds)."""

    # --- users -------------------------------------------------------------------------------------------------

    async def put_user(self, user: User) -> None:
        """Add or replace a user (logins are case-insensitive)."""

    async def user(self, login: str) -> User | None: ...

    async def users(self) -> list[User]:
        """Every user, in the order they were first added."""

    # --- sign-ins (transactions) -------------------------------------------------------------------------------

    async def save_transaction(self, transaction: Transaction, keep_for: float) -> None:
        """Write the transaction and index it by its interaction and state handles."""

    async def transaction(self, handle: Handle, value: str) -> Transaction | None:
        """The transaction a handle names (live or expired: the engine judges), or ``None``."""

    async def transaction_with_user(self, handle: Handle, value: str) -> tuple[Transaction | None, User | None]:
        """The transaction a handle names (as :meth:`transaction`) and, when it has a user, that user as the directory
        holds them now (``None`` when the directory has no such login): what every IDX step reads first, in one round
        trip where the store can."""

    async def delete_transaction(self, transaction: Transaction) -> None:
        """Forget the transaction and all its handles (its interaction code included)."""

    async def claim_interaction_code(self, transaction_id: str, code: str, keep_for: float) -> str:
        """Give the transaction its interaction code unless it has one: the code in force afterwards (``code``, or
        the one a racing request gave first). The code then finds the transaction (:attr:`Handle.INTERACTION_CODE`)."""

    async def take_interaction_code(self, code: str) -> str | None:
        """Spend a code: the id of the transaction it named, to exactly one caller; ``None`` to every other."""

    # --- pushes ------------------------------------------------------------------------------------------------

    async def save_push(self, push: PushChallenge, keep_for: float) -> None:
        """A push sent to its user's phone: listed by :meth:`pushes_for` until discarded."""

    async def pushes_for(self, login: str) -> list[PushChallenge]:
        """The user's listed pushes, oldest first, each with its settled state (:meth:`settle_push`) applied."""

    async def push_state(self, push_id: str) -> PushState:
        """``PENDING`` until :meth:`settle_push` decided it (or the push is unknown)."""

    async def settle_push(self, push_id: str, state: PushState, keep_for: float) -> tuple[bool, PushState]:
        """Decide a pending push: ``(True, state)`` for the one caller that decided it; ``(False, winner)`` for any
        caller after that. Approve, deny and expiry all go through here, so exactly one of them wins."""

    async def discard_push(self, push: PushChallenge) -> None:
        """Take the push off its user's list (its settled state stays readable until collected)."""

    # --- the fake inbox and phone -------------------------------------------------------------------------------

    async def save_message(self, message: Message, keep_for: float) -> None:
        """File a sent message under its user (login case-insensitive); only the newest
        :data:`~.outbox.MESSAGES_PER_USER` of a user are kept."""

    async def messages_for(self, login: str) -> list[Message]:
        """The user's kept messages, in the order they were saved (live or expired: the outbox judges)."""

    # --- TOTP replay memory ------------------------------------------------------------------------------------

    async def accept_totp_step(self, secret: str, step: int, keep_for: float) -> bool:
        """Record that a code of ``step`` was accepted for ``secret``: ``False`` (and no change) if that step or a
        later one already was. Atomic, so one code signs in once across replicas."""

    async def forget_totp(self, secret: str) -> None: ...

    # --- tokens ------------------------------------------------------------------------------------------------

    async def record_token(self, jti: str, minted: MintedToken, keep_for: float) -> None:
        """When a minted JWT was issued and when it dies, on the virtual clock."""

    async def minted_token(self, jti: str) -> MintedToken | None:
        """As recorded (expiring at ``0.0`` once revoked); ``None`` for a token this org never recorded or already
        forgot."""

    async def revoke_token(self, jti: str, keep_for: float) -> None:
        """The JWT is dead from now on (its expiry becomes ``0.0``)."""

    async def put_refresh_token(self, token: str, record: RefreshRecord, keep_for: float) -> None: ...

    async def refresh_token(self, token: str) -> RefreshRecord | None: ...

    async def take_refresh_token(self, token: str) -> RefreshRecord | None:
        """Spend a refresh token: its record, to exactly one caller; ``None`` to every other."""

    # --- short-lived records: sessions, authorization codes, spent assertions, Okta Verify activations ---------

    async def put_record(self, kind: RecordKind, key: str, record: object, keep_for: float) -> None: ...

    async def record(self, kind: RecordKind, key: str) -> object | None: ...

    async def take_record(self, kind: RecordKind, key: str) -> object | None:
        """Spend a record (an authorization code): to exactly one caller; ``None`` to every other."""

    async def delete_record(self, kind: RecordKind, key: str) -> None: ...

    async def claim_once(self, kind: RecordKind, key: str, keep_for: float) -> bool:
        """``True`` for the first caller naming ``key``, ``False`` for every later one (replay protection)."""

    # --- fault rules -------------------------------------------------------------------------------------------

    async def fault_rules(self) -> list[FaultRule]:
        """The rules in force, in the order they were added, each with its ``fired`` count; exhausted ones left out."""

    async def add_fault(self, rule: FaultRule) -> FaultRule:
        """Put a rule in force under a new id (``flt1``, ``flt2``…); bumps the generation."""

    async def remove_fault(self, rule_id: str) -> bool: ...

    async def clear_faults(self) -> int:
        """Remove every rule; how many there were."""

    async def count_fault_match(self, rule_id: str) -> int:
        """Count a request the rule's route and user match; its 1-based number (what a ``fraction`` is drawn for)."""

    async def fire_fault(self, rule_id: str, times: int | None) -> bool:
        """Count a firing of the rule, unless it already fired ``times`` times (then ``False``, nothing counted)."""

    # --- the journal -------------------------------------------------------------------------------------------

    async def append_journal(self, record: JournalRecord) -> JournalEntry:
        """Append an entry (numbered in order across replicas); the oldest fall off past the store's bounds."""

    async def journal(self) -> list[JournalEntry]:
        """Every entry kept, oldest first."""

    async def clear_journal(self) -> None: ...

    # --- housekeeping ------------------------------------------------------------------------------------------

    async def collect_garbage(self) -> None:
        """Free records past their ``keep_for`` (Redis does this itself, by TTLs)."""
