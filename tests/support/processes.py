"""``mock-idx serve`` as a real process, for the tests that must see what a shell user sees (banner, binding,
signals, the Host guard)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.net import free_port

BANNER_LINES = 3
"""The issuer is on one of the banner's first lines, printed once the server listens."""


@contextmanager
def serving(*options: str, port: int | None = None) -> Iterator[tuple[int, subprocess.Popen[str], list[str]]]:
    """``mock-idx serve`` on a free port, past the first lines of its banner (so it is listening): its port, the
    process (whose stdout goes on with the rest of the banner) and the lines read. Terminated afterwards.

    ``port=0`` passes ``--port 0`` instead and yields the port the banner announces (the server picked it)."""
    asked = free_port() if port is None else port
    with subprocess.Popen(
        [sys.executable, "-m", "mock_idx", "serve", "--port", str(asked), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            banner = [process.stdout.readline() for _ in range(BANNER_LINES)]
            if not asked:
                assert banner[0], process.stderr.read() if process.stderr else "no banner"  # it exited: say why
            bound = asked or announced_port(banner[0])
            assert any(f":{bound}/oauth2/default" in line for line in banner), banner
            yield bound, process, banner
        finally:
            process.terminate()
            process.wait(10)


def announced_port(first_line: str) -> int:
    """The port in the banner's first line, ``mock-idx is serving a fake Okta org at http://HOST:PORT``."""
    match = re.fullmatch(r"mock-idx is serving a fake Okta org at http://\S+:(\d+)\n?", first_line)
    assert match, first_line
    return int(match[1])
