"""Starting and stopping the server under test in a process of its own."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 30.0


class Target:
    """A ``bench.target`` server process; a context manager, so it is always terminated."""

    def __init__(self, kind: str, *args: str) -> None:
        self.command = [sys.executable, "-m", "bench.target", kind, *args]
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> Target:
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        deadline = time.monotonic() + READY_TIMEOUT
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("READY "):
                self.url = f"http://127.0.0.1:{int(line.split()[1])}"
                return self
            if not line and self.process.poll() is not None:
                break
        self.__exit__()
        raise RuntimeError(f"{' '.join(self.command)} did not start")

    def __exit__(self, *exc_info: object) -> None:
        stop(self.process)
        self.process = None


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def compile_bytecode() -> None:
    """Compile mock_idx's modules to bytecode before anything is measured, as ``pip install`` does for an installed
    package. A checkout's modules are compiled on their first import and the bytecode kept, unless the environment
    forbids writing it (``PYTHONDONTWRITEBYTECODE``, set on some CI machines and in this project's sandbox): then
    every ``mock-idx serve`` the bench starts would compile about 35 ms of source first, which no installed
    mock-idx does. ``compileall`` writes the bytecode whatever that variable says (``__pycache__`` is gitignored)."""
    import compileall

    compileall.compile_dir(str(ROOT / "mock_idx"), quiet=1)
