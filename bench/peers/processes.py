"""The few process chores the peer bench needs: where the project is, stopping a server, and its process tree.

Kept here rather than imported from :mod:`bench.process` and :mod:`bench.serve` so the peer bench (and its tests,
which mypy checks strictly) depends on nothing of theirs but the load generator.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
STOP_WAIT = 10.0


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM, then SIGKILL if it has not gone within :data:`STOP_WAIT` seconds."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_WAIT)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc; none where there is no /proc)."""
    parents: dict[int, list[int]] = {}
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(parent, []).append(int(entry.name))
    found, waiting = [], [pid]
    while waiting:
        children = parents.get(waiting.pop(), [])
        found += children
        waiting += children
    return found


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time ``pid`` and every process below it have used so far (0 for what is gone): with
    threads, a JVM's or a libuv pool's included."""
    ticks = 0
    for each in (pid, *descendants(pid)):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of /proc/PID/stat
    return ticks / CLOCK_TICKS
