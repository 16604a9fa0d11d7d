"""``mock-idx serve`` as started from a shell: it listens on loopback only unless told otherwise, says loudly that it
is a fake IdP when it is told otherwise, and guards its control API with ``--control-token``.

Already covered in tests/mock_idx/test_cli.py: the warning's text (calling the function) and the loopback default of
the settings; in tests/mock_idx/test_control.py: the token middleware in process. These run the real command.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.net import http_status
from tests.support.processes import serving

WARNING = "This is a FAKE identity provider"


@contextmanager
def serve(*options: str) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """``mock-idx serve`` on a free port, listening; its port and process."""
    with serving(*options) as (port, process, _):
        yield port, process


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket in LISTEN state on ``port``, from the kernel's own tables."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        with open(table, encoding="ascii") as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port and len(address) == width:
                    found.add(_address(address))
    return found


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, words)


def status(url: str, token: str | None = None) -> int:
    return http_status(url, {"Authorization": f"Bearer {token}"} if token else None)


def test_by_default_it_listens_on_loopback_only_and_says_nothing_alarming():
    with serve() as (port, process):
        assert listening_addresses(port) == {"127.0.0.1"}
        process.terminate()
        assert WARNING not in process.communicate(timeout=10)[1]


def test_given_another_host_it_listens_there_and_warns_that_it_is_a_fake_idp():
    with serve("--host", "0.0.0.0") as (port, process):
        assert listening_addresses(port) == {"0.0.0.0"}
        assert status(f"http://127.0.0.1:{port}/oauth2/default/v1/keys") == 200
        process.terminate()
        warning = process.communicate(timeout=10)[1]
    assert WARNING in warning and "0.0.0.0" in warning and "!!!!" in warning


def test_a_control_token_guards_the_control_api_of_the_running_server():
    with serve("--control-token", "s3cret-token") as (port, _):
        base = f"http://127.0.0.1:{port}"
        assert status(f"{base}/_mock/v1/clock") == 401
        assert status(f"{base}/_mock/v1/clock", token="wrong") == 401
        assert status(f"{base}/_mock/v1/clock", token="s3cret-token") == 200
        assert status(f"{base}/_mock/journal") == 401
        assert status(f"{base}/oauth2/default/v1/keys") == 200
