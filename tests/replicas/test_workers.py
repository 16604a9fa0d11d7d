"""``mock-idx serve --store redis://… --workers 2 --port 0`` as a real process: one port, two worker processes, one
org. A sign-in whose steps alternate between the two workers succeeds, both read the same journal, and the group
stops cleanly (SIGTERM, Ctrl+C), stops when a worker dies (exit 1, one line), and does not outlive its parent.

Which worker answered a request is read from the outside, without anything added to the server: the connection's
server-side socket (``/proc/net/tcp``) belongs to exactly one worker's open files (``/proc/PID/fd``). So this suite
runs on Linux, where ``SO_REUSEPORT`` spreads connections across the workers.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.support.idx import signed_in
from tests.support.processes import announced_port, serving
from tests.support.redis_server import RedisServer, redis_url

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc to see which worker answered (Linux only)"
)

WORKERS = 2
HANG_GUARD = 30.0
"""Seconds a process gets to do what it must do at once (exit, start); only a hang ever waits this long."""
MAX_CONNECTIONS = 64
"""Connections opened until each worker holds one: the kernel's hash leaves 2**-63 odds of missing one."""


# --- which process holds what (from /proc) ---------------------------------------------------------------------------


def children(parent: int) -> list[int]:
    """The processes whose parent is ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # it exited while we looked
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return sorted(found)


def worker_pids(parent: int) -> list[int]:
    """The parent's worker processes (multiprocessing's resource tracker is its child too, but serves nothing)."""
    return [pid for pid in children(parent) if b"spawn_main" in _cmdline(pid)]


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for a parent that never reaps it counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def owner_of_connection(server_port: int, client_port: int, pids: list[int]) -> int | None:
    """The worker among ``pids`` holding the server's end of the loopback connection from ``client_port``."""
    inodes = {
        fields[9]
        for table in ("/proc/net/tcp", "/proc/net/tcp6")
        for fields in _rows(table)
        if _port(fields[1]) == server_port and _port(fields[2]) == client_port
    }
    for pid in pids:
        if inodes & _socket_inodes(pid):
            return pid
    return None


def _rows(table: str) -> list[list[str]]:
    try:
        return [line.split() for line in Path(table).read_text().splitlines()[1:]]
    except OSError:
        return []


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1], 16)


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    folder = Path(f"/proc/{pid}/fd")
    for fd in folder.iterdir():
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[len("socket:[") : -1])
    return inodes


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def wait_until_gone(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running after :data:`HANG_GUARD` (none, unless something hangs)."""
    deadline = time.monotonic() + HANG_GUARD
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


# --- a client whose every request is on a connection to a known worker -----------------------------------------------


@dataclass
class Answer:
    """What :class:`tests.support.idx.Flow` reads of an answer (the part of aiohttp's response it uses)."""

    status: int
    headers: dict[str, str]
    body: bytes

    async def json(self, content_type: str | None = "application/json") -> Any:
        return json.loads(self.body)

    async def text(self) -> str:
        return self.body.decode()


@dataclass
class PinnedClient:
    """Sends requests in turn on one keep-alive connection per worker, and notes which worker answered each.

    Flow and the control helpers take any aiohttp-style client (``post``, ``put``, ``request``); this one alternates
    workers on every request, so a sign-in only succeeds if each step finds what the other worker wrote.
    """

    port: int
    workers: list[int]
    connections: dict[int, http.client.HTTPConnection] = field(default_factory=dict)
    answered_by: list[int] = field(default_factory=list)

    def pin(self) -> None:
        """Open connections until every worker holds one; the others are closed."""
        for _ in range(MAX_CONNECTIONS):
            if len(self.connections) == len(self.workers):
                return
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HANG_GUARD)
            status, _, _, worker = self._send(connection, "GET", "/_mock/v1/clock", {}, None)
            assert status == 200
            if worker in self.connections:
                connection.close()
            else:
                self.connections[worker] = connection
        assert len(self.connections) == len(self.workers), f"connections reached only workers {list(self.connections)}"

    def close(self) -> None:
        for connection in self.connections.values():
            connection.close()

    async def request(self, method: str, path: str, *, json: Any = None, data: Any = None) -> Answer:
        worker = self.workers[len(self.answered_by) % len(self.workers)]
        headers: dict[str, str] = {}
        body: bytes | None = None
        if json is not None:
            headers["Content-Type"] = "application/json"
            body = _json_bytes(json)
        elif data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(data).encode()
        status, answer_headers, answer, answered = await asyncio.to_thread(
            self._send, self.connections[worker], method, path, headers, body
        )
        self.answered_by.append(answered)
        return Answer(status, answer_headers, answer)

    async def post(self, path: str, **options: Any) -> Answer:
        return await self.request("POST", path, **options)

    async def put(self, path: str, **options: Any) -> Answer:
        return await self.request("PUT", path, **options)

    async def get(self, path: str, **options: Any) -> Answer:
        return await self.request("GET", path, **options)

    def _send(
        self,
        connection: http.client.HTTPConnection,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes | None,
    ) -> tuple[int, dict[str, str], bytes, int]:
        """One request on ``connection``, its answer read whole, and the worker that holds the connection (asked
        while it is still open: keep-alive)."""
        connection.request(method, path, body=body, headers=headers)
        with connection.getresponse() as response:
            answer = response.read()
            status, answer_headers = response.status, dict(response.getheaders())
        assert connection.sock is not None, "the server closed a keep-alive connection"
        worker = owner_of_connection(self.port, connection.sock.getsockname()[1], self.workers)
        assert worker is not None, "no worker holds the connection"
        return status, answer_headers, answer, worker


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


# --- the group as a real process -------------------------------------------------------------------------------------


@pytest.fixture
def store(redis_server: RedisServer) -> str:
    """A ``--store`` URL for an org of this test's own (tests share the session's Redis by prefix)."""
    return redis_url(redis_server, f"workers-{uuid.uuid4().hex[:12]}")


def serve_options(store: str) -> tuple[str, ...]:
    return ("--store", store, "--workers", str(WORKERS), "--poll-refresh-ms", "20")


def rest_of_banner(process: subprocess.Popen[str]) -> list[str]:
    """The banner's lines after the first three, up to its (one) user, demo@example.com."""
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].lstrip().startswith("user:"):
        line = process.stdout.readline()
        assert line, lines
        lines.append(line)
    return lines


