"""``mock-idx serve | demo | validate``.

Start-up problems a user can fix (a port in use or out of range, a host that does not resolve, an unusable key file,
scenario or store, ``--workers`` without a shared store) end the process with one line on stderr and exit code 2,
never a traceback. SIGINT and SIGTERM stop it with exit code 0, promptly even when a client stalls or a fault delays a
request (see :func:`_listening`). ``serve --workers N`` runs N processes on one port (:mod:`mock_idx.workers`); one
that dies stops the others, and the command exits with code 1 and one line saying which.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import ipaddress
import os
import re
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from .key_in_advance import KeyInAdvance

if TYPE_CHECKING:
    from aiohttp import web

    from .config import Settings
    from .model.directory import User
    from .workers import WorkerLink

# The server itself (aiohttp, the scenario machinery, the model) is imported inside the functions that need it, not
# here: ``serve`` starts making its signing key first (mock_idx.key_in_advance), so the key is made while the rest is
# imported. (Building the parser still imports the config and mock_idx.default_org, for the defaults its help names;
# not the scenario machinery, which only a named scenario needs: mock_idx.default_org.)

T = TypeVar("T")

CLIENT_READY = re.compile(r"\bready at (?P<url>\S+)")
"""The line the reference client prints once it listens, with its real URL (its port may have been 0)."""
CLIENT_STOP_SECONDS = 5.0
"""How long the demo waits for its reference client to stop after SIGTERM before killing it."""


class CannotStart(Exception):
    """A start-up problem the user can fix; :func:`main` prints it as one line and exits with code 2."""


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (exit code 2): the problem and where to read more, not a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


class InstalledVersion(argparse.Action):
    """``--version``: argparse's own action, but reading the installed version only when asked for it (reading a
    distribution's metadata imports ``importlib.metadata``, about 15 ms of every start)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        from . import __version__

        print(f"{parser.prog} {__version__}")  # on stdout, as argparse's own version action prints it
        parser.exit()


