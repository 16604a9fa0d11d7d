"""Time, as every expiry in the fake sees it.

A single :class:`VirtualClock` is shared by transactions, pushes, TOTP windows, codes and tokens, so advancing it by
five minutes makes a push time out *now* instead of in five minutes of wall time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


class VirtualClock:
    """Wall-clock time plus an offset that only ever grows."""

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset

    def now(self) -> float:
        """Seconds since the epoch, in virtual time."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move virtual time forward; returns the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
        return self.now()

    @property
    def offset(self) -> float:
        return self._offset


def isoformat(timestamp: float) -> str:
    """Okta's timestamp format: ISO 8601 in UTC with milliseconds and a ``Z``."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
