"""Typed keys for what hangs on the application and on each request (no module-level state anywhere).

Named ``app_keys`` (it was ``keys``) so it is not taken for the signing keys or the JWKS route."""

from __future__ import annotations

from aiohttp import web

from ..config import Settings
from ..default_org import StartingOrg
from ..model.engine import Engine
from ..model.faults import FaultPlan
from ..model.journal import Journal
from ..model.transaction import Transaction
from .hosts import HostPolicy
from .published_documents import PublishedDocuments
from .templates import PageTemplates

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", Engine)
JOURNAL = web.AppKey("journal", Journal)
FAULTS = web.AppKey("faults", FaultPlan)
HOSTS = web.AppKey("hosts", HostPolicy)
DOCUMENTS = web.AppKey("documents", PublishedDocuments)
"""Discovery documents and JWKS as ready bytes (:mod:`.published_documents`)."""
TEMPLATES = web.AppKey("templates", PageTemplates)
SCENARIO = web.AppKey("scenario", StartingOrg)
"""The scenario the server started with (or the default org): what ``reset`` goes back to."""

# Request-scoped notes, read by the journal middleware once the handler is done.
TRANSACTION = web.RequestKey("transaction", Transaction)
USER = web.RequestKey("user", str)
"""The login a request concerns when no transaction tells (control routes, a refused identify)."""
NOTE = web.RequestKey("note", str)
"""Why the journal should look twice at a request (a fault rule hit it)."""
