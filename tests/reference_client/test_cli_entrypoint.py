"""`python -m reference_client`: flags, environment, and the ready line."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

from reference_client.cli import build_parser, config_from_args


def test_environment_supplies_defaults_and_flags_override_them():
    environ = {
        "REFERENCE_CLIENT_ISSUER": "https://org.example/oauth2/default",
        "REFERENCE_CLIENT_CLIENT_ID": "from-env",
        "REFERENCE_CLIENT_PORT": "9000",
    }
    args = build_parser(environ).parse_args(["--client-id", "from-flag"])
    config = config_from_args(args, environ)
    assert config.idx.issuer == "https://org.example/oauth2/default"
    assert config.idx.client_id == "from-flag"
    assert config.idx.redirect_uri == "http://127.0.0.1:9000/login/callback"
    assert config.idx.scopes == ("openid", "profile", "email") and not config.secure_cookies


def test_https_redirect_uri_turns_on_secure_cookies():
    args = build_parser({}).parse_args(
        ["--issuer", "https://org.example", "--client-id", "c", "--redirect-uri", "https://app.example/login/callback"]
    )
    assert config_from_args(args, {}).secure_cookies


def test_module_prints_its_url_when_ready_and_stops_on_sigterm():
    command = [
        sys.executable,
        "-m",
        "reference_client",
        "--issuer",
        "http://127.0.0.1:9/oauth2/default",
        "--client-id",
        "cli-test",
        "--port",
        "0",
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            assert process.stdout is not None
            ready = process.stdout.readline()
            assert re.match(r"reference-client ready at http://127\.0\.0\.1:\d+/ ", ready), ready
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
