"""Setting up an authenticator the sign-in requires (or offers): the list to choose from with "Set up later", the
phone number page, and Okta Verify's setup pages (the QR code page that polls, "Send me a link instead", where to
send the link), as the embedded guides for Okta Verify enrollment describe them.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp_session import get_session

from ..flow import (
    ChoicePage,
    at,
    current_step,
    idx_client,
    moved_on_or_refused,
    poll_json,
    render,
    require_context,
    settle,
)
from ..forms import read_form
from ..idx import AuthResponse, IdxClient, IdxError
from ..navigation import (
    ENROLL_POLL,
    ENROLLMENT_CHANNEL_DATA,
    ENROLLMENT_DATA,
    LOGIN,
    OKTA_VERIFY_ENROLL,
    SELECT_ENROLL,
    SELECT_ENROLLMENT_CHANNEL,
    SKIP,
)
from ..session_state import add_notices, idx_context

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

CHANNEL_LABELS = {"qrcode": "Scan a QR code", "email": "Email", "sms": "SMS"}
"""Okta labels the channels `QRCODE`, `EMAIL` and `SMS`; the page says what each does."""
CHANNEL_TITLES = {"email": "Set up Okta Verify via email link", "sms": "Set up Okta Verify via SMS"}


# -- choosing what to set up -----------------------------------------------------------------------------------------

ChoicePage(
    path=SELECT_ENROLL,
    template="select_enroll.html",
    field="authenticator_id",
    missing="Select a security method to set up.",
    choices=lambda response: [(a.id, a.label) for a in response.enroll_authenticators],
    choose=IdxClient.select_enroll_authenticator,
    extras=lambda response: {"can_skip": response.can_skip},
).register(routes)


@routes.post(SKIP)
async def skip(request: web.Request) -> web.Response:
    """ "Set up later": the optional authenticators left are skipped."""
    response = await idx_client(request).skip(await require_context(request))
    raise web.HTTPFound(await settle(request, response))


# -- the phone number ------------------------------------------------------------------------------------------------


@routes.get(ENROLLMENT_DATA)
async def phone_number_page(request: web.Request) -> web.Response:
    return await render_phone_number(request, await current_step(request, at(ENROLLMENT_DATA)))


@routes.post(ENROLLMENT_DATA)
async def enroll_phone_number(request: web.Request) -> web.Response:
    context = await require_context(request)
    shown = await current_step(request, at(ENROLLMENT_DATA))
    form = await read_form(request)
    method, number = form.get("method_type", ""), form.get("phone_number", "").strip()
    if method not in {m.value for m in shown.method_types} or not number:
        problem = "Enter your phone number." if method else "Choose how to receive the code."
        return await render_phone_number(request, shown, [problem], method, number, status=400)
    response = await idx_client(request).submit_enrollment_data(context, {"methodType": method, "phoneNumber": number})
    errors = await moved_on_or_refused(request, response)
    return await render_phone_number(request, response, errors, method, number, status=400)


async def render_phone_number(
    request: web.Request,
    response: AuthResponse,
    errors: list[str] | None = None,
    method: str = "",
    number: str = "",
    status: int = 200,
) -> web.Response:
    methods = [(m.value, m.label) for m in response.method_types]
    chosen = method or (methods[0][0] if methods else "")
    page = {"methods": methods, "method": chosen, "number": number, "errors": errors or []}
    return await render("phone_number.html", request, page, status=status)


# -- Okta Verify ---------------------------------------------------------------------------------------------------


@routes.get(OKTA_VERIFY_ENROLL)
async def okta_verify_enroll(request: web.Request) -> web.Response:
    """The guide's EnrollWithQrCode page (or, once the link went by email or SMS, its EnrollPoll page): it polls
    until the phone has added the account."""
    response = await current_step(request, at(OKTA_VERIFY_ENROLL))
    contextual = response.contextual
    channels = {c.value for c in response.enrollment_channels}
    page = {
        "qr_code": contextual.qr_code,
        "channel": contextual.selected_channel,
        "sent_to": contextual.sent_to,
        "can_resend": response.can_resend,
        "send_link": bool(channels & {"email", "sms"}) and contextual.selected_channel == "qrcode",
        "other_way": bool(channels),
        "something_else": len(response.enroll_authenticators) > 1,
        "refresh_ms": response.poll_refresh_ms,
        "poll_url": ENROLL_POLL,
    }
    return await render("okta_verify_enroll.html", request, page)


@routes.get(ENROLL_POLL)
async def enroll_poll(request: web.Request) -> web.Response:
    """The guide's EnrollPoll: `{ContinuePolling, Refresh, Next}`, always JSON (the page's script can only follow
    `Next`)."""
    session = await get_session(request)
    context = idx_context(session)
    if context is None:
        return poll_json(False, 0, LOGIN)
    try:
        response = await idx_client(request).poll_enrollment(context)
    except IdxError as exc:
        log.warning("enrollment poll failed: %s", exc)
        add_notices(session, ["Sign-in could not be completed. Start again."])
        return poll_json(False, 0, LOGIN)
    if response.continue_enrollment_polling:
        return poll_json(True, response.poll_refresh_ms, OKTA_VERIFY_ENROLL)
    return poll_json(False, 0, await settle(request, response))


ChoicePage(
    path=SELECT_ENROLLMENT_CHANNEL,
    template="select_channel.html",
    field="channel",
    missing="Select an option.",
    choices=lambda response: [(c.value, CHANNEL_LABELS.get(c.value, c.label)) for c in response.enrollment_channels],
    choose=IdxClient.select_enrollment_channel,
).register(routes)


@routes.get(ENROLLMENT_CHANNEL_DATA)
async def channel_data_page(request: web.Request) -> web.Response:
    return await render_channel_data(request, await current_step(request, at(ENROLLMENT_CHANNEL_DATA)))


@routes.post(ENROLLMENT_CHANNEL_DATA)
async def send_setup_link(request: web.Request) -> web.Response:
    context = await require_context(request)
    shown = await current_step(request, at(ENROLLMENT_CHANNEL_DATA))
    value = (await read_form(request)).get("value", "").strip()
    if not value:
        label = shown.channel_input.label if shown.channel_input else "where to send the link"
        return await render_channel_data(request, shown, [f"Enter your {label.lower()}."], value, status=400)
    response = await idx_client(request).send_channel_data(context, value)
    errors = await moved_on_or_refused(request, response)
    return await render_channel_data(request, response, errors, value, status=400)


async def render_channel_data(
    request: web.Request, response: AuthResponse, errors: list[str] | None = None, value: str = "", status: int = 200
) -> web.Response:
    channel = response.contextual.selected_channel or ""
    entry = response.channel_input
    page = {
        "title": CHANNEL_TITLES.get(channel, "Set up Okta Verify"),
        "label": entry.label if entry else "Send the link to",
        "kind": "email" if channel == "email" else "tel",
        "value": value,
        "errors": errors or [],
    }
    return await render("channel_data.html", request, page, status=status)
