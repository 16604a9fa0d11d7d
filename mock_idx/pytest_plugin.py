"""pytest plugin (entry point ``pytest11``): a fresh fake Okta org for every test that asks for ``mock_idx``.

The fixture starts a server on a free loopback port in a background thread (so sync tests, async tests and browsers
can all reach it), hands the test a :class:`~mock_idx.control_client.ControlClient` that scripts it over the control
API, and shuts it down afterwards. Options come from a marker or from indirect parametrisation::

    @pytest.mark.mock_idx(scenario="push-denied", poll_refresh_ms=100)
    def test_denied(mock_idx): ...

    @pytest.mark.parametrize("mock_idx", [{"scenario": "totp"}], indirect=True)
    def test_totp(mock_idx): ...

Any :class:`~mock_idx.config.Settings` field is an option, except ``host``, ``port`` and ``workers``: the fixture
always binds a free loopback port (so tests never collide or expose a fake IdP), and serves from this process, and it
refuses them rather than ignore them; start a :class:`~mock_idx.testing.MockIdxServer` yourself to listen on another
host, or ``mock-idx serve --workers N`` for several processes. ``store="redis://HOST:6379/0?prefix=NAME"`` keeps the
org in Redis, shared with any replica pointed at it; the fixture's server then joins the org it finds under that
prefix, as a replica would, so a test that wants a fresh org uses a prefix of its own or calls ``reset()``. Polling
defaults to every 100 ms (not Okta's 4 s) so tests do not wait; ``poll_refresh_ms=None`` keeps the scenario's own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .config import Settings
from .control_client import ControlClient
from .testing import MockIdxServer

MARKER = "mock_idx"
DEFAULTS: dict[str, Any] = {"poll_refresh_ms": 100}
REFUSED = ("host", "port")
"""Settings the fixture decides itself: a free port on loopback."""
IN_PROCESS = ("workers",)
"""Settings the fixture cannot honour: it serves in the test's own process, in a background thread."""


class MockIdx(ControlClient):
    """What the ``mock_idx`` fixture gives a test: the control client, plus the server's settings."""

    def __init__(self, server: MockIdxServer, settings: Settings) -> None:
        super().__init__(server.url, control_token=settings.control_token)
        self.settings = settings
        self.server = server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**settings): options of the mock_idx fixture, e.g. scenario='push-denied', "
        "poll_refresh_ms=100, push_lifetime=30, control_token='secret'",
    )


@pytest.fixture(scope="session")
def mock_idx_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One signing key for the session: making an RSA key takes longer than starting a server."""
    return tmp_path_factory.mktemp("mock-idx") / "signing-key.pem"


@pytest.fixture
def mock_idx(request: pytest.FixtureRequest, mock_idx_key_file: Path) -> Iterator[MockIdx]:
    """A running fake Okta org: ``.url``, ``.issuer``, and methods that script it (see ``ControlClient``)."""
    with running(settings_for(request, mock_idx_key_file)) as mock:
        yield mock


@contextmanager
def running(settings: Settings) -> Iterator[MockIdx]:
    """A server with ``settings`` on a free loopback port, as the fixture gives it, stopped when the block ends."""
    with MockIdxServer(settings) as server:
        yield MockIdx(server, settings)


def settings_for(request: pytest.FixtureRequest, key_file: Path) -> Settings:
    """Defaults, then the ``mock_idx`` markers from the farthest (module, class) to the closest (the test), then an
    indirect parameter: a test's marker overrides only the options it names."""
    options: dict[str, Any] = {"key_file": key_file, **DEFAULTS}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        options.update(marker.kwargs)
    options.update(getattr(request, "param", None) or {})
    known = {f.name for f in dataclasses.fields(Settings)} - set(REFUSED) - set(IN_PROCESS)
    refused = sorted(set(options) & set(REFUSED))
    if refused:
        raise pytest.UsageError(
            f"mock_idx: the fixture always listens on a free loopback port, so it takes no {' or '.join(refused)}; "
            "start a mock_idx.MockIdxServer(settings, host=...) yourself to listen elsewhere"
        )
    if set(options) & set(IN_PROCESS):
        raise pytest.UsageError(
            "mock_idx: the fixture serves from the test's own process, so it takes no workers; run "
            "mock-idx serve --workers N --store redis://... yourself and point a mock_idx.ControlClient at it"
        )
    unknown = sorted(set(options) - known)
    if unknown:
        raise pytest.UsageError(f"mock_idx: unknown option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return Settings(**options)
