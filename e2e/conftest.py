"""Fixtures for every browser test under e2e/.

- ``browser``: one headless Chromium for the whole session (Playwright's async API), chosen by browser.py. Without
  one, each browser test fails with a single line saying how to get it, never a stack trace.
- ``pages``: fresh, isolated contexts for one test (``await pages.new_page("phone")``), each traced; when the test
  fails, screenshots and traces are kept under test-artifacts/e2e/<module>/<test>/ and the folder is printed at the
  end of the run. ``page`` is the usual single one. Name server fixtures *before* ``page``/``pages`` in a test's
  arguments: pytest tears fixtures down in reverse, so the screenshots are then taken while the servers still run.
- ``app_url``: the reference client, new for each test on a free loopback port, signed up with the issuer of the test's
  ``mock_idx`` (mock_idx's own pytest plugin fixture; set its options with ``@pytest.mark.mock_idx(...)``).

Playwright objects belong to the event loop that made them, so every test that uses ``browser`` (directly or through
another fixture) runs in the session's loop; async fixtures that touch pages must say ``loop_scope="session"`` too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from e2e.artifacts import RecordedContexts, artifact_folder
from e2e.browser import NoBrowserError, launch_chromium
from mock_idx.pytest_plugin import MockIdx
from mock_idx.testing import BackgroundServer
from reference_client.app import create_app as create_reference_client
from reference_client.config import AppConfig
from reference_client.idx import IdxClientConfig

PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
KEPT_ARTIFACTS = pytest.StashKey[list[Path]]()
SESSION_LOOP = pytest.mark.asyncio(loop_scope="session")

REFERENCE_CLIENT_ID = "e2e-reference-client"
REFERENCE_REDIRECT_URI = "http://127.0.0.1/login/callback"
"""Only echoed in the token exchange (the interaction-code flow never sends the browser there); mock_idx accepts any
redirect URI when no client is configured."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run every async test under e2e/ that uses the shared browser in the session's event loop, the browser's own
    (this hook sees the whole session's items, so it leaves other folders' fixtures of the same name alone)."""
    here = Path(__file__).parent
    for item in items:
        if not item.path.is_relative_to(here):
            continue
        if pytest_asyncio.is_async_test(item) and "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(SESSION_LOOP, append=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's outcome, so fixtures can tell at teardown whether their test failed."""
    report = yield
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    kept = config.stash.get(KEPT_ARTIFACTS, [])
    if not kept:
        return
    terminalreporter.write_sep("-", "browser test artifacts (screenshots + Playwright traces)")
    for folder in kept:
        terminalreporter.write_line(f"kept: {folder}")
    terminalreporter.write_line("open a trace with: python -m playwright show-trace <folder>/<name>-trace.zip")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        try:
            chromium = await launch_chromium(playwright)
        except NoBrowserError as exc:
            problem = str(exc)
        except PlaywrightError as exc:
            problem = f"Chromium did not start ({str(exc).strip().splitlines()[0]}); see scripts/install-browser"
        else:
            try:
                yield chromium
            finally:
                await chromium.close()
            return
    pytest.fail(problem, pytrace=False)  # outside the except blocks: one line, no chained traceback


@pytest_asyncio.fixture(loop_scope="session")
async def pages(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[RecordedContexts]:
    contexts = RecordedContexts(browser)
    yield contexts
    node = request.node
    folder = artifact_folder(request.config.rootpath, node.path.stem, node.name) if _failed(node) else None
    if await contexts.close(keep_in=folder) and folder is not None:  # only a folder can keep anything
        request.config.stash.setdefault(KEPT_ARTIFACTS, []).append(folder)


@pytest_asyncio.fixture(loop_scope="session")
async def page(pages: RecordedContexts) -> Page:
    """The user's browser."""
    return await pages.new_page("browser")


@pytest.fixture
def app_url(mock_idx: MockIdx) -> Iterator[str]:
    """The reference client's base URL."""
    idx = IdxClientConfig(issuer=mock_idx.issuer, client_id=REFERENCE_CLIENT_ID, redirect_uri=REFERENCE_REDIRECT_URI)
    config = AppConfig(idx=idx)
    with BackgroundServer(lambda: create_reference_client(config)) as server:
        yield server.url


def _failed(item: pytest.Item) -> bool:
    return any(report.failed for report in item.stash.get(PHASE_REPORTS, {}).values())
