"""Pages for people: the simulated Okta Verify app (``/_mock/device/{login}``), the fake email inbox
(``/_mock/inbox/{login}``) and the request journal (``/_mock/journal``).

The device page answers pushes and adds accounts (Okta Verify enrollment) through the control API, the same calls a
test makes, so a tap in the browser and a scripted approval take one path through the engine. The activation link an
enrollment sends by email or SMS opens the device page (``?activate=TOKEN``): the page offers that activation, and
adds it only when tapped (opening a link changes nothing). With ``--control-token`` the pages are opened with
``?token=`` and keep it in every link and fetch. Handler modules are ``*_routes`` (this one was ``pages``): see
:mod:`.urls`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from ..model.activation import LINK_PARAMETER, parse_activation_uri
from ..model.clock import isoformat
from ..model.journal import JournalEntry
from . import templates
from .app_keys import ENGINE, JOURNAL, SETTINGS
from .device_view import device_path, device_state, has_totp, qr_svg, totp_uri
from .inbox_view import inbox_path, inbox_state

MAX_REFRESH_SECONDS = 3600
TIMELINES_PER_PAGE = 50


async def device_index(request: web.Request) -> web.Response:
    """Which phone? Every user, each linking to their device page."""
    return await _devices(request, message="")


async def device_page(request: web.Request) -> web.Response:
    login = request.match_info["login"]
    user = await request.app[ENGINE].find_user(login)
    if user is None:
        return await _devices(request, message=f"There is no user {login} in this scenario.", status=404)
    context = {
        **_common(request),
        "state": await device_state(request.app[ENGINE], user),
        "state_url": _link(request, f"{device_path(user.login)}/state", activate=_activation_offered(request)),
        "api_base": f"/_mock/v1/users/{quote(user.login)}",
        "has_okta_verify": user.okta_verify is not None,
        "activate": _activation_offered(request),
        "inbox_url": _link(request, inbox_path(user.login)),
    }
    if has_totp(user):
        uri = totp_uri(user)
        context.update(totp_uri=uri, totp_qr=qr_svg(uri))
    context["pushes_html"] = _pushes_html(request, context["state"])
    context["activations_html"] = _activations_html(request, context["state"], context["activate"])
    context["texts_html"] = _texts_html(request, context["state"])
    return templates.render_template("device.html", request, context)


async def device_state_json(request: web.Request) -> web.Response:
    """What the page polls twice a second: the pending pushes and the texts (as data and as the page's markup) and
    the code."""
    engine = request.app[ENGINE]
    state = await device_state(engine, await engine.user(request.match_info["login"]))
    answer = {
        **state,
        "pushes_html": _pushes_html(request, state),
        "activations_html": _activations_html(request, state, _activation_offered(request)),
        "texts_html": _texts_html(request, state),
    }
    return web.json_response(answer, headers={"Cache-Control": "no-store"})


async def inbox_page(request: web.Request) -> web.Response:
    """The user's fake email inbox: every live email, newest first, its code shown and its link clickable."""
    login = request.match_info["login"]
    user = await request.app[ENGINE].find_user(login)
    if user is None:
        return await _devices(request, message=f"There is no user {login} in this scenario.", status=404)
    state = await inbox_state(request.app[ENGINE], user)
    context = {
        **_common(request),
        "state": state,
        "state_url": _link(request, f"{inbox_path(user.login)}/state"),
        "device_url": _link(request, device_path(user.login)),
        "emails_html": _emails_html(request, state),
    }
    return templates.render_template("inbox.html", request, context)


async def inbox_state_json(request: web.Request) -> web.Response:
    """What the inbox page polls every second: the emails, as data and as the page's markup."""
    engine = request.app[ENGINE]
    state = await inbox_state(engine, await engine.user(request.match_info["login"]))
    return web.json_response(
        {**state, "emails_html": _emails_html(request, state)}, headers={"Cache-Control": "no-store"}
    )


async def journal_page(request: web.Request) -> web.Response:
    """Every sign-in as a timeline, so a failed CI run can be read at a glance: the newest
    ``TIMELINES_PER_PAGE`` first (``?page=2`` for the ones before), so a full journal never renders all at once."""
    user = request.query.get("user") or None
    timelines = list((await request.app[JOURNAL].by_transaction(user=user)).items())
    pages = max(1, -(-len(timelines) // TIMELINES_PER_PAGE))
    page = min(_positive_int(request.query.get("page", ""), default=1), pages)
    end = len(timelines) - (page - 1) * TIMELINES_PER_PAGE
    shown = timelines[max(0, end - TIMELINES_PER_PAGE) : end]
    context = {
        **_common(request),
        "user": user or "",
        "refresh": _refresh(request),
        "timelines": [_timeline(key, entries) for key, entries in shown],
        "total": sum(len(entries) for _, entries in timelines),
        "timeline_count": len(timelines),
        "page": page,
        "pages": pages,
        "older": _link(request, "/_mock/journal", user=user or "", page=str(page + 1)) if page < pages else "",
        "newer": _link(request, "/_mock/journal", user=user or "", page=str(page - 1)) if page > 1 else "",
    }
    return templates.render_template("journal.html", request, context)


async def _devices(request: web.Request, message: str, status: int = 200) -> web.Response:
    users = [
        {
            "login": u.login,
            "name": u.display_name,
            "href": _link(request, device_path(u.login)),
            "inbox": _link(request, inbox_path(u.login)),
            "okta_verify": u.okta_verify is not None,
        }
        for u in await request.app[ENGINE].users()
    ]
    response = templates.render_template(
        "devices.html", request, {**_common(request), "users": users, "message": message}
    )
    response.set_status(status)
    return response


def _pushes_html(request: web.Request, state: dict[str, Any]) -> str:
    return templates.render_string("device_pushes.html", request, {"state": state})


def _activations_html(request: web.Request, state: dict[str, Any], offered: str) -> str:
    return templates.render_string("device_activations.html", request, {"state": state, "offered": offered})


def _activation_offered(request: web.Request) -> str:
    """The token of the activation link the page was opened with (``?activate=``), if it looks like one."""
    return parse_activation_uri(request.query.get(LINK_PARAMETER, "")) or ""


def _texts_html(request: web.Request, state: dict[str, Any]) -> str:
    return templates.render_string("device_texts.html", request, {"state": state})


def _emails_html(request: web.Request, state: dict[str, Any]) -> str:
    return templates.render_string("inbox_emails.html", request, {"state": state})


def _timeline(key: str, entries: list[JournalEntry]) -> dict[str, Any]:
    start = entries[0].time
    users = sorted({e.user for e in entries if e.user})
    return {
        "transaction": key,
        "users": users,
        "started": isoformat(start),
        "rows": [
            {
                "offset": f"+{e.time - start:.3f} s",
                "method": e.method,
                "path": e.path,
                "status": e.status,
                "status_class": _status_class(e.status),
                "faulted": bool(e.note),
                "user": e.user or "",
                "duration_ms": e.duration_ms,
                "note": e.note,
                "time": isoformat(e.time),
            }
            for e in entries
        ],
    }


def _status_class(status: int) -> str:
    return {2: "ok", 3: "redirect", 4: "client-error"}.get(status // 100, "server-error")


def _refresh(request: web.Request) -> int:
    """``?refresh=N``: reload every N seconds (0, the default, never)."""
    return min(_positive_int(request.query.get("refresh", ""), default=0), MAX_REFRESH_SECONDS)


def _positive_int(value: str, default: int) -> int:
    """A page or a refresh period from the query; anything that is not a small whole number is the default."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 and int(value) > 0 else default


def _common(request: web.Request) -> dict[str, Any]:
    token = _token(request)
    return {"token": token, "link": lambda path, **query: _link(request, path, **query)}


def _token(request: web.Request) -> str:
    """The control token the page was opened with, to be kept in its links and fetches (only if one is in force)."""
    return request.query.get("token", "") if request.app[SETTINGS].control_token else ""


def _link(request: web.Request, path: str, **query: str) -> str:
    params = {key: value for key, value in query.items() if value}
    token = _token(request)
    if token:
        params["token"] = token
    return f"{path}?{urlencode(params)}" if params else path
