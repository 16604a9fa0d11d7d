"""Where the Okta Sign-In Widget's bundle is: the ``dist/`` folder of an installed ``@okta/okta-signin-widget``.

The bundle is never vendored into mock_idx. It is looked for where any user of the package can put it: the
``--widget-dist`` setting, then ``$MOCK_IDX_WIDGET_DIST``, then ``node_modules`` in the working directory. Nothing
here knows this repository's own folders (its compatibility tests pass their install as the setting).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "MOCK_IDX_WIDGET_DIST"
PACKAGE_DIST = Path("node_modules/@okta/okta-signin-widget/dist")
INSTALL_HINT = "npm install @okta/okta-signin-widget"
"""Run in the directory mock-idx is started from; or point ``--widget-dist`` or ``$MOCK_IDX_WIDGET_DIST`` at a dist."""


@dataclass(frozen=True)
class Bundle:
    """The files of one widget generation inside ``dist/``."""

    label: str
    script: str
    stylesheet: str


GEN2 = Bundle("Gen2", "js/okta-sign-in.min.js", "css/okta-sign-in.min.css")
GEN3 = Bundle("Gen3", "js/okta-sign-in.next.js", "css/okta-sign-in.next.css")


def is_widget_dist(path: Path) -> bool:
    """A usable dist has both generations' scripts; anything else is treated as absent."""
    return all((path / bundle.script).is_file() for bundle in (GEN2, GEN3))


def find_widget_dist(
    configured: Path | None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path | None:
    """Where the widget's ``dist/`` is: the setting, then $MOCK_IDX_WIDGET_DIST, then ``node_modules`` in ``cwd``.

    An explicit setting or environment variable wins even if it is wrong, so a typo is reported
    rather than silently replaced by some other install.
    """
    environ = os.environ if environ is None else environ
    explicit = configured or (Path(environ[ENV_VAR]) if environ.get(ENV_VAR) else None)
    if explicit is not None:
        return explicit if is_widget_dist(explicit) else None
    candidate = (Path.cwd() if cwd is None else cwd) / PACKAGE_DIST
    return candidate.resolve() if is_widget_dist(candidate) else None
