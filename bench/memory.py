"""Resident memory of a mock_idx process with 0, 1,000 and 10,000 live transactions, and after they expire.

Each live transaction is a sign-in waiting for a push (interact, introspect, identify, challenge): the heaviest state
a transaction holds, with its user, push challenge and sign-in context. Expiry comes from advancing the virtual clock
past the transaction lifetime; the clock advance runs the store's sweep. Two measures: RSS (what the kernel says the
process holds) and the Python heap in use (tracemalloc, in a second server, since tracing costs memory itself), which
shows what is still referenced, whereas RSS also keeps memory CPython freed but could not hand back. The journal keeps
its last entries (4 per transaction here) by design, so a last sample empties it with a reset. The baseline is
taken after one sign-in has come and gone (swept by a clock advance), so it holds what a server loads with its first
sign-in (the store's JSON codec, and pydantic with it), which is no transaction's to count.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from .http import Client, Pool
from .idx import LoadSignIn, expect
from .users import PUSH_USERS, login

CREATORS = 50
LIFETIME_PLUS = 601.0
"""Seconds to advance the clock: past the 600 s transaction lifetime of the default policy."""


@dataclass(frozen=True)
class Sample:
    label: str
    transactions: int
    rss_kib: int
    heap_kib: int
    journal: int


async def measure(url: str, levels: tuple[int, ...]) -> list[Sample]:
    control = Client(url)
    with Pool(url, 1) as first:
        await _create(first, 1)
    expect("clock", await control.post_json("/_mock/v1/clock/advance", {"seconds": LIFETIME_PLUS}))
    samples = [await _sample(control, "baseline (0 live)")]
    live = 0
    with Pool(url, CREATORS) as pool:
        for level in levels:
            await _create(pool, level - live)
            live = level
            samples.append(await _sample(control, f"{level:,} live"))
    expect("clock", await control.post_json("/_mock/v1/clock/advance", {"seconds": LIFETIME_PLUS}))
    samples.append(await _sample(control, "after expiry (sweep)"))
    expect("reset", await control.post_json("/_mock/v1/reset", {}))
    samples.append(await _sample(control, "after reset (journal emptied)"))
    control.close()
    return samples


async def _create(pool: Pool, count: int) -> None:
    remaining = [count]

    async def creator(number: int) -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            sign_in = LoadSignIn(pool[number])
            await sign_in.start()
            await sign_in.identify(login("tap", number % PUSH_USERS))
            await sign_in.choose("push")

    await asyncio.gather(*(creator(n) for n in range(CREATORS)))


async def _sample(control: Client, label: str) -> Sample:
    stats = expect("stats", await control.get("/_bench/stats?gc=1")).json()
    return Sample(label, stats["transactions"], stats["VmRSS"], stats.get("heap_kib", 0), stats["journal"])


def combine(untraced: list[Sample], traced: list[Sample]) -> list[Sample]:
    """RSS from a server without tracemalloc (which adds its own memory per block), heap from one with it."""
    return [replace(plain, heap_kib=heap.heap_kib) for plain, heap in zip(untraced, traced, strict=False)]
