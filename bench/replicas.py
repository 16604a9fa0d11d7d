"""Complete push sign-ins per second with the org in Redis, served by one worker process and by two, next to the
in-memory single process, all in one run (issue #12): what the shared store costs a sign-in, and what a second worker
buys back.

The three servers are ``mock-idx serve`` as a user starts it, the same scenario in each (the bench's 50 push users,
approving after :data:`~bench.users.APPROVE_AFTER_POLLS` polls), differing only in ``--store`` and ``--workers``:

- (a) ``--store memory`` (one process);
- (b) ``--store redis://…`` with one worker;
- (c) ``--store redis://…`` with ``--workers 2``, sharing one port (``SO_REUSEPORT``).

All three run for the whole section; the rounds alternate between them, each round in a new order, so a neighbour's
burst of CPU lands on every side of a ratio. The workload is :mod:`bench.signins`' push sign-in, one keep-alive
connection per user. CPU time of each server's process tree and of ``redis-server`` is read from /proc around each
counted round, so a row also says where the time of a sign-in went.

A failed request, a server that exits, or anything a server writes to stderr is reported as it is, never retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from statistics import median

from . import signins
from .http import Pool
from .load import Measured, closed_loop
from .redis_server import RedisMissing, RedisServer
from .serve import Serve, cpu_seconds, machine_busy_seconds
from .users import APPROVE_AFTER_POLLS, PASSWORD, PUSH_USERS, login

PREFIX = "bench"
HANG_SECONDS = 30.0
"""A round that has not finished this long after its time is up is stuck: it is reported, not waited for."""
ERROR_LINES_SHOWN = 5


@dataclass(frozen=True)
class Setup:
    label: str
    shared: bool
    workers: int

    def options(self, scenario: Path, redis: RedisServer | None) -> list[str]:
        store = f"{redis.url}?prefix={PREFIX}{self.workers}" if self.shared and redis else "memory"
        workers = ["--workers", str(self.workers)] if self.workers > 1 else []
        return ["--scenario", str(scenario), "--store", store, *workers]


MEMORY = Setup("(a) memory, 1 process", shared=False, workers=1)
REDIS_ONE = Setup("(b) Redis, --workers 1", shared=True, workers=1)
REDIS_TWO = Setup("(c) Redis, --workers 2", shared=True, workers=2)
SETUPS = (MEMORY, REDIS_ONE, REDIS_TWO)


@dataclass(frozen=True)
class Plan:
    rounds: int
    seconds: float
    """Counted time of one round of one setup; each round first warms its new connections for a fifth of this."""
    warm_up_rounds: int


@dataclass
class Row:
    """One setup at one number of users: its counted rounds, or why it has none."""

    setup: Setup
    users: int
    rounds: list[Measured] = field(default_factory=list)
    server_cpu: float = 0.0
    redis_cpu: float = 0.0
    redis_commands: int = 0
    load_cpu: float = 0.0
    """CPU seconds of this (the load) process: on 2 cores its share is taken from the servers' and Redis's."""
    other_cpu: float = 0.0
    """CPU seconds every other process on the machine used meanwhile: other work sharing the machine."""
    failure: str | None = None
    not_measured: str | None = None

    @property
    def rate(self) -> float:
        """Median of the rounds' rates: a round slowed by a neighbour moves it least."""
        return median(measured.rate for measured in self.rounds) if self.rounds else 0.0

    @property
    def measured(self) -> Measured:
        """Every counted sign-in of every round, for latency percentiles."""
        return Measured(
            sum(m.operations for m in self.rounds),
            sum(m.seconds for m in self.rounds),
            tuple(sorted(latency for m in self.rounds for latency in m.latencies)),
        )

    @property
    def usable(self) -> bool:
        return bool(self.rounds) and self.failure is None

    def other_share(self) -> float:
        """The share of the machine's CPU (all cores) other processes took while this row was counted."""
        seconds = self.measured.seconds * (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
        return self.other_cpu / seconds if seconds else 0.0

    def per_sign_in(self, total: float) -> float:
        """``total`` (CPU seconds, commands) over the counted sign-ins."""
        operations = self.measured.operations
        return total / operations if operations else 0.0


@dataclass(frozen=True)
class Section:
    rows: list[Row]
    notes: list[str]
    """What the table cannot show: Redis missing, a server that exited or wrote errors."""


def measure(plan: Plan, levels: tuple[int, ...]) -> Section:
    """Every setup at every number of users in ``levels``; Redis rows are marked not measured without redis-server."""
    notes: list[str] = []
    rows: list[Row] = []
    servers: dict[Setup, Serve] = {}
    with tempfile.TemporaryDirectory(prefix="bench-replicas-") as folder, contextlib.ExitStack() as running:
        scenario = write_scenario(Path(folder) / "bench-push-users.yaml")
        redis: RedisServer | None = None
        try:
            redis = running.enter_context(RedisServer())
        except RedisMissing as missing:
            notes.append(f"{missing}: the Redis rows were not measured")
        unstarted: dict[Setup, str] = {}
        for setup in SETUPS:
            if redis is None and setup.shared:
                continue
            try:
                servers[setup] = running.enter_context(Serve(*setup.options(scenario, redis)))
            except RuntimeError as problem:  # reported in its rows, as a failure under load would be
                unstarted[setup] = str(problem)
        for users in levels:
            level = [Row(setup, users) for setup in SETUPS]
            for row in level:
                if row.setup in unstarted:
                    row.failure = unstarted[row.setup]
                elif row.setup not in servers:
                    row.not_measured = "no redis-server"
            for number in range(plan.warm_up_rounds + plan.rounds):
                counted = number >= plan.warm_up_rounds
                for row in _rotated([row for row in level if row.setup in servers], number):
                    if row.failure is None:
                        _run_round(row, servers[row.setup], redis, plan.seconds, counted)
            rows += level
    for setup, server in servers.items():
        notes += _server_notes(setup, server)
    return Section(rows, notes)


def write_scenario(path: Path) -> Path:
    """The bench's push users (as :func:`bench.users.bench_users` makes them) as a scenario file, which is how
    ``mock-idx serve`` takes users; JSON is YAML, and needs no dumper."""
    users = [
        {
            "login": login("push", number),
            "password": PASSWORD,
            "authenticators": {
                "okta_verify": {
                    "methods": ["push", "totp"],
                    "push": {"outcome": "approve", "after_polls": APPROVE_AFTER_POLLS},
                }
            },
        }
        for number in range(PUSH_USERS)
    ]
    document = {"description": "mock-idx bench: push users approving after some polls", "users": users}
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def _rotated(rows: list[Row], number: int) -> list[Row]:
    """Round ``number``'s order: each setup goes first in turn, so none always follows the same neighbour."""
    if not rows:
        return rows
    shift = number % len(rows)
    return rows[shift:] + rows[:shift]


def _run_round(row: Row, server: Serve, redis: RedisServer | None, seconds: float, counted: bool) -> None:
    try:
        measured, server_cpu, redis_cpu, redis_commands, load_cpu, busy = asyncio.run(
            asyncio.wait_for(
                _round(server, redis if row.setup.shared else None, row.users, seconds), seconds * 1.2 + HANG_SECONDS
            )
        )
    except TimeoutError:
        row.failure = f"no answer within {HANG_SECONDS:.0f} s of the round's end (a request hung)"
    except Exception as error:  # a refused answer (UnexpectedReply), a reset connection, a server gone
        row.failure = f"{type(error).__name__}: {error}"
    else:
        if counted:
            row.rounds.append(measured)
            row.server_cpu += server_cpu
            row.redis_cpu += redis_cpu
            row.redis_commands += redis_commands
            row.load_cpu += load_cpu
            row.other_cpu += max(0.0, busy - server_cpu - redis_cpu - load_cpu)
    if row.failure is not None and not server.running:
        row.failure += " (the server had exited)"


async def _round(
    server: Serve, redis: RedisServer | None, users: int, seconds: float
) -> tuple[Measured, float, float, int, float, float]:
    """One round: ``users`` push sign-ins at a time on fresh connections, warmed up, then counted for ``seconds``;
    with what was used while counted: CPU seconds of the server's processes and of Redis, Redis commands, and CPU
    seconds of this process (the load), and CPU seconds of the whole machine."""
    redis_pids = [redis.pid] if redis is not None else []
    with Pool(server.url, users) as pool:
        sign_in = signins.operation(pool, "push", count())
        await closed_loop(sign_in, users, seconds / 5, 10**9)
        commands_before = redis.commands_processed() if redis else 0
        server_before, redis_before = server.cpu_seconds(), cpu_seconds(redis_pids)
        load_before, busy_before = time.process_time(), machine_busy_seconds()
        measured = await closed_loop(sign_in, users, seconds, 10**9)
        load_cpu, busy = time.process_time() - load_before, machine_busy_seconds() - busy_before
        server_cpu, redis_cpu = server.cpu_seconds() - server_before, cpu_seconds(redis_pids) - redis_before
        commands = (redis.commands_processed() - commands_before - 1) if redis else 0  # less our own INFO
        return measured, server_cpu, redis_cpu, commands, load_cpu, busy


def _server_notes(setup: Setup, server: Serve) -> list[str]:
    notes = []
    if server.exit_code is not None:
        notes.append(f"{setup.label}: the server exited by itself during the run (exit code {server.exit_code})")
    lines = server.errors.splitlines()
    if lines:
        notes.append(
            f"{setup.label}: the server wrote {len(lines)} line{'s' if len(lines) > 1 else ''} to stderr; the first:"
        )
        notes += [f"    {line}" for line in lines[:ERROR_LINES_SHOWN]]
    return notes
