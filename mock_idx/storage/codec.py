"""How records are written down: JSON bytes made by pydantic from the model's own dataclasses.

Both stores keep encoded records, never the engine's objects (see :mod:`mock_idx.model.store`). Redis keeps every
record as these adapters' JSON, so a record written by one replica reads back the same on any other; the in-memory
store keeps what it writes while serving the same way, and pickles only the org it starts with, so that a server
answers before this module (and pydantic) is imported (:mod:`.memory`). pydantic walks the dataclasses' type hints,
so a field added to a model is stored without touching this module.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import TypeAdapter

from ..model.activation import ActivationIndex, OktaVerifyActivation
from ..model.authenticator_steps import EmailLink
from ..model.authorize import AuthorizationCode
from ..model.directory import User
from ..model.faults import FaultRule
from ..model.journal import JournalEntry
from ..model.outbox import Message
from ..model.policy import Policy
from ..model.push import PushChallenge
from ..model.sessions import Session
from ..model.store import OrgIdentity
from ..model.tokens import RefreshRecord
from ..model.transaction import Transaction
from ..model.user_lifecycle import AccountActivation
from .record_types import RECORD_TYPES as RECORD_TYPES  # the Redis store reads it from here

T = TypeVar("T")


RECORD_CLASSES: tuple[type[Any], ...] = (
    User,
    FaultRule,
    JournalEntry,
    Policy,
    PushChallenge,
    OrgIdentity,
    RefreshRecord,
    Transaction,
    Session,
    AuthorizationCode,
    Message,
    EmailLink,
    OktaVerifyActivation,
    ActivationIndex,
    AccountActivation,
)
"""Every type a store writes down."""


class Codec:
    """One adapter per record type, built on the type's first use and kept (building an adapter is the slow part:
    all of them at import would cost a Redis-backed server tens of milliseconds before its first answer, most for
    types it does not write until a sign-in starts)."""

    def __init__(self) -> None:
        self._adapters: dict[type[Any], TypeAdapter[Any]] = {}

    def encode(self, record: Any) -> bytes:
        return self._adapter(type(record)).dump_json(record)

    def decode(self, kind: type[T], data: bytes | str) -> T:
        value: T = self._adapter(kind).validate_json(data)
        return value

    def _adapter(self, kind: type[Any]) -> TypeAdapter[Any]:
        adapter = self._adapters.get(kind)
        if adapter is None:
            if kind not in RECORD_CLASSES:
                raise KeyError(kind)  # as before: only the store's own record types are written down
            adapter = self._adapters[kind] = TypeAdapter(kind)
        return adapter


CODEC = Codec()
"""One instance serves every store in the process: it only ever adds adapters, each the same whoever builds it."""
