"""A throwaway ``redis-server`` for the shared-store rows: a free loopback port, nothing saved to disk, always stopped.

The bench keeps its own (rather than ``tests.support.redis_server``) because that module is a pytest fixture module,
and the load process should not import pytest; what it needs is a dozen lines.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from tests.support.net import free_port, redis_answers_ping

from .process import stop

READY_WITHIN = 15.0


class RedisMissing(RuntimeError):
    """No ``redis-server`` on PATH: the rows that need it are not measured (one line says so)."""


class RedisServer:
    """``with RedisServer() as redis:`` a running server at ``redis.url`` until the block ends."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def __enter__(self) -> RedisServer:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RedisMissing("redis-server is not on PATH (scripts/install-redis installs it)")
        self._folder = Path(tempfile.mkdtemp(prefix="bench-redis-"))
        self.process = subprocess.Popen(
            [
                executable,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
                *("--dir", str(self._folder), "--logfile", str(self._folder / "redis.log")),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + READY_WITHIN
        while not redis_answers_ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.02)
        return self

    def commands_processed(self) -> int:
        """How many commands this server has executed since it started (``INFO stats``). Most of mock-idx's store
        calls are one command or one script (one round trip); a pipeline's commands count one each."""
        with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10) as client:
            stats: dict[str, int] = client.info("stats")
            return int(stats["total_commands_processed"])

    def __exit__(self, *exc_info: object) -> None:
        stop(self.process)
        self.process = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
