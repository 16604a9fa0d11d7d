"""``create_app(settings)``: builds one complete fake Okta org. Nothing is global, so any number run side by side.

The org's state lives in its store (:mod:`mock_idx.storage`), opened when the app starts and closed when it stops:
with a shared store, the first replica to start puts its scenario in force and every later one joins the org it
finds, so starting a second replica never wipes the sign-ins the first is serving.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from .config import Settings
from .default_org import starting_org
from .key_in_advance import KeyInAdvance
from .model.engine import Engine
from .model.faults import FaultPlan
from .model.journal import Journal
from .model.tokens import SigningKey
from .storage import open_store
from .web import middleware
from .web.app_keys import DOCUMENTS, ENGINE, FAULTS, HOSTS, JOURNAL, SCENARIO, SETTINGS, TEMPLATES
from .web.hosts import HostPolicy
from .web.published_documents import PublishedDocuments
from .web.scenario_in_force import apply_scenario
from .web.templates import PageTemplates
from .web.urls import add_routes


def create_app(settings: Settings | None = None, key_in_advance: KeyInAdvance | None = None) -> web.Application:
    """The server for ``settings``. ``key_in_advance``: a signing key the CLI began making at its start
    (:mod:`mock_idx.key_in_advance`), taken only where the org would otherwise make one now (an in-memory store and
    no key file), so the first answer does not wait for a key made after every import."""
    settings = settings or Settings()
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=middleware.chain(),
    )
    app[SETTINGS] = settings
    app[SCENARIO] = starting_org(settings.scenario)  # checked now, so a broken scenario stops the CLI at once
    app[HOSTS] = HostPolicy(settings)
    app[DOCUMENTS] = PublishedDocuments()
    key = SigningKey.load_or_create(settings.key_file) if settings.key_file else None  # a bad file stops us now
    early = key_in_advance if key is None and not settings.store_url.shared else None
    app.cleanup_ctx.append(lambda app: _org(app, key, early))
    app[TEMPLATES] = PageTemplates(app)  # Jinja2 is imported on the first page rendered (mock_idx.web.templates)
    add_routes(app)
    return app


async def _org(
    app: web.Application, key: SigningKey | None, key_in_advance: KeyInAdvance | None = None
) -> AsyncIterator[None]:
    """Opens the store and joins (or, first, starts) the org in it; stops the engine's signing threads and closes the
    store when the app stops."""
    store = open_store(app[SETTINGS])
    try:
        if key_in_advance is not None:  # a store of this process alone: nobody else needs the key stored with the org
            key_in_advance.start()  # (if it waited for the imports to end: one core)
            key = key_in_advance.signing_key()  # made by its first use: discovery does not wait for it
        app[ENGINE] = engine = await Engine.join(store, key)
        try:
            engine.restore_org = lambda: apply_scenario(app, app[SCENARIO])
            app[JOURNAL] = Journal(store)
            app[FAULTS] = FaultPlan(store, engine.header)
            if not await engine.is_configured():
                await apply_scenario(app, app[SCENARIO])
            yield
        finally:
            engine.close()
    finally:
        await store.close()
