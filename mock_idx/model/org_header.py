"""The org's header (clock offset and configuration generation), read from the store at most once per request.

Every engine call starts by reading the header, and one request makes several: the CORS check, the fault rules, the
authorization server's existence and the step itself. On the in-memory store that is cheap; on Redis each read is a
round trip, and three of them a request were a sixth of a sign-in's commands. Within :meth:`HeaderReads.scope`
(the web layer opens one per request) the first read is kept and every later one answers it, so a request decides
with one consistent header, as if it had been read once. Outside a scope every read goes to the store, as before.

The scope lives in a :class:`~contextvars.ContextVar` of this object (one per engine, never module-level): each
request runs in its own context, so concurrent requests never see each other's header.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import OrgHeader, OrgStore


@dataclass
class _Kept:
    header: OrgHeader | None = None


class HeaderReads:
    """Reads the org's header through ``store``, once per open :meth:`scope`."""

    def __init__(self, store: OrgStore) -> None:
        self._store = store
        self._kept: ContextVar[_Kept | None] = ContextVar(f"mock_idx.org_header.{id(self):x}", default=None)

    def scope(self) -> AbstractContextManager[None]:
        """Within the block, the header is read from the store once (on first use) and then kept."""
        return _Scope(self._kept)

    async def read(self) -> OrgHeader:
        kept = self._kept.get()
        if kept is None:
            return await self._store.header()
        if kept.header is None:
            kept.header = await self._store.header()
        return kept.header

    def forget(self) -> None:
        """The header changed (a reset, the clock advanced) or may have (time passed): the next read asks the store."""
        kept = self._kept.get()
        if kept is not None:
            kept.header = None


class _Scope(AbstractContextManager[None]):
    """:meth:`HeaderReads.scope`'s block. A class rather than ``@contextlib.contextmanager``: every request but
    ``/_mock``'s opens one, and the generator's machinery took about 5 us of it, this about 2 us."""

    __slots__ = ("_kept", "_token")

    def __init__(self, kept: ContextVar[_Kept | None]) -> None:
        self._kept = kept
        self._token: Token[_Kept | None] | None = None

    def __enter__(self) -> None:
        self._token = self._kept.set(_Kept())

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._token is not None:
            self._kept.reset(self._token)
            self._token = None
