"""A record of every request the fake answered, so a failed CI run can be read back step by step."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any


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


class Journal:
    """A bounded, append-only log; the oldest entries fall off once ``capacity`` is reached."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._seq = 0

    def record(self, **fields: Any) -> JournalEntry:
        self._seq += 1
        entry = JournalEntry(seq=self._seq, **fields)
        self._entries.append(entry)
        return entry

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

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(list(self._entries))


def _matches(entry: JournalEntry, user: str | None, transaction: str | None) -> bool:
    if user is not None and (entry.user or "").lower() != user.lower():
        return False
    return transaction is None or entry.transaction == transaction
