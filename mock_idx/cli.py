"""``mock-idx serve | demo | validate``."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from . import __version__, scenario
from .app import create_app
from .config import Settings
from .model.directory import User
from .web.keys import ENGINE

Banner = Callable[[Settings, web.Application], None]


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mock-idx", description="An offline fake of Okta Identity Engine.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the fake Okta org")
    _server_options(serve, port=8080)
    serve.set_defaults(run=_serve)

    demo = commands.add_parser("demo", help="run the fake Okta org and the reference client side by side")
    _server_options(demo, port=8080)
    demo.add_argument("--client-port", type=int, default=8081, help="port of the reference client (default 8081)")
    demo.set_defaults(run=_demo)

    validate = commands.add_parser("validate", help="check scenario files against the schema")
    validate.add_argument("files", nargs="+", type=Path)
    validate.set_defaults(run=_validate)
    return parser


def _server_options(parser: argparse.ArgumentParser, port: int) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--public-url", help="base URL clients use, if not http://HOST:PORT")
    parser.add_argument("--scenario", help=f"built-in scenario name or YAML path (default {scenario.DEFAULT_SCENARIO})")
    parser.add_argument("--key-file", type=Path, help="PEM signing key, created if missing, kept across restarts")
    parser.add_argument("--control-token", help="require this bearer token on /_mock (control API and pages)")
    parser.add_argument("--poll-refresh-ms", type=int, help="override the scenario's poll interval")
    parser.add_argument(
        "--widget-dist",
        type=Path,
        help="the Okta Sign-In Widget's dist/ folder for /_mock/widget (default: found in node_modules)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        scenario=args.scenario,
        key_file=args.key_file,
        control_token=args.control_token,
        poll_refresh_ms=args.poll_refresh_ms,
        widget_dist=args.widget_dist,
    )


def _serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        app = create_app(settings)
    except (OSError, ValueError) as error:
        print(f"mock-idx: cannot start: {error}", file=sys.stderr)
        return 2
    asyncio.run(_run(app, settings, banner=_banner))
    return 0


def _demo(args: argparse.Namespace) -> int:
    settings = _settings(args)
    app = create_app(settings)
    base = _base_url(settings)
    client_url = f"http://{_display_host(settings.host)}:{args.client_port}"
    command = [
        sys.executable,
        "-m",
        "reference_client",
        "--issuer",
        f"{base}/oauth2/default",
        "--client-id",
        "demo-client",
        "--host",
        settings.host,
        "--port",
        str(args.client_port),
    ]
    client = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        if not _wait_until_ready(client):
            print("mock-idx: the reference client did not start (is it installed? pip install -e .)", file=sys.stderr)
            return 1
        asyncio.run(_run(app, settings, banner=lambda s, a: _demo_banner(s, a, client_url)))
    finally:
        client.terminate()
        client.wait(10)
    return 0


def _wait_until_ready(client: subprocess.Popen) -> bool:
    """The client prints a line with "ready" once it listens; the banner waits for it so every URL works. Its later
    output keeps flowing to ours (an undrained pipe would block it)."""
    for line in client.stdout:
        if "ready" in line:
            threading.Thread(target=shutil.copyfileobj, args=(client.stdout, sys.stdout), daemon=True).start()
            return True
    return False


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        problems = scenario.validate_file(path)
        for problem in problems:
            print(f"{path}:{problem}", file=sys.stderr)
        if problems:
            failed += 1
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


async def _run(app: web.Application, settings: Settings, banner: Banner) -> None:
    """Serve until SIGINT or SIGTERM, then shut down cleanly (so the demo can stop its client too)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    banner(settings, app)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def _banner(settings: Settings, app: web.Application) -> None:
    base = _base_url(settings)
    _warn_if_exposed(settings)
    lines = [
        f"mock-idx is serving a fake Okta org at {base}",
        f"  issuer:       {base}/oauth2/default",
        f"  org issuer:   {base}",
        f"  control API:  {base}/_mock/v1",
        f"  journal:      {base}/_mock/journal",
        f"  widget page:  {base}/_mock/widget   (the real Okta Sign-In Widget, if installed)",
    ]
    for user in _users(app):
        lines.append(
            f"  user:         {user.login} / password {user.password}   (phone: {base}/_mock/device/{user.login})"
        )
    print("\n".join(lines), flush=True)


def _demo_banner(settings: Settings, app: web.Application, client_url: str) -> None:
    base = _base_url(settings)
    _warn_if_exposed(settings)
    user = next(iter(_users(app)), None)
    print(
        "\n".join(
            [
                "mock-idx demo is running. Open these in two browser tabs:",
                f"  the app:      {client_url}/",
                f"  the phone:    {base}/_mock/device/{user.login if user else '<login>'}",
                f"  the journal:  {base}/_mock/journal",
                f"  sign in as {user.login} / {user.password}" if user else "",
                "Press Ctrl+C to stop.",
            ]
        ),
        flush=True,
    )


def _users(app: web.Application) -> list[User]:
    return list(app[ENGINE].directory)[:5]


def _base_url(settings: Settings) -> str:
    """Where clients reach the server, for the banners and the demo's client."""
    return settings.public_url or f"http://{_display_host(settings.host)}:{settings.port}"


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def _warn_if_exposed(settings: Settings) -> None:
    try:
        loopback = ipaddress.ip_address(settings.host).is_loopback
    except ValueError:
        loopback = settings.host == "localhost"
    if not loopback:
        width = shutil.get_terminal_size((80, 20)).columns
        print("!" * width, file=sys.stderr)
        print(
            f"WARNING: mock-idx is listening on {settings.host}, not loopback. This is a FAKE identity provider:\n"
            "anyone who can reach it can sign in as any user. Never expose it to a network you do not control.",
            file=sys.stderr,
        )
        print("!" * width, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
