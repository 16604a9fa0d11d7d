"""The peer bench's machinery, without installing any peer: the org it gives mock-idx is a valid scenario, its client
reads every way the peers frame an answer, and a peer that cannot be installed or answers wrong becomes a row that
says so, never a crash."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bench.http import Client
from bench.peers import flows, install, record, report, run
from bench.peers.install import PeerUnavailable
from bench.peers.servers import MOCK_IDX, Launch, Running, Server, write_scenario
from mock_idx.scenario.loading import validate_file

TINY = run.Plan(rounds=1, warm_up_rounds=0, seconds=0.1, limit=20, ready_repeats=1)
DISCOVERY_ONLY = (run.Workload("discovery", "req/s", (1,), run._discovery),)
JWKS_ONLY = (run.Workload("JWKS", "req/s", (1,), run._jwks),)

CANNED = {
    b"/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    b"/until-close": b'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"framed": "by the close"}',
    b"/cookie": b"HTTP/1.1 302 Found\r\nLocation: /next\r\nSet-Cookie: a=1; path=/x\r\nSet-Cookie: gone=; expires=Thu, "
    b"01 Jan 1970 00:00:00 GMT\r\nContent-Length: 0\r\n\r\n",
    b"/echo-cookie": b"",
}


def test_the_scenario_written_for_mock_idx_is_valid(tmp_path: Path) -> None:
    assert validate_file(write_scenario(tmp_path / "peers.yaml")) == []


@pytest.fixture
async def canned_server() -> AsyncIterator[str]:
    """Answers each path in CANNED as written; ``/echo-cookie`` answers the Cookie header it was sent."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while head := await reader.readuntil(b"\r\n\r\n"):
            path = head.split(b" ")[1]
            if path == b"/echo-cookie":
                cookie = next((line[8:] for line in head.split(b"\r\n") if line.lower().startswith(b"cookie: ")), b"")
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(cookie), cookie))
            else:
                writer.write(CANNED[path])
            await writer.drain()
            if path == b"/until-close":
                writer.close()
                return

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    server.close()
    await server.wait_closed()


async def test_the_client_reads_chunked_and_close_delimited_bodies_and_keeps_cookies(canned_server: str) -> None:
    client = Client(canned_server, cookies=True)
    try:
        assert (await client.get("/chunked")).body == b"hello world"
        assert (await client.get("/until-close")).json() == {"framed": "by the close"}
        redirect = await client.get("/cookie")  # on a new connection: the last one was closed by the server
        assert (redirect.status, redirect.header("location")) == (302, "/next")
        assert client.cookies == {"a": "1"}  # the deleted cookie is not kept
        assert (await client.get("/echo-cookie")).body == b"a=1"
    finally:
        client.close()


async def test_the_client_keeps_cookies_only_when_asked(canned_server: str) -> None:
    """mock-idx's own benches send what okta-auth-js in Node sends: no cookies back."""
    client = Client(canned_server)
    try:
        assert (await client.get("/cookie")).headers["set-cookie"][0] == "a=1; path=/x"
        assert client.cookies == {} and (await client.get("/echo-cookie")).body == b""
    finally:
        client.close()


def _unavailable(port: int, scratch: Path) -> Launch:
    raise PeerUnavailable("npm install exited 1: E404")


def _files_only(port: int, scratch: Path) -> Launch:
    """A server with a discovery document and nothing else: JWKS answers 404."""
    (scratch / "discovery").write_text("{}", encoding="utf-8")
    return Launch([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)], cwd=scratch)


def _server(name: str, launch: object) -> Server:
    return Server(name, launch, discovery="/discovery", jwks="/jwks", token="/t", authorize="/a", login="redirect")  # type: ignore[arg-type]


def test_a_peer_that_cannot_be_installed_is_a_not_measured_row() -> None:
    table = run.measure(TINY, (_server("broken-peer", _unavailable),), DISCOVERY_ONLY)
    (cell,) = table.rows[0].cells
    assert cell.not_measured == "npm install exited 1: E404" and not cell.rounds
    printed = "\n".join(report.peers_table(table))
    assert "broken-peer         not measured: npm install exited 1: E404" in printed
    assert printed.count("not measured: npm install exited 1: E404") == 3  # the row, ready and RSS


def test_a_peer_that_answers_wrong_is_a_failed_row_and_the_others_are_measured() -> None:
    table = run.measure(TINY, (_server("files", _files_only),), JWKS_ONLY + DISCOVERY_ONLY)
    jwks, discovery = (row.cells[0] for row in table.rows)
    assert jwks.failure is not None and "HTTP 404" in jwks.failure and not jwks.usable
    assert discovery.usable and discovery.rate > 0
    assert table.ready[0].values and table.memory[0].value > 0
    assert "FAILED: Refused: files jwks: HTTP 404" in "\n".join(report.peers_table(table))


def test_recording_replaces_only_the_last_recorded_run(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{record.START}\nold table\n{record.END}\noutro\n", encoding="utf-8")
    record.record("a run:", ["row 1   ", "row 2"], readme)
    record.record("another run:", ["row 3"], readme)
    assert readme.read_text(encoding="utf-8") == (
        f"intro\n{record.START}\nanother run:\n\n```\nrow 3\n```\n{record.END}\noutro\n"
    )


def test_recording_into_a_readme_without_its_markers_writes_nothing(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n", encoding="utf-8")
    with pytest.raises(record.NoMarkers):
        record.record("a run:", ["row"], readme)
    assert readme.read_text(encoding="utf-8") == "no markers here\n"


def test_the_bench_readme_has_its_recording_markers() -> None:
    text = record.README.read_text(encoding="utf-8")
    assert text.count(record.START) == 1 and text.index(record.START) < text.index(record.END)


async def test_every_workload_of_the_table_works_on_mock_idx_as_the_bench_starts_it() -> None:
    """The org the bench writes and the flows it drives, against ``mock-idx serve`` itself: a change to the hosted
    sign-in or the token endpoint that breaks the table breaks this first."""
    with Running(MOCK_IDX) as server:
        client = Client(server.url, cookies=True)
        try:
            await flows.discovery(MOCK_IDX, client)
            await flows.jwks(MOCK_IDX, client)
            assert flows.signatures(await flows.client_credentials(MOCK_IDX, client)) == 1
            tokens = await flows.sign_in(MOCK_IDX, client)
            assert flows.signatures(tokens) == 2 and isinstance(tokens["refresh_token"], str)
            refreshed = await flows.refresh(MOCK_IDX, client, tokens["refresh_token"])
            assert refreshed["refresh_token"] != tokens["refresh_token"]  # rotated: the load carries the new one on
            assert flows.signatures(await flows.sign_in(MOCK_IDX, client, push=True)) == 2
        finally:
            client.close()


def test_a_missing_package_client_is_one_line_and_no_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(install, "HOME", tmp_path / "peers")
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm, mvn or java here
    for step, missing in ((install.node_peers, "npm"), (install.nav_classpath, "mvn")):
        with pytest.raises(PeerUnavailable, match=f"^{missing} is not on PATH$"):
            step()
    assert not (tmp_path / "peers").exists()
