"""The server's page templates: compiled once per app, and not looked up again however many pages are rendered
(an edited template is picked up by a restart, :mod:`mock_idx.web.templates`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup

from mock_idx.web.templates import PageTemplates

IDENTIFY_PAGE: dict[str, Any] = {
    "heading": "Sign In",
    "app_label": "Bench App",
    "nonce": "n0nce",
    "style": Markup("main{}"),
    "script": Markup(""),
    "action_url": "/signin",
    "state_token": "02token",
    "identifier": "ada@example.com",
    "with_password": True,
    "errors": {},
    "steps": [],
}


class CountingLoader(jinja2.BaseLoader):
    """The package's loader, counting every template source it is asked for and every check of a compiled template
    against its file (Jinja2's ``auto_reload``)."""

    def __init__(self, loader: jinja2.BaseLoader) -> None:
        self.loader = loader
        self.read: list[str] = []
        self.checked: list[str] = []

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        self.read.append(template)
        source, filename, up_to_date = self.loader.get_source(environment, template)

        def checked() -> bool:
            self.checked.append(template)
            return up_to_date() if up_to_date is not None else True

        return source, filename, checked


def counted(templates: PageTemplates) -> CountingLoader:
    environment = templates.environment()
    assert environment.loader is not None
    loader = CountingLoader(environment.loader)
    environment.loader = loader
    return loader


def test_a_page_is_compiled_once_with_what_it_extends_and_imports() -> None:
    templates = PageTemplates(web.Application())
    loader = counted(templates)
    first = templates.render_string("signin_identify.html", IDENTIFY_PAGE)
    assert sorted(loader.read) == ["signin_base.html", "signin_identify.html", "signin_macros.html"]
    for _ in range(3):
        assert templates.render_string("signin_identify.html", IDENTIFY_PAGE) == first
    assert len(loader.read) == 3
    assert loader.checked == []
    assert templates.template("signin_identify.html") is templates.template("signin_identify.html")


def test_each_render_has_its_own_context() -> None:
    templates = PageTemplates(web.Application())
    ada = templates.render_string("signin_identify.html", IDENTIFY_PAGE)
    grace = templates.render_string("signin_identify.html", {**IDENTIFY_PAGE, "identifier": "grace@example.com"})
    assert 'value="ada@example.com"' in ada and "grace" not in ada
    assert 'value="grace@example.com"' in grace and "ada@" not in grace


def test_pages_sharing_a_base_each_render_their_own_body() -> None:
    templates = PageTemplates(web.Application())
    templates.render_string("signin_identify.html", IDENTIFY_PAGE)
    error = templates.render_string(
        "signin_error.html", {**IDENTIFY_PAGE, "message": "This sign-in link is not valid."}
    )
    assert "This sign-in link is not valid." in error and 'name="identifier"' not in error
