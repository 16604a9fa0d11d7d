"""The servers of the peer table: how each is installed and started, where its endpoints are, and what it can do.

Every server is started as ``taskset -c 0 COMMAND`` on a free loopback port (the load runs on the other core), is
ready when its discovery document answers 200, and is stopped with SIGTERM when its block ends. A peer that cannot
be installed or started raises :class:`~bench.peers.install.PeerUnavailable`, with one line saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tests.support.net import free_port

from ..users import APPROVE_AFTER_POLLS, PASSWORD
from . import install
from .install import PeerUnavailable
from .processes import ROOT, cpu_seconds, descendants, stop

SERVER_CORE = "0"
READY_TIMEOUT = 60.0
POLL_INTERVAL = 0.005
CLIENT_ID = "bench-app"
CLIENT_SECRET = "bench-secret"
REDIRECT_URI = "http://127.0.0.1:9/callback"
API_SCOPE = "api:read"
PASSWORD_USER = "pwd0@bench.test"
PUSH_USER = "push0@bench.test"
OIDC_PROVIDER_SCRIPT = Path(__file__).parent / "node" / "oidc-provider.mjs"


@dataclass(frozen=True)
class Launch:
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT


@dataclass(frozen=True)
class Server:
    """One server of the table: ``launch(port, scratch)`` installs it if need be and says how to start it."""

    name: str
    launch: Callable[[int, Path], Launch]
    discovery: str
    jwks: str
    token: str
    authorize: str
    login: str
    """Which login step :mod:`bench.peers.flows` drives (each server's own)."""
    scope: str = "openid offline_access"
    """Asked for at sign-in: what gets the server to issue a refresh token."""
    client_credentials: str | None = None
    """Why the server has no ``client_credentials`` grant; None when it has one."""
    push: str | None = "no push factor"
    """Why the server cannot sign in with a push; None when it can."""


def _mock_idx(port: int, scratch: Path) -> Launch:
    scenario = write_scenario(scratch / "bench-peers.yaml")
    return Launch([sys.executable, "-m", "mock_idx", "serve", "--port", str(port), "--scenario", str(scenario)])


def _oidc_provider(port: int, scratch: Path) -> Launch:
    node = install.node_peers()
    script = node.folder / OIDC_PROVIDER_SCRIPT.name
    shutil.copyfile(OIDC_PROVIDER_SCRIPT, script)  # resolves `oidc-provider` from the folder's node_modules
    return Launch([str(node.node), str(script), str(port)], cwd=node.folder)


def _oauth2_mock_server(port: int, scratch: Path) -> Launch:
    node = install.node_peers()
    cli = node.folder / "node_modules" / "oauth2-mock-server" / "dist" / "oauth2-mock-server.mjs"
    return Launch([str(node.node), str(cli), "-a", "127.0.0.1", "-p", str(port)], cwd=node.folder)


def _oidc_provider_mock(port: int, scratch: Path) -> Launch:
    script = install.oidc_provider_mock()
    return Launch([str(script), "--host", "127.0.0.1", "--port", str(port)], cwd=scratch)


def _nav(port: int, scratch: Path) -> Launch:
    classpath = install.nav_classpath()
    if shutil.which("java") is None:
        raise PeerUnavailable("java is not on PATH")
    config = json.dumps({"interactiveLogin": True, "httpServer": "NettyWrapper"})
    return Launch(
        ["java", "-cp", classpath, "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt"],
        env={"SERVER_PORT": str(port), "SERVER_HOSTNAME": "127.0.0.1", "JSON_CONFIG": config},
        cwd=scratch,
    )


MOCK_IDX = Server(
    "mock-idx",
    _mock_idx,
    discovery="/oauth2/default/.well-known/openid-configuration",
    jwks="/oauth2/default/v1/keys",
    token="/oauth2/default/v1/token",
    authorize="/oauth2/default/v1/authorize",
    login="mock-idx",
    push=None,
)
PEERS = (
    Server(
        "oidc-provider",
        _oidc_provider,
        discovery="/.well-known/openid-configuration",
        jwks="/jwks",
        token="/token",
        authorize="/auth",
        login="oidc-provider",
        scope=f"openid {API_SCOPE}",
    ),
    Server(
        "oauth2-mock-server",
        _oauth2_mock_server,
        discovery="/.well-known/openid-configuration",
        jwks="/jwks",
        token="/token",
        authorize="/authorize",
        login="redirect",
    ),
    Server(
        "oidc-provider-mock",
        _oidc_provider_mock,
        discovery="/.well-known/openid-configuration",
        jwks="/jwks",
        token="/oauth2/token",
        authorize="/oauth2/authorize",
        login="oidc-provider-mock",
        scope="openid",
        client_credentials="no client_credentials grant (authorization_code and refresh_token only)",
    ),
    Server(
        "mock-oauth2-server",
        _nav,
        discovery="/default/.well-known/openid-configuration",
        jwks="/default/jwks",
        token="/default/token",
        authorize="/default/authorize",
        login="mock-oauth2-server",
    ),
)
SERVERS = (MOCK_IDX, *PEERS)


def write_scenario(path: Path) -> Path:
    """mock-idx's org for the peer table: the bench client with a secret and the three grants the table uses, a
    custom scope for ``client_credentials`` on ``default``, a password-only user and a push user whose phone
    approves after some polls. JSON is YAML, and needs no dumper."""
    document = {
        "description": "mock-idx bench: side by side with other fake IdPs",
        "settings": {
            "authorization_servers": [{"id": "default", "scopes": [{"name": API_SCOPE, "default": True}]}],
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "type": "web",
                    "client_secret": CLIENT_SECRET,
                    "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
                    "redirect_uris": [REDIRECT_URI],
                }
            ],
        },
        "users": [
            {"login": PASSWORD_USER, "password": PASSWORD, "authenticators": {"okta_verify": None}},
            {
                "login": PUSH_USER,
                "password": PASSWORD,
                "authenticators": {
                    "okta_verify": {
                        "methods": ["push"],
                        "push": {"outcome": "approve", "after_polls": APPROVE_AFTER_POLLS},
                    }
                },
            },
        ],
    }
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


