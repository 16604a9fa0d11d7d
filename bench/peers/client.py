"""The bench's keep-alive client (:mod:`bench.http`), plus what the peers' sign-ins need: the answer's headers (a
redirect's ``Location``), a body sent in chunks (Node and Netty answer some pages so), and cookies kept per client
(oidc-provider ties its login step to the browser by cookie). Every server in the peer table is loaded with this one
client, mock-idx included, so none is measured with a cheaper client than another.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: dict[str, list[str]] = field(default_factory=dict)
    """Lower-case names; a name sent twice (``set-cookie``) keeps every value."""
    version: str = "HTTP/1.1"

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def closes(self) -> bool:
        """Whether the server closes the connection after this answer (``Connection: close``, or HTTP/1.0 without
        keep-alive)."""
        connection = self.header("connection").lower()
        return "close" in connection or (self.version == "HTTP/1.0" and "keep-alive" not in connection)

    def header(self, name: str) -> str:
        values = self.headers.get(name, [])
        return values[0] if values else ""


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[Answer] | None = None
        self.lost: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: BaseException | None) -> None:
        self.lost = exc or ConnectionResetError("connection closed")
        if self.waiter and not self.waiter.done():
            answer = self._complete_answer() if exc is None else None  # a body that ends where the connection does
            if answer is None:
                self.waiter.set_exception(self.lost)
            else:
                self.waiter.set_result(answer)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        try:
            answer = self._complete_answer()
        except ValueError as bad:  # not HTTP as we know it: fail this request, not the bench
            answer = None
            if self.waiter and not self.waiter.done():
                self.waiter.set_exception(bad)
        if answer is not None and self.waiter and not self.waiter.done():
            self.waiter.set_result(answer)

    def _complete_answer(self) -> Answer | None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        headers: dict[str, list[str]] = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        start = end + 4
        if "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
            body, consumed = _dechunk(self.buffer, start)
            if body is None:
                return None
        elif "content-length" not in headers and not _bodiless(head[0]):
            if self.lost is None:
                return None  # no length given: the body is whatever comes until the server closes
            body, consumed = bytes(self.buffer[start:]), len(self.buffer)
        else:
            length = int(headers.get("content-length", ["0"])[0])
            if len(self.buffer) < start + length:
                return None
            body, consumed = bytes(self.buffer[start : start + length]), start + length
        del self.buffer[:consumed]
        return Answer(int(head[0][9:12]), body, headers, head[0][:8])


def _bodiless(status_line: str) -> bool:
    """Answers that never have a body, whatever their headers say (RFC 9112 6.3)."""
    return status_line[9:12] in ("204", "304") or status_line[9:10] == "1"


def _dechunk(buffer: bytearray, start: int) -> tuple[bytes | None, int]:
    """The body of a chunked answer starting at ``start``, and where it ends; ``None`` until all of it is here."""
    parts: list[bytes] = []
    position = start
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None, 0
        size = int(bytes(buffer[position:line_end]).split(b";")[0], 16)
        position = line_end + 2
        if size == 0:
            trailer_end = buffer.find(b"\r\n", position)
            if trailer_end < 0:
                return None, 0
            return b"".join(parts), trailer_end + 2
        if len(buffer) < position + size + 2:
            return None, 0
        parts.append(bytes(buffer[position : position + size]))
        position += size + 2


class PeerClient:
    """One keep-alive connection with its own cookies; requests on it are sequential, as a browser's would be."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._host_header = f"{self.host}:{self.port}"
        self._connection: _Connection | None = None
        self.cookies: dict[str, str] = {}

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = "", authorization: str = ""
    ) -> Answer:
        connection = await self._connect()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self._host_header}\r\nContent-Length: {len(body)}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        if authorization:
            head += f"Authorization: {authorization}\r\n"
        if self.cookies:
            head += "Cookie: " + "; ".join(f"{name}={value}" for name, value in self.cookies.items()) + "\r\n"
        connection.waiter = asyncio.get_running_loop().create_future()
        assert connection.transport is not None
        connection.transport.write(head.encode() + b"\r\n" + body)
        answer = await connection.waiter
        if answer.closes:
            self.close()  # the server will not take another request on it: the next one opens a new connection
        for cookie in answer.headers.get("set-cookie", ()):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value.strip():
                self.cookies[name.strip()] = value.strip()
            else:  # how a server deletes a cookie
                self.cookies.pop(name.strip(), None)
        return answer

    async def get(self, path: str) -> Answer:
        return await self.request("GET", path)

    async def post_json(self, path: str, document: dict[str, Any]) -> Answer:
        return await self.request("POST", path, json.dumps(document).encode(), "application/json")

    async def post_form(self, path: str, form: dict[str, str], basic: tuple[str, str] | None = None) -> Answer:
        authorization = ""
        if basic:
            authorization = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        return await self.request(
            "POST", path, urlencode(form).encode(), "application/x-www-form-urlencoded", authorization
        )

    def close(self) -> None:
        if self._connection and self._connection.transport:
            self._connection.transport.close()
        self._connection = None

    async def _connect(self) -> _Connection:
        if self._connection is None or self._connection.lost is not None:
            loop = asyncio.get_running_loop()
            _, protocol = await loop.create_connection(_Connection, self.host, self.port)
            self._connection = protocol
        return self._connection


class PeerPool:
    """``size`` clients, one per concurrent worker, closed together."""

    def __init__(self, base_url: str, size: int) -> None:
        self.clients = [PeerClient(base_url) for _ in range(size)]

    def __getitem__(self, number: int) -> PeerClient:
        return self.clients[number]

    def __enter__(self) -> PeerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.reconnect()

    def reconnect(self) -> None:
        """Close every connection; each client opens a new one on its next request. A server closes a keep-alive
        connection left idle past its timeout (Node's and uvicorn's are 5 s), which the others' rounds can outlast:
        a request sent on it just then would meet a reset the server did not cause by its answer."""
        for client in self.clients:
            client.close()
