"""The stores an org's state can live in (the interface is :class:`mock_idx.model.store.OrgStore`).

``memory`` (:mod:`.memory`) is the default and needs nothing; ``redis://…`` (:mod:`.redis_store`) is shared by every
replica pointed at it. :func:`open_store` picks one from the settings' checked ``--store`` URL (:mod:`.url`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .memory import MemoryStore

if TYPE_CHECKING:
    from ..config import Settings
    from ..model.store import OrgStore


def open_store(settings: Settings) -> OrgStore:
    """A store for ``settings.store``; Redis is imported only when asked for, and connects on first use."""
    url = settings.store_url
    if url.redis_url is None:
        return MemoryStore(settings.journal_capacity, settings.journal_max_bytes)
    from .redis_store import RedisStore

    return RedisStore.from_url(url.redis_url, url.prefix, journal_capacity=settings.journal_capacity)
