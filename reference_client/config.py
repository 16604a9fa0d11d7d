"""Settings of the reference web app (the IDX client's own settings live in `idx.config`)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from .idx import IdxClientConfig


@dataclass(frozen=True)
class AppConfig:
    """Everything `create_app` needs.

    Sessions live in the app's memory (`session_store`): the cookie holds only a random id, so there is no cookie
    secret to configure, and sessions end when the process does. `max_sessions` and `session_idle_seconds` bound
    that memory (least recently used and idle sessions go first). `secure_cookies` adds the Secure flag (turn it on
    whenever the app is served over https). `max_form_bytes` caps a posted form: the app's forms are a few hundred
    bytes, so anything much larger is refused with 413 before it is read.

    `callback_uri` is where the org's hosted page sends the browser back after a redirect sign-in (it must be
    registered for the client). None: this app's `/authorization-code/callback` at whatever address the browser
    used to reach it, which suits a loopback app (mock-idx allows any loopback redirect for an unregistered client,
    and the address holds the real port when the app was started on port 0).
    """

    idx: IdxClientConfig
    secure_cookies: bool = False
    http_timeout_seconds: float = 15.0
    max_sessions: int = 10_000
    session_idle_seconds: float = 2 * 3600.0
    max_form_bytes: int = 64 * 1024
    callback_uri: str | None = None


CONFIG_KEY = web.AppKey("config", AppConfig)
"""Where `create_app` keeps the settings on the app, for handlers that need one."""
