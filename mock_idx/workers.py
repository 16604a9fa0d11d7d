"""``mock-idx serve --workers N``: N processes answering on one port, as one org, with one banner and one exit code.

Each worker is a whole server (its own event loop and its own connections to the shared store) listening on the same
host and port with ``SO_REUSEPORT``, so the kernel spreads connections across them; the org lives in the shared
store, so it does not matter which worker a request reaches. This module is the parent's side: it reserves the port,
starts the workers, waits until every one listens, and from then on watches them. A signal (Ctrl+C, SIGTERM) stops
them all; a worker that dies stops the rest, because a group quietly serving with fewer workers than asked for, or
one whose dead worker's share of connections is refused, is worse than a clear failure.

Workers are :mod:`multiprocessing` processes started with the ``spawn`` method, not ``python -m mock_idx serve``
subprocesses and not ``fork``:

- the parent hands each worker its :class:`~mock_idx.config.Settings` as an object and hears back, over a pipe, that
  it listens (with what the banner shows) or the one line saying why it could not; a subprocess would need every
  option turned back into arguments and its output parsed, a second way to start that could drift from the first;
- ``spawn`` starts a fresh interpreter, so no worker inherits the parent's locks, threads or half-made event loop (as
  ``fork`` would), it behaves the same on every platform, and each worker opens its own Redis connections;
- the pipe doubles as a lifeline: a worker sees its end close when the parent dies, even by SIGKILL, and stops, so
  no worker outlives the group.

The terminal sends Ctrl+C to every process in the group; workers ignore SIGINT so that the parent alone decides,
stopping each worker with SIGTERM (and SIGKILL after :data:`STOP_SECONDS`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for_any
from multiprocessing.process import BaseProcess
from types import FrameType, TracebackType
from typing import Any, Self

STOP_SECONDS = 5.0
"""How long stopped workers get to finish before they are killed; a worker needs well under a second (its server's
grace period is :data:`~mock_idx.config.SHUTDOWN_GRACE_SECONDS`, twice)."""
READY = "ready"
FAILED = "failed"


class WorkerFailed(Exception):
    """A worker could not start: its own one-line reason (a store it cannot reach, say), or how it exited."""


class WorkerDied(Exception):
    """A worker that was serving stopped by itself; the others have been stopped. One line."""


class WorkerLink:
    """A worker's end of its pipe to the parent: it says once whether the worker started, and becomes readable (at end
    of file) when the parent is gone, which tells the worker to stop."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def ready(self, shown: object) -> None:
        """The worker listens; ``shown`` is what it offers the banner (pickled: plain data only)."""
        self._connection.send((READY, shown))

    def failed(self, line: str) -> None:
        with contextlib.suppress(OSError):  # the parent may be gone already
            self._connection.send((FAILED, line))

    def fileno(self) -> int:
        return self._connection.fileno()


WorkerTarget = Callable[..., None]
"""A module-level function ``target(link: WorkerLink, *args)`` (spawn finds it by name in the new interpreter)."""


@contextlib.contextmanager
def reserved_port(host: str, port: int) -> Iterator[int]:
    """The port the workers will share, held by the parent until they listen (yield), then let go.

    Every address ``host`` resolves to is bound first *without* ``SO_REUSEPORT``, so a port anyone already listens on
    is refused here (``OSError``, as a single server would get) instead of being silently shared with another group;
    ``--port 0`` takes the port the first address got. Only then is ``SO_REUSEPORT`` switched on, which lets the
    workers bind beside these sockets; they never listen, so no connection ever waits on them.
    """
    addresses = list(
        dict.fromkeys(
            (family, kind, protocol, address)
            for family, kind, protocol, _, address in socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )
        )
    )
    probes: list[socket.socket] = []
    try:
        for family, kind, protocol, address in addresses:
            probe = socket.socket(family, kind, protocol)
            probes.append(probe)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # as asyncio binds IPv6 addresses
            probe.bind((address[0], port, *address[2:]))
            port = probe.getsockname()[1]
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        yield port
    finally:
        for probe in probes:
            probe.close()


