"""Fixtures for running the official Okta JS SDK and Sign-In Widget against mock_idx.

The npm packages live in ``e2e/compat/node_modules`` (``npm ci --prefix e2e/compat``). Without them the
whole directory is skipped with one reason, except under CI, where a missing install is a broken build.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from compat_support import NODE_MODULES, CompatServer, start_compat_server
from widget_driver import CHROMIUM, CHROMIUM_ARGS, STEP_TIMEOUT_MS

REQUIRED_PACKAGES = ("@okta/okta-auth-js", "@okta/okta-signin-widget")
INSTALL_HINT = "npm ci --prefix e2e/compat"


def _missing_packages() -> list[str]:
    return [name for name in REQUIRED_PACKAGES if not (NODE_MODULES / name / "package.json").is_file()]


@pytest.fixture(scope="session", autouse=True)
def okta_packages_installed() -> Path:
    """Skip (locally) or fail (CI) when the pinned Okta packages are not installed."""
    missing = _missing_packages()
    if missing:
        reason = f"Okta npm packages not installed ({', '.join(missing)}): run `{INSTALL_HINT}`"
        if os.environ.get("CI"):
            pytest.fail(f"CI must install them first. {reason}", pytrace=False)
        pytest.skip(reason)
    return NODE_MODULES


@pytest.fixture(scope="module")
def compat_server() -> Iterator[CompatServer]:
    """A mock_idx (fast polling, widget page wired) shared by a module's tests; each test makes its own users."""
    server = start_compat_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (no browser download works here). Module-scoped so the sync
    Playwright loop never outlives these modules into the suite's asyncio tests."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_context(chromium: Browser) -> Iterator[BrowserContext]:
    """A fresh profile per test: the widget keeps transactions in session/local storage."""
    context = chromium.new_context()
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()
