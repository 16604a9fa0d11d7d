"""Running servers from tests: in a background thread with its own event loop, on a free loopback port.

A thread (rather than the test's own loop) lets the same server serve sync tests, async tests and a Playwright
browser alike, and a crashed test still shuts it down through the context manager or the fixture's finaliser.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, Self

from aiohttp import web

from .app import create_app
from .config import SHUTDOWN_GRACE_SECONDS, Settings

AppFactory = Callable[[], web.Application | Awaitable[web.Application]]


class BackgroundServer:
    """Serves the application built by ``app_factory`` on ``host``:<free port> until :meth:`stop`."""

    def __init__(self, app_factory: AppFactory, host: str = "127.0.0.1", port: int = 0) -> None:
        self._app_factory = app_factory
        self._host = host
        self._port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mock-idx-server", daemon=True)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.app: web.Application | None = None

    def start(self, timeout: float = 10) -> Self:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout)
        return self

    def stop(self, timeout: float = 10) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout)
            asyncio.run_coroutine_threadsafe(_cancel_leftover_tasks(), self._loop).result(timeout)
            self._runner = None
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
            self._loop.close()

    def call(self, function: Callable[..., Any], *args: Any, timeout: float = 10) -> Any:
        """Run ``function(*args)`` on the server's loop (e.g. to touch the engine safely from the test thread); a
        coroutine function's result is awaited there (``server.call(engine.activations.start, ...)``)."""

        async def invoke() -> Any:
            result = function(*args)
            return await result if inspect.isawaitable(result) else result

        return asyncio.run_coroutine_threadsafe(invoke(), self._loop).result(timeout)

    def run(self, function: Callable[..., Awaitable[Any]], *args: Any, timeout: float = 10) -> Any:
        """Await ``function(*args)`` on the server's loop and return its result: how a test reaches the engine's
        async methods from its own thread (``server.run(engine.outbox.send, message)``)."""
        return asyncio.run_coroutine_threadsafe(_awaited(function, *args), self._loop).result(timeout)

    def __enter__(self) -> Self:
        return self if self._runner is not None else self.start()  # ``with start_mock_idx() as server`` too

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _serve(self) -> None:
        app = self._app_factory()
        self.app = await app if inspect.isawaitable(app) else app
        # a request a test left delayed by a fault must not make stop() outwait its timeout
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE_SECONDS)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://{self._host}:{port}"


async def _awaited(function: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    return await function(*args)


async def _cancel_leftover_tasks() -> None:
    """Cancels what the runner's cleanup cannot see: a handler whose client hung up while a fault delayed it has left
    the server's connections but still runs. Closing the loop under it would only warn "Task was destroyed"."""
    leftovers = asyncio.all_tasks() - {asyncio.current_task()}
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)


class MockIdxServer(BackgroundServer):
    """A mock_idx server in the background; ``issuer`` is its ``default`` custom authorization server."""

    def __init__(self, settings: Settings | None = None, host: str = "127.0.0.1") -> None:
        super().__init__(lambda: create_app(settings), host=host)

    @property
    def issuer(self) -> str:
        return f"{self.url}/oauth2/default"


def start_mock_idx(settings: Settings | None = None, scenario: str | None = None) -> MockIdxServer:
    """Start a server now; call ``.stop()`` (or use ``with``) when done."""
    if scenario is not None:
        settings = replace(settings or Settings(), scenario=scenario)
    return MockIdxServer(settings).start()
