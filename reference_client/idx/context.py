"""The only state the IDX client needs between calls, small enough for a session cookie."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class IdxContext:
    """Handles of one sign-in transaction.

    The client re-introspects with `interaction_handle` at the start of every call (as the .NET SDK does), so the
    context never holds the IDX document itself: it stays a few hundred bytes and a reloaded page always sees the
    server's current state. `code_verifier` and `nonce` are needed at the end to redeem and check the tokens.
    """

    interaction_handle: str
    code_verifier: str
    nonce: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> IdxContext | None:
        """Rebuild a context from `to_dict()` output; None for anything else (an old or tampered session)."""
        if not isinstance(data, dict):
            return None
        try:
            context = cls(**data)
        except TypeError:
            return None
        required = (context.interaction_handle, context.code_verifier, context.nonce)
        return context if all(isinstance(v, str) and v for v in required) else None