class Running:
    """``with Running(server) as running:`` the server, listening at ``running.url`` on the server core.

    ``started`` is how long it took from the process's start to the first 200 on discovery."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.url = ""
        self.started = 0.0
        self.errors = ""
        self.process: subprocess.Popen[bytes] | None = None
        self._scratch: Path | None = None
        self._stderr: IO[bytes] | None = None

    def __enter__(self) -> Running:
        self._scratch = Path(tempfile.mkdtemp(prefix=f"bench-peer-{self.server.name}-"))
        try:
            port = free_port()
            launch = self.server.launch(port, self._scratch)
            self._stderr = tempfile.TemporaryFile()
            pin = ["taskset", "-c", SERVER_CORE] if pinning() else []
            began = time.perf_counter()
            try:
                self.process = subprocess.Popen(
                    [*pin, *launch.command],
                    cwd=launch.cwd,
                    env={**os.environ, **launch.env},
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=self._stderr,
                )
            except OSError as failed:
                raise PeerUnavailable(f"could not start {launch.command[0]}: {failed}") from failed
            wait_for_ok(port, self.server.discovery, self.process, self._last_error)
            self.started = time.perf_counter() - began
            self.url = f"http://127.0.0.1:{port}"
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        stop(self.process)
        self.process = None
        if self._stderr is not None:
            self._stderr.seek(0)
            self.errors = self._stderr.read().decode("utf-8", "replace").strip()
            self._stderr.close()
            self._stderr = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cpu_seconds(self) -> float:
        """CPU time of the server's process tree so far (0 once it is gone)."""
        return cpu_seconds(self.process.pid) if self.process is not None else 0.0

    def rss_kib(self) -> int:
        """Resident memory of the server and every process it started, in KiB (0 once it is gone)."""
        if self.process is None:
            return 0
        total = 0
        for pid in (self.process.pid, *descendants(self.process.pid)):
            try:
                status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total

    def _last_error(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1][:160] if lines else ""


def pinning() -> bool:
    """Pin only where there are two cores to split and ``taskset`` to do it."""
    return shutil.which("taskset") is not None and len(os.sched_getaffinity(0)) >= 2


def wait_for_ok(port: int, path: str, process: subprocess.Popen[bytes], last_error: Callable[[], str]) -> None:
    """Until ``GET path`` answers 200 (a new connection each try, as a person's first request would be)."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    deadline = time.perf_counter() + READY_TIMEOUT
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise PeerUnavailable(f"exited with {process.returncode} before answering: {last_error() or 'no output'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                connection.sendall(request)
                if connection.recv(64)[9:12] == b"200":  # HTTP/1.0 or 1.1
                    return
        except OSError:
            pass
        time.sleep(POLL_INTERVAL)
    raise PeerUnavailable(f"no 200 on {path} within {READY_TIMEOUT:.0f} s")
