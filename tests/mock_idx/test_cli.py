"""``mock-idx serve`` as a user starts it: loopback by default, ready at once, says where and as whom to sign in."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request

from mock_idx.cli import _warn_if_exposed
from mock_idx.config import Settings
from tests.support.net import free_port, http_status
from tests.support.processes import serving


def test_serve_prints_the_issuer_and_the_demo_user_then_answers():
    with serving() as (port, process, banner):
        assert process.stdout is not None
        banner += [process.stdout.readline() for _ in range(4)]
        assert f"issuer:       http://127.0.0.1:{port}/oauth2/default" in "".join(banner)
        assert "demo@example.com / password demo1234" in "".join(banner)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/oauth2/default/.well-known/openid-configuration") as r:
            assert r.status == 200
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) == 0


def test_serve_on_port_zero_announces_the_port_it_got():
    with subprocess.Popen(
        [sys.executable, "-m", "mock_idx", "serve", "--port", "0"], stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            port = int(first.rsplit(":", 1)[1])
            assert port != 0 and first.strip() == f"mock-idx is serving a fake Okta org at http://127.0.0.1:{port}"
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/oauth2/default/.well-known/openid-configuration"
            ) as r:
                assert r.status == 200
        finally:
            process.terminate()
            assert process.wait(10) == 0


def test_serve_refuses_a_missing_scenario_with_a_clear_message():
    result = subprocess.run(
        [sys.executable, "-m", "mock_idx", "serve", "--scenario", "no-such-scenario"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "no-such-scenario" in result.stderr and "Traceback" not in result.stderr


def test_binding_beyond_loopback_warns_loudly(capsys):
    _warn_if_exposed(Settings(host="0.0.0.0"))
    assert "FAKE identity provider" in capsys.readouterr().err
    _warn_if_exposed(Settings(host="127.0.0.1"))
    _warn_if_exposed(Settings(host="localhost"))
    assert capsys.readouterr().err == ""


def test_default_host_is_loopback():
    assert Settings().host == "127.0.0.1"


def test_demo_starts_both_apps_prints_the_three_urls_and_stops_both():
    port, client_port = free_port(), free_port()
    with subprocess.Popen(
        [sys.executable, "-m", "mock_idx", "demo", "--port", str(port), "--client-port", str(client_port)],
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            banner = "".join(process.stdout.readline() for _ in range(5))
            app, phone, journal = (
                f"http://127.0.0.1:{client_port}/",
                f"http://127.0.0.1:{port}/_mock/device/demo@example.com",
                f"http://127.0.0.1:{port}/_mock/journal",
            )
            for url in (app, phone, journal):
                assert url in banner
                with urllib.request.urlopen(url) as response:
                    assert response.status == 200
        finally:
            process.terminate()
            assert process.wait(15) == 0
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", client_port)) != 0, "the reference client stopped with the demo"


def test_allowed_hosts_from_the_command_line_are_answered_and_others_refused():
    """``--allowed-host`` is how a container's service name is let in; any other Host stays refused (421)."""
    with serving("--allowed-host", "mock-idx") as (port, _, _):

        def status(host: str) -> int:
            return http_status(f"http://127.0.0.1:{port}/.well-known/openid-configuration", {"Host": host})

        assert status(f"mock-idx:{port}") == 200
        assert status(f"127.0.0.1:{port}") == 200
        assert status(f"elsewhere.example:{port}") == 421
