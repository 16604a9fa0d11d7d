"""RFC 6238 codes as Okta Verify shows them: 6 digits, 30-second steps, one step of drift either way.

A code is accepted once: Okta refuses a replayed code, so the org remembers each secret's last accepted time step.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import pyotp

if TYPE_CHECKING:
    from .store import OrgStore

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
REPLAY_MEMORY_SECONDS = (2 * DRIFT_STEPS + 2) * STEP_SECONDS
"""How long a used step must be remembered: past it, the code of that step is out of the drift window anyway."""


@dataclass(frozen=True)
class TotpCode:
    code: str
    seconds_left: int


class TotpVerdict(str, Enum):
    ACCEPTED = "accepted"
    INVALID = "invalid"
    REUSED = "reused"


def current_code(secret: str, now: float) -> TotpCode:
    """What the user's app shows at ``now``, and how long it keeps showing it."""
    return TotpCode(code=_totp(secret).at(now), seconds_left=STEP_SECONDS - int(now) % STEP_SECONDS)


class TotpVerifier:
    """Checks codes; the store remembers each secret's last accepted step (replay protection), atomically, so a code
    is good once even when two replicas are shown it at the same moment."""

    def __init__(self, store: OrgStore) -> None:
        self._store = store

    async def verify(self, secret: str, code: str, now: float) -> TotpVerdict:
        step = _matching_step(_totp(secret), code, now)
        if step is None:
            return TotpVerdict.INVALID
        if not await self._store.accept_totp_step(secret, step, REPLAY_MEMORY_SECONDS):
            return TotpVerdict.REUSED
        return TotpVerdict.ACCEPTED

    async def forget(self, secret: str) -> None:
        await self._store.forget_totp(secret)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def _matching_step(totp: pyotp.TOTP, code: str, now: float) -> int | None:
    # ASCII digits only: str.isdigit() also takes fullwidth or Arabic-Indic digits, which compare_digest refuses
    if not (isinstance(code, str) and len(code) == DIGITS and code.isascii() and code.isdigit()):
        return None
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
