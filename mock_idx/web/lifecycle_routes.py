"""``/_mock/v1/users/{login}/lifecycle/*`` and ``/status``: an account's lifecycle, as Okta's admin API moves it, and
a status set outright for tests. A refused transition is answered with Okta's ``errorCode`` and changes nothing."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from .. import scenario
from ..model.directory import UserStatus
from ..model.errors import ControlError
from ..model.user_lifecycle import Transition
from .app_keys import ENGINE
from .control_routes import _login, _model
from .request_parsing import delivery


class ActivateBody(BaseModel):
    """``POST /_mock/v1/users/{login}/lifecycle/activate``: whether the activation email goes out (Okta's
    ``sendEmail``, default true; also taken from the query)."""

    model_config = ConfigDict(extra="forbid")

    sendEmail: bool | None = Field(
        None, strict=True, description="Email the /welcome/{token} link to the user (default true)"
    )


class StatusBody(BaseModel):
    """``PUT /_mock/v1/users/{login}/status``: any status, no lifecycle rule checked (for tests)."""

    model_config = ConfigDict(extra="forbid")

    status: UserStatus = Field(description="Okta's user status")


async def activate(request: web.Request) -> web.Response:
    """Okta's ``lifecycle/activate``: the activation token and link (also emailed with ``sendEmail``), and the user;
    a user with a password is ``ACTIVE`` at once, with no token."""
    login = _login(request)
    body = await _model(request, ActivateBody)
    send_email = _query_flag(request, "sendEmail")
    if body.sendEmail is not None:
        send_email = body.sendEmail
    activated = await request.app[ENGINE].activate_user(login, send_email is not False, delivery(request))
    return web.json_response(
        {
            "activationToken": activated.token,
            "activationUrl": activated.url,
            "user": scenario.user_json(activated.user),
        }
    )


async def suspend(request: web.Request) -> web.Response:
    return await _change(request, Transition.SUSPEND)


async def unsuspend(request: web.Request) -> web.Response:
    return await _change(request, Transition.UNSUSPEND)


async def deactivate(request: web.Request) -> web.Response:
    return await _change(request, Transition.DEACTIVATE)


async def put_status(request: web.Request) -> web.Response:
    login = _login(request)
    body = await _model(request, StatusBody)
    return web.json_response(scenario.user_json(await request.app[ENGINE].set_status(login, body.status)))


async def _change(request: web.Request, operation: Transition) -> web.Response:
    login = _login(request)
    await _model(request, _NoFields)
    return web.json_response(scenario.user_json(await request.app[ENGINE].change_lifecycle(login, operation)))


class _NoFields(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _query_flag(request: web.Request, name: str) -> bool | None:
    values = request.query.getall(name, [])
    if not values:
        return None
    if len(values) > 1 or values[0] not in ("true", "false"):
        raise ControlError(f"{name} must be true or false, given once")
    return values[0] == "true"