class WorkerGroup:
    """Runs ``count`` workers of ``target``; ``with`` installs the parent's signal handlers first (so no signal is
    missed while workers start) and always stops every worker and restores the handlers on the way out."""

    def __init__(self, count: int, target: WorkerTarget) -> None:
        self._count = count
        self._target = target
        self._context = multiprocessing.get_context("spawn")
        self._processes: list[BaseProcess] = []
        self._connections: list[Connection] = []
        self._stopping = False
        self._wake_reader, self._wake_writer = os.pipe()
        os.set_blocking(self._wake_writer, False)
        self._previous_handlers: dict[int, Any] = {}

    def __enter__(self) -> Self:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous_handlers[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            self.stop()
        finally:
            for signum, handler in self._previous_handlers.items():
                signal.signal(signum, handler)
            os.close(self._wake_reader)
            os.close(self._wake_writer)

    def start(self, *args: Any) -> list[Any] | None:
        """Start the workers (``target(link, *args)`` in each) and wait until each listens: what each offered the
        banner, in order; ``None`` when a signal came first; :class:`WorkerFailed` if any cannot start.

        The first worker starts alone: it puts the scenario in force (or joins the org it finds in the store), so the
        others only ever join it, never race to set the org up."""
        first = self._await_ready([self._spawn(0, args)])
        if first is None:
            return None
        rest = self._await_ready([self._spawn(index, args) for index in range(1, self._count)])
        return None if rest is None else first + rest

    def wait(self) -> None:
        """Until a signal asks the group to stop (returns) or a worker stops by itself (:class:`WorkerDied`)."""
        sentinels = {process.sentinel: index for index, process in enumerate(self._processes)}
        while not self._stopping:
            for ready in wait_for_any([*sentinels, self._wake_reader]):
                if ready in sentinels and not self._stopping:
                    index = sentinels[ready]
                    self._processes[index].join(STOP_SECONDS)  # its exit code, once the system has it
                    raise WorkerDied(f"{self._name(index)} stopped by itself ({self._how(index)})")

    def stop(self) -> None:
        """SIGTERM to every worker still running, SIGKILL to any still running :data:`STOP_SECONDS` later."""
        self._stopping = True
        running = [process for process in self._processes if process.exitcode is None]
        for process in running:
            with contextlib.suppress(OSError):
                process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in running:
            if process.exitcode is None:
                process.kill()
                process.join()
        for connection in self._connections:
            connection.close()
        for process in self._processes:
            process.close()
        self._processes.clear()
        self._connections.clear()

    def _spawn(self, index: int, args: tuple[Any, ...]) -> int:
        ours, theirs = self._context.Pipe(duplex=True)  # duplex: a socket pair, whose EOF the worker can see
        process = self._context.Process(
            target=_worker_main,
            args=(self._target, theirs, args),
            name=f"mock-idx worker {index + 1}",
            daemon=False,  # a worker is stopped by stop(), not abandoned; it also watches the pipe for our exit
        )
        process.start()
        theirs.close()  # the worker has its own copy: ours closing (or our death) is what it watches for
        self._processes.append(process)
        self._connections.append(ours)
        return index

    def _await_ready(self, indexes: list[int]) -> list[Any] | None:
        shown: dict[int, Any] = {}
        connections = {self._connections[index]: index for index in indexes}
        sentinels = {self._processes[index].sentinel: index for index in indexes}
        while len(shown) < len(indexes):
            if self._stopping:
                return None
            waiting = [c for c, i in connections.items() if i not in shown]
            waiting_sentinels = [s for s, i in sentinels.items() if i not in shown]
            for ready in wait_for_any([*waiting, *waiting_sentinels, self._wake_reader]):
                if isinstance(ready, Connection):
                    shown[connections[ready]] = self._answer(connections[ready])
                elif ready in sentinels and not self._stopping:
                    index = sentinels[ready]
                    if index not in shown:  # it may have said why before it exited
                        shown[index] = self._answer(index)
        return None if self._stopping else [shown[index] for index in indexes]

    def _answer(self, index: int) -> Any:
        """What worker ``index`` said: what it shows once it listens, else :class:`WorkerFailed`."""
        connection = self._connections[index]
        try:
            message = connection.recv() if connection.poll() else None
        except (EOFError, OSError):
            message = None
        if isinstance(message, tuple) and len(message) == 2 and message[0] == READY:
            return message[1]
        if isinstance(message, tuple) and len(message) == 2 and message[0] == FAILED:
            raise WorkerFailed(str(message[1]))
        self._processes[index].join(STOP_SECONDS)
        raise WorkerFailed(f"{self._name(index)} exited before it was listening ({self._how(index)})")

    def _name(self, index: int) -> str:
        return f"worker {index + 1} of {self._count} (pid {self._processes[index].pid})"

    def _how(self, index: int) -> str:
        code = self._processes[index].exitcode
        if code is None:
            return "still running"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"killed by {signal.Signals(-code).name}"
            return f"killed by signal {-code}"
        return f"exit code {code}"

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):  # a full pipe already wakes the parent
            os.write(self._wake_writer, b"!")


def _worker_main(target: WorkerTarget, connection: Connection, args: tuple[Any, ...]) -> None:
    """A worker process's entry point (in a fresh interpreter)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the parent decides, by SIGTERM
    try:
        target(WorkerLink(connection), *args)
    finally:
        connection.close()
