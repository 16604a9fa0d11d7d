"""The server's HTML pages (sign-in, device, journal, error and redirect pages), rendered with Jinja2.

Jinja2 is imported, and the environment made, on the first page rendered, not at start-up: importing it (with
aiohttp_jinja2, which rendered the pages before) cost ``mock-idx serve`` about 40 ms before its first answer, and
discovery, tokens and IDX never render a page. Pages come out as aiohttp_jinja2 rendered them (``text/html;
charset=utf-8``, autoescaped, ``app`` in every template; no template used its ``url`` or ``static`` helpers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    import jinja2


class PageTemplates:
    """One app's templates (``mock_idx/templates``), autoescaped."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._environment: jinja2.Environment | None = None

    def environment(self) -> jinja2.Environment:
        if self._environment is None:
            import jinja2

            environment = jinja2.Environment(loader=jinja2.PackageLoader("mock_idx", "templates"), autoescape=True)
            environment.globals["app"] = self._app
            self._environment = environment
        return self._environment

    def render_string(self, name: str, context: Mapping[str, Any]) -> str:
        text: str = self.environment().get_template(name).render(context)
        return text


def render_string(name: str, request: web.Request, context: Mapping[str, Any]) -> str:
    from .app_keys import TEMPLATES

    return request.app[TEMPLATES].render_string(name, context)


def render_template(name: str, request: web.Request, context: Mapping[str, Any], *, status: int = 200) -> web.Response:
    """The page as an HTML answer."""
    return web.Response(
        text=render_string(name, request, context), status=status, content_type="text/html", charset="utf-8"
    )
