"""A deliberately small HTTP/1.1 keep-alive client for load generation.

Why not aiohttp's client: measured on this kind of machine it tops out near the rate a bare aiohttp server answers,
so the load process, not the server, would set every number. This one does only what the bench needs (one request at
a time per connection, bodies with ``Content-Length``) and costs a fraction of that per request.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


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
            self.waiter.set_exception(self.lost)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        reply = self._complete_reply()
        if reply is not None and self.waiter and not self.waiter.done():
            self.waiter.set_result(reply)

    def _complete_reply(self) -> Reply | None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if len(self.buffer) < end + 4 + length:
            return None
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        return Reply(int(head[9:12]), body)


class Client:
    """One keep-alive connection; requests on it are sequential, as a browser's or SDK's would be."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._host_header = f"{self.host}:{self.port}"
        self._connection: _Connection | None = None

    async def request(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> Reply:
        connection = await self._connect()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self._host_header}\r\nContent-Length: {len(body)}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        connection.waiter = asyncio.get_running_loop().create_future()
        assert connection.transport is not None
        connection.transport.write(head.encode() + b"\r\n" + body)
        return await connection.waiter

    async def post_json(self, path: str, document: dict[str, Any]) -> Reply:
        return await self.request("POST", path, json.dumps(document).encode(), "application/json")

    async def post_form(self, path: str, form: dict[str, str]) -> Reply:
        return await self.request("POST", path, urlencode(form).encode(), "application/x-www-form-urlencoded")

    async def get(self, path: str) -> Reply:
        return await self.request("GET", path)

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
    """``size`` clients, one per concurrent worker, closed together."""

    def __init__(self, base_url: str, size: int) -> None:
        self.clients = [Client(base_url) for _ in range(size)]

    def __getitem__(self, number: int) -> Client:
        return self.clients[number]

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for client in self.clients:
            client.close()
