"""A record of every request the fake answered, so a failed CI run can be read back step by step."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

ENTRY_OVERHEAD = 300
"""What an entry costs besides its texts (the object, its numbers, the deque's slot), measured with tracemalloc."""


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    time: float
    method: str
    path: str
    status: int
    transaction: str | None
    user: str | None
    duration_ms: float
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def size(self) -> int:
        """Roughly the bytes the entry holds: its texts plus the object's fixed cost."""
        texts = (self.method, self.path, self.transaction or "", self.user or "", self.note)
        return ENTRY_OVERHEAD + sum(len(text) for text in texts)


class Journal:
    """A bounded, append-only log; the oldest entries fall off once it holds ``capacity`` entries or ``max_bytes``
    (a client can send 8 KB paths, so a count alone would not bound its memory)."""

    def __init__(self, capacity: int = 20_000, max_bytes: int = 16 * 1024 * 1024) -> None:
        self._entries: deque[JournalEntry] = deque()
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._bytes = 0
        self._seq = 0

    def record(self, **fields: Any) -> JournalEntry:
        self._seq += 1
        entry = JournalEntry(seq=self._seq, **fields)
        self._entries.append(entry)
        self._bytes += entry.size
        while self._entries and (len(self._entries) > self._capacity or self._bytes > self._max_bytes):
            self._bytes -= self._entries.popleft().size
        return entry

    @property
    def bytes(self) -> int:
        return self._bytes

    def entries(self, user: str | None = None, transaction: str | None = None) -> list[JournalEntry]:
        return [e for e in self._entries if _matches(e, user, transaction)]

    def by_transaction(self, user: str | None = None) -> dict[str, list[JournalEntry]]:
        """Entries grouped into per-transaction timelines, in order of first appearance."""
        timelines: dict[str, list[JournalEntry]] = {}
        for entry in self.entries(user=user):
            timelines.setdefault(entry.transaction or "(no transaction)", []).append(entry)
        return timelines

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(list(self._entries))


def _matches(entry: JournalEntry, user: str | None, transaction: str | None) -> bool:
    if user is not None and (entry.user or "").lower() != user.lower():
        return False
    return transaction is None or entry.transaction == transaction
