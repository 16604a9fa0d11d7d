"""The zero-setup store: one org in this process's memory.

Records are kept encoded, as Redis keeps them, so the engine gets a fresh object on every read and a change it
forgets to write back is lost here too: the default store catches what the shared one would. Everything written
while the server runs is encoded as Redis encodes it, JSON by pydantic-core (:mod:`.codec`), whose round trips are
2-3 times faster than :mod:`pickle`'s (a waiting sign-in's transaction: about 20 us against 44; a user: 8 against 21).
The org a server starts with (:meth:`MemoryStore.replace_org`: its policy and users) is pickled instead, so that
``mock-idx serve`` answers its first request without importing pydantic and building its adapters (about a third of
its start); the codec is imported with the first record written after that, usually a sign-in's transaction. A
record is read back by the way it was kept (:func:`_decoded`), and only this process ever reads these bytes, so
nothing untrusted is unpickled. Whether every record survives JSON is shown on both stores by the store contract
tests (``tests/storage``).
Nothing awaits inside a method, so each one is atomic on the event loop, which is what the store's first-wins
operations need in one process.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from dataclasses import dataclass, field, replace
from typing import TypeVar

from ..model.directory import User
from ..model.faults import FaultRule
from ..model.journal import JournalBuffer, JournalEntry, JournalRecord
from ..model.outbox import MESSAGES_PER_USER, Message
from ..model.policy import Policy
from ..model.push import PushChallenge, PushState
from ..model.store import Handle, OrgHeader, OrgIdentity, RecordKind
from ..model.tokens import REVOKED, MintedToken, RefreshRecord
from ..model.transaction import Transaction
from .record_types import RECORD_TYPES

T = TypeVar("T")

GRACE_SECONDS = 1.0
"""How long past its ``keep_for`` a record is kept. Redis keeps records 300 s longer, since its TTLs run on real time
while expiry runs on the shared virtual clock; here one process keeps both, and advancing the clock brings every
deadline forward (:meth:`_Records.advance`), so expired state is freed by the next sweep, as before the store."""


@dataclass
class _Kept:
    data: bytes
    until: float | None
    """Monotonic time after which the record may be collected (moved earlier as the virtual clock advances);
    ``None``: kept until the org is replaced."""


@dataclass
class _Records:
    """One kind of record by key, each with its collection deadline."""

    items: dict[str, _Kept] = field(default_factory=dict)

    def put(self, key: str, data: bytes, keep_for: float | None) -> None:
        until = None if keep_for is None else time.monotonic() + keep_for + GRACE_SECONDS
        self.items[key] = _Kept(data, until)

    def get(self, key: str) -> bytes | None:
        kept = self.items.get(key)
        return kept.data if kept else None

    def pop(self, key: str) -> bytes | None:
        kept = self.items.pop(key, None)
        return kept.data if kept else None

    def collect(self, now: float) -> None:
        self.items = {k: v for k, v in self.items.items() if v.until is None or v.until > now}

    def advance(self, seconds: float) -> None:
        """The virtual clock moved ``seconds`` ahead: every deadline comes that much closer."""
        for kept in self.items.values():
            if kept.until is not None:
                kept.until -= seconds


@dataclass
class _Mailboxes:
    """Each user's messages in the order saved (by lower-cased login), the newest :data:`MESSAGES_PER_USER` kept,
    each with its own collection deadline."""

    by_login: dict[str, list[_Kept]] = field(default_factory=dict)

    def append(self, login: str, data: bytes, keep_for: float) -> None:
        mailbox = self.by_login.setdefault(login.lower(), [])
        mailbox.append(_Kept(data, time.monotonic() + keep_for + GRACE_SECONDS))
        del mailbox[:-MESSAGES_PER_USER]

    def of(self, login: str) -> list[bytes]:
        return [kept.data for kept in self.by_login.get(login.lower(), [])]

    def collect(self, now: float) -> None:
        kept = {login: [m for m in box if m.until is None or m.until > now] for login, box in self.by_login.items()}
        self.by_login = {login: box for login, box in kept.items() if box}

    def advance(self, seconds: float) -> None:
        for mailbox in self.by_login.values():
            for kept in mailbox:
                if kept.until is not None:
                    kept.until -= seconds


@dataclass
class _OrgState:
    """What :meth:`MemoryStore.replace_org` starts over with (all but the identity, the clock and the journal)."""

    policy: bytes | None = None
    users: dict[str, bytes] = field(default_factory=dict)
    transactions: _Records = field(default_factory=_Records)
    handles: dict[Handle, _Records] = field(default_factory=lambda: {handle: _Records() for handle in Handle})
    codes: _Records = field(default_factory=_Records)
    """Transaction id -> its interaction code (one per transaction, first claim wins)."""
    pushes: _Records = field(default_factory=_Records)
    push_states: _Records = field(default_factory=_Records)
    pending_by_login: dict[str, list[str]] = field(default_factory=dict)
    mailboxes: _Mailboxes = field(default_factory=_Mailboxes)
    totp_steps: _Records = field(default_factory=_Records)
    tokens: _Records = field(default_factory=_Records)
    refresh: _Records = field(default_factory=_Records)
    records: dict[RecordKind, _Records] = field(default_factory=lambda: {kind: _Records() for kind in RecordKind})
    faults: dict[str, bytes] = field(default_factory=dict)
    fault_ids: int = 0
    fault_matches: dict[str, int] = field(default_factory=dict)
    fault_fired: dict[str, int] = field(default_factory=dict)

    def expiring(self) -> list[_Records | _Mailboxes]:
        return [
            self.mailboxes,
            self.transactions,
            *self.handles.values(),
            self.codes,
            self.pushes,
            self.push_states,
            self.totp_steps,
            self.tokens,
            self.refresh,
            *self.records.values(),
        ]


class MemoryStore:
    """Every method of :class:`~mock_idx.model.store.OrgStore`, over dictionaries."""

    def __init__(self, journal_capacity: int = 20_000, journal_max_bytes: int = 16 * 1024 * 1024) -> None:
        self._identity: OrgIdentity | None = None
        self._clock_offset = 0.0
        self._generation = 0
        self._org = _OrgState()
        self._journal = JournalBuffer(journal_capacity, journal_max_bytes)

    async def close(self) -> None:
        return None

    # --- the org itself ----------------------------------------------------------------------------------------

    async def claim_identity(self, proposed: OrgIdentity) -> OrgIdentity:
        if self._identity is None:
            self._identity = proposed
        return self._identity

    async def header(self) -> OrgHeader:
        return OrgHeader(clock_offset=self._clock_offset, generation=self._generation)

    async def advance_clock(self, seconds: float) -> float:
        self._clock_offset += seconds
        for records in self._org.expiring():
            records.advance(seconds)
        return self._clock_offset

    async def policy(self) -> Policy | None:
        return _decoded(Policy, self._org.policy) if self._org.policy is not None else None

    async def is_configured(self) -> bool:
        return self._org.policy is not None

    async def replace_org(self, policy: Policy, users: list[User], faults: list[FaultRule]) -> None:
        self._org = _OrgState(policy=_pickled(policy))
        self._generation += 1
        for user in users:
            self._org.users[user.login.lower()] = _pickled(user)
        for rule in faults:
            self._add_fault(rule)

    # --- users -------------------------------------------------------------------------------------------------

    async def put_user(self, user: User) -> None:
        self._org.users[user.login.lower()] = _encoded(user)

    async def user(self, login: str) -> User | None:
        data = self._org.users.get(login.lower())
        return _decoded(User, data) if data is not None else None

    async def users(self) -> list[User]:
        return [_decoded(User, data) for data in self._org.users.values()]

    # --- sign-ins ----------------------------------------------------------------------------------------------

    async def save_transaction(self, transaction: Transaction, keep_for: float) -> None:
        self._org.transactions.put(transaction.id, _encoded(transaction), keep_for)
        for handle, value in (
            (Handle.INTERACTION_HANDLE, transaction.interaction_handle),
            (Handle.STATE_HANDLE, transaction.state_handle),
        ):
            self._org.handles[handle].put(value, transaction.id.encode(), keep_for)

    async def transaction(self, handle: Handle, value: str) -> Transaction | None:
        transaction_id = self._org.handles[handle].get(value)
        data = self._org.transactions.get(transaction_id.decode()) if transaction_id else None
        return _decoded(Transaction, data) if data is not None else None

    async def transaction_with_user(self, handle: Handle, value: str) -> tuple[Transaction | None, User | None]:
        transaction = await self.transaction(handle, value)
        if transaction is None or transaction.user is None:
            return transaction, None
        return transaction, await self.user(transaction.user.login)

    async def delete_transaction(self, transaction: Transaction) -> None:
        self._org.transactions.pop(transaction.id)
        self._org.handles[Handle.INTERACTION_HANDLE].pop(transaction.interaction_handle)
        self._org.handles[Handle.STATE_HANDLE].pop(transaction.state_handle)
        code = self._org.codes.pop(transaction.id)
        if code is not None:
            self._org.handles[Handle.INTERACTION_CODE].pop(code.decode())

    async def claim_interaction_code(self, transaction_id: str, code: str, keep_for: float) -> str:
        existing = self._org.codes.get(transaction_id)
        if existing is not None:
            return existing.decode()
        self._org.codes.put(transaction_id, code.encode(), keep_for)
        self._org.handles[Handle.INTERACTION_CODE].put(code, transaction_id.encode(), keep_for)
        return code

    async def take_interaction_code(self, code: str) -> str | None:
        transaction_id = self._org.handles[Handle.INTERACTION_CODE].pop(code)
        return transaction_id.decode() if transaction_id is not None else None

    # --- pushes ------------------------------------------------------------------------------------------------

    async def save_push(self, push: PushChallenge, keep_for: float) -> None:
        self._org.pushes.put(push.id, _encoded(push), keep_for)
        pending = self._org.pending_by_login.setdefault(push.login.lower(), [])
        if push.id not in pending:
            pending.append(push.id)

    async def pushes_for(self, login: str) -> list[PushChallenge]:
        pushes = []
        for push_id in self._org.pending_by_login.get(login.lower(), []):
            data = self._org.pushes.get(push_id)
            if data is not None:
                pushes.append(replace(_decoded(PushChallenge, data), state=await self.push_state(push_id)))
        return sorted(pushes, key=lambda p: p.created_at)

    async def push_state(self, push_id: str) -> PushState:
        state = self._org.push_states.get(push_id)
        return PushState(state.decode()) if state is not None else PushState.PENDING

    async def settle_push(self, push_id: str, state: PushState, keep_for: float) -> tuple[bool, PushState]:
        settled = self._org.push_states.get(push_id)
        if settled is not None:
            return False, PushState(settled.decode())
        self._org.push_states.put(push_id, state.value.encode(), keep_for)
        return True, state

    async def discard_push(self, push: PushChallenge) -> None:
        pending = self._org.pending_by_login.get(push.login.lower())
        if pending and push.id in pending:
            pending.remove(push.id)
            if not pending:
                del self._org.pending_by_login[push.login.lower()]

    # --- the fake inbox and phone -------------------------------------------------------------------------------

    async def save_message(self, message: Message, keep_for: float) -> None:
        self._org.mailboxes.append(message.login, _encoded(message), keep_for)

    async def messages_for(self, login: str) -> list[Message]:
        return [_decoded(Message, data) for data in self._org.mailboxes.of(login)]

    # --- TOTP replay memory ------------------------------------------------------------------------------------

    async def accept_totp_step(self, secret: str, step: int, keep_for: float) -> bool:
        key = _fingerprint(secret)
        last = self._org.totp_steps.get(key)
        if last is not None and step <= int(last):
            return False
        self._org.totp_steps.put(key, str(step).encode(), keep_for)
        return True

    async def forget_totp(self, secret: str) -> None:
        self._org.totp_steps.pop(_fingerprint(secret))

    # --- tokens ------------------------------------------------------------------------------------------------

    async def record_token(self, jti: str, minted: MintedToken, keep_for: float) -> None:
        self._org.tokens.put(jti, str(minted).encode(), keep_for)

    async def minted_token(self, jti: str) -> MintedToken | None:
        data = self._org.tokens.get(jti)
        return MintedToken.parse(data.decode()) if data is not None else None

    async def revoke_token(self, jti: str, keep_for: float) -> None:
        self._org.tokens.put(jti, str(REVOKED).encode(), keep_for)

    async def put_refresh_token(self, token: str, record: RefreshRecord, keep_for: float) -> None:
        self._org.refresh.put(token, _encoded(record), keep_for)

    async def refresh_token(self, token: str) -> RefreshRecord | None:
        data = self._org.refresh.get(token)
        return _decoded(RefreshRecord, data) if data is not None else None

    async def take_refresh_token(self, token: str) -> RefreshRecord | None:
        data = self._org.refresh.pop(token)
        return _decoded(RefreshRecord, data) if data is not None else None

    # --- short-lived records ---------------------------------------------------------------------------------

    async def put_record(self, kind: RecordKind, key: str, record: object, keep_for: float) -> None:
        self._org.records[kind].put(key, _encoded(record), keep_for)

    async def record(self, kind: RecordKind, key: str) -> object | None:
        data = self._org.records[kind].get(key)
        return _decoded(RECORD_TYPES[kind], data) if data is not None else None

    async def take_record(self, kind: RecordKind, key: str) -> object | None:
        data = self._org.records[kind].pop(key)
        return _decoded(RECORD_TYPES[kind], data) if data is not None else None

    async def delete_record(self, kind: RecordKind, key: str) -> None:
        self._org.records[kind].pop(key)

    async def claim_once(self, kind: RecordKind, key: str, keep_for: float) -> bool:
        if self._org.records[kind].get(key) is not None:
            return False
        self._org.records[kind].put(key, b"1", keep_for)
        return True

    # --- fault rules -------------------------------------------------------------------------------------------

    async def fault_rules(self) -> list[FaultRule]:
        rules = []
        for rule_id, data in self._org.faults.items():
            rule = replace(_decoded(FaultRule, data), fired=self._org.fault_fired.get(rule_id, 0))
            if not rule.exhausted:
                rules.append(rule)
        return rules

    async def add_fault(self, rule: FaultRule) -> FaultRule:
        self._generation += 1
        return self._add_fault(rule)

    async def remove_fault(self, rule_id: str) -> bool:
        if self._org.faults.pop(rule_id, None) is None:
            return False
        self._generation += 1
        return True

    async def clear_faults(self) -> int:
        removed = len(await self.fault_rules())
        self._org.faults.clear()
        self._generation += 1
        return removed

    async def count_fault_match(self, rule_id: str) -> int:
        self._org.fault_matches[rule_id] = self._org.fault_matches.get(rule_id, 0) + 1
        return self._org.fault_matches[rule_id]

    async def fire_fault(self, rule_id: str, times: int | None) -> bool:
        fired = self._org.fault_fired.get(rule_id, 0)
        if times is not None and fired >= times:
            return False
        self._org.fault_fired[rule_id] = fired + 1
        return True

    def _add_fault(self, rule: FaultRule) -> FaultRule:
        self._org.fault_ids += 1
        stored = replace(rule, id=f"flt{self._org.fault_ids}", fired=0)
        self._org.faults[stored.id] = _encoded(stored)
        return stored

    # --- the journal -------------------------------------------------------------------------------------------

    async def append_journal(self, record: JournalRecord) -> JournalEntry:
        return self._journal.append(record)

    async def journal(self) -> list[JournalEntry]:
        return self._journal.entries()

    async def clear_journal(self) -> None:
        self._journal.clear()

    # --- housekeeping ------------------------------------------------------------------------------------------

    async def collect_garbage(self) -> None:
        now = time.monotonic()
        for records in self._org.expiring():
            records.collect(now)
        live = self._org.pushes.items
        pending = {login: [i for i in ids if i in live] for login, ids in self._org.pending_by_login.items()}
        self._org.pending_by_login = {login: ids for login, ids in pending.items() if ids}


def _encoded(record: object) -> bytes:
    """A record as kept: its own copy, which no later change to ``record`` reaches, in Redis's encoding."""
    from .codec import CODEC

    return CODEC.encode(record)


def _pickled(record: object) -> bytes:
    """A record of the starting org as kept: its own copy, without importing pydantic (see the module's docstring)."""
    return pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)


PICKLE_MARK = b"\x80"
"""How a pickle (protocol 2 and later) begins; a record in JSON begins with ``{``."""


def _decoded(kind: type[T], data: bytes) -> T:
    """A fresh object from what :func:`_encoded` or :func:`_pickled` kept (only ever this process's own bytes)."""
    if not data.startswith(PICKLE_MARK):
        from .codec import CODEC

        return CODEC.decode(kind, data)
    record = pickle.loads(data)
    if not isinstance(record, kind):  # a key read as the wrong kind of record: a bug here, not bad input
        raise TypeError(f"expected a {kind.__name__}, found a {type(record).__name__}")
    return record


def _fingerprint(secret: str) -> str:
    """Replay records are keyed by a hash of the secret, so a store dump never shows a user's TOTP secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