def test_two_workers_serve_one_org_on_one_port_and_stop_cleanly_on_sigterm(store):
    with serving(*serve_options(store), port=0) as (port, process, banner):
        banner += rest_of_banner(process)
        text = "".join(banner)
        redis, prefix = store.split("?prefix=")
        assert f"store:        {redis} (prefix {prefix}), served by 2 worker processes" in text
        assert "demo@example.com / password demo1234" in text
        workers = worker_pids(process.pid)
        assert len(workers) == WORKERS

        client = PinnedClient(port, workers)
        try:
            client.pin()
            _, tokens = asyncio.run(signed_in(client, "ada@example.com"))
            assert {"access_token", "id_token"} <= set(tokens)
            # every step went to the other worker than the one before, and was answered there
            assert client.answered_by == [workers[step % WORKERS] for step in range(len(client.answered_by))]
            assert len(client.answered_by) >= 8  # user, interact, introspect, identify, challenge x2, poll, token

            # the journal, tokens and the clock are the org's, not a worker's: each worker reads the same
            journals = [asyncio.run(_journal(client, "ada@example.com")) for _ in workers]
            assert journals[0] == journals[1]
            assert {"/idp/idx/identify", "/idp/idx/authenticators/poll"} <= {entry["path"] for entry in journals[0]}
            for _ in workers:
                assert asyncio.run(_introspect(client, tokens["access_token"]))["active"] is True
            advanced = asyncio.run(_advance_clock(client, 120))
            assert asyncio.run(_clock(client)) == advanced  # read on the other worker
        finally:
            client.close()

        process.send_signal(signal.SIGTERM)
        assert process.wait(HANG_GUARD) == 0
        assert process.stderr is not None and process.stderr.read() == ""
        assert [pid for pid in workers if alive(pid)] == []  # joined by the parent before it exited


async def _journal(client: PinnedClient, login: str) -> list[dict[str, Any]]:
    answer = await client.get(f"/_mock/v1/journal?user={login}")
    assert answer.status == 200
    entries: list[dict[str, Any]] = (await answer.json())["entries"]
    return entries


async def _advance_clock(client: PinnedClient, seconds: float) -> float:
    answer = await client.post("/_mock/v1/clock/advance", json={"seconds": seconds})
    assert answer.status == 200, answer.body
    offset: float = (await answer.json())["offset_seconds"]
    return offset


async def _clock(client: PinnedClient) -> float:
    answer = await client.get("/_mock/v1/clock")
    assert answer.status == 200, answer.body
    offset: float = (await answer.json())["offset_seconds"]
    return offset


async def _introspect(client: PinnedClient, token: str) -> dict[str, Any]:
    answer = await client.post(
        "/oauth2/default/v1/introspect",
        data={"token": token, "token_type_hint": "access_token", "client_id": "test-client"},
    )
    assert answer.status == 200, answer.body
    body: dict[str, Any] = await answer.json()
    return body


def test_ctrl_c_stops_the_parent_and_every_worker(store):
    """Ctrl+C reaches the whole process group: workers leave it to the parent, which stops them all, exit code 0."""
    with started_group(store) as (process, workers):
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(HANG_GUARD) == 0
        assert process.stderr is not None and process.stderr.read() == ""
        assert [pid for pid in workers if alive(pid)] == []


def test_a_worker_that_dies_stops_the_others_and_the_command_fails_with_one_line(store):
    with started_group(store) as (process, workers):
        victim, survivor = workers
        os.kill(victim, signal.SIGKILL)
        assert process.wait(HANG_GUARD) == 1
        assert process.stderr is not None
        assert re.fullmatch(
            rf"mock-idx: worker [12] of 2 \(pid {victim}\) stopped by itself \(killed by SIGKILL\); "
            r"stopped the others\n",
            process.stderr.read(),
        )
        assert not alive(survivor)


def test_workers_do_not_outlive_a_parent_killed_outright(store):
    """SIGKILL gives the parent no chance to stop anyone: each worker sees its pipe to the parent close, and stops."""
    with started_group(store) as (process, workers):
        everyone = children(process.pid)  # the workers and multiprocessing's resource tracker
        assert set(workers) < set(everyone)
        process.kill()
        process.wait(HANG_GUARD)
        assert wait_until_gone(everyone) == []


@contextmanager
def started_group(store: str) -> Iterator[tuple[subprocess.Popen[str], list[int]]]:
    """``mock-idx serve --workers 2 --port 0`` in a session of its own (so a test can send its process group a
    terminal's Ctrl+C), past its banner: the process and its workers. Killed, with its workers, if a test left any
    of them running."""
    with subprocess.Popen(
        [sys.executable, "-m", "mock_idx", "serve", "--port", "0", *serve_options(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        workers: list[int] = []
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            assert first, process.stderr.read() if process.stderr else "no banner"
            announced_port(first)
            rest_of_banner(process)
            workers = worker_pids(process.pid)
            assert len(workers) == WORKERS
            yield process, workers
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(HANG_GUARD)
            for pid in workers:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
