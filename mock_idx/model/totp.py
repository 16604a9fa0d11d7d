"""RFC 6238 codes as Okta Verify shows them: 6 digits, 30-second steps, one step of drift either way.

A code is accepted once: Okta refuses a replayed code, so each user remembers the last time step it accepted.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import Enum

import pyotp

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1


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
    """Checks codes and remembers each secret's last accepted step (replay protection)."""

    def __init__(self) -> None:
        self._last_step: dict[str, int] = {}

    def verify(self, secret: str, code: str, now: float) -> TotpVerdict:
        step = _matching_step(_totp(secret), code, now)
        if step is None:
            return TotpVerdict.INVALID
        if step <= self._last_step.get(secret, -1):
            return TotpVerdict.REUSED
        self._last_step[secret] = step
        return TotpVerdict.ACCEPTED

    def forget(self, secret: str) -> None:
        self._last_step.pop(secret, None)

    def clear(self) -> None:
        self._last_step.clear()


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def _matching_step(totp: pyotp.TOTP, code: str, now: float) -> int | None:
    if not (isinstance(code, str) and len(code) == DIGITS and code.isdigit()):
        return None
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
