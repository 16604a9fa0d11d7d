"""``create_app(settings)``: builds one complete fake Okta org. Nothing is global, so any number run side by side."""

from __future__ import annotations

import aiohttp_jinja2
import jinja2
from aiohttp import web

from . import scenario
from .config import Settings
from .model.engine import Engine
from .model.faults import FaultPlan
from .model.journal import Journal
from .model.tokens import SigningKey
from .web import middleware
from .web.app_keys import ENGINE, FAULTS, HOSTS, JOURNAL, SCENARIO, SETTINGS
from .web.hosts import HostPolicy
from .web.scenario_in_force import set_scenario
from .web.urls import add_routes


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or Settings()
    loaded = scenario.load(settings.scenario)
    key = SigningKey.load_or_create(settings.key_file) if settings.key_file else SigningKey.generate()
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=middleware.chain(),
    )
    app[SETTINGS] = settings
    app[ENGINE] = Engine(key=key)
    app[JOURNAL] = Journal(settings.journal_capacity, settings.journal_max_bytes)
    app[FAULTS] = FaultPlan()
    app[HOSTS] = HostPolicy(settings)
    app[SCENARIO] = loaded
    set_scenario(app, loaded, loaded.to_users())
    aiohttp_jinja2.setup(app, loader=jinja2.PackageLoader("mock_idx", "templates"), autoescape=True)
    add_routes(app)
    return app
