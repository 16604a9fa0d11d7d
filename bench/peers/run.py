"""The peer table (``python -m bench --peers``): mock-idx and the other fake IdPs under the same load, in one run.

All servers run for the whole table, each started with ``taskset -c 0`` while this (the load) process pins itself to
core 1, so a server has one core and the load the other, as in the rest of the bench. For each workload and number of
clients, every server gets its own keep-alive connections (one per client) and whatever the workload needs prepared
(a refresh token per client); then the rounds alternate between the servers, each round in a new order, so a burst
of other work lands on every side of a ratio. A rate is the median of the counted rounds; p50/p99 are over every
counted operation. After the load, each server's RSS is read; then each is started ``ready_repeats`` more times on
its own (the others stopped) for the time from process start to the first 200 on its discovery document.

A peer that cannot be installed or started, or a workload a server does not offer, is a "not measured: why" row; a
refused answer, a dropped connection, a hang or a server that exits is a "FAILED: what" row. Nothing is retried, and
nothing here raises past :func:`measure`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from statistics import median
from typing import TypeVar

from ..http import Pool
from ..load import Measured, Operation, closed_loop
from . import flows
from .install import PeerUnavailable
from .servers import SERVERS, Running, Server, pinning

T = TypeVar("T")
LOAD_CORE = 1
HANG_SECONDS = 30.0
"""A round not finished this long after its time is up is stuck: the row fails, the bench goes on."""


@dataclass(frozen=True)
class Plan:
    rounds: int
    warm_up_rounds: int
    seconds: float
    """Counted time of one round of one server; each server's new connections are first warmed for a fifth of it."""
    limit: int
    """At most this many operations in one round."""
    ready_repeats: int


FULL = Plan(rounds=3, warm_up_rounds=1, seconds=1.0, limit=50_000, ready_repeats=5)
QUICK = Plan(rounds=1, warm_up_rounds=0, seconds=0.4, limit=10_000, ready_repeats=2)

Prepare = Callable[[Server, Pool, "Cell"], Awaitable[Operation]]


@dataclass(frozen=True)
class Workload:
    name: str
    unit: str
    levels: tuple[int, ...]
    prepare: Prepare
    unsupported: Callable[[Server], str | None] = lambda server: None
    """Why ``server`` cannot run this workload; None when it can."""


@dataclass
class Cell:
    """One server at one workload and number of clients: its counted rounds, or why it has none."""

    server: Server
    rounds: list[Measured] = field(default_factory=list)
    cpu_seconds: float = 0.0
    """CPU time the server's processes used during the counted rounds."""
    signatures: int | None = None
    """Signed JWTs in one answer (token workloads): each cost the server one RS256 signature."""
    failure: str | None = None
    not_measured: str | None = None

    @property
    def rate(self) -> float:
        return median(m.rate for m in self.rounds) if self.rounds else 0.0

    @property
    def usable(self) -> bool:
        return bool(self.rounds) and self.failure is None and self.not_measured is None

    @property
    def cpu_per_operation(self) -> float:
        """Server CPU seconds per counted operation: unlike a rate, hardly moved by other work on the machine."""
        operations = sum(m.operations for m in self.rounds)
        return self.cpu_seconds / operations if operations else 0.0

    def percentile(self, fraction: float) -> float:
        latencies = sorted(latency for m in self.rounds for latency in m.latencies)
        return Measured(len(latencies), 1.0, tuple(latencies)).percentile(fraction)


@dataclass(frozen=True)
class Row:
    workload: Workload
    clients: int
    cells: list[Cell]


@dataclass(frozen=True)
class Figure:
    """A per-server figure where less is better (ms to ready, MiB of RSS)."""

    server: Server
    values: list[float]
    not_measured: str | None = None

    @property
    def value(self) -> float:
        return median(self.values) if self.values else 0.0


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    ready: list[Figure] = field(default_factory=list)
    memory: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- the workloads ----------------------------------------------------------------------------------------------------


async def _discovery(server: Server, pool: Pool, cell: Cell) -> Operation:
    async def operation(number: int) -> None:
        await flows.discovery(server, pool[number])

    return operation


async def _jwks(server: Server, pool: Pool, cell: Cell) -> Operation:
    async def operation(number: int) -> None:
        await flows.jwks(server, pool[number])

    return operation


async def _client_credentials(server: Server, pool: Pool, cell: Cell) -> Operation:
    async def operation(number: int) -> None:
        cell.signatures = flows.signatures(await flows.client_credentials(server, pool[number]))

    return operation


async def _refresh(server: Server, pool: Pool, cell: Cell) -> Operation:
    """Each client signs in once for its refresh token, then refreshes; a rotated token replaces the old one."""
    tokens: list[str] = []
    for client in pool.clients:
        refresh_token = (await flows.sign_in(server, client)).get("refresh_token")
        if not isinstance(refresh_token, str):
            raise AssertionError(f"{server.name} issued no refresh token at sign-in")
        tokens.append(refresh_token)

    async def operation(number: int) -> None:
        answer = await flows.refresh(server, pool[number], tokens[number])
        cell.signatures = flows.signatures(answer)
        rotated = answer.get("refresh_token")
        if isinstance(rotated, str):
            tokens[number] = rotated

    return operation


def _sign_in(push: bool) -> Prepare:
    async def prepare(server: Server, pool: Pool, cell: Cell) -> Operation:
        async def operation(number: int) -> None:
            cell.signatures = flows.signatures(await flows.sign_in(server, pool[number], push))

        return operation

    return prepare


def _no_client_credentials(server: Server) -> str | None:
    return server.client_credentials


def _no_push(server: Server) -> str | None:
    return server.push


