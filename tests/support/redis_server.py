"""A throwaway ``redis-server`` for the tests that need a shared store: a real process on a free loopback port, with
nothing written to disk, that a test can stop and start again on the same port (to see the store go away and come
back), and that is always shut down.

The ``redis_server`` fixture is session-scoped (one server for the whole run; tests keep apart by key prefix) and is
imported into any conftest that wants it. Without ``redis-server`` installed the tests that need it fail with one line
saying how to install it: a skipped shared-store suite would look green while testing nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import pytest

from tests.support.net import free_port, redis_answers_ping

MISSING_MESSAGE = "install redis-server: apt-get install redis-server; scripts/test does this"
READY_WITHIN = 15.0
"""Seconds a starting server has to answer PING (it takes milliseconds; a loaded CI machine may take longer)."""


class RedisServerMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__(MISSING_MESSAGE)


class RedisServer:
    """One ``redis-server`` process, without persistence, bound to 127.0.0.1. ``start()`` waits until it answers
    PING; ``stop()`` ends it (the data goes with it); ``start()`` again serves on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._folder = Path(tempfile.mkdtemp(prefix="mock-idx-redis-"))
        """Its working directory and log: nothing is saved there, but Redis must have one, and not the test's."""

    @property
    def url(self) -> str:
        """The plain Redis URL (what :meth:`RedisStore.from_url` takes)."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        executable = shutil.which("redis-server")
        if executable is None:
            raise RedisServerMissing()
        log = self._folder / "redis.log"
        self._process = subprocess.Popen(
            [
                executable,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
                *("--dir", str(self._folder), "--logfile", str(log), "--daemonize", "no"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait_until_ready(log)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)

    def close(self) -> None:
        """Stop the server and remove its folder: the end of its life."""
        self.stop()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def _wait_until_ready(self, log: Path) -> None:
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"redis-server on port {self.port} exited at start: {_tail(log)}")
            if redis_answers_ping(self.port):
                return
            time.sleep(0.02)
        raise RuntimeError(
            f"redis-server on port {self.port} did not answer PING within {READY_WITHIN} s: {_tail(log)}"
        )


def redis_url(server: RedisServer, prefix: str) -> str:
    """The ``--store`` URL of one org on ``server``: ``redis://127.0.0.1:PORT/0?prefix=PREFIX``."""
    return f"{server.url}?prefix={prefix}"


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A started Redis, closed afterwards; without ``redis-server`` installed, the test fails saying how to get it."""
    server = RedisServer()
    try:
        server.start()
    except RedisServerMissing:
        server.close()
        pytest.fail(MISSING_MESSAGE, pytrace=False)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One Redis for the whole test session; each test keeps to its own key prefix."""
    with running_redis() as server:
        yield server


def _tail(log: Path) -> str:
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return " | ".join(lines[-5:]) or "(empty log)"
