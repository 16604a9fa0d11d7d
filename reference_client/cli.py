"""`reference-client`: serve the reference web app against an Okta org or a mock-idx server.

A port in use or out of range, or a host that does not resolve, ends it with one line on stderr and exit code 2,
never a traceback; SIGINT and SIGTERM stop it with exit code 0, promptly even with a request in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from typing import NoReturn

from aiohttp import web

from .app import create_app
from .config import AppConfig
from .idx import IdxClientConfig

ENV_PREFIX = "REFERENCE_CLIENT_"
SHUTDOWN_GRACE_SECONDS = 0.25
"""aiohttp's ``shutdown_timeout``: a stopping app gives requests in flight this long to finish, then as long again once
their bodies are cut off, then cancels them, so one stuck on a slow issuer cannot hold up Ctrl+C or SIGTERM."""


class CannotStart(Exception):
    """A start-up problem the user can fix; :func:`main` prints it as one line and exits with code 2."""


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (exit code 2): the problem and where to read more, not a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def port_number(text: str) -> int:
    """``--port``: 0 (any free port) to 65535; anything else is a usage error, like any other bad argument."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return number


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    """Flags, each defaulting to its REFERENCE_CLIENT_* environment variable."""

    def env(name: str, default: str | None = None) -> str | None:
        return environ.get(ENV_PREFIX + name, default)

    parser = OneLineParser(prog="reference-client", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--issuer",
        default=env("ISSUER"),
        required=env("ISSUER") is None,
        help="authorization server, e.g. http://127.0.0.1:8080/oauth2/default [REFERENCE_CLIENT_ISSUER]",
    )
    parser.add_argument(
        "--client-id",
        default=env("CLIENT_ID"),
        required=env("CLIENT_ID") is None,
        help="OIDC client id [REFERENCE_CLIENT_CLIENT_ID]",
    )
    parser.add_argument(
        "--redirect-uri",
        default=env("REDIRECT_URI"),
        help="redirect URI registered for the client (default http://HOST:PORT/login/callback) "
        "[REFERENCE_CLIENT_REDIRECT_URI]",
    )
    parser.add_argument(
        "--client-secret",
        default=env("CLIENT_SECRET"),
        help="a confidential (web) app's secret: the redirect sign-in then authenticates with client_secret_basic; "
        "without one it signs in as a public client with PKCE, as mock-idx's demo client may "
        "[REFERENCE_CLIENT_CLIENT_SECRET]",
    )
    parser.add_argument(
        "--callback-uri",
        default=env("CALLBACK_URI"),
        help="where the hosted sign-in page sends the browser back, registered for the client (default: "
        "/authorization-code/callback on the address the browser used) [REFERENCE_CLIENT_CALLBACK_URI]",
    )
    parser.add_argument(
        "--scopes",
        default=env("SCOPES", "openid profile email"),
        help="space-separated scopes [REFERENCE_CLIENT_SCOPES]",
    )
    parser.add_argument("--host", default=env("HOST", "127.0.0.1"), help="[REFERENCE_CLIENT_HOST]")
    parser.add_argument(
        "--port", type=port_number, default=env("PORT", "8081"), help="0 picks a free port [REFERENCE_CLIENT_PORT]"
    )
    parser.add_argument(
        "--secure-cookies",
        action="store_true",
        default=env("SECURE_COOKIES", "") in ("1", "true", "yes"),
        help="mark the session cookie Secure (serve over https) [REFERENCE_CLIENT_SECURE_COOKIES]",
    )
    return parser


def config_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> AppConfig:
    """The app's settings from the flags (each defaulting to its environment variable, see `build_parser`)."""
    redirect_uri = args.redirect_uri or f"http://{args.host}:{args.port}/login/callback"
    callback_uri = args.callback_uri or ""
    idx = IdxClientConfig(
        issuer=args.issuer,
        client_id=args.client_id,
        redirect_uri=redirect_uri,
        scopes=tuple(args.scopes.split()),
        client_secret=args.client_secret,
    )
    return AppConfig(
        idx=idx,
        secure_cookies=args.secure_cookies or any(uri.startswith("https://") for uri in (redirect_uri, callback_uri)),
        callback_uri=callback_uri or None,
    )


async def serve(config: AppConfig, host: str, port: int) -> None:
    """Run until SIGINT/SIGTERM; print the URL once the socket is bound (port 0 prints the real port).

    :class:`CannotStart` if the socket cannot be bound.
    """
    runner = web.AppRunner(create_app(config), shutdown_timeout=SHUTDOWN_GRACE_SECONDS)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)  # before "ready": a caller may signal as soon as it reads it
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            raise CannotStart(_listen_problem(error, host, port)) from error
        bound_host, bound_port = runner.addresses[0][:2]
        print(f"reference-client ready at http://{bound_host}:{bound_port}/ (issuer {config.idx.issuer})", flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()


def _listen_problem(error: OSError, host: str, port: int) -> str:
    if isinstance(error, socket.gaierror):
        return f"cannot resolve --host {host!r}: {error.strerror}"
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use"
    reason = os.strerror(error.errno) if error.errno else str(error)  # asyncio's strerror repeats host and port
    return f"cannot listen on {host} port {port}: {reason}"


def main(argv: Sequence[str] | None = None) -> None:
    """The console script: exit code 0 after a signal, 2 (and one line on stderr) when it cannot start."""
    environ = os.environ
    args = build_parser(environ).parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(_config(args, environ), args.host, args.port))
    except CannotStart as problem:
        print(f"reference-client: {problem}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:  # Ctrl+C before the server's own handlers are in place: a stop, not a failure
        pass


def _config(args: argparse.Namespace, environ: Mapping[str, str]) -> AppConfig:
    try:
        return config_from_args(args, environ)
    except ValueError as error:  # a setting the app refuses, e.g. a malformed session secret
        raise CannotStart(str(error)) from error
