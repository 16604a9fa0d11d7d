"""Time from starting a process to its first successful request: ``mock-idx serve``, and a test using the pytest
fixture ``mock_idx`` (measured inside a real pytest run, since that is what a developer waits for)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from tests.support.net import free_port

from .process import ROOT, stop

PROBE = Path(__file__).with_name("fixture_probe.py")
DISCOVERY = "/oauth2/default/.well-known/openid-configuration"
POLL_INTERVAL = 0.002


@dataclass(frozen=True)
class Startup:
    label: str
    seconds: list[float]
    held_to_target: bool = True
    """False for a row that shows a cost mock-idx does not control (pytest's own start), measured for comparison."""

    @property
    def median(self) -> float:
        return median(self.seconds)


def serve(repeats: int) -> Startup:
    """``python -m mock_idx serve`` (what the ``mock-idx`` script runs), polled until discovery answers 200."""
    times = []
    for _ in range(repeats):
        port = free_port()
        began = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "mock_idx", "serve", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_ok(port, process)
            times.append(time.perf_counter() - began)
        finally:
            stop(process)
    return Startup("mock-idx serve: process start -> first 200", times)


def fixture(repeats: int) -> tuple[Startup, Startup, Startup, Startup]:
    """pytest on a probe with two tests that ask for ``mock_idx`` and make one request, ``repeats`` times; the probe
    reports when each fixture's setup began and when its request was answered. pytest's own start (collecting, and
    importing every installed plugin, before the first test's setup) is a row of its own: most of the whole, and not
    mock-idx's to shorten, so the whole is shown beside it rather than held to the target."""
    process_times, pytest_times, first_times, later_times = [], [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as scratch:
            report = Path(scratch) / "probe.json"
            began = time.time()
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", scratch, str(PROBE)],
                cwd=scratch,
                env={**os.environ, "BENCH_PROBE_REPORT": str(report)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
                timeout=60,
            )
            probe = json.loads(report.read_text())
        process_times.append(probe["first"]["answered"] - began)
        pytest_times.append(probe["first"]["setup"] - began)
        first_times.append(probe["first"]["answered"] - probe["first"]["setup"])
        later_times.append(probe["second"]["answered"] - probe["second"]["setup"])
    return (
        Startup("pytest -> fixture -> first 200", process_times, held_to_target=False),
        Startup("  of which pytest -> first test's setup", pytest_times, held_to_target=False),
        Startup("fixture setup -> first 200, 1st test", first_times),
        Startup("fixture setup -> first 200, later tests", later_times),
    )


def _wait_for_ok(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    request = f"GET {DISCOVERY} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                connection.sendall(request)
                if connection.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            time.sleep(POLL_INTERVAL)
    raise RuntimeError("mock-idx serve did not answer")
