"""``python -m bench [--quick] [--peers]``: measure everything once and print the table (see bench/README.md).
``--peers``: instead, mock-idx side by side with other fake IdPs (bench/peers)."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from dataclasses import dataclass
from itertools import count

from . import memory, replicas, report, signins, startup, steps
from .process import Target, compile_bytecode

CONCURRENCY = (1, 10, 100)
SIGN_IN_USERS = (1, 50)
MEMORY_LEVELS = (1_000, 10_000)
BUSY_LOAD = 2.5
"""A load average above this (on 2 cores, the bench itself accounting for about 2) means something else ran too."""


@dataclass(frozen=True)
class Plan:
    step_budget: steps.Budget
    sign_in_seconds: float
    startup_repeats: int
    memory_levels: tuple[int, ...]
    totp_users: int
    replicas: replicas.Plan


FULL = Plan(
    steps.Budget(rounds=3, seconds=1.0, prepared={"identify": 2000, "token": 800}),
    sign_in_seconds=3.0,
    startup_repeats=3,
    memory_levels=MEMORY_LEVELS,
    totp_users=5000,
    replicas=replicas.Plan(rounds=3, seconds=2.0, warm_up_rounds=1),
)
QUICK = Plan(
    steps.Budget(rounds=1, seconds=0.4, prepared={"identify": 500, "token": 250}),
    sign_in_seconds=1.0,
    startup_repeats=2,
    memory_levels=(500, 1_000),
    totp_users=1500,
    replicas=replicas.Plan(rounds=2, seconds=0.8, warm_up_rounds=0),
)
"""Under a minute on the 2-core machine (issue #18): the same rows as the full run, in fewer and shorter rounds."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer and shorter rounds (under a minute)")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(SECTIONS),
        help="measure only this part (repeatable; default: all, in the order listed)",
    )
    parser.add_argument(
        "--peers",
        action="store_true",
        help="only the peer table: mock-idx beside oidc-provider, oauth2-mock-server, oidc-provider-mock and "
        "mock-oauth2-server, installed into bench/.peers on first use (about 6 minutes; --quick: about 1.5)",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="with --peers: also write the table into bench/README.md in place of the last recorded run",
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    began = time.perf_counter()
    started_load = os.getloadavg()[0]
    print(
        f"mock-idx bench on {platform.python_implementation()} {platform.python_version()}, "
        f"{len(os.sched_getaffinity(0))} CPUs, {'quick' if args.quick else 'full'} run, "
        f"load average {started_load:.1f} at start",
        flush=True,
    )
    compile_bytecode()
    if args.peers:
        sections = [_peers(args.quick)]
    else:
        sections = [measure(plan) for name, measure in SECTIONS.items() if not args.only or name in args.only]
    print()
    for section in sections:
        print("\n".join(section), end="\n\n")
    load = os.getloadavg()[0]
    closing = f"total bench time {time.perf_counter() - began:.0f} s; load average {load:.1f} at the end" + (
        " (other work was running: numbers are pessimistic)" if load > BUSY_LOAD else ""
    )
    print(closing)
    if args.peers and args.record:
        from .peers.record import record

        heading = (
            f"{time.strftime('%Y-%m-%d', time.gmtime())}, {len(os.sched_getaffinity(0))} vCPUs, "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{'quick' if args.quick else 'full'} run (`python -m bench --peers{' --quick' if args.quick else ''}`), "
            f"load average {started_load:.1f} at start:"
        )
        record(heading, [*sections[0], "", closing])
    return 0


def _steps(plan: Plan) -> list[str]:
    results = []
    with Target("bare") as bare, Target("mock", "--users", "0") as mock:
        for concurrency in CONCURRENCY:
            _progress(f"steps at {concurrency} clients")
            results += asyncio.run(steps.measure(bare.url, mock.url, concurrency, plan.step_budget))
    return report.steps_table(results)


def _sign_ins(plan: Plan) -> list[str]:
    results = []
    totp_users = count()
    with Target("mock", "--users", str(plan.totp_users)) as mock:
        for kind in signins.KINDS:
            for users in SIGN_IN_USERS:
                _progress(f"{kind} sign-ins with {users} users")
                results.append(asyncio.run(signins.measure(mock.url, kind, users, plan.sign_in_seconds, totp_users)))
    return report.sign_ins_table(results)


def _startup(plan: Plan) -> list[str]:
    _progress("start-up")
    return report.startup_table([startup.serve(plan.startup_repeats), *startup.fixture(plan.startup_repeats)])


def _memory(plan: Plan) -> list[str]:
    _progress("memory")
    measured = []
    for options in ((), ("--trace-memory",)):
        with Target("mock", "--users", "0", *options) as mock:
            measured.append(asyncio.run(memory.measure(mock.url, plan.memory_levels)))
    return report.memory_table(memory.combine(*measured))


def _replicas(plan: Plan) -> list[str]:
    _progress("push sign-ins on Redis with 1 and 2 workers, and in memory")
    return report.replicas_table(replicas.measure(plan.replicas, SIGN_IN_USERS))


def _peers(quick: bool) -> list[str]:
    from .peers import report as peers_report
    from .peers import run as peers

    return peers_report.peers_table(peers.measure(peers.QUICK if quick else peers.FULL))


SECTIONS = {"steps": _steps, "sign-ins": _sign_ins, "ready": _startup, "memory": _memory, "replicas": _replicas}


def _progress(what: str) -> None:
    print(f"  measuring {what}...", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
