"""Server-side sessions: the cookie carries only a random id, the session data stays in this process's memory.

Tokens and claims never travel to the browser, and a large id_token cannot push the cookie past the 4 KB browsers
keep. The store is bounded twice: sessions idle longer than `idle_seconds` are forgotten, and past `max_sessions`
the least recently used one goes, so a flood of new visitors cannot grow memory without limit. Sessions end when
the process does (there is nothing to keep them across restarts).
"""

from __future__ import annotations

import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp_session import AbstractStorage, Session

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")
"""What `secrets.token_urlsafe(32)` makes; any other cookie value is not ours and starts a fresh session."""


@dataclass
class _Stored:
    data: str  # JSON, so a handler mutating its Session object never changes what is stored until it is saved
    last_used: float


class MemorySessionStorage(AbstractStorage):
    """An aiohttp_session storage keeping each session's data under a random id, least recently used first."""

    def __init__(
        self,
        *,
        cookie_name: str,
        secure: bool,
        max_sessions: int,
        idle_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(cookie_name=cookie_name, httponly=True, samesite="Lax", secure=secure)
        self._sessions: OrderedDict[str, _Stored] = OrderedDict()
        self._max_sessions = max_sessions
        self._idle_seconds = idle_seconds
        self._clock = clock

    def __len__(self) -> int:
        return len(self._sessions)

    def data_of(self, session_id: str) -> dict[str, Any] | None:
        """What is stored under an id (None if nothing), without touching its last use: for tests and tools."""
        stored = self._sessions.get(session_id)
        return None if stored is None else dict(self._decoder(stored.data)["session"])

    async def load_session(self, request: web.Request) -> Session:
        session_id = self._cookie_id(request)
        stored = self._use(session_id) if session_id else None
        if session_id is None or stored is None:
            return Session(None, data=None, new=True)
        return Session(session_id, data=self._decoder(stored.data), new=False)

    async def save_session(self, request: web.Request, response: web.StreamResponse, session: Session) -> None:
        """Store the session; a renewed one (`new_session`) gets a new id and the id it replaces is dropped."""
        previous_id = self._cookie_id(request)
        session_id = session.identity if isinstance(session.identity, str) else None
        if session_id is None and previous_id is not None:
            self._sessions.pop(previous_id, None)
        if session.empty:
            if session_id is not None:
                self._sessions.pop(session_id, None)
            self.save_cookie(response, "")  # deletes the cookie
            return
        if session_id is None:
            session_id = secrets.token_urlsafe(32)
            self.save_cookie(response, session_id)
        self._sessions[session_id] = _Stored(self._encoder(self._get_session_data(session)), self._clock())
        self._sessions.move_to_end(session_id)
        self._evict()

    def _cookie_id(self, request: web.Request) -> str | None:
        value = self.load_cookie(request)
        return value if value is not None and SESSION_ID.fullmatch(value) else None

    def _use(self, session_id: str) -> _Stored | None:
        self._evict()
        stored = self._sessions.get(session_id)
        if stored is not None:
            stored.last_used = self._clock()
            self._sessions.move_to_end(session_id)
        return stored

    def _evict(self) -> None:
        """Drop idle sessions and, past the limit, the least recently used: both sit at the front of the order."""
        idle_since = self._clock() - self._idle_seconds
        while self._sessions:
            oldest_id, oldest = next(iter(self._sessions.items()))
            if len(self._sessions) <= self._max_sessions and oldest.last_used > idle_since:
                break
            del self._sessions[oldest_id]
