"""``python -m bench.profile WORKLOAD [--seconds S]``: where the server's time goes under one workload, a complete
sign-in (``push``, ``totp``), one step (``introspect``, ``identify``, ``challenge``, ``poll``, ``token``) or one of the
documents an SDK fetches before every sign-in (``discovery``, ``jwks``), which the peer table compares.

Runs the mock target under cProfile in its own process, drives the workload from this one, then prints the functions
with the most cumulative time (server side only), the way the numbers in bench/README.md were explained.
"""

from __future__ import annotations

import argparse
import asyncio
import pstats
import tempfile
from itertools import count
from pathlib import Path

from . import signins, steps
from .http import Pool
from .load import closed_loop
from .process import Target

DOCUMENTS = {
    "discovery": "/oauth2/default/.well-known/openid-configuration",
    "jwks": "/oauth2/default/v1/keys",
}
"""The cheap GETs, by workload name: the same bytes every time, so what they cost is the request path itself."""
WORKLOADS = (*signins.KINDS, *steps.STEPS, *DOCUMENTS)
CLIENTS = 10
PREPARED = 3000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        stats_file = Path(scratch) / "server.prof"
        with Target("mock", "--users", "3000", "--profile", str(stats_file)) as mock:
            asyncio.run(_drive(mock.url, args.workload, args.seconds))
        stats = pstats.Stats(str(stats_file))
    stats.strip_dirs().sort_stats("cumulative").print_stats(args.top)


async def _drive(url: str, workload: str, seconds: float) -> None:
    if workload in signins.KINDS:
        await signins.measure(url, workload, 50, seconds, count())
        return
    if workload in DOCUMENTS:
        await _drive_document(url, DOCUMENTS[workload], seconds)
        return
    bench = steps.StepBench(url, CLIENTS)
    with bench.pool:
        await bench.prepare_reusable()
        make = getattr(bench, workload)
        operation = await make(PREPARED) if workload in ("identify", "token") else await make()
        await closed_loop(operation, CLIENTS, seconds, PREPARED)


async def _drive_document(url: str, path: str, seconds: float) -> None:
    """``CLIENTS`` keep-alive clients GETting one document, each answer checked (a refusal would profile nothing)."""
    with Pool(url, CLIENTS) as pool:

        async def operation(number: int) -> None:
            reply = await pool[number].get(path)
            if reply.status != 200:
                raise RuntimeError(f"GET {path} answered {reply.status}")

        await closed_loop(operation, CLIENTS, seconds, 10**9)


if __name__ == "__main__":
    main()
