"""Shared pieces of the Okta SDK / widget compatibility tests: where the npm packages are, and a mock_idx tuned
for them (fast polling, a push lifetime short enough to time out without expiring the whole transaction)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mock_idx.config import Settings
from mock_idx.pytest_plugin import MockIdx
from mock_idx.testing import MockIdxServer

COMPAT_DIR = Path(__file__).resolve().parent
NODE_MODULES = COMPAT_DIR / "node_modules"
INSTALL_HINT = "npm ci --prefix e2e/compat"
FAST_POLL_MS = 200
PUSH_LIFETIME = 60.0
"""Shorter than the transaction lifetime, so advancing the clock past it times out the push, not the sign-in."""
COMPAT_SETTINGS: dict[str, Any] = {"poll_refresh_ms": FAST_POLL_MS, "push_lifetime": PUSH_LIFETIME}


def start_compat_server(key_file: Path) -> MockIdx:
    """A running mock_idx with the compat settings, scripted through its control API; ``.server.stop()`` ends it."""
    settings = Settings(key_file=key_file, **COMPAT_SETTINGS)
    return MockIdx(MockIdxServer(settings).start(), settings)