WORKLOADS = (
    Workload("discovery", "req/s", (1, 10, 50), _discovery),
    Workload("JWKS", "req/s", (1, 10, 50), _jwks),
    Workload("client_credentials", "answers/s", (1, 10), _client_credentials, _no_client_credentials),
    Workload("refresh_token", "answers/s", (1, 10), _refresh),
    Workload("sign-in, password", "sign-ins/s", (1, 10), _sign_in(push=False)),
    Workload("sign-in, push approved", "sign-ins/s", (1, 10), _sign_in(push=True), _no_push),
)


# --- running it -------------------------------------------------------------------------------------------------------


def measure(plan: Plan, servers: tuple[Server, ...] = SERVERS, workloads: tuple[Workload, ...] = WORKLOADS) -> Table:
    table = Table()
    pinned = _pin_load()
    if not pinned:
        table.notes.append("not pinned (needs taskset and 2 cores): server and load shared the scheduler's cores")
    try:
        unavailable: dict[str, str] = {}
        with contextlib.ExitStack() as stack:
            running: dict[str, Running] = {}
            for server in servers:
                _progress(f"starting {server.name}")
                try:
                    running[server.name] = stack.enter_context(Running(server))
                except Exception as why:  # whatever stops a peer starting is its rows' one line, not the bench's end
                    unavailable[server.name] = _why(why)
            table.rows = asyncio.run(_rows(plan, servers, workloads, running, unavailable))
            table.memory = [
                Figure(s, [running[s.name].rss_kib() / 1024], None)
                if s.name in running and running[s.name].running
                else Figure(s, [], unavailable.get(s.name, "the server had exited"))
                for s in servers
            ]
        table.ready = [_ready(server, plan.ready_repeats, unavailable.get(server.name)) for server in servers]
    finally:
        if pinned:
            os.sched_setaffinity(0, pinned)
    return table


async def _rows(
    plan: Plan,
    servers: tuple[Server, ...],
    workloads: tuple[Workload, ...],
    running: dict[str, Running],
    unavailable: dict[str, str],
) -> list[Row]:
    rows = []
    for workload in workloads:
        for clients in workload.levels:
            _progress(f"{workload.name} with {clients} client{'s' if clients > 1 else ''}")
            rows.append(await _row(plan, servers, workload, clients, running, unavailable))
    return rows


async def _row(
    plan: Plan,
    servers: tuple[Server, ...],
    workload: Workload,
    clients: int,
    running: dict[str, Running],
    unavailable: dict[str, str],
) -> Row:
    cells = [Cell(server) for server in servers]
    operations: dict[str, Operation] = {}
    connections: dict[str, Pool] = {}
    with contextlib.ExitStack() as pools:
        for cell in cells:
            name = cell.server.name
            cell.not_measured = unavailable.get(name) or workload.unsupported(cell.server)
            if cell.not_measured is None:
                pool = pools.enter_context(Pool(running[name].url, clients, cookies=True))
                try:
                    operations[name] = await _guarded(workload.prepare(cell.server, pool, cell), plan.seconds * 10)
                    connections[name] = pool
                except Exception as error:  # anything a server answered wrong is this row's failure, not the bench's
                    _fail(cell, error, running[name])
        for number in range(plan.warm_up_rounds + plan.rounds):
            for cell in _rotated([c for c in cells if c.server.name in operations], number):
                if cell.failure is not None:
                    continue
                server, operation = running[cell.server.name], operations[cell.server.name]
                connections[cell.server.name].reconnect()  # fresh connections each round, warmed uncounted
                try:
                    await _guarded(closed_loop(operation, clients, plan.seconds / 5, plan.limit), plan.seconds)
                    cpu_before = server.cpu_seconds()
                    measured = await _guarded(closed_loop(operation, clients, plan.seconds, plan.limit), plan.seconds)
                    cpu = server.cpu_seconds() - cpu_before
                except Exception as error:
                    _fail(cell, error, server)
                    continue
                if number >= plan.warm_up_rounds:
                    cell.rounds.append(measured)
                    cell.cpu_seconds += cpu
    return Row(workload, clients, cells)


async def _guarded(work: Awaitable[T], seconds: float) -> T:
    return await asyncio.wait_for(work, seconds * 1.2 + HANG_SECONDS)


def _fail(cell: Cell, error: BaseException, server: Running) -> None:
    if isinstance(error, TimeoutError):
        cell.failure = f"no answer within {HANG_SECONDS:.0f} s of the round's end (a request hung)"
    else:
        cell.failure = f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"
    if not server.running:
        cell.failure += " (the server had exited)"


def _why(error: Exception) -> str:
    """One line: a :class:`PeerUnavailable` says it all; anything else also needs its type."""
    text = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return text if isinstance(error, PeerUnavailable) else f"{type(error).__name__}: {text}"


def _rotated(cells: list[Cell], number: int) -> list[Cell]:
    """Round ``number``'s order: each server goes first in turn, so none always follows the same neighbour."""
    if not cells:
        return cells
    shift = number % len(cells)
    return cells[shift:] + cells[:shift]


def _ready(server: Server, repeats: int, unavailable: str | None) -> Figure:
    """Process start to the first 200 on discovery, ``repeats`` times, each start on its own."""
    if unavailable:
        return Figure(server, [], unavailable)
    _progress(f"{server.name}: start to first 200, {repeats} times")
    times = []
    for _ in range(repeats):
        try:
            with Running(server) as running:
                times.append(running.started * 1000)
        except Exception as why:
            return Figure(server, [], _why(why))
    return Figure(server, times)


def _pin_load() -> set[int] | None:
    """Pin this process to the load core (servers get the other); the old affinity, or None when not pinned."""
    if not pinning():
        return None
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOAD_CORE})
    return before


def _progress(what: str) -> None:
    print(f"  peers: {what}...", file=sys.stderr, flush=True)
