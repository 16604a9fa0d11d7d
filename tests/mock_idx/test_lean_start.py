"""``mock-idx serve`` answers its first request without importing what only later requests need (issue #18's
start-up): the handler modules other than discovery's, PyJWT and the ``regex`` module are imported on first use, and
the default org is built without pydantic, PyYAML or the scenario machinery (:mod:`mock_idx.default_org`), which only
a named scenario, the control API, the Redis store and the first sign-in need (the in-memory store pickles the org it
starts with). Every route still reaches its handler."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mock_idx.app import create_app
from mock_idx.web.urls import LazyHandler

DISCOVERY = "/oauth2/default/.well-known/openid-configuration"
IMPORTED_ON_FIRST_USE = (
    "importlib.metadata",  # the installed version, read by --version alone
    "jwt",
    "regex",
    "pydantic",
    "yaml",
    "mock_idx.scenario",
    "mock_idx.storage.codec",
    "mock_idx.web.authorize_routes",
    "mock_idx.web.control_routes",
    "mock_idx.web.hosted_routes",
    "mock_idx.web.idx_routes",
    "mock_idx.web.token_routes",
)

# The CLI's own path to the first answer, in a fresh interpreter: parse ``serve``, build the app, answer discovery.
FIRST_ANSWER = f"""
import asyncio, json, sys
from aiohttp.test_utils import TestClient, TestServer
from mock_idx import cli

args = cli._parser().parse_args(["serve"])

async def first_answer():
    async with TestClient(TestServer(cli._app(cli._settings(args)))) as client:
        assert (await client.get({DISCOVERY!r})).status == 200

asyncio.run(first_answer())
print(json.dumps(sorted(sys.modules)))
"""


def test_the_first_answer_imports_nothing_only_later_requests_need() -> None:
    done = subprocess.run([sys.executable, "-c", FIRST_ANSWER], capture_output=True, text=True, timeout=60, check=True)
    imported = set(json.loads(done.stdout))
    assert "mock_idx.web.oauth_routes" in imported  # the check sees the server's modules at all
    assert imported.isdisjoint(IMPORTED_ON_FIRST_USE), imported & set(IMPORTED_ON_FIRST_USE)


def _lazy_handlers() -> list[tuple[str, LazyHandler]]:
    found = []
    for route in create_app().router.routes():
        owner = getattr(route.handler, "__self__", None)
        if isinstance(owner, LazyHandler):
            found.append((f"{route.method} {route.resource.canonical if route.resource else '?'}", owner))
    return found


def test_every_route_imported_on_first_use_names_an_async_handler() -> None:
    handlers = _lazy_handlers()
    assert len(handlers) > 40  # the IDX steps, the hosted page, the control API, ...
    for route, lazy in handlers:
        assert inspect.iscoroutinefunction(lazy.resolve()), route


@pytest.mark.parametrize("path", ["/idp/idx/introspect", "/_mock/v1/clock"])
async def test_a_route_imported_on_first_use_answers_as_any_other(path: str) -> None:
    async with TestClient(TestServer(create_app())) as client:
        method = client.get if path.endswith("clock") else client.post
        answer = await method(path, json={"stateHandle": "unknown"})
        assert answer.status in (200, 400, 401, 403)  # answered by the handler, not a 404 or a 500
