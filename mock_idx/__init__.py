"""mock-idx: an offline, scriptable fake of Okta Identity Engine (IDX + OAuth/OIDC) for CI and local development.

The public API is what ``__all__`` names; everything else is internal and may change between releases:

- :func:`create_app` and :class:`Settings`: build one fake Okta org as an aiohttp application;
- :class:`MockIdxServer` and :func:`start_mock_idx`: run one on a free loopback port in a background thread;
- :class:`ControlClient`, :class:`MockUser` and :class:`ControlApiError`: script a running server over its control API
  (``MockIdxError`` is the deprecated old name of :class:`ControlApiError`, still exported), and :class:`NoMessage`,
  what ``last_code`` raises when no message carries a code;
- :class:`MockIdx`: what the pytest plugin's ``mock_idx`` fixture gives a test (for type annotations);
- :class:`ScenarioError`: a scenario file with problems, each with its line and field;
- ``__version__``: the installed distribution's version.

The names load on first use (PEP 562) because the server pulls in aiohttp, pydantic and cryptography, and
``import mock_idx`` happens on every CLI start and every ``from mock_idx.x import y``; for the same reason this module
does not even import ``typing`` (3 ms) at run time.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .app import create_app
    from .config import Settings
    from .control_client import ControlApiError, ControlClient, MockIdxError, MockUser, NoMessage
    from .pytest_plugin import MockIdx
    from .scenario import ScenarioError
    from .testing import MockIdxServer, start_mock_idx

    __version__: str

DISTRIBUTION = "mock-idx"
UNKNOWN_VERSION = "0+unknown"
"""What ``__version__`` says when the package runs from a checkout that was never installed (PEP 440 valid)."""

_HOMES = {
    "create_app": ".app",
    "Settings": ".config",
    "ControlApiError": ".control_client",
    "ControlClient": ".control_client",
    "MockIdxError": ".control_client",
    "MockUser": ".control_client",
    "NoMessage": ".control_client",
    "MockIdx": ".pytest_plugin",
    "ScenarioError": ".scenario",
    "MockIdxServer": ".testing",
    "start_mock_idx": ".testing",
}

__all__ = [
    "ControlApiError",
    "ControlClient",
    "MockIdx",
    "MockIdxError",
    "MockIdxServer",
    "MockUser",
    "NoMessage",
    "ScenarioError",
    "Settings",
    "__version__",
    "create_app",
    "start_mock_idx",
]


def installed_version() -> str:
    """The version in the installed distribution's metadata, so ``pyproject.toml`` is its only source."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return UNKNOWN_VERSION


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = installed_version()
    elif name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # resolved once: later lookups never reach __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
