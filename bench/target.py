"""The servers under test, each started as ``python -m bench.target KIND`` in a process of its own.

``bare`` is the ceiling: aiohttp answering a small JSON document, with nothing else. ``mock`` is a mock_idx
application with the bench's users seeded straight into its engine (so seeding costs no requests) and one extra
route, ``/_bench/stats``, that reports the process's memory and the store's size. The process prints
``READY <port>`` once it accepts connections, then serves until it is terminated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import ctypes
import gc
import signal
import sys
import tracemalloc
from dataclasses import replace

from aiohttp import web

from bench.users import bench_users

MEMORY_FIELDS = ("VmRSS", "VmHWM")


def bare_app() -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response({"ok": True, "fields": len(body)})

    app = web.Application()
    app.router.add_post("/bare", echo)
    return app


def mock_app(users: int) -> web.Application:
    from mock_idx.app import create_app
    from mock_idx.config import Settings
    from mock_idx.web.app_keys import ENGINE, JOURNAL

    app = create_app(replace(Settings(), journal_capacity=20_000))

    async def seed(app: web.Application) -> None:
        """Once the org is open (the app's store and engine exist only from start-up on)."""
        for user in bench_users(users):
            await app[ENGINE].put_user(user)

    async def stats(request: web.Request) -> web.Response:
        if request.query.get("gc"):
            collect()
        heap = {"heap_kib": tracemalloc.get_traced_memory()[0] // 1024} if tracemalloc.is_tracing() else {}
        journal = len(await app[JOURNAL].entries())
        return web.json_response({**memory(), **heap, "transactions": live_transactions(app), "journal": journal})

    app.on_startup.append(seed)
    app.router.add_get("/_bench/stats", stats)
    return app


def live_transactions(app: web.Application) -> int:
    """Transactions the in-memory store holds. The store offers no count (nothing but the bench needs one), so this
    reads its records directly; -1 if the store is not the in-memory one or its insides have changed."""
    from mock_idx.web.app_keys import ENGINE

    try:
        return len(app[ENGINE].store._org.transactions.items)  # type: ignore[attr-defined]
    except AttributeError:
        return -1


def collect() -> None:
    """Collect garbage and hand free heap pages back to the kernel, so RSS shows what is still held."""
    gc.collect()
    # Not glibc: RSS then also counts pages free but kept by malloc.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def memory() -> dict[str, int]:
    """Resident memory of this process in KiB, as the kernel counts it."""
    values: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in MEMORY_FIELDS:
                values[name] = int(rest.split()[0])
    return values


async def serve(app: web.Application) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    print(f"READY {runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.target")
    parser.add_argument("kind", choices=["bare", "mock"])
    parser.add_argument("--users", type=int, default=0, help="bench users to seed (mock only)")
    parser.add_argument("--profile", metavar="FILE", help="run under cProfile; write the stats here on SIGTERM")
    parser.add_argument("--trace-memory", action="store_true", help="count the Python heap too (tracemalloc)")
    args = parser.parse_args(argv)
    if args.trace_memory:
        tracemalloc.start()
    app = bare_app() if args.kind == "bare" else mock_app(args.users)
    profiler = cProfile.Profile() if args.profile else None
    signal.signal(signal.SIGTERM, _interrupt)
    if profiler:
        profiler.enable()
    try:
        asyncio.run(serve(app))
    except KeyboardInterrupt:
        pass
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
