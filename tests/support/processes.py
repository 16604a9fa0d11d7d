"""``mock-idx serve`` as a real process, for the tests that must see what a shell user sees (banner, binding,
signals, the Host guard)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.net import free_port

BANNER_LINES = 3
"""The issuer is on one of the banner's first lines, printed once the server listens."""


@contextmanager
def serving(*options: str) -> Iterator[tuple[int, subprocess.Popen[str], list[str]]]:
    """``mock-idx serve`` on a free port, past the first lines of its banner (so it is listening): its port, the
    process (whose stdout goes on with the rest of the banner) and the lines read. Terminated afterwards."""
    port = free_port()
    with subprocess.Popen(
        [sys.executable, "-m", "mock_idx", "serve", "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            banner = [process.stdout.readline() for _ in range(BANNER_LINES)]
            assert any(f":{port}/oauth2/default" in line for line in banner), banner
            yield port, process, banner
        finally:
            process.terminate()
            process.wait(10)
