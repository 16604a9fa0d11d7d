"""The server's HTML pages (sign-in, device, journal, error and redirect pages), rendered with Jinja2.

Jinja2 is imported, and the environment made, on the first page rendered, not at start-up: importing it (with
aiohttp_jinja2, which rendered the pages before) cost ``mock-idx serve`` about 40 ms before its first answer, and
discovery, tokens and IDX never render a page. Pages come out as aiohttp_jinja2 rendered them (``text/html;
charset=utf-8``, autoescaped, ``app`` in every template; no template used its ``url`` or ``static`` helpers).

Each template is compiled once, on its first render, and kept for the app's life: the files are package data that
do not change under a running server, so nothing re-reads or re-checks them (Jinja2's ``auto_reload`` would stat
every template a page extends or imports on every render). An edited template is picked up by a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    import jinja2


class PageTemplates:
    """One app's templates (``mock_idx/templates``), autoescaped, each compiled on first use and kept until the app
    stops (an edited template needs a restart)."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._environment: jinja2.Environment | None = None
        self._compiled: dict[str, jinja2.Template] = {}

    def environment(self) -> jinja2.Environment:
        if self._environment is None:
            import jinja2

            environment = jinja2.Environment(
                loader=jinja2.PackageLoader("mock_idx", "templates"), autoescape=True, auto_reload=False, cache_size=-1
            )
            environment.globals["app"] = self._app
            self._environment = environment
        return self._environment

    def template(self, name: str) -> jinja2.Template:
        """The compiled template (with what it extends and imports, which Jinja2's own cache keeps: ``cache_size=-1``
        never evicts one, ``auto_reload=False`` never stats its file again)."""
        template = self._compiled.get(name)
        if template is None:
            template = self._compiled[name] = self.environment().get_template(name)
        return template

    def render_string(self, name: str, context: Mapping[str, Any]) -> str:
        text: str = self.template(name).render(context)
        return text


def render_string(name: str, request: web.Request, context: Mapping[str, Any]) -> str:
    from .app_keys import TEMPLATES

    return request.app[TEMPLATES].render_string(name, context)


def render_template(name: str, request: web.Request, context: Mapping[str, Any], *, status: int = 200) -> web.Response:
    """The page as an HTML answer."""
    return web.Response(
        text=render_string(name, request, context), status=status, content_type="text/html", charset="utf-8"
    )
