"""Time, as every expiry in the fake sees it.

The org's clock is wall time plus an offset kept in the org's store (shared by every replica) that only ever grows:
advancing it by five minutes makes a push time out *now* instead of in five minutes of wall time. Transactions,
pushes, TOTP windows, codes and tokens all read the same :class:`Instant`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Instant:
    """One moment as the org sees it: the wall time it was read at and the clock's offset then.

    A request reads one instant and decides everything with it, so a step never sees time move under it; tokens need
    both halves (their ``iat``/``exp`` are wall time for real clients, their expiry is judged on virtual time).
    """

    wall: float
    offset: float

    @classmethod
    def current(cls, offset: float) -> Instant:
        return cls(wall=time.time(), offset=offset)

    @property
    def now(self) -> float:
        """Seconds since the epoch, in virtual time."""
        return self.wall + self.offset


def isoformat(timestamp: float) -> str:
    """Okta's timestamp format: ISO 8601 in UTC with milliseconds and a ``Z``."""
    # ``isoformat`` rather than ``strftime`` (every IDX document carries one, and ``strftime`` is the slower by half):
    # both truncate to the millisecond; ``[:-6]`` drops the ``+00:00`` for the ``Z``.
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
