"""Process-level settings: where the server listens and how it speaks. The org itself (users, lifetimes, clients)
is a :class:`~mock_idx.model.policy.Policy`, set by a scenario."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ION_CONTENT_TYPE = "application/ion+json; okta-version=1.0.0"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = None
    """Base URL written into every ``href`` and the issuer; by default taken from each request's Host."""
    scenario: str | None = None
    """A built-in scenario name or a YAML path; ``None`` loads the default (``manual-tap``)."""
    key_file: Path | None = None
    """PEM file for the signing key, created if missing, so tokens stay valid across restarts."""
    control_token: str | None = None
    """When set, the control API (``/_mock/v1``) requires ``Authorization: Bearer <token>``."""
    idx_content_type: str = ION_CONTENT_TYPE
    push_rejected_status: int = 200
    max_body_bytes: int = 64 * 1024
    poll_refresh_ms: int | None = None
    """Overrides the scenario's poll refresh (handy for fast tests)."""
    push_lifetime: float | None = None
    """Overrides the scenario's push lifetime."""
    widget_dist: Path | None = None
    """The Sign-In Widget's ``dist/`` folder for ``/_mock/widget``; searched in ``node_modules`` when unset."""
    journal_capacity: int = 20_000
