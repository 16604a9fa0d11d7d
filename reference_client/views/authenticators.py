"""Choosing which authenticator verifies the user, and how (SMS or voice call, push or code)."""

from __future__ import annotations

from aiohttp import web

from ..flow import ChoicePage
from ..idx import IdxClient
from ..navigation import SELECT_AUTHENTICATOR, SELECT_METHOD, VERIFY_METHOD

routes = web.RouteTableDef()

ChoicePage(
    path=SELECT_AUTHENTICATOR,
    template="select_authenticator.html",
    field="authenticator_id",
    missing="Select an authenticator.",
    choices=lambda response: [(a.id, a.label) for a in response.authenticators],
    choose=IdxClient.select_authenticator,
    extras=lambda response: {"recovering": response.recovering},  # "Forgot password?" lists its authenticators here
).register(routes)

# The guide's method page (Okta Verify: push or code) and the same page for every other authenticator with several
# methods (Phone: SMS or voice call).
for path in (SELECT_METHOD, VERIFY_METHOD):
    ChoicePage(
        path=path,
        template="select_method.html",
        field="method_type",
        missing="Select a security method.",
        choices=lambda response: [(m.value, m.label) for m in response.method_types],
        choose=IdxClient.select_method,
    ).register(routes)
