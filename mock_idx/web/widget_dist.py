"""Where the Okta Sign-In Widget's bundle is, and which widget it is: the ``dist/`` of an installed
``@okta/okta-signin-widget``, 7.x or 6.x.

The bundle is never vendored into mock_idx. It is looked for where any user of the package can put it: the
``--widget-dist`` setting, then ``$MOCK_IDX_WIDGET_DIST``, then ``node_modules`` in the working directory. Nothing
here knows this repository's own folders (its compatibility tests pass their install as the setting).

A dist is recognised by its files, because they decide how the host page must start it: 7.x ships the Gen3 bundle
beside the Gen2 one, 6.x only the Gen2 one (and needs ``useInteractionCodeFlow: true``, without which it signs in
through the Classic ``/api/v1/authn`` API that mock_idx does not serve). The version is only reported, read from the
package's ``package.json`` when there is a readable one; a dist without it still works.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings

ENV_VAR = "MOCK_IDX_WIDGET_DIST"
PACKAGE_NAME = "@okta/okta-signin-widget"
PACKAGE_DIST = Path("node_modules") / PACKAGE_NAME / "dist"
INSTALL_HINT = f"npm install {PACKAGE_NAME}"
"""Run in the directory mock-idx is started from; or point ``--widget-dist`` or ``$MOCK_IDX_WIDGET_DIST`` at a dist."""
SETTING_SOURCE = "--widget-dist"
ENV_SOURCE = f"${ENV_VAR}"
NODE_MODULES_SOURCE = "node_modules"
PAGE_PATH = "/_mock/widget"


@dataclass(frozen=True)
class Bundle:
    """The files of one widget generation inside ``dist/``, and the ``?gen=`` that asks the host page for it."""

    label: str
    script: str
    stylesheet: str
    gen: str


GEN2 = Bundle("Gen2", "js/okta-sign-in.min.js", "css/okta-sign-in.min.css", gen="2")
GEN3 = Bundle("Gen3", "js/okta-sign-in.next.js", "css/okta-sign-in.next.css", gen="3")


@dataclass(frozen=True)
class WidgetDist:
    """An installed widget: its ``dist/`` folder, the major version its files show, and its package version."""

    path: Path
    major: int
    """7 when the Gen3 bundle is there, else 6: what the host page needs to know to start it."""
    version: str | None
    """From the package's ``package.json``; ``None`` when it is missing, unreadable or not the widget's."""

    @property
    def bundles(self) -> tuple[Bundle, ...]:
        return (GEN2, GEN3) if self.major >= 7 else (GEN2,)

    @property
    def needs_interaction_code_flag(self) -> bool:
        """6.x runs the Identity Engine (IDX) only when told to; 7.x does by default."""
        return self.major < 7

    @property
    def name(self) -> str:
        return f"Sign-In Widget {self.version or f'{self.major}.x'}"


@dataclass(frozen=True)
class Candidate:
    """The one folder the lookup settled on, and what named it (for telling the user where it looked)."""

    path: Path
    source: str


def _has_bundle(path: Path, bundle: Bundle) -> bool:
    return all((path / name).is_file() for name in (bundle.script, bundle.stylesheet))


def package_version(dist: Path) -> str | None:
    """The version in the ``package.json`` beside ``dist/`` (npm's layout), if that file is the widget's own."""
    try:
        manifest = json.loads((dist.parent / "package.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("name") != PACKAGE_NAME:
        return None
    version = manifest.get("version")
    return version if isinstance(version, str) and version.strip() else None


def read_widget_dist(path: Path) -> WidgetDist | None:
    """The widget in ``path``, told apart by its files: Gen2 and Gen3 bundles for 7.x, the Gen2 one alone for 6.x.

    A folder with neither is not a widget dist, whatever its ``package.json`` says.
    """
    if not _has_bundle(path, GEN2):
        return None
    return WidgetDist(path=path, major=7 if _has_bundle(path, GEN3) else 6, version=package_version(path))


def widget_candidate(
    configured: Path | None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Candidate:
    """The folder to use: the setting, then $MOCK_IDX_WIDGET_DIST, then ``node_modules`` in ``cwd``.

    An explicit setting or environment variable wins even if it is wrong, so a typo is reported
    rather than silently replaced by some other install.
    """
    environ = os.environ if environ is None else environ
    if configured is not None:
        return Candidate(configured, SETTING_SOURCE)
    if environ.get(ENV_VAR):
        return Candidate(Path(environ[ENV_VAR]), ENV_SOURCE)
    return Candidate(((Path.cwd() if cwd is None else cwd) / PACKAGE_DIST).resolve(), NODE_MODULES_SOURCE)


def find_widget(
    configured: Path | None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> WidgetDist | None:
    """The installed widget, or ``None`` when the folder :func:`widget_candidate` settles on holds none."""
    return read_widget_dist(widget_candidate(configured, environ, cwd).path)


def describe_widget(
    settings: Settings,
    base_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> str:
    """One line for the start-up banner: which widget ``/_mock/widget`` will host, or why none and how to get one.

    ``base_url`` is where clients reach the server (the banner's own); by default ``public_url``, else host and port.
    """
    candidate = widget_candidate(settings.widget_dist, environ, cwd)
    widget = read_widget_dist(candidate.path)
    if widget is not None:
        base = (base_url or _base_url(settings)).rstrip("/")
        return f"{widget.name} at {base}{PAGE_PATH} (from {widget.path})"
    if candidate.source == NODE_MODULES_SOURCE:
        return (
            f"Sign-In Widget not found (no {GEN2.script} in {candidate.path}): run `{INSTALL_HINT}` in the "
            f"directory mock-idx starts from, or point {SETTING_SOURCE} or {ENV_SOURCE} at the widget's dist/"
        )
    return (
        f"Sign-In Widget not found at {candidate.path} (named by {candidate.source}): it has no {GEN2.script} and "
        f"{GEN2.stylesheet}; point it at the dist/ of an installed {PACKAGE_NAME} (`{INSTALL_HINT}`)"
    )


def _base_url(settings: Settings) -> str:
    if settings.public_url:
        return settings.public_url
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.port}"
