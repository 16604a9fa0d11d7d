"""``/_mock/v1``: the JSON control API that tests and tools script against (the contract is in the README).

The controls that script a sign-in (users, their pushes and codes, fault rules naming a user) are per user or per
transaction, so tests running side by side against one server never collide. ``reset``, ``PUT /scenario``, the clock
and clearing the fault rules act on the whole org: they are for a test that has the server to itself. Handler modules
are ``*_routes`` (this one was ``control``): see :mod:`.urls`.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import scenario
from ..model.activation import MAX_URI_LENGTH as MAX_ACTIVATION_URI
from ..model.errors import ControlError, NotFound
from ..model.outbox import Channel
from ..scenario.models import MAX_GROUPS_PER_USER, GroupName
from .app_keys import ENGINE, FAULTS, JOURNAL, SCENARIO, USER
from .control_json import clock_json, message_json, push_json, totp_json
from .openapi import OPENAPI_FILE
from .request_parsing import MalformedBody, body_bytes, json_body
from .scenario_in_force import apply_scenario

M = TypeVar("M", bound=BaseModel)


async def reset(request: web.Request) -> web.Response:
    """Back to the scenario the server was started with (kept on the app: the file is not read again)."""
    await _optional_object(request)  # the body says nothing, but must be JSON like every write
    starting = request.app[SCENARIO]
    await apply_scenario(request.app, starting)
    await request.app[JOURNAL].clear()
    return web.json_response({"ok": True})


async def put_scenario(request: web.Request) -> web.Response:
    """The org becomes the scenario in the body (YAML or JSON), or the built-in one a ``{"name": ...}`` body names.
    A broken scenario is refused with every problem and its line, and the running one is kept."""
    try:
        text = (await body_bytes(request)).decode("utf-8")
    except (MalformedBody, UnicodeDecodeError):
        raise ControlError("the body must be UTF-8 text") from None
    if not text.strip():
        raise ControlError('the body must be a scenario (YAML or JSON), or {"name": "<built-in scenario>"}')
    try:
        # Off the event loop: a large scenario takes a moment to check, and sign-ins in flight must not wait.
        loaded = await asyncio.to_thread(_parse_scenario, text)
    except scenario.UnknownScenario as error:
        raise NotFound(str(error)) from None
    except scenario.ScenarioError as error:
        raise ScenarioRejected(error) from None
    await apply_scenario(request.app, loaded)
    engine = request.app[ENGINE]
    return web.json_response(
        {
            "description": loaded.description,
            "users": [u.login for u in await engine.users()],
            "faults": [rule.as_dict() for rule in await request.app[FAULTS].rules()],
        }
    )


async def list_users(request: web.Request) -> web.Response:
    return web.json_response({"users": [scenario.user_json(user) for user in await request.app[ENGINE].users()]})


async def put_user(request: web.Request) -> web.Response:
    login = _login(request)
    body = await _model(request, scenario.UserBody)
    user = await request.app[ENGINE].put_user(body.to_model(login))
    return web.json_response(scenario.user_json(user))


async def get_user(request: web.Request) -> web.Response:
    """The user as stored, a lock that has run its course lifted first (as their next sign-in would)."""
    return web.json_response(scenario.user_json(await request.app[ENGINE].user_as_of_now(_login(request))))


async def lock_user(request: web.Request) -> web.Response:
    """Lock the user out, as too many wrong passwords would (the body must be `{}`, as every write is JSON)."""
    login = _login(request)
    await _empty_object(request)
    return web.json_response(scenario.user_json(await request.app[ENGINE].lock_user(login)))


async def unlock_user(request: web.Request) -> web.Response:
    """Okta's ``lifecycle/unlock``: the user is active again with a fresh count of wrong passwords."""
    login = _login(request)
    await _empty_object(request)
    return web.json_response(scenario.user_json(await request.app[ENGINE].unlock_user(login)))


async def expire_password(request: web.Request) -> web.Response:
    """Okta's ``POST /api/v1/users/{id}/lifecycle/expire_password``: the user must change their password at their
    next sign-in (status ``PASSWORD_EXPIRED``). The body, if any, must be JSON like every write's; it says nothing."""
    login = _login(request)
    await _optional_object(request)
    return web.json_response(scenario.user_json(await request.app[ENGINE].expire_password(login)))


class GroupsBody(BaseModel):
    """``PUT /_mock/v1/users/{login}/groups``: the user's groups, all of them (the same field as in a user body)."""

    model_config = ConfigDict(extra="forbid")

    groups: list[GroupName] = Field(max_length=MAX_GROUPS_PER_USER, description="The names of the user's groups")


async def put_groups(request: web.Request) -> web.Response:
    """Replace a user's groups and nothing else, as an admin moving someone between groups: their password, phone
    and ids stay, and the next token they get carries the new groups. The body is checked before the user is looked
    up, so a refused request changes nothing."""
    login = _login(request)
    body = await _model(request, GroupsBody)
    regrouped = await request.app[ENGINE].set_groups(login, body.groups)
    return web.json_response(scenario.user_json(regrouped))


