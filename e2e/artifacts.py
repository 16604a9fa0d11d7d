"""What a failed browser test leaves behind: a screenshot of every open page and a Playwright trace per context.

A CI log says *that* a browser test failed; the trace (`python -m playwright show-trace trace.zip`) shows what every
page looked like at each step and each request it made, which is usually enough to see *why* without a re-run.
Every context records from its first moment, and the recording is thrown away when the test passes.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

ARTIFACTS_ROOT = Path("test-artifacts") / "e2e"
"""Relative to the pytest root directory; gitignored (test-artifacts/)."""

DEFAULT_TIMEOUT_MS = 10_000
"""Every step here takes well under a second; a stuck one should fail soon, not after Playwright's 30 s."""

log = logging.getLogger(__name__)


def artifact_folder(root: Path, module: str, test_name: str) -> Path:
    """test-artifacts/e2e/<module>/<test name>/, with characters a file system may refuse replaced."""
    return root / ARTIFACTS_ROOT / _safe(module) / _safe(test_name)


@dataclass
class RecordedContexts:
    """The browser contexts of one test (the user's browser, the phone...), each tracing from its start."""

    browser: Browser
    contexts: dict[str, BrowserContext] = field(default_factory=dict)

    async def new_page(self, name: str, **context_options: Any) -> Page:
        """A page in a fresh, isolated context called ``name`` (no cookies shared with the others)."""
        if name in self.contexts:
            raise ValueError(f"a context called {name!r} is open already")
        context = await self.browser.new_context(**context_options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        await context.tracing.start(title=name, screenshots=True, snapshots=True)
        self.contexts[name] = context
        return await context.new_page()

    async def close(self, keep_in: Path | None = None) -> bool:
        """Close every context; with ``keep_in``, save screenshots and traces there first. True if anything was kept."""
        if keep_in is not None:
            # Only this run's files, never a stale earlier failure's (a small folder: blocking briefly is fine).
            shutil.rmtree(keep_in, ignore_errors=True)
            keep_in.mkdir(parents=True)  # noqa: ASYNC240
        kept = False
        for name, context in self.contexts.items():
            if keep_in is not None:
                kept |= await _keep(name, context, keep_in)
            else:
                await context.tracing.stop()
            await context.close()
        self.contexts.clear()
        return kept


async def _keep(name: str, context: BrowserContext, folder: Path) -> bool:
    """Save what can be saved: a page that crashed must not hide the other page's screenshot or the trace."""
    kept = False
    for number, page in enumerate(context.pages, start=1):
        suffix = "" if len(context.pages) == 1 else f"-{number}"
        try:
            await page.screenshot(path=folder / f"{name}{suffix}.png", full_page=True)
            kept = True
        except PlaywrightError as exc:
            log.warning("no screenshot of %s page %d: %s", name, number, exc)
    try:
        await context.tracing.stop(path=folder / f"{name}-trace.zip")
        kept = True
    except PlaywrightError as exc:
        log.warning("no trace of %s: %s", name, exc)
    return kept


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "test"
