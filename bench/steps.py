"""Requests/s and latency of single IDX steps and of the token endpoint, each next to the bare aiohttp ceiling.

Rounds alternate between the ceiling and every step (bare, introspect, identify, challenge, poll, token, bare, ...),
so a neighbour's burst of CPU on a shared machine lands on both sides of a ratio rather than on one. A step's rate is
the median of its rounds; its latencies are pooled over them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from statistics import median

from .http import Pool
from .idx import LoadSignIn, expect
from .load import Measured, Operation, closed_loop
from .users import PUSH_USERS, login

STEPS = ("introspect", "identify", "challenge", "poll", "token")
BARE_BODY = {"stateHandle": "02" + "x" * 32, "identifier": "tap0@bench.test", "credentials": {"passcode": "x" * 14}}
SETUP_CONCURRENCY = 50


@dataclass(frozen=True)
class Budget:
    rounds: int
    seconds: float
    """Time limit of one round of one step."""
    prepared: dict[str, int]
    """Single-use steps run on transactions made beforehand: at most this many per round."""


@dataclass(frozen=True)
class StepResult:
    step: str
    concurrency: int
    rate: float
    p50: float
    p99: float
    ceiling: float

    @property
    def ratio(self) -> float:
        return self.rate / self.ceiling if self.ceiling else 0.0


async def measure(bare_url: str, mock_url: str, concurrency: int, budget: Budget) -> list[StepResult]:
    bench = StepBench(mock_url, concurrency)
    rounds: dict[str, list[Measured]] = {name: [] for name in ("bare", *STEPS)}
    with Pool(bare_url, concurrency) as bare_pool, bench.pool:
        await bench.prepare_reusable()
        operations: dict[str, Callable[[], Awaitable[Operation]]] = {"bare": lambda: _bare(bare_pool)}
        operations.update({step: getattr(bench, step) for step in STEPS})
        for _ in range(budget.rounds + 1):  # the first round warms connections and caches and is not counted
            for name, make in operations.items():
                limit = budget.prepared.get(name, 10**9)
                operation = await make(limit) if name in budget.prepared else await make()
                rounds[name].append(await closed_loop(operation, concurrency, budget.seconds, limit))
    ceiling = median(m.rate for m in rounds["bare"][1:])
    return [_result(step, concurrency, rounds[step][1:], ceiling) for step in ("bare", *STEPS)]


def _result(step: str, concurrency: int, measured: list[Measured], ceiling: float) -> StepResult:
    latencies = sorted(latency for m in measured for latency in m.latencies)
    pooled = Measured(len(latencies), 1.0, tuple(latencies))
    return StepResult(
        step, concurrency, median(m.rate for m in measured), pooled.percentile(0.5), pooled.percentile(0.99), ceiling
    )


async def _bare(pool: Pool) -> Operation:
    async def operation(number: int) -> None:
        expect("bare", await pool[number].post_json("/bare", BARE_BODY))

    return operation


class StepBench:
    """Transactions in the state each step needs: one per client for repeatable steps, a queue for single-use ones."""

    def __init__(self, url: str, concurrency: int) -> None:
        self.pool = Pool(url, max(concurrency, SETUP_CONCURRENCY))
        self.concurrency = concurrency
        self.waiting: list[LoadSignIn] = []

    async def prepare_reusable(self) -> None:
        """One push-waiting transaction per client (a ``tap`` user's phone never answers): it can be introspected,
        polled and asked for another push any number of times."""
        self.waiting = [LoadSignIn(self.pool[n]) for n in range(self.concurrency)]

        async def ready(sign_in: LoadSignIn, number: int) -> None:
            await sign_in.start()
            await sign_in.identify(login("tap", number % PUSH_USERS))
            await sign_in.choose("push")

        await asyncio.gather(*(ready(s, n) for n, s in enumerate(self.waiting)))

    async def introspect(self) -> Operation:
        async def operation(number: int) -> None:
            expect("introspect", await self.waiting[number].introspect())

        return operation

    async def challenge(self) -> Operation:
        async def operation(number: int) -> None:
            await self.waiting[number].choose("push")

        return operation

    async def poll(self) -> Operation:
        async def operation(number: int) -> None:
            await self.waiting[number].poll()

        return operation

    async def identify(self, count: int) -> Operation:
        queue = await self._prepared(count, lambda s: s.start())

        async def operation(number: int) -> None:
            sign_in = queue.pop()
            sign_in.client = self.pool[number]
            await sign_in.identify(login("tap", number % PUSH_USERS))

        return operation

    async def token(self, count: int) -> Operation:
        async def with_code(sign_in: LoadSignIn) -> None:
            await sign_in.start()
            await sign_in.identify(login("pwd", 0))

        queue = await self._prepared(count, with_code)

        async def operation(number: int) -> None:
            sign_in = queue.pop()
            sign_in.client = self.pool[number]
            await sign_in.token()

        return operation

    async def _prepared(self, count: int, step: Callable[[LoadSignIn], Awaitable[None]]) -> list[LoadSignIn]:
        sign_ins: list[LoadSignIn] = []

        async def worker(number: int) -> None:
            while len(sign_ins) < count:
                sign_in = LoadSignIn(self.pool[number])
                sign_ins.append(sign_in)
                await step(sign_in)

        await asyncio.gather(*(worker(n) for n in range(SETUP_CONCURRENCY)))
        return sign_ins
