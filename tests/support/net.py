"""Ports for servers a test starts as separate processes (in-process servers bind port 0 themselves), the status of a
plain request to one, and whether a Redis there answers (the tests' and the bench's throwaway Redis both wait on it)."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request


def free_port() -> int:
    """A loopback port that was free a moment ago; the process given it binds it soon after."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def http_status(url: str, headers: dict[str, str] | None = None) -> int:
    """The status of a GET to ``url`` (an error status too, not an exception), its connection closed either way."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def redis_answers_ping(port: int) -> bool:
    """Whether a Redis on this loopback port answers ``PING`` (plain RESP, no client library needed)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False
