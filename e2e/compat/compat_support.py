"""Shared pieces of the Okta SDK / widget compatibility tests: where the npm packages are, and a mock_idx tuned
for them (fast polling, a push lifetime short enough to time out without expiring the whole transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mock_idx.config import Settings
from mock_idx.pytest_plugin import MockIdx, running

COMPAT_DIR = Path(__file__).resolve().parent
NODE_MODULES = COMPAT_DIR / "node_modules"
INSTALL_HINT = "npm ci --prefix e2e/compat"
FAST_POLL_MS = 200
PUSH_LIFETIME = 60.0
"""Shorter than the transaction lifetime, so advancing the clock past it times out the push, not the sign-in."""
COMPAT_SETTINGS: dict[str, Any] = {
    "poll_refresh_ms": FAST_POLL_MS,
    "push_lifetime": PUSH_LIFETIME,
    "widget_dist": NODE_MODULES / "@okta/okta-signin-widget/dist",
}


@contextmanager
def compat_server(key_file: Path) -> Iterator[MockIdx]:
    """A running mock_idx with the compat settings, scripted through its control API, stopped when the block ends."""
    with running(Settings(key_file=key_file, **COMPAT_SETTINGS)) as mock:
        yield mock


def step(result: dict[str, Any], label: str, occurrence: int = 0) -> dict[str, Any]:
    """The ``occurrence``-th step labelled ``label`` in an SDK driver's report of one flow (the Node and Java drivers
    report steps alike: ``{"label", ...}`` in order)."""
    matching: list[dict[str, Any]] = [s for s in result["steps"] if s["label"] == label]
    assert len(matching) > occurrence, f"no step {label!r} #{occurrence}: {[s['label'] for s in result['steps']]}"
    return matching[occurrence]