async def pending_pushes(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    pushes = await engine.pending_pushes(_login(request))
    now = await engine.now()
    return web.json_response({"pushes": [push_json(p, now) for p in pushes]})


async def approve_push(request: web.Request) -> web.Response:
    body = await _optional_object(request)
    answer = body.get("answer")
    if isinstance(answer, float) and answer.is_integer():
        answer = int(answer)  # JSON has one number type: 150.0 is the integer 150 (JSON Schema agrees)
    if answer is not None and (isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 999):
        raise ControlError("answer must be a whole number from 0 to 999 (the number tapped)")
    engine = request.app[ENGINE]
    push = await engine.approve_push(_login(request), answer=answer, push_id=body.get("push_id"))
    return web.json_response(push_json(push, await engine.now()))


async def deny_push(request: web.Request) -> web.Response:
    body = await _optional_object(request)
    engine = request.app[ENGINE]
    push = await engine.deny_push(_login(request), push_id=body.get("push_id"))
    return web.json_response(push_json(push, await engine.now()))


class ActivationBody(BaseModel):
    """``POST /_mock/v1/users/{login}/okta-verify/activate``: what the phone scanned or opened (none: the user's
    newest pending activation)."""

    model_config = ConfigDict(extra="forbid")

    uri: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_ACTIVATION_URI,
        description="The QR code's oktaverify:// URI, the activation link sent by email or SMS, or the bare token",
    )


async def activate_okta_verify(request: web.Request) -> web.Response:
    """The user's phone adds the account: the activation is used (once) and the user's new Okta Verify enrollment
    comes back, as the user JSON shows it. The body is checked before anything is looked up."""
    login = _login(request)
    body = await _model(request, ActivationBody)
    user = await request.app[ENGINE].activate_okta_verify(login, body.uri)
    return web.json_response(scenario.user_json(user)["authenticators"]["okta_verify"])


async def messages(request: web.Request) -> web.Response:
    """The user's fake inbox and phone, newest first; ``?channel=email|sms|voice`` for one of them. The channel is
    checked before the user is looked up, so a bad one is a 400 whoever it names."""
    channel = _channel(request.query.getall("channel", []))
    found = await request.app[ENGINE].messages(_login(request), channel)
    return web.json_response({"messages": [message_json(m) for m in found]})


async def totp(request: web.Request) -> web.Response:
    return web.json_response(totp_json(await request.app[ENGINE].totp_code(_login(request))))


async def advance_clock(request: web.Request) -> web.Response:
    body = await _optional_object(request)
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 10 * 365 * 86400:
        raise ControlError("seconds must be a non-negative number")
    engine = request.app[ENGINE]
    now = await engine.advance_clock(float(seconds))
    return web.json_response(clock_json(now, await engine.clock_offset()))


async def clock(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    return web.json_response(clock_json(await engine.now(), await engine.clock_offset()))


async def journal(request: web.Request) -> web.Response:
    entries = await request.app[JOURNAL].entries(
        user=request.query.get("user"), transaction=request.query.get("transaction")
    )
    return web.json_response({"entries": [e.as_dict() for e in entries]})


async def add_fault(request: web.Request) -> web.Response:
    spec = await _model(request, scenario.FaultSpec)
    rule = await request.app[FAULTS].add(spec.to_rule())
    return web.json_response(rule.as_dict(), status=201)


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response({"faults": [rule.as_dict() for rule in await request.app[FAULTS].rules()]})


async def clear_faults(request: web.Request) -> web.Response:
    return web.json_response({"deleted": await request.app[FAULTS].clear()})


async def delete_fault(request: web.Request) -> web.Response:
    rule_id = request.match_info["fault_id"]
    if not await request.app[FAULTS].remove(rule_id):
        raise NotFound(f"no fault rule {rule_id!r}")
    return web.json_response({"deleted": 1})


async def openapi_description(request: web.Request) -> web.Response:
    """The control API described in OpenAPI 3.1 (the shipped file; :mod:`.openapi` keeps it true to the models)."""
    return web.Response(body=OPENAPI_FILE.read_bytes(), content_type="application/json")


def _parse_scenario(text: str) -> scenario.Scenario:
    """The scenario a body holds, or the built-in one a ``{"name": ...}`` body names."""
    name = scenario.referenced_name(text)
    return scenario.load(str(scenario.builtin_path(name))) if name else scenario.parse(text, "the scenario")


def _channel(values: list[str]) -> Channel | None:
    """The one ``channel`` a query names (none: every channel)."""
    if not values:
        return None
    choices = ", ".join(c.value for c in Channel)
    if len(values) > 1:
        raise ControlError(f"channel may be given once (one of {choices})")
    try:
        return Channel(values[0])
    except ValueError:
        raise ControlError(f"channel must be one of {choices}") from None


def _login(request: web.Request) -> str:
    login = request.match_info["login"]
    request[USER] = login
    return login


async def _optional_object(request: web.Request) -> dict[str, Any]:
    try:
        raw = await body_bytes(request)
    except MalformedBody as error:
        raise ControlError(str(error)) from None
    if not raw.strip():
        return {}
    try:
        body = await json_body(request)
    except MalformedBody as error:
        raise ControlError(str(error)) from None
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


async def _empty_object(request: web.Request) -> None:
    """A body that must say nothing: none, or ``{}`` (checked before anything is looked up or changed)."""
    if await _optional_object(request):
        raise ControlError("the body must be empty or {}")


async def _model(request: web.Request, model: type[M]) -> M:
    body = await _optional_object(request)
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise ControlValidationError(error) from None


class ScenarioRejected(ControlError):
    """A scenario that does not validate: ``errors`` carries each problem with its line and field."""

    def __init__(self, error: scenario.ScenarioError) -> None:
        super().__init__(
            f"the scenario is invalid ({len(error.problems)} problems, listed in errors)",
            [problem.as_dict() for problem in error.problems],
        )


class ControlValidationError(ControlError):
    def __init__(self, error: ValidationError) -> None:
        super().__init__(
            "invalid body", [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()]
        )
