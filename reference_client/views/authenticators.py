"""Choosing which authenticator verifies the user."""

from __future__ import annotations

from aiohttp import web

from ..flow import ChoicePage
from ..idx import IdxClient
from ..navigation import SELECT_AUTHENTICATOR

routes = web.RouteTableDef()

ChoicePage(
    path=SELECT_AUTHENTICATOR,
    template="select_authenticator.html",
    field="authenticator_id",
    missing="Select an authenticator.",
    choices=lambda response: [(a.id, a.label) for a in response.authenticators],
    choose=IdxClient.select_authenticator,
).register(routes)
