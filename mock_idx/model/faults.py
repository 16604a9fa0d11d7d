"""Fault and latency injection: rules that make chosen requests slow, rate-limited, failing or dropped.

Why rules and not switches: a test says "the next poll of *this* user gets a 429" and nothing else in the same server
changes, so tests running side by side never disturb each other. A rule names a route (a path, ``*`` wildcards
allowed) and optionally a user; it fires for the next ``times`` matching requests, or for a ``fraction`` of them drawn
from its own seeded random generator, so a flaky-network test fails the same requests on every run.

Plain data only: the web layer decides how a 429 or a dropped connection looks on the wire.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from itertools import count
from typing import Any


@dataclass
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
    _rng: random.Random = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def matches(self, path: str, user: str | None) -> bool:
        if self.user is not None and (user or "").lower() != self.user.lower():
            return False
        return self.matches_route(path)

    def matches_route(self, path: str) -> bool:
        return fnmatchcase(path, self.route) if "*" in self.route else path == self.route

    def fire(self, path: str, user: str | None) -> bool:
        """Whether this request is hit; counts it if so. The dice are rolled only for matching requests, so other
        traffic never shifts which ones are chosen."""
        if self.exhausted or not self.matches(path, user):
            return False
        if self.fraction is not None and self._rng.random() >= self.fraction:
            return False
        self.fired += 1
        return True

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
    """The rules in force, in the order they were added."""

    def __init__(self, rules: list[FaultRule] | tuple[FaultRule, ...] = ()) -> None:
        self._rules: list[FaultRule] = []
        self._ids = count(1)
        self.replace(rules)

    def add(self, rule: FaultRule) -> FaultRule:
        rule.id = f"flt{next(self._ids)}"
        self._rules.append(rule)
        return rule

    def rules(self) -> list[FaultRule]:
        return list(self._rules)

    def remove(self, rule_id: str) -> bool:
        before = len(self._rules)
        self._rules = [r for r in self._rules if r.id != rule_id]
        return len(self._rules) < before

    def replace(self, rules: list[FaultRule] | tuple[FaultRule, ...]) -> None:
        self.clear()
        for rule in rules:
            self.add(rule)

    def clear(self) -> int:
        removed = len(self._rules)
        self._rules.clear()
        return removed

    def concerns(self, path: str) -> list[FaultRule]:
        """Rules whose route matches, ignoring users: lets the web layer skip finding the user when none care."""
        return [r for r in self._rules if r.matches_route(path)]

    def decide(self, path: str, user: str | None) -> FaultDecision:
        fired = [rule for rule in self._rules if rule.fire(path, user)]
        if not fired:
            return NO_FAULT
        self._rules = [r for r in self._rules if not r.exhausted]
        failing = next((r for r in fired if r.drop or r.status is not None), None)
        return FaultDecision(
            delay_ms=sum(r.delay_ms for r in fired),
            status=failing.status if failing and not failing.drop else None,
            drop=bool(failing and failing.drop),
            rule_ids=tuple(r.id for r in fired),
        )

    def __len__(self) -> int:
        return len(self._rules)
