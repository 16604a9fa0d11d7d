"""Ports for servers a test starts as separate processes (in-process servers bind port 0 themselves)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback port that was free a moment ago; the process given it binds it soon after."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
