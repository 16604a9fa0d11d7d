"""Which Chromium the browser tests launch, and how: the one place every test under e2e/ gets its browser from.

Playwright's own Chromium is used when `playwright install chromium` put one on this machine; otherwise a system
Chromium (Debian's `chromium` package at /usr/bin/chromium, or any binary named by MOCK_IDX_CHROMIUM). Browser
downloads are often impossible in CI, so the system one is the usual case there; `scripts/install-browser` gets it.

Works with both Playwright APIs: `launch_options(playwright.chromium.executable_path)` gives the keyword arguments
for `chromium.launch(...)`; async tests can simply `await launch_chromium(playwright)`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Playwright

CHROMIUM_ENV = "MOCK_IDX_CHROMIUM"
SYSTEM_CHROMIUM_NAMES = ("chromium",)
"""Debian's package name. Ubuntu's `chromium-browser` is a snap stub that Playwright cannot drive, so it is not
looked for."""

SYSTEM_CHROMIUM_ARGS = (
    "--disable-gpu",
    # Without these a system Chromium phones home for updates, sync and field trials; on a machine with no outside
    # network that only costs time and log noise. (Playwright passes them itself to its own build.)
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

INSTALL_HINT = (
    "No Chromium for the browser tests: run `bash scripts/install-browser` (Debian: `apt-get install chromium`), "
    f"or `python -m playwright install chromium`, or set {CHROMIUM_ENV}=/path/to/chromium."
)


class NoBrowserError(RuntimeError):
    """Neither Playwright's Chromium nor a system one is installed; the message says how to get one."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


def system_chromium() -> str | None:
    """The system Chromium to fall back on: MOCK_IDX_CHROMIUM if set, else `chromium` on the PATH."""
    if configured := os.environ.get(CHROMIUM_ENV):
        return configured
    return next((path for name in SYSTEM_CHROMIUM_NAMES if (path := shutil.which(name))), None)


def launch_options(bundled_executable: str, *, headless: bool = True) -> dict[str, Any]:
    """Keyword arguments for `chromium.launch`, given where Playwright's own Chromium would be.

    Raises NoBrowserError when there is no browser at all.
    """
    sandbox_args = ["--no-sandbox"] if _is_root() else []  # Chromium refuses to start as root with its sandbox
    if os.environ.get(CHROMIUM_ENV) is None and Path(bundled_executable).is_file():
        return {"headless": headless, "args": sandbox_args}
    executable = system_chromium()
    if executable is None or not Path(executable).is_file():
        raise NoBrowserError()
    return {"headless": headless, "executable_path": executable, "args": [*sandbox_args, *SYSTEM_CHROMIUM_ARGS]}


async def launch_chromium(playwright: Playwright, *, headless: bool = True) -> Browser:
    """Start the Chromium chosen by `launch_options` (async API)."""
    return await playwright.chromium.launch(**launch_options(playwright.chromium.executable_path, headless=headless))


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
