"""``python -m bench.profile WORKLOAD [--seconds S]``: where the server's time goes under one workload, a complete
sign-in (``push``, ``totp``) or one step (``introspect``, ``identify``, ``challenge``, ``poll``, ``token``).

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
from .load import closed_loop
from .process import Target

WORKLOADS = (*signins.KINDS, *steps.STEPS)
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
    bench = steps.StepBench(url, CLIENTS)
    with bench.pool:
        await bench.prepare_reusable()
        make = getattr(bench, workload)
        operation = await make(PREPARED) if workload in ("identify", "token") else await make()
        await closed_loop(operation, CLIENTS, seconds, PREPARED)


if __name__ == "__main__":
    main()
