"""SIGTERM and Ctrl+C (SIGINT) stop `mock-idx serve`, `mock-idx demo` (and its reference client child) and
`reference-client` with exit code 0 and no traceback, even while a client holds a half-sent request open, a fault
delays a request in flight for 30 s, or a keep-alive connection sits idle.

Each program is the real console script in its own process. There are no timing asserts: a process that ignored
the signal or waited for the stalled request would outlive :data:`HANG_GUARD` and fail; how long each one really
took is kept in the test's ``exit_seconds`` user property (``--junitxml`` with ``-o junit_family=legacy`` shows it).
"""

from __future__ import annotations

import http.client
import json
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mock_idx.testing import MockIdxServer

BIN = Path(sys.executable).parent
HANG_GUARD = 15.0
"""Seconds a process may take to start or to stop before the test calls it hung (the promise is well under 2 s)."""
DELAYED_ROUTE = "/idp/idx/introspect"
INFLIGHT_DELAY_MS = 30_000


@dataclass
class Program:
    """A started console script and where to reach what it serves."""

    process: subprocess.Popen[str]
    lines: queue.Queue[str]
    url: str
    """The server the stalled connections go to."""
    issuer_base: str
    """The mock-idx whose control API injects the fault (the program itself, or the one the client signs in at)."""
    child_url: str | None = None
    """`mock-idx demo`'s reference client."""
    sockets: list[socket.socket] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def line_matching(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + HANG_GUARD
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} within {HANG_GUARD} s")


def start(command: list[str]) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:  # keeps draining stdout for the process's whole life, so it never blocks on a full pipe
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return process, lines


@pytest.fixture
def issuer() -> Iterator[MockIdxServer]:
    """The org `reference-client` signs in at."""
    with MockIdxServer() as server:
        yield server


def serve(_issuer: MockIdxServer) -> Program:
    process, lines = start([str(BIN / "mock-idx"), "serve", "--port", "0"])
    program = Program(process, lines, url="", issuer_base="")
    program.url = program.issuer_base = program.line_matching(r"serving a fake Okta org at (http://\S+)")[1]
    return program


def demo(_issuer: MockIdxServer) -> Program:
    process, lines = start([str(BIN / "mock-idx"), "demo", "--port", "0", "--client-port", "0"])
    program = Program(process, lines, url="", issuer_base="")
    program.child_url = program.line_matching(r"the app:\s+(http://\S+)/")[1]
    program.url = program.issuer_base = program.line_matching(r"the journal:\s+(http://\S+)/_mock/journal")[1]
    return program


def reference_client(issuer: MockIdxServer) -> Program:
    command = [str(BIN / "reference-client"), "--issuer", issuer.issuer, "--client-id", "shutdown-test", "--port", "0"]
    process, lines = start(command)
    program = Program(process, lines, url="", issuer_base=issuer.url)
    program.url = program.line_matching(r"ready at (http://\S+?)/? ")[1]
    return program


PROGRAMS = {"mock-idx serve": serve, "mock-idx demo": demo, "reference-client": reference_client}


@pytest.fixture(params=list(PROGRAMS))
def program(request: pytest.FixtureRequest, issuer: MockIdxServer) -> Iterator[Program]:
    started = PROGRAMS[request.param](issuer)
    try:
        yield started
    finally:
        for sock in started.sockets:
            sock.close()
        if started.process.poll() is None:
            started.process.kill()
        with started.process:  # closes its pipes and reaps it
            started.process.wait()


def is_mock_idx(program: Program) -> bool:
    return program.url == program.issuer_base


