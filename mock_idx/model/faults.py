"""Fault and latency injection: rules that make chosen requests slow, rate-limited, failing or dropped.

Why rules and not switches: a test says "the next poll of *this* user gets a 429" and nothing else in the same server
changes, so tests running side by side never disturb each other. A rule names a route (a path, ``*`` wildcards
allowed) and optionally a user; it fires for the next ``times`` matching requests, or for a ``fraction`` of them drawn
from its seed, so a flaky-network test fails the same requests on every run.

Plain data only: the web layer decides how a 429 or a dropped connection looks on the wire.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import OrgHeader, OrgStore


@dataclass(frozen=True)
class FaultRule:
    route: str
    """A request path such as ``/idp/idx/authenticators/poll``; ``*`` matches any run of characters."""
    user: str | None = None
    """Only this user's requests (case-insensitive); ``None`` for everyone's."""
    status: int | None = None
    """Answer with this status (429, or 5xx) instead of calling the handler."""
    delay_ms: int = 0
    """Wait this long first (alone, a pure latency rule: the request then goes through)."""
    drop: bool = False
    """Close the connection without answering."""
    times: int | None = None
    """Fire for this many matching requests, then retire; ``None`` for as long as the rule exists."""
    fraction: float | None = None
    """Fire for about this share of matching requests (``None``: all of them)."""
    seed: int = 0
    id: str = ""
    fired: int = 0
    """How many requests it hit, as the store counted them when the rule was read."""

    def matches(self, path: str, user: str | None) -> bool:
        if self.user is not None and (user or "").lower() != self.user.lower():
            return False
        return self.matches_route(path)

    def matches_route(self, path: str) -> bool:
        return fnmatchcase(path, self.route) if "*" in self.route else path == self.route

    def drawn(self, match_number: int) -> bool:
        """Whether the ``match_number``-th matching request is among the ``fraction`` hit. A pure function of the
        seed and the number, so every run, and every replica, hits the same requests; other traffic never shifts
        which ones (only matching requests are numbered)."""
        if self.fraction is None:
            return True
        return random.Random(f"{self.seed}:{match_number}").random() < self.fraction

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "route": self.route,
            "user": self.user,
            "status": self.status,
            "delay_ms": self.delay_ms,
            "drop": self.drop,
            "times": self.times,
            "fraction": self.fraction,
            "seed": self.seed,
            "fired": self.fired,
            "remaining": None if self.times is None else self.times - self.fired,
        }


@dataclass(frozen=True)
class FaultDecision:
    """What to do to one request: every firing rule adds its delay; the first that fails the request decides how."""

    delay_ms: int = 0
    status: int | None = None
    drop: bool = False
    rule_ids: tuple[str, ...] = ()

    @property
    def fails(self) -> bool:
        return self.drop or self.status is not None

    def note(self) -> str:
        """For the journal: which rules hit the request and what they did."""
        effects = [f"delayed {self.delay_ms} ms"] if self.delay_ms else []
        if self.drop:
            effects.append("connection dropped")
        elif self.status is not None:
            effects.append(f"answered {self.status}")
        return f"fault {', '.join(self.rule_ids)}: {', '.join(effects)}"


NO_FAULT = FaultDecision()


class FaultPlan:
    """The rules in force, in the order they were added, kept in the org's store (so every replica applies the same
    rules, and ``times`` counts requests across all of them). The rules are read again only when the store's
    configuration generation says they changed."""

    def __init__(self, store: OrgStore, read_header: Callable[[], Awaitable[OrgHeader]] | None = None) -> None:
        """``read_header``: how the generation is read, by default from the store; the app passes the engine's
        (:meth:`~.engine.Engine.header`), so the fault check shares the request's one header read."""
        self._store = store
        self._read_header = read_header or store.header
        self._cached: tuple[int, list[FaultRule]] = (-1, [])

    async def add(self, rule: FaultRule) -> FaultRule:
        return await self._store.add_fault(rule)

    async def rules(self) -> list[FaultRule]:
        """Each with its current ``fired`` count; retired ones left out."""
        return await self._store.fault_rules()

    async def remove(self, rule_id: str) -> bool:
        return await self._store.remove_fault(rule_id)

    async def clear(self) -> int:
        return await self._store.clear_faults()

    async def concerns(self, path: str) -> list[FaultRule]:
        """Rules whose route matches, ignoring users: lets the web layer skip finding the user when none care."""
        return [r for r in await self._in_force() if r.matches_route(path)]

    async def decide(self, path: str, user: str | None, concerned: list[FaultRule]) -> FaultDecision:
        """What the ``concerned`` rules (from :meth:`concerns`) do to this request, counting each that fires."""
        fired = [rule for rule in concerned if await self._fires(rule, path, user)]
        if not fired:
            return NO_FAULT
        failing = next((r for r in fired if r.drop or r.status is not None), None)
        return FaultDecision(
            delay_ms=sum(r.delay_ms for r in fired),
            status=failing.status if failing and not failing.drop else None,
            drop=bool(failing and failing.drop),
            rule_ids=tuple(r.id for r in fired),
        )

    async def _fires(self, rule: FaultRule, path: str, user: str | None) -> bool:
        if not rule.matches(path, user):
            return False
        if rule.fraction is not None and not rule.drawn(await self._store.count_fault_match(rule.id)):
            return False
        return await self._store.fire_fault(rule.id, rule.times)

    async def _in_force(self) -> list[FaultRule]:
        generation = (await self._read_header()).generation
        if self._cached[0] != generation:
            self._cached = (generation, await self._store.fault_rules())
        return self._cached[1]
