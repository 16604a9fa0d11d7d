"""Okta's rate-limit headers, ``X-Rate-Limit-Limit``, ``-Remaining`` and ``-Reset``, on every IDX and OAuth answer.

The reset is a **wall-clock** Unix time, whatever the virtual clock says: clients sleep until it (Okta's Java SDK
does on a 429), so a reset an hour ahead after ``clock/advance`` would stall a test for an hour. The fake counts
requests per area in wall-clock minutes, as Okta counts per endpoint, but never refuses one for it: a 429 comes only
from a fault rule, and its answer says nothing is left (:func:`exhausted`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

RATE_LIMIT = 600
"""Requests a minute, as Okta's default limit for the IDX and authorization-server endpoints of a small org."""
WINDOW_SECONDS = 60
LIMIT = "X-Rate-Limit-Limit"
REMAINING = "X-Rate-Limit-Remaining"
RESET = "X-Rate-Limit-Reset"
LIMIT_TEXT = str(RATE_LIMIT)


def headers(remaining: int, reset: int) -> dict[str, str]:
    return {LIMIT: LIMIT_TEXT, REMAINING: str(max(remaining, 0)), RESET: str(reset)}


def window_end(now: float) -> int:
    """When the wall-clock minute ``now`` falls in is over: the ``X-Rate-Limit-Reset`` of a request made now."""
    return (int(now) // WINDOW_SECONDS + 1) * WINDOW_SECONDS


def exhausted(wall_clock: Callable[[], float] = time.time) -> dict[str, str]:
    """The headers of a rate-limited (429) answer: nothing left until the current minute is over."""
    return headers(0, window_end(wall_clock()))


@dataclass
class RateCounter:
    """Requests counted per wall-clock minute, for one area of one app (it lives on the app's middleware)."""

    wall_clock: Callable[[], float] = time.time
    _reset: int = field(default=0, init=False)
    _reset_text: str = field(default="0", init=False)
    _used: int = field(default=0, init=False)

    def count(self) -> tuple[str, str]:
        """Counts one request and answers its ``X-Rate-Limit-Remaining`` and ``-Reset`` values (the limit is
        :data:`LIMIT_TEXT`). Every IDX and OAuth answer asks, so the reset's text is made once per minute, not per
        request, and nothing else is built: the caller sets the headers it lacks."""
        reset = window_end(self.wall_clock())
        if reset != self._reset:
            self._reset, self._reset_text, self._used = reset, str(reset), 0
        self._used += 1
        return str(max(RATE_LIMIT - self._used, 0)), self._reset_text
