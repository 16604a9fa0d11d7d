"""Bad start-up conditions get one clear line on stderr and exit code 2 from `mock-idx serve`, `mock-idx demo` and
`reference-client`, never a traceback: ports out of range or in use, hosts that do not resolve, key files and
scenarios that cannot be used.

Argument and file problems go through ``main`` in this process; binding problems through the real console script,
because only a real process shows what a user sees when the socket cannot be bound.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from mock_idx import cli as mock_idx_cli
from reference_client import cli as reference_client_cli

BIN = Path(sys.executable).parent
HANG_GUARD = 30.0
UNRESOLVABLE = "no-such-host.invalid"
"""RFC 6761: names under .invalid never resolve, on any network or none."""
ISSUER = ["--issuer", "http://127.0.0.1:9/oauth2/default", "--client-id", "cli-errors"]


def the_one_line(stderr: str, *words: str) -> str:
    """The single line a refusal prints, after checking it names the problem (case-insensitively)."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    return lines[0]


def mock_idx_refuses(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """``mock-idx ARGV`` run in this process: exit code 2, whether argparse or the command said no."""
    code: str | int | None
    try:
        code = mock_idx_cli.main(list(argv))
    except SystemExit as exit:
        code = exit.code
    assert code == 2
    return capsys.readouterr().err


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=HANG_GUARD, check=False)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port someone else is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``path`` with no read permission; root reads through permissions, so then opening it is made to fail as it
    would for anyone else."""
    path.chmod(0)
    if os.access(path, os.R_OK):
        real_open = Path.open

        def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == path:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    return path


def write_key(path: Path, key: Any, encryption: serialization.KeySerializationEncryption) -> Path:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    path.write_bytes(pem)
    return path


# -- ports out of range ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("port", ["70000", "-1", "65536", "abc", ""])
@pytest.mark.parametrize("option", [["serve", "--port"], ["demo", "--port"], ["demo", "--client-port"]])
def test_mock_idx_refuses_a_port_out_of_range(capsys, option, port):
    line = the_one_line(mock_idx_refuses(capsys, *option, port), option[-1], repr(port), "port")
    assert line.startswith(f"mock-idx {option[0]}: ")


@pytest.mark.parametrize("port", ["70000", "-1", "abc"])
def test_reference_client_refuses_a_port_out_of_range(capsys, port):
    with pytest.raises(SystemExit) as exit:
        reference_client_cli.main([*ISSUER, "--port", port])
    assert exit.value.code == 2
    the_one_line(capsys.readouterr().err, "reference-client", "--port", repr(port))


def test_reference_client_refuses_a_port_out_of_range_from_its_environment(capsys, monkeypatch):
    monkeypatch.setenv("REFERENCE_CLIENT_PORT", "99999")
    with pytest.raises(SystemExit) as exit:
        reference_client_cli.main(ISSUER)
    assert exit.value.code == 2
    the_one_line(capsys.readouterr().err, "--port", "'99999'")


def test_port_zero_means_any_free_port_and_is_accepted():
    assert mock_idx_cli.port_number("0") == 0 and reference_client_cli.port_number("0") == 0
    assert mock_idx_cli.port_number("65535") == 65535 and reference_client_cli.port_number("65535") == 65535


# -- key files ---------------------------------------------------------------------------------------------------


def test_a_key_file_without_read_permission(capsys, monkeypatch, tmp_path):
    key = unreadable(
        write_key(tmp_path / "key.pem", rsa.generate_private_key(65537, 2048), serialization.NoEncryption()),
        monkeypatch,
    )
    the_one_line(mock_idx_refuses(capsys, "serve", "--key-file", str(key)), str(key), "permission denied")


def test_a_key_file_that_is_a_directory(capsys, tmp_path):
    the_one_line(mock_idx_refuses(capsys, "serve", "--key-file", str(tmp_path)), str(tmp_path), "directory")


def test_a_key_file_that_is_not_pem(capsys, tmp_path):
    key = tmp_path / "key.pem"
    key.write_text("not a key\n")
    the_one_line(mock_idx_refuses(capsys, "demo", "--key-file", str(key)), str(key), "not a PEM")


def test_a_password_protected_key_file(capsys, tmp_path):
    encryption = serialization.BestAvailableEncryption(b"secret")
    key = write_key(tmp_path / "key.pem", rsa.generate_private_key(65537, 2048), encryption)
    the_one_line(mock_idx_refuses(capsys, "serve", "--key-file", str(key)), str(key), "encrypted")


def test_a_key_file_holding_a_key_it_cannot_sign_with(capsys, tmp_path):
    key = write_key(tmp_path / "key.pem", ec.generate_private_key(ec.SECP256R1()), serialization.NoEncryption())
    the_one_line(mock_idx_refuses(capsys, "serve", "--key-file", str(key)), str(key), "RSA")


# -- scenarios ---------------------------------------------------------------------------------------------------


def test_a_scenario_that_does_not_exist(capsys, tmp_path):
    missing = tmp_path / "missing.yaml"
    the_one_line(mock_idx_refuses(capsys, "serve", "--scenario", str(missing)), str(missing), "no such file")


def test_a_scenario_without_read_permission(capsys, monkeypatch, tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text("users: []\n")
    unreadable(path, monkeypatch)
    the_one_line(mock_idx_refuses(capsys, "serve", "--scenario", str(path)), str(path), "permission denied")


def test_a_scenario_that_is_a_directory(capsys, tmp_path):
    the_one_line(mock_idx_refuses(capsys, "demo", "--scenario", str(tmp_path)), str(tmp_path), "directory")


def test_a_scenario_that_is_not_text(capsys, tmp_path):
    path = tmp_path / "org.yaml"
    path.write_bytes(b"\xff\xfe\x00binary")
    the_one_line(mock_idx_refuses(capsys, "serve", "--scenario", str(path)), str(path), "UTF-8")


def test_a_scenario_that_is_not_yaml(capsys, tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text("users: [\n")
    the_one_line(mock_idx_refuses(capsys, "serve", "--scenario", str(path)), str(path), "YAML")


def test_a_scenario_with_several_problems_names_them_all_on_one_line(capsys, tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text("users:\n  - login: 3\n  - nope: 1\n")
    line = the_one_line(mock_idx_refuses(capsys, "serve", "--scenario", str(path)), str(path), "invalid")
    assert "users.0.login" in line and "users.1.nope" in line


def test_an_unknown_scenario_name(capsys):
    the_one_line(mock_idx_refuses(capsys, "serve", "--scenario", "no-such-scenario"), "no-such-scenario", "manual-tap")


@pytest.mark.parametrize("value", ["0", "-5", "3600001"])
def test_a_poll_interval_the_server_could_not_serve(capsys, value):
    """0 would make every waiting client a busy loop against the fake."""
    the_one_line(mock_idx_refuses(capsys, "serve", "--poll-refresh-ms", value), "poll refresh", value)


def test_a_scenario_whose_lifetimes_would_overflow_dates(capsys, tmp_path):
    scenario = tmp_path / "forever.yaml"
    scenario.write_text("settings:\n  access_token_lifetime: 1e300\n", encoding="utf-8")
    the_one_line(mock_idx_refuses(capsys, "serve", "--scenario", str(scenario)), "access_token_lifetime")


# -- binding: the real console scripts ---------------------------------------------------------------------------


def test_mock_idx_serve_on_a_port_in_use(taken_port):
    result = run(str(BIN / "mock-idx"), "serve", "--port", str(taken_port))
    assert result.returncode == 2
    the_one_line(result.stderr, f"port {taken_port}", "already in use")


def test_mock_idx_demo_on_a_port_in_use(taken_port):
    result = run(str(BIN / "mock-idx"), "demo", "--port", str(taken_port), "--client-port", "0")
    assert result.returncode == 2
    the_one_line(result.stderr, f"port {taken_port}", "already in use")


def test_mock_idx_demo_whose_client_port_is_in_use(taken_port):
    result = run(str(BIN / "mock-idx"), "demo", "--port", "0", "--client-port", str(taken_port))
    assert result.returncode == 2
    the_one_line(result.stderr, "reference client", f"port {taken_port}", "already in use")


def test_reference_client_on_a_port_in_use(taken_port):
    result = run(str(BIN / "reference-client"), *ISSUER, "--port", str(taken_port))
    assert result.returncode == 2
    the_one_line(result.stderr, "reference-client", f"port {taken_port}", "already in use")


@pytest.mark.parametrize(
    "command",
    [["mock-idx", "serve", "--port", "0"], ["mock-idx", "demo", "--port", "0"], ["reference-client", *ISSUER]],
    ids=["serve", "demo", "reference-client"],
)
def test_a_host_that_does_not_resolve(command):
    result = run(str(BIN / command[0]), *command[1:], "--host", UNRESOLVABLE)
    assert result.returncode == 2
    the_one_line(result.stderr, "cannot resolve", UNRESOLVABLE)
