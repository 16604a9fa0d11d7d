"""Choosing which authenticator verifies the user."""

from __future__ import annotations

from aiohttp import web

from ..flow import ChoicePage
from ..navigation import SELECT_AUTHENTICATOR

routes = web.RouteTableDef()

authenticator_page = ChoicePage(
    template="select_authenticator.html", field="authenticator_id", missing="Select an authenticator.",
    choices=lambda response: [(a.id, a.label) for a in response.authenticators],
    choose=lambda client: client.select_authenticator,
)
routes.get(SELECT_AUTHENTICATOR)(authenticator_page.show)
routes.post(SELECT_AUTHENTICATOR)(authenticator_page.submit)
