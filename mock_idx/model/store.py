"""Where live transactions are kept, for this process only.

The engine alone uses the store (handlers ask the engine), through :class:`TransactionStore`. The store hands out the
live :class:`Transaction` objects and every step changes them in place, with no write-back: a store shared by several
replicas would need the engine to save each transaction after each step, and pushes, TOTP replay state and tokens
would need sharing too. One process is what mock-idx is built for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from .transaction import Transaction


class TransactionStore(Protocol):
    def add(self, transaction: Transaction) -> None: ...

    def by_interaction_handle(self, handle: str, now: float) -> Transaction | None: ...

    def by_state_handle(self, handle: str, now: float) -> Transaction | None: ...

    def by_interaction_code(self, code: str, now: float) -> Transaction | None: ...

    def index_interaction_code(self, transaction: Transaction) -> None: ...

    def remove(self, transaction: Transaction) -> None: ...

    def evict_expired(self, now: float) -> int: ...

    def clear(self) -> None: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Transaction]: ...


class InMemoryTransactionStore:
    """Dictionaries keyed by each handle. Expired transactions are invisible at once and evicted in sweeps."""

    def __init__(self) -> None:
        self._by_id: dict[str, Transaction] = {}
        self._by_interaction_handle: dict[str, str] = {}
        self._by_state_handle: dict[str, str] = {}
        self._by_code: dict[str, str] = {}

    def add(self, transaction: Transaction) -> None:
        self._by_id[transaction.id] = transaction
        self._by_interaction_handle[transaction.interaction_handle] = transaction.id
        self._by_state_handle[transaction.state_handle] = transaction.id

    def index_interaction_code(self, transaction: Transaction) -> None:
        if transaction.interaction_code:
            self._by_code[transaction.interaction_code] = transaction.id

    def by_interaction_handle(self, handle: str, now: float) -> Transaction | None:
        return self._live(self._by_interaction_handle.get(handle), now)

    def by_state_handle(self, handle: str, now: float) -> Transaction | None:
        return self._live(self._by_state_handle.get(handle), now)

    def by_interaction_code(self, code: str, now: float) -> Transaction | None:
        return self._live(self._by_code.get(code), now)

    def remove(self, transaction: Transaction) -> None:
        self._by_id.pop(transaction.id, None)
        self._by_interaction_handle.pop(transaction.interaction_handle, None)
        self._by_state_handle.pop(transaction.state_handle, None)
        if transaction.interaction_code:
            self._by_code.pop(transaction.interaction_code, None)

    def evict_expired(self, now: float) -> int:
        expired = [t for t in self._by_id.values() if not t.is_alive(now)]
        for transaction in expired:
            self.remove(transaction)
        return len(expired)

    def clear(self) -> None:
        for index in (self._by_id, self._by_interaction_handle, self._by_state_handle, self._by_code):
            index.clear()

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Transaction]:
        return iter(list(self._by_id.values()))

    def _live(self, transaction_id: str | None, now: float) -> Transaction | None:
        transaction = self._by_id.get(transaction_id) if transaction_id else None
        if transaction is None:
            return None
        if not transaction.is_alive(now):
            self.remove(transaction)
            return None
        return transaction
