"""Process-level settings: where the server listens and how it speaks. The org itself (users, lifetimes, clients)
is a :class:`~mock_idx.model.policy.Policy`, set by a scenario."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .idx.forms import ION_CONTENT_TYPE
from .model.policy import MAX_LIFETIME, POLL_REFRESH_MS_RANGE
from .storage.url import StoreUrl, parse_store_url

MAX_WORKERS = 64
"""More processes than this on one port would be a typo, not a plan (the parent would start them all at once)."""
BUILTIN_PAGE = "builtin"
WIDGET_PAGE = "widget"
HOSTED_PAGES = (BUILTIN_PAGE, WIDGET_PAGE)
"""What ``/signin`` shows: the built-in server-rendered page, or the real Sign-In Widget bootstrapped from the sign-in's
``stateToken`` as Okta's own hosted page does (which needs an installed widget, found as ``/_mock/widget`` finds it)."""
SHUTDOWN_GRACE_SECONDS = 0.25
"""aiohttp's ``shutdown_timeout``: a stopping server gives requests in flight this long to finish, then as long again
once their bodies are cut off, then cancels them. A stalled client or a request a fault delays must not hold up
Ctrl+C, SIGTERM or a test's teardown; the fake's own answers take milliseconds."""


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
    allowed_hosts: tuple[str, ...] = ()
    """Host names the server answers to besides loopback names, ``host`` and the ``public_url`` host (a container's
    service name, say); requests naming any other host are refused (DNS rebinding)."""
    control_token: str | None = None
    """When set, the control API (``/_mock/v1``) requires ``Authorization: Bearer <token>``."""
    idx_content_type: str = ION_CONTENT_TYPE
    """The ``Content-Type`` of IDX answers; Okta's own by default."""
    push_rejected_status: int = 200
    max_body_bytes: int = 64 * 1024
    poll_refresh_ms: int | None = None
    """Overrides the scenario's poll refresh (handy for fast tests)."""
    push_lifetime: float | None = None
    """Overrides the scenario's push lifetime."""
    widget_dist: Path | None = None
    """The Sign-In Widget's ``dist/`` folder for ``/_mock/widget``; when unset, ``$MOCK_IDX_WIDGET_DIST``, then
    ``node_modules`` in the working directory (:mod:`mock_idx.web.widget_dist`)."""
    hosted_page: str = BUILTIN_PAGE
    """The hosted sign-in page at ``/signin`` (:data:`HOSTED_PAGES`): ``builtin`` needs nothing beyond the package;
    ``widget`` serves the Sign-In Widget found by :attr:`widget_dist`'s lookup, and refuses to start without one."""
    journal_capacity: int = 20_000
    journal_max_bytes: int = 16 * 1024 * 1024
    """The journal forgets its oldest entries past this size too (paths and notes can be long)."""
    store: str = "memory"
    """Where the org lives (:mod:`mock_idx.storage.url`): ``memory`` (this process only) or ``redis://HOST:6379/0``
    (``?prefix=NAME`` to keep several orgs in one Redis), shared by every replica pointed at it."""
    workers: int = 1
    """Processes serving one port (``mock-idx serve --workers N``); more than one needs a shared :attr:`store`."""

    def __post_init__(self) -> None:
        """Refuse, at start-up, values the server could not serve (the CLI turns this into one line, exit 2)."""
        high = POLL_REFRESH_MS_RANGE[1]  # the override may go below a scenario's floor: fast tests poll every 20 ms
        if self.poll_refresh_ms is not None and not 1 <= self.poll_refresh_ms <= high:
            raise ValueError(f"the poll refresh must be between 1 and {high} ms, not {self.poll_refresh_ms}")
        if self.push_lifetime is not None and not 0 < self.push_lifetime <= MAX_LIFETIME:
            raise ValueError(f"the push lifetime must be more than 0 and at most {MAX_LIFETIME:.0f} seconds")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"the port must be between 0 and 65535, not {self.port}")
        self._check_hosted_page()
        store_url = parse_store_url(self.store)  # a ValueError of one line, naming what is wrong with the URL
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or not 1 <= self.workers <= MAX_WORKERS:
            raise ValueError(f"--workers must be a whole number from 1 to {MAX_WORKERS}, not {self.workers!r}")
        if self.workers > 1 and not store_url.shared:
            # one org in N processes needs one place for its state: with N in-memory stores every request would
            # land on a process that may never have seen the sign-in it continues
            raise ValueError(
                f"--workers {self.workers} needs a shared store: add --store redis://HOST:6379/0 "
                "(each worker would otherwise hold an org of its own)"
            )

    def _check_hosted_page(self) -> None:
        """A widget page with no widget to serve would greet every user of every app with an error page, so it is
        refused here, with the line that says where the widget was looked for and how to get it; so is one whose
        widget files the control token would lock away."""
        if self.hosted_page not in HOSTED_PAGES:
            raise ValueError(f"--hosted-page must be {' or '.join(HOSTED_PAGES)}, not {self.hosted_page!r}")
        if self.hosted_page != WIDGET_PAGE:
            return
        if self.control_token:  # the page would load, and the widget's own files would not
            raise ValueError(
                "--hosted-page widget does not work with --control-token: the widget's files are served from "
                "/_mock/widget/static, which the token closes to the people signing in (use the built-in page)"
            )
        # imported here: widget_dist reads these settings, so it cannot be imported while this module loads
        from .web.widget_dist import describe_widget, find_widget

        if find_widget(self.widget_dist) is None:
            raise ValueError(f"--hosted-page widget: {describe_widget(self)}")

    @property
    def store_url(self) -> StoreUrl:
        """:attr:`store`, parsed (it was checked when these settings were made)."""
        return parse_store_url(self.store)
