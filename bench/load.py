"""Closed-loop load: ``concurrency`` clients, each sending its next request as soon as the last one is answered,
until a request count or a time limit is reached. Latency is measured per request, in this (the load) process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

Operation = Callable[[int], Awaitable[None]]
"""One unit of work (a request, or a whole sign-in); gets the number of the client running it."""


@dataclass(frozen=True)
class Measured:
    operations: int
    seconds: float
    latencies: tuple[float, ...]
    """Seconds per operation, sorted."""

    @property
    def rate(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return 0.0
        return self.latencies[min(len(self.latencies) - 1, int(fraction * len(self.latencies)))]


async def closed_loop(operation: Operation, concurrency: int, seconds: float, limit: int) -> Measured:
    """Runs ``operation`` from ``concurrency`` clients until ``limit`` operations were started or ``seconds`` passed."""
    latencies: list[float] = []
    started = 0
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        nonlocal started
        while started < limit and time.perf_counter() < deadline:
            started += 1
            begin = time.perf_counter()
            await operation(number)
            latencies.append(time.perf_counter() - begin)

    begin = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(concurrency)))
    elapsed = time.perf_counter() - begin
    return Measured(len(latencies), elapsed, tuple(sorted(latencies)))


def session(base_url: str, concurrency: int) -> aiohttp.ClientSession:
    """One keep-alive connection per client, as concurrent browsers or test workers would have."""
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    return aiohttp.ClientSession(base_url=base_url, connector=connector, timeout=aiohttp.ClientTimeout(total=60))