def raw_request(program: Program, data: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", program.port), timeout=HANG_GUARD)
    program.sockets.append(sock)
    sock.sendall(data)
    return sock


def probe_path(program: Program) -> str:
    """A page that answers 200 at once."""
    return "/oauth2/default/.well-known/openid-configuration" if is_mock_idx(program) else "/login"


def answered(program: Program) -> None:
    """One request answered after the stalled ones: the server has read what came before on the same loop."""
    with urllib.request.urlopen(program.url + probe_path(program), timeout=HANG_GUARD) as response:
        assert response.status == 200


def half_sent_requests(program: Program) -> None:
    """Headers cut off mid-way on one connection; on another, complete headers and a tenth of the promised body."""
    path = DELAYED_ROUTE if is_mock_idx(program) else "/login"
    host = f"Host: 127.0.0.1:{program.port}\r\n".encode()
    raw_request(program, b"POST " + path.encode() + b" HTTP/1.1\r\n" + host + b"Content-Type: appl")
    raw_request(
        program,
        b"POST " + path.encode() + b" HTTP/1.1\r\n" + host + b"Content-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"stateHa',
    )
    answered(program)


def delayed_request(program: Program) -> None:
    """A request parked in a 30 s fault delay: mock-idx's own, or the one the reference client makes to sign in."""
    control = program.issuer_base + "/_mock/v1/faults"
    rule = {"route": DELAYED_ROUTE, "delay_ms": INFLIGHT_DELAY_MS}
    post = urllib.request.Request(control, json.dumps(rule).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(post, timeout=HANG_GUARD) as response:
        assert response.status in (200, 201)
    if is_mock_idx(program):
        body = b'{"stateHandle": "x"}'
        headers = f"Host: 127.0.0.1:{program.port}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
        raw_request(program, f"POST {DELAYED_ROUTE} HTTP/1.1\r\n{headers}\r\n\r\n".encode() + body)
    else:
        raw_request(program, sign_in_request(program))
    wait_until(lambda: fault_fired(control), "the delayed request reached the fault")


def sign_in_request(program: Program) -> bytes:
    """POST /login with the session cookie and CSRF token of a freshly loaded login page."""
    connection = http.client.HTTPConnection("127.0.0.1", program.port, timeout=HANG_GUARD)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
    connection.close()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token and cookie, "the login page sets a session cookie and carries a CSRF token"
    body = f"csrf_token={token[1]}&username=demo%40example.com&password=demo1234".encode()
    head = (
        f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{program.port}\r\nCookie: {cookie}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def fault_fired(control: str) -> bool:
    with urllib.request.urlopen(control, timeout=HANG_GUARD) as response:
        return any(rule["fired"] for rule in json.load(response)["faults"])


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not condition():
        assert time.monotonic() < deadline, f"not within {HANG_GUARD} s: {what}"
        time.sleep(0.02)


def idle_keep_alive(program: Program) -> None:
    """A finished HTTP/1.1 exchange whose connection stays open, as browsers and connection pools leave them."""
    request = f"GET {probe_path(program)} HTTP/1.1\r\nHost: 127.0.0.1:{program.port}\r\n\r\n"
    sock = raw_request(program, request.encode())
    response = http.client.HTTPResponse(sock)
    response.begin()
    response.read()
    assert response.status == 200 and not response.will_close, "the connection is kept alive"


CONDITIONS = {"half-sent": half_sent_requests, "delayed-in-flight": delayed_request, "idle-keep-alive": idle_keep_alive}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_a_signal_stops_the_program_cleanly_whatever_its_clients_do(
    program: Program, condition: str, signum: signal.Signals, request: pytest.FixtureRequest
) -> None:
    CONDITIONS[condition](program)
    assert program.process.poll() is None, "still serving before the signal"

    sent = time.monotonic()
    program.process.send_signal(signum)
    code = program.process.wait(HANG_GUARD)
    request.node.user_properties.append(("exit_seconds", round(time.monotonic() - sent, 3)))

    assert program.process.stderr is not None
    errors = program.process.stderr.read()
    assert code == 0, errors
    assert "Traceback" not in errors
    if program.child_url is not None:
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", int(program.child_url.rsplit(":", 1)[1]))) != 0, "client stopped"
