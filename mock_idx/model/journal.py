"""A record of every request the fake answered, so a failed CI run can be read back step by step.

The entries live in the org's store (every replica appends to one journal); :class:`Journal` is the view the web
layer records through and reads from. The in-memory store bounds it by entries and by bytes (:class:`JournalBuffer`),
a shared store by entries.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import OrgStore

ENTRY_OVERHEAD = 200
"""What an entry costs besides its texts (the slotted object, its two floats and ``seq``, the deque's slot): about
190 bytes, measured with tracemalloc (300 before entries had slots)."""
MAX_TEXT = 2048
"""Longer paths and notes are cut to this many characters: an 8 KB path tells nothing its first 2 KB do not."""


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """One answered request, as the web layer saw it. Slotted: the journal holds 20,000 of them in the bench, and
    an instance ``__dict__`` was half of each one's memory."""

    time: float
    method: str
    path: str
    status: int
    transaction: str | None
    user: str | None
    duration_ms: float
    note: str = ""

    def bounded(self) -> JournalRecord:
        """The record with its texts cut to :data:`MAX_TEXT` characters (itself when none is longer: every request
        is journalled, and copying a record that needs no cut cost more than the rest of recording it)."""
        if (
            len(self.path) <= MAX_TEXT
            and len(self.method) <= MAX_TEXT
            and len(self.note) <= MAX_TEXT
            and (self.user is None or len(self.user) <= MAX_TEXT)
        ):
            return self
        return replace(
            self,
            method=self.method[:MAX_TEXT],
            path=self.path[:MAX_TEXT],
            user=self.user[:MAX_TEXT] if self.user else self.user,
            note=self.note[:MAX_TEXT],
        )


RECORD_FIELDS = tuple(f.name for f in fields(JournalRecord))
"""What a :class:`JournalRecord` holds, by name (an entry adds ``seq``)."""


@dataclass(frozen=True, slots=True)
class JournalEntry(JournalRecord):
    """A record with its place in the journal (``seq`` counts from 1, across replicas)."""

    seq: int = field(kw_only=True)

    @classmethod
    def numbered(cls, seq: int, record: JournalRecord) -> JournalEntry:
        """The record's fields as they are (all immutable values), named one by one: ``asdict`` would deep-copy
        them, and a loop over :data:`RECORD_FIELDS` cost several times this, on every request."""
        return cls(
            record.time,
            record.method,
            record.path,
            record.status,
            record.transaction,
            record.user,
            record.duration_ms,
            record.note,
            seq=seq,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def size(self) -> int:
        """Roughly the bytes the entry holds: its texts plus the object's fixed cost."""
        return (
            ENTRY_OVERHEAD
            + len(self.method)
            + len(self.path)
            + len(self.transaction or "")
            + len(self.user or "")
            + len(self.note)
        )


class Journal:
    """What the web layer records requests through and reads timelines from."""

    def __init__(self, store: OrgStore) -> None:
        self._store = store

    async def record(self, record: JournalRecord) -> JournalEntry:
        return await self._store.append_journal(record.bounded())

    async def entries(self, user: str | None = None, transaction: str | None = None) -> list[JournalEntry]:
        return [e for e in await self._store.journal() if _matches(e, user, transaction)]

    async def by_transaction(self, user: str | None = None) -> dict[str, list[JournalEntry]]:
        """Entries grouped into per-transaction timelines, in order of first appearance."""
        timelines: dict[str, list[JournalEntry]] = {}
        for entry in await self.entries(user=user):
            timelines.setdefault(entry.transaction or "(no transaction)", []).append(entry)
        return timelines

    async def clear(self) -> None:
        await self._store.clear_journal()


class JournalBuffer:
    """A bounded, append-only log in memory; the oldest entries fall off once it holds ``capacity`` entries or
    ``max_bytes`` (a client can send long paths, so a count alone would not bound its memory).

    Entries hold their texts as they came. A table keeping one copy of each repeated path, transaction id and login
    was tried and measured to save nothing (194 bytes an entry either way, tracemalloc over 20,000 discovery or
    introspect requests): those strings already arrive shared (pydantic caches the short strings it decodes, and the
    request paths measured the same)."""

    def __init__(self, capacity: int = 20_000, max_bytes: int = 16 * 1024 * 1024) -> None:
        self._entries: deque[JournalEntry] = deque()
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._bytes = 0
        self._seq = 0

    def append(self, record: JournalRecord) -> JournalEntry:
        self._seq += 1
        entry = JournalEntry.numbered(self._seq, record)
        self._entries.append(entry)
        self._bytes += entry.size
        while self._entries and (len(self._entries) > self.capacity or self._bytes > self.max_bytes):
            self._bytes -= self._entries.popleft().size
        return entry

    @property
    def bytes(self) -> int:
        return self._bytes

    def entries(self) -> list[JournalEntry]:
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def _matches(entry: JournalEntry, user: str | None, transaction: str | None) -> bool:
    if user is not None and (entry.user or "").lower() != user.lower():
        return False
    return transaction is None or entry.transaction == transaction
