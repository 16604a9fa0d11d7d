"""A deliberately small HTTP/1.1 keep-alive client for load generation: the one client of every bench, the peer
table's included, so no server is measured with a cheaper client than another.

Why not aiohttp's client: measured on this kind of machine it tops out near the rate a bare aiohttp server answers,
so the load process, not the server, would set every number. This one does only what the benches need (one request
at a time per connection) and costs a fraction of that per request. What the peers' sign-ins need costs mock-idx's
own benches nothing until used: an answer's headers are parsed when first asked for (a redirect's ``Location``),
a body may come in chunks or end where the connection does (Node and Netty answer some pages so), and a client may
keep cookies (``Client(url, cookies=True)``: oidc-provider ties its login step to the browser by cookie).
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    head: str = ""
    """The status line and the header lines, as received (``\\r\\n`` between them)."""

    def json(self) -> Any:
        return json.loads(self.body)

    @cached_property
    def headers(self) -> dict[str, list[str]]:
        """Lower-case names; a name sent twice (``set-cookie``) keeps every value."""
        return _headers(self.head)

    def header(self, name: str) -> str:
        values = self.headers.get(name, [])
        return values[0] if values else ""

    @property
    def version(self) -> str:
        return self.head[:8] or "HTTP/1.1"

    @property
    def closes(self) -> bool:
        """Whether the server closes the connection after this answer (``Connection: close``, or HTTP/1.0 without
        keep-alive)."""
        connection = (_header_in(self.head.lower(), "connection") or "").lower()
        return "close" in connection or (self.version == "HTTP/1.0" and "keep-alive" not in connection)


def _headers(head: str) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return headers


def _header_in(lower_head: str, name: str) -> str | None:
    """The first value of header ``name`` in a lower-cased head, found without parsing the others: what framing an
    answer needs, on every answer of a load run."""
    start = lower_head.find(f"\r\n{name}:")
    if start < 0:
        return None
    start += len(name) + 3
    end = lower_head.find("\r\n", start)
    return lower_head[start : end if end >= 0 else len(lower_head)].strip()


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[Reply] | None = None
        self.lost: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: BaseException | None) -> None:
        self.lost = exc or ConnectionResetError("connection closed")
        if self.waiter and not self.waiter.done():
            reply = self._complete_reply() if exc is None else None  # a body that ends where the connection does
            if reply is None:
                self.waiter.set_exception(self.lost)
            else:
                self.waiter.set_result(reply)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        try:
            reply = self._complete_reply()
        except ValueError as bad:  # not HTTP as we know it: fail this request, not the bench
            reply = None
            if self.waiter and not self.waiter.done():
                self.waiter.set_exception(bad)
        if reply is not None and self.waiter and not self.waiter.done():
            self.waiter.set_result(reply)

    def _complete_reply(self) -> Reply | None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).decode("latin-1")
        lower = head.lower()
        start = end + 4
        length = _header_in(lower, "content-length")
        if "chunked" in (_header_in(lower, "transfer-encoding") or ""):
            body, consumed = _dechunk(self.buffer, start)
            if body is None:
                return None
        elif length is None and not _bodiless(head):
            if self.lost is None:
                return None  # no length given: the body is whatever comes until the server closes
            body, consumed = bytes(self.buffer[start:]), len(self.buffer)
        else:
            size = int(length or 0)
            if len(self.buffer) < start + size:
                return None
            body, consumed = bytes(self.buffer[start : start + size]), start + size
        del self.buffer[:consumed]
        return Reply(int(head[9:12]), body, head)


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


class Client:
    """One keep-alive connection; requests on it are sequential, as a browser's or SDK's would be. ``cookies``: keep
    the cookies the server sets and send them back, as a browser would (each client its own jar)."""

    def __init__(self, base_url: str, cookies: bool = False) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._host_header = f"{self.host}:{self.port}"
        self._connection: _Connection | None = None
        self.keeps_cookies = cookies
        self.cookies: dict[str, str] = {}

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = "", authorization: str = ""
    ) -> Reply:
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
        reply = await connection.waiter
        if reply.closes:
            self.close()  # the server will not take another request on it: the next one opens a new connection
        if self.keeps_cookies:
            self._keep_cookies(reply)
        return reply

    def _keep_cookies(self, reply: Reply) -> None:
        for cookie in reply.headers.get("set-cookie", ()):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value.strip():
                self.cookies[name.strip()] = value.strip()
            else:  # how a server deletes a cookie
                self.cookies.pop(name.strip(), None)

    async def get(self, path: str) -> Reply:
        return await self.request("GET", path)

    async def post_json(self, path: str, document: dict[str, Any]) -> Reply:
        return await self.request("POST", path, json.dumps(document).encode(), "application/json")

    async def post_form(self, path: str, form: dict[str, str], basic: tuple[str, str] | None = None) -> Reply:
        """A form; ``basic``: a client id and secret sent as HTTP Basic (``client_secret_basic``)."""
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


class Pool:
    """``size`` clients, one per concurrent worker, closed together (``cookies``: as :class:`Client`'s)."""

    def __init__(self, base_url: str, size: int, cookies: bool = False) -> None:
        self.clients = [Client(base_url, cookies) for _ in range(size)]

    def __getitem__(self, number: int) -> Client:
        return self.clients[number]

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.reconnect()

    def reconnect(self) -> None:
        """Close every connection; each client opens a new one on its next request. A server closes a keep-alive
        connection left idle past its timeout (Node's and uvicorn's are 5 s), which the others' rounds can outlast:
        a request sent on it just then would meet a reset the server did not cause by its answer."""
        for client in self.clients:
            client.close()
