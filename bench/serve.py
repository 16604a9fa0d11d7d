"""``mock-idx serve`` as a user runs it, for the rows that compare stores and worker counts: the real CLI (so
``--workers N`` is the real group of processes), its stderr kept in a file to show what went wrong, and the CPU time
its whole process tree has used.

Unlike :class:`bench.process.Target` (a bench-only server with users seeded straight into it), this takes its users
from a scenario file, the only way to give N workers one org before they serve.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from .process import READY_TIMEOUT, ROOT, stop

BANNER = re.compile(r"mock-idx is serving a fake Okta org at (?P<url>http://\S+)")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Serve:
    """``with Serve(options) as server:`` ``python -m mock_idx serve --port 0 *options``, listening at ``server.url``
    until the block ends (SIGTERM; the CLI stops its workers itself)."""

    def __init__(self, *options: str) -> None:
        self.command = [sys.executable, "-m", "mock_idx", "serve", "--port", "0", *options]
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.exit_code: int | None = None
        self.errors = ""
        """Its stderr once it has stopped: empty when the server had nothing to complain about."""
        self._stderr: IO[str] | None = None

    def __enter__(self) -> Serve:
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr, text=True
        )
        try:
            self.url = self._announced_url()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is None or self._stderr is None:
            return
        if self.process.poll() is not None:
            self.exit_code = self.process.returncode  # it stopped before we asked: a crash, reported as such
        stop(self.process)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
        self._stderr.seek(0)
        self.errors = self._stderr.read().strip()
        self._stderr.close()
        self._stderr = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server and every process it started (its workers), so far."""
        assert self.process is not None
        return cpu_seconds([self.process.pid, *descendants(self.process.pid)])

    def _announced_url(self) -> str:
        assert self.process is not None and self.process.stdout is not None and self._stderr is not None
        deadline = time.monotonic() + READY_TIMEOUT
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.process.stdout], [], [], left)
            line = self.process.stdout.readline() if readable else ""
            if match := BANNER.search(line):
                return match["url"]
            if not line and self.process.poll() is not None:
                break
        self._stderr.seek(0)
        problem = self._stderr.read().strip().splitlines()
        raise RuntimeError(f"{' '.join(self.command)} did not start: {problem[-1] if problem else 'no output'}")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc; none elsewhere)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat:
                parents.setdefault(int(stat[1]), []).append(int(entry.name))
    found, waiting = [], [pid]
    while waiting:
        children = parents.get(waiting.pop(), [])
        found += children
        waiting += children
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of ``pids`` (each process's own, not its reaped children's); 0 for one that is gone."""
    ticks = 0
    for pid in pids:
        stat = _stat(pid)
        if stat:
            ticks += int(stat[11]) + int(stat[12])  # utime, stime: fields 14 and 15 of /proc/PID/stat
    return ticks / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time every process on the machine has used so far, all CPUs together (/proc/stat: user, nice, system, irq,
    softirq, steal); 0 where there is no /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return 0.0
    return sum(int(fields[index]) for index in (1, 2, 3, 6, 7, 8)) / CLOCK_TICKS


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None if the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()
