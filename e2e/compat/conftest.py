"""Gate for the Okta JS SDK and Sign-In Widget compatibility tests.

The npm packages live in ``e2e/compat/node_modules`` (``npm ci --prefix e2e/compat``). Without them every test
here is skipped with one reason, except under CI, where a missing install is a broken build. Browsers come from
e2e/conftest.py (``browser``, ``pages``), servers from mock_idx's pytest plugin (``mock_idx``) or
compat_support.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from e2e.compat.compat_support import INSTALL_HINT, NODE_MODULES

REQUIRED_PACKAGES = ("@okta/okta-auth-js", "@okta/okta-signin-widget")


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
