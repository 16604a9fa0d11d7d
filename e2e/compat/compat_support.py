"""Shared helpers for the Okta SDK / widget compatibility tests: a mock_idx in a background thread, wired
with the widget page, plus a small synchronous client for its control API."""

from __future__ import annotations

import json
import secrets
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from mock_idx.app import create_app
from mock_idx.config import Settings
from mock_idx.testing import BackgroundServer
from mock_idx.web.widget import add_widget_routes

COMPAT_DIR = Path(__file__).resolve().parent
NODE_MODULES = COMPAT_DIR / "node_modules"
FAST_POLL_MS = 200
PUSH_LIFETIME = 60.0
"""Short enough that advancing the clock past it does not also expire the whole transaction."""
PASSWORD = "Compat-Passw0rd!"
HTTP_TIMEOUT = 10


def _has_widget_routes(app: web.Application) -> bool:
    return any(getattr(resource, "canonical", None) == "/_mock/widget" for resource in app.router.resources())


def compat_app(settings: Settings) -> web.Application:
    """mock_idx as ``create_app`` builds it, plus the widget page if create_app does not wire it yet."""
    app = create_app(settings)
    if not _has_widget_routes(app):
        add_widget_routes(app)
    return app


def compat_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"poll_refresh_ms": FAST_POLL_MS, "push_lifetime": PUSH_LIFETIME}
    values.update(overrides)
    return Settings(**values)


@dataclass
class CompatServer:
    """A running mock_idx and the control-API calls the compatibility tests need."""

    server: BackgroundServer
    settings: Settings
    users: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def issuer(self) -> str:
        return f"{self.url}/oauth2/default"

    def stop(self) -> None:
        self.server.stop()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_mock/v1/{path}", data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def add_user(self, tag: str, *, push: dict[str, Any] | None = None, methods: tuple[str, ...] = ("push", "totp")) -> str:
        """Creates a fresh Okta Verify user (push answered manually unless ``push`` says otherwise)."""
        login = f"{tag}-{secrets.token_hex(3)}@compat.example.com"
        okta_verify: dict[str, Any] = {"methods": list(methods), "push": {"outcome": "manual", **(push or {})}}
        self.control("PUT", f"users/{quote(login)}", {
            "password": PASSWORD,
            "profile": {"firstName": "Compat", "lastName": tag.title(), "email": login},
            "authenticators": {"okta_verify": okta_verify},
        })
        self.users.append(login)
        return login

    def pushes(self, login: str) -> Any:
        return self.control("GET", f"users/{quote(login)}/pushes")

    def approve_push(self, login: str, answer: int | None = None) -> Any:
        return self.control("POST", f"users/{quote(login)}/push/approve", {} if answer is None else {"answer": answer})

    def deny_push(self, login: str) -> Any:
        return self.control("POST", f"users/{quote(login)}/push/deny", {})

    def totp_code(self, login: str) -> str:
        return self.control("GET", f"users/{quote(login)}/totp")["code"]

    def journal(self, login: str | None = None) -> list[dict[str, Any]]:
        query = f"?user={quote(login)}" if login else ""
        return self.control("GET", f"journal{query}")["entries"]


def start_compat_server(**overrides: Any) -> CompatServer:
    settings = compat_settings(**overrides)
    server = BackgroundServer(lambda: compat_app(settings)).start()
    return CompatServer(server=server, settings=settings)