def main(argv: list[str] | None = None) -> int:
    key_in_advance = KeyInAdvance() if _may_make_a_key(sys.argv[1:] if argv is None else argv) else None
    args = _parser().parse_args(argv)
    args.key_in_advance = key_in_advance
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CannotStart as problem:
        print(f"mock-idx: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl+C before the server's own handlers are in place: a stop, not a failure
        return 0


def _may_make_a_key(argv: list[str]) -> bool:
    """Whether the command may serve an org that makes its own signing key: ``serve`` or ``demo`` without a key file
    or a store named (argparse takes any unambiguous prefix, hence ``--k`` and ``--st``). A guess, before the
    arguments are parsed: a key begun for nothing costs a thread some CPU, and :func:`mock_idx.app.create_app`
    takes it only where the org makes its own."""
    return bool(argv) and argv[0] in ("serve", "demo") and not any(arg.startswith(("--k", "--st")) for arg in argv)


def port_number(text: str) -> int:
    """``--port``: 0 (any free port) to 65535; anything else is a usage error, like any other bad argument."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return number


def worker_count(text: str) -> int:
    """``--workers``: a whole number (its range is :class:`~mock_idx.config.Settings`' to check, with its message)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of worker processes") from None


def _parser() -> argparse.ArgumentParser:
    from .config import MAX_WORKERS

    parser = OneLineParser(prog="mock-idx", description="An offline fake of Okta Identity Engine.")
    parser.add_argument("--version", action=InstalledVersion, help="show the installed version and exit")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the fake Okta org")
    _server_options(serve, port=8080)
    serve.add_argument(
        "--workers",
        type=worker_count,
        default=1,
        metavar="N",
        help=f"serve from N processes on one port (1 to {MAX_WORKERS}; more than 1 needs a shared --store)",
    )
    serve.set_defaults(run=_serve)

    demo = commands.add_parser("demo", help="run the fake Okta org and the reference client side by side")
    _server_options(demo, port=8080)
    demo.add_argument(
        "--client-port", type=port_number, default=8081, help="port of the reference client (default 8081)"
    )
    demo.set_defaults(run=_demo)

    validate = commands.add_parser("validate", help="check scenario files against the schema")
    validate.add_argument("files", nargs="+", type=Path)
    validate.set_defaults(run=_validate)
    return parser


def _server_options(parser: argparse.ArgumentParser, port: int) -> None:
    from .config import BUILTIN_PAGE, HOSTED_PAGES
    from .default_org import DEFAULT_SCENARIO

    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback only)")
    parser.add_argument("--port", type=port_number, default=port, help=f"0 picks a free port (default {port})")
    parser.add_argument("--public-url", help="base URL clients use, if not http://HOST:PORT")
    parser.add_argument("--scenario", help=f"built-in scenario name or YAML path (default {DEFAULT_SCENARIO})")
    parser.add_argument("--key-file", type=Path, help="PEM signing key, created if missing, kept across restarts")
    parser.add_argument("--control-token", help="require this bearer token on /_mock (control API and pages)")
    parser.add_argument("--poll-refresh-ms", type=int, help="override the scenario's poll interval")
    parser.add_argument(
        "--store",
        default="memory",
        metavar="URL",
        help="where the org lives: memory (default, this process only) or redis://HOST:6379/0[?prefix=NAME], "
        "shared by every process and host pointed at it",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="answer requests for this Host name too (repeatable; loopback names, --host and --public-url's host "
        "always are); any other Host is refused, so a web page cannot rebind a name onto this server",
    )
    parser.add_argument(
        "--widget-dist",
        type=Path,
        help="the Okta Sign-In Widget's dist/ folder for /_mock/widget (default: found in node_modules)",
    )
    parser.add_argument(
        "--hosted-page",
        choices=HOSTED_PAGES,
        default=BUILTIN_PAGE,
        help="the sign-in page /v1/authorize sends browsers to: builtin (default, server-rendered, needs nothing "
        "more) or widget (the real Okta Sign-In Widget, bootstrapped from the sign-in's stateToken as on Okta's own "
        "hosted page; needs the widget installed, see --widget-dist)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    from .config import Settings

    try:
        return Settings(
            host=args.host,
            port=args.port,
            public_url=args.public_url,
            scenario=args.scenario,
            key_file=args.key_file,
            allowed_hosts=tuple(args.allowed_host),
            control_token=args.control_token,
            poll_refresh_ms=args.poll_refresh_ms,
            widget_dist=args.widget_dist,
            hosted_page=args.hosted_page,
            store=args.store,
            workers=getattr(args, "workers", 1),  # serve only: the demo is one process
        )
    except ValueError as error:  # a value the server could not serve, e.g. --poll-refresh-ms 0
        raise CannotStart(_one_line(str(error))) from error


def _serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.workers > 1:
        return _serve_from_workers(settings)
    asyncio.run(_serve_until_stopped(_app(settings, args.key_in_advance), settings))
    return 0


def _serve_from_workers(settings: Settings) -> int:
    """``serve --workers N``: this process checks what one server would check (scenario, key file: a missing key file
    is created here, once, rather than by N workers at the same moment), reserves the port, starts the workers, prints
    the banner once they all listen, and watches them until a signal (exit 0) or a worker's death (exit 1)."""
    from .workers import WorkerDied, WorkerFailed, WorkerGroup, reserved_port

    _app(settings)
    with WorkerGroup(settings.workers, _serve_as_worker) as group:
        try:
            with reserved_port(settings.host, settings.port) as port:
                bound = replace(settings, port=port)
                shown = group.start(bound)  # every worker listens before the port is let go
        except OSError as error:
            raise CannotStart(_listen_problem(error, settings.host, settings.port)) from error
        except WorkerFailed as problem:
            raise CannotStart(str(problem)) from problem
        if shown is None:  # a signal came while the workers were starting
            return 0
        _banner(bound, shown[0])
        try:
            group.wait()
        except WorkerDied as death:
            print(f"mock-idx: {death}; stopped the others", file=sys.stderr, flush=True)
            return 1
    return 0


def _serve_as_worker(link: WorkerLink, settings: Settings) -> None:
    """One of ``serve --workers N``, in a process of its own: serves ``settings`` beside its siblings
    (``SO_REUSEPORT``), tells the parent it listens (with the users for the banner) or why it cannot, and stops on
    SIGTERM or when the parent is gone."""
    try:
        asyncio.run(_work_until_stopped(settings, link))
    except CannotStart as problem:
        link.failed(f"{problem}")
        sys.exit(2)


async def _work_until_stopped(settings: Settings, link: WorkerLink) -> None:
    stop = _stop_on_signals((signal.SIGTERM,))  # SIGINT is the parent's to act on (mock_idx.workers)
    loop = asyncio.get_running_loop()
    loop.add_reader(link.fileno(), stop.set)  # readable only at end of file: the parent is gone
    try:
        app = _app(settings)
        async with _listening(app, settings, reuse_port=True):
            link.ready(await _users(app))
            await stop.wait()
    finally:
        loop.remove_reader(link.fileno())


def _demo(args: argparse.Namespace) -> int:
    settings = _settings(args)
    asyncio.run(_demo_until_stopped(_app(settings, args.key_in_advance), settings, args.client_port))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from . import scenario

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


def _app(settings: Settings, key_in_advance: KeyInAdvance | None = None) -> web.Application:
    """The app, or :class:`CannotStart` saying which file could not be used and why."""
    from .app import create_app

    try:
        return create_app(settings, key_in_advance)
    except (OSError, ValueError) as error:
        raise _start_problem(error, settings) from error


def _start_problem(error: OSError | ValueError, settings: Settings) -> CannotStart:
    """What a user can fix, in one line: an unreadable scenario (the key file's problems are KeyFileErrors, whose
    messages name the file), an unknown or invalid scenario, a store that cannot be reached."""
    if isinstance(error, UnicodeDecodeError):
        return CannotStart(f"scenario {settings.scenario} is not UTF-8 text")
    if isinstance(error, OSError) and error.filename:
        return CannotStart(f"cannot read {error.filename}: {error.strerror}")
    return CannotStart(_one_line(str(error) or type(error).__name__))


async def _open_org(runner: web.AppRunner, settings: Settings) -> None:
    """Starts the app, which opens its store and joins the org (:mod:`mock_idx.app`): a Redis that cannot be
    reached, or refuses us, is one line naming the store (its password masked), not a traceback."""
    try:
        await runner.setup()
    except (OSError, ValueError) as error:
        raise _store_problem(error, settings) or _start_problem(error, settings) from error
    except Exception as error:
        problem = _store_problem(error, settings)
        if problem is None:
            raise
        raise problem from error


def _store_problem(error: Exception, settings: Settings) -> CannotStart | None:
    if not settings.store_url.shared:
        return None
    from redis.exceptions import RedisError  # only a shared store can fail this way, and only it imports redis

    from .model.errors import StoreUnavailable

    if not isinstance(error, StoreUnavailable | RedisError | OSError):
        return None
    reason = _one_line(str(error) or type(error).__name__)
    return CannotStart(f"cannot use --store {settings.store_url}: {reason}")


def _one_line(message: str) -> str:
    """A scenario's problems come one per line; the CLI answers in one line, so they are joined with "; "."""
    first, *rest = [line.strip() for line in message.splitlines() if line.strip()] or [message]
    return " ".join([first, "; ".join(rest)]) if rest else first


async def _serve_until_stopped(app: web.Application, settings: Settings) -> None:
    stop = _stop_on_signals()
    async with _listening(app, settings) as bound:
        _banner(bound, await _users(app))
        await stop.wait()


async def _demo_until_stopped(app: web.Application, settings: Settings, client_port: int) -> None:
    """The server first (so a port in use is found before any child starts), then the client, then the banner."""
    stop = _stop_on_signals()
    async with _listening(app, settings) as bound, _reference_client(bound, client_port, stop) as client_url:
        if client_url is not None:  # None: a signal came while the client was starting
            _demo_banner(bound, await _users(app), client_url)
            await stop.wait()


def _stop_on_signals(signals: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)) -> asyncio.Event:
    """An event that SIGINT and SIGTERM set: both mean "shut down cleanly". Installed before the socket is bound, so
    a signal sent as soon as the banner appears is never missed; the loop removes the handlers when it closes."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    return stop


@contextlib.asynccontextmanager
async def _listening(app: web.Application, settings: Settings, reuse_port: bool = False) -> AsyncIterator[Settings]:
    """Serves ``app`` for the length of the block; yields ``settings`` with the port really bound (``--port 0``).
    ``reuse_port``: beside the other workers of ``--workers N``, on the port they share.

    Leaving the block gives requests in flight :data:`SHUTDOWN_GRACE_SECONDS` to finish, then cancels them: a
    stalled client or a request a fault delays for 30 s cannot hold the process up.
    """
    from aiohttp import web

    from .config import SHUTDOWN_GRACE_SECONDS

    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE_SECONDS)
    try:
        await _open_org(runner, settings)
        try:
            await web.TCPSite(runner, settings.host, settings.port, reuse_port=reuse_port).start()
        except OSError as error:
            raise CannotStart(_listen_problem(error, settings.host, settings.port)) from error
        yield replace(settings, port=runner.addresses[0][1])
    finally:
        await runner.cleanup()


def _listen_problem(error: OSError, host: str, port: int) -> str:
    if isinstance(error, socket.gaierror):
        return f"cannot resolve --host {host!r}: {error.strerror}"
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use"
    reason = os.strerror(error.errno) if error.errno else str(error)  # asyncio's strerror repeats host and port
    return f"cannot listen on {host} port {port}: {reason}"


@contextlib.asynccontextmanager
async def _reference_client(settings: Settings, port: int, stop: asyncio.Event) -> AsyncIterator[str | None]:
    """The reference client in a child process, signing in against this server; yields its URL once it listens
    (``None`` if a signal came first) and stops it when the block ends. A client that cannot start is
    :class:`CannotStart` with the client's own last line. Its later output (stderr merged) keeps flowing to our
    stdout: an undrained pipe would block it."""
    process = await asyncio.create_subprocess_exec(
        *_client_command(settings, port), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    forwarding: asyncio.Task[None] | None = None
    try:
        url = await _unless_stopped(stop, _client_url(process))
        if url is not None:
            forwarding = asyncio.create_task(_copy_lines(process.stdout))
        yield url
    finally:
        await _stop_process(process)
        if forwarding is not None:
            forwarding.cancel()


def _client_command(settings: Settings, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "reference_client",
        "--issuer",
        f"{_base_url(settings)}/oauth2/default",
        "--client-id",
        "demo-client",
        "--host",
        settings.host,
        "--port",
        str(port),
    ]


async def _client_url(process: asyncio.subprocess.Process) -> str:
    last_line = ""
    if process.stdout is not None:
        async for raw in process.stdout:
            line = raw.decode(errors="replace").strip()
            if ready := CLIENT_READY.search(line):
                return ready["url"].rstrip("/")
            last_line = line or last_line
    code = await process.wait()
    if last_line:
        raise CannotStart(f"the reference client did not start: {last_line.removeprefix('reference-client: ')}")
    raise CannotStart(f"the reference client did not start (exit code {code}; is it installed? pip install -e .)")


async def _copy_lines(stream: asyncio.StreamReader | None) -> None:
    if stream is not None:
        async for line in stream:
            sys.stdout.write(line.decode(errors="replace"))
            sys.stdout.flush()


async def _stop_process(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        await asyncio.wait_for(process.wait(), CLIENT_STOP_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()


async def _unless_stopped(stop: asyncio.Event, work: Coroutine[Any, Any, T]) -> T | None:
    """``work``'s result, or ``None`` if ``stop`` is set first (``work`` is then cancelled)."""
    working, stopping = asyncio.ensure_future(work), asyncio.ensure_future(stop.wait())
    await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for task in (working, stopping):
        task.cancel()
    await asyncio.gather(working, stopping, return_exceptions=True)
    return working.result() if working.done() and not working.cancelled() else None


def _banner(settings: Settings, users: list[User]) -> None:
    from .web.widget_dist import describe_widget

    base = _base_url(settings)
    _warn_if_exposed(settings)
    lines = [
        f"mock-idx is serving a fake Okta org at {base}",
        f"  issuer:       {base}/oauth2/default",
        f"  org issuer:   {base}",
        f"  control API:  {base}/_mock/v1",
        f"  journal:      {base}/_mock/journal",
        f"  widget:       {describe_widget(settings, base_url=base)}",
    ]
    if settings.store_url.shared or settings.workers > 1:
        processes = f", served by {settings.workers} worker processes" if settings.workers > 1 else ""
        lines.append(f"  store:        {settings.store_url}{processes}")
    for user in users:
        lines.append(
            f"  user:         {user.login} / password {user.password or '(none yet)'}"
            f"   (phone: {base}/_mock/device/{user.login})"
        )
    print("\n".join(lines), flush=True)


def _demo_banner(settings: Settings, users: list[User], client_url: str) -> None:
    base = _base_url(settings)
    _warn_if_exposed(settings)
    user = next(iter(users), None)
    print(
        "\n".join(
            [
                "mock-idx demo is running. Open these in two browser tabs:",
                f"  the app:      {client_url}/",
                f"  the phone:    {base}/_mock/device/{user.login if user else '<login>'}",
                f"  the journal:  {base}/_mock/journal",
                f"  sign in as {user.login} / {user.password or '(no password yet)'}" if user else "",
                "Press Ctrl+C to stop.",
            ]
        ),
        flush=True,
    )


async def _users(app: web.Application) -> list[User]:
    """The first few users, for a banner: read from the org once the app has started (its store is open)."""
    from .web.app_keys import ENGINE

    return (await app[ENGINE].users())[:5]


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
