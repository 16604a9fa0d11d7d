"""`reference-client`: serve the reference web app against an Okta org or a mock-idx server."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Mapping, Sequence

from aiohttp import web

from .app import create_app
from .config import AppConfig
from .idx import IdxClientConfig

ENV_PREFIX = "REFERENCE_CLIENT_"


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    """Flags, each defaulting to its REFERENCE_CLIENT_* environment variable."""

    def env(name: str, default: str | None = None) -> str | None:
        return environ.get(ENV_PREFIX + name, default)

    parser = argparse.ArgumentParser(prog="reference-client", description=__doc__)
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
        help="only for confidential clients [REFERENCE_CLIENT_CLIENT_SECRET]",
    )
    parser.add_argument(
        "--scopes",
        default=env("SCOPES", "openid profile email"),
        help="space-separated scopes [REFERENCE_CLIENT_SCOPES]",
    )
    parser.add_argument("--host", default=env("HOST", "127.0.0.1"), help="[REFERENCE_CLIENT_HOST]")
    parser.add_argument(
        "--port", type=int, default=int(env("PORT", "8081") or 8081), help="0 picks a free port [REFERENCE_CLIENT_PORT]"
    )
    parser.add_argument(
        "--secure-cookies",
        action="store_true",
        default=env("SECURE_COOKIES", "") in ("1", "true", "yes"),
        help="mark the session cookie Secure (serve over https) [REFERENCE_CLIENT_SECURE_COOKIES]",
    )
    return parser


def config_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> AppConfig:
    """The app's settings from the flags; the session secret is read from the environment only (it has no flag)."""
    redirect_uri = args.redirect_uri or f"http://{args.host}:{args.port}/login/callback"
    idx = IdxClientConfig(
        issuer=args.issuer,
        client_id=args.client_id,
        redirect_uri=redirect_uri,
        scopes=tuple(args.scopes.split()),
        client_secret=args.client_secret,
    )
    return AppConfig(
        idx=idx,
        session_secret=environ.get(ENV_PREFIX + "SESSION_SECRET"),
        secure_cookies=args.secure_cookies or redirect_uri.startswith("https://"),
    )


async def serve(config: AppConfig, host: str, port: int) -> None:
    """Run until SIGINT/SIGTERM; print the URL once the socket is bound (port 0 prints the real port)."""
    runner = web.AppRunner(create_app(config))
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)  # before "ready": a caller may signal as soon as it reads it
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        print(f"reference-client ready at http://{bound_host}:{bound_port}/ (issuer {config.idx.issuer})", flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    environ = os.environ
    args = build_parser(environ).parse_args(argv)
    try:
        config = config_from_args(args, environ)
    except ValueError as exc:
        raise SystemExit(f"reference-client: {exc}") from exc
    asyncio.run(serve(config, args.host, args.port))
