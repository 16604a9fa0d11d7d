"""``/idp/idx/*``: each handler finds the transaction, asks the engine for one step, and renders the result."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..idx.render import reply
from ..model.errors import IdxError, Reason
from ..model.transaction import Step, Transaction
from .app_keys import ENGINE, SETTINGS, USER
from .email_link_routes import remember_email_sign_in
from .request_parsing import (
    authenticator_fields,
    delivery,
    document_context,
    json_object,
    remember,
    required_fields,
    sign_in_context,
    text,
)
from .responses import idx_json


async def introspect(request: web.Request) -> web.Response:
    """By ``interactionHandle`` (a new sign-in) or ``stateToken`` (resuming one); answers the current state, any
    number of times."""
    body = await json_object(request)
    engine = request.app[ENGINE]
    if "interactionHandle" in body:
        transaction = await engine.by_interaction_handle(text(body, "interactionHandle"))
    elif "stateToken" in body:
        transaction = await engine.by_state_handle(text(body, "stateToken"))
    else:
        raise IdxError(Reason.MALFORMED_REQUEST, detail="interactionHandle or stateToken is required")
    remember(request, transaction)
    return idx_response(request, await engine.up_to_date(transaction))


async def identify(request: web.Request) -> web.Response:
    """Username and password on one form, or (identifier-first orgs) the username alone."""
    body, transaction = await _step(request)
    engine = request.app[ENGINE]
    if transaction.step is Step.IDENTIFY_RECOVERY:  # "Forgot password?": the username alone
        (identifier,) = required_fields(body, transaction, ("identifier",))
        request[USER] = identifier
        return idx_response(request, await engine.identify_for_recovery(transaction, identifier))
    if engine.policy.authenticators.identifier_first and "credentials" not in body:
        (identifier,) = required_fields(body, transaction, ("identifier",))
        password = None
    else:
        identifier, password = required_fields(body, transaction, ("identifier",), ("credentials", "passcode"))
    request[USER] = identifier
    return idx_response(request, await engine.identify(transaction, identifier, password, delivery(request)))


async def challenge(request: web.Request) -> web.Response:
    """``{authenticator: {id}}`` asks which method; ``{authenticator: {id, methodType}}`` starts that challenge.
    The resend form posts here too, with the method it was sent with."""
    body, transaction = await _step(request)
    if transaction.step is Step.UNLOCK_ACCOUNT:
        return await _choose_unlock_authenticator(request, body, transaction)
    authenticator = authenticator_fields(body, transaction)
    (authenticator_id,) = required_fields({"authenticator": authenticator}, transaction, ("authenticator", "id"))
    method = text(authenticator, "methodType", required=False)
    auto_challenge = _auto_challenge(authenticator, transaction)
    engine = request.app[ENGINE]
    chosen = await engine.choose_authenticator(
        transaction, authenticator_id, method, sign_in_context(request), delivery(request), auto_challenge
    )
    return idx_response(request, chosen)


async def unlock_account(request: web.Request) -> web.Response:
    """ "Unlock account?" from the identify page: the unlock form comes back."""
    _, transaction = await _step(request)
    return idx_response(request, await request.app[ENGINE].unlock_account(transaction))


async def _choose_unlock_authenticator(
    request: web.Request, body: dict[str, Any], transaction: Transaction
) -> web.Response:
    """The unlock form (``select-authenticator-unlock-account``): the username and the authenticator, posted to
    ``/idp/idx/challenge`` like any choice of authenticator."""
    authenticator = authenticator_fields(body, transaction)
    identifier, authenticator_id = required_fields(
        {**body, "authenticator": authenticator}, transaction, ("identifier",), ("authenticator", "id")
    )
    method = text(authenticator, "methodType", required=False)
    request[USER] = identifier
    engine = request.app[ENGINE]
    chosen = await engine.choose_unlock_authenticator(
        transaction, identifier, authenticator_id, method, delivery(request)
    )
    return idx_response(request, chosen)


async def poll(request: web.Request) -> web.Response:
    body, transaction = await _step(request)
    auto_challenge = _auto_challenge(body, transaction)
    return idx_response(request, await request.app[ENGINE].poll(transaction, auto_challenge))


async def answer(request: web.Request) -> web.Response:
    """Okta Verify's code goes in ``credentials.totp``, as its form asks; ``credentials.passcode`` is still taken
    when it comes alone, as the one way Okta's Java IDX SDK 2.0.0 sends a code (a README "deliberate difference").
    Every other challenge and enrollment answers in ``credentials`` as its own form says."""
    body, transaction = await _step(request)
    credentials = body.get("credentials")
    if transaction.step is not Step.TOTP_CHALLENGE:
        if not isinstance(credentials, dict):
            raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("credentials",),))
        return idx_response(request, await request.app[ENGINE].answer(transaction, credentials))
    sent_as_passcode = isinstance(credentials, dict) and "totp" not in credentials and "passcode" in credentials
    (code,) = required_fields(body, transaction, ("credentials", "passcode" if sent_as_passcode else "totp"))
    return idx_response(request, await request.app[ENGINE].answer_totp(transaction, code))


async def resend(request: web.Request) -> web.Response:
    """Okta Verify's push, an email or phone code, or Okta Verify's activation link, sent again."""
    _, transaction = await _step(request)
    engine = request.app[ENGINE]
    return idx_response(request, await engine.resend(transaction, sign_in_context(request), delivery(request)))


async def enroll(request: web.Request) -> web.Response:
    """``/idp/idx/credential/enroll``: every enrollment form posts here (which one, by what it sends)."""
    body, transaction = await _step(request)
    return idx_response(request, await request.app[ENGINE].enroll(transaction, body, delivery(request)))


async def skip(request: web.Request) -> web.Response:
    """ "Set up later" on the optional authenticators' list."""
    _, transaction = await _step(request)
    return idx_response(request, await request.app[ENGINE].skip(transaction))


async def send(request: web.Request) -> web.Response:
    """``/idp/idx/challenge/send``: where Okta Verify's activation link goes (``email`` or ``phoneNumber``, from the
    ``enrollment-channel-data`` form); or ``currentAuthenticator.send`` on Okta Verify's code page, which answers the
    same page again, as there is nothing to send."""
    body, transaction = await _step(request)
    engine = request.app[ENGINE]
    if transaction.step is Step.OV_ENROLL_CHANNEL_DATA:
        return idx_response(request, await engine.enroll(transaction, body, delivery(request)))
    return idx_response(request, await engine.send_code(transaction))


async def recover(request: web.Request) -> web.Response:
    """The password's ``recover`` action ("Forgot password?"): only the stateHandle."""
    _, transaction = await _step(request)
    return idx_response(request, await request.app[ENGINE].recover(transaction))


async def enroll_profile(request: web.Request) -> web.Response:
    """``/idp/idx/enroll`` (``select-enroll-profile``): "Sign up" on the identify page."""
    _, transaction = await _step(request)
    return idx_response(request, await request.app[ENGINE].start_sign_up(transaction))


async def enroll_new(request: web.Request) -> web.Response:
    """``/idp/idx/enroll/new`` (``enroll-profile``): the sign-up form's ``userProfile``."""
    body, transaction = await _step(request)
    return idx_response(request, await request.app[ENGINE].sign_up(transaction, body.get("userProfile")))


async def select_identify(request: web.Request) -> web.Response:
    """``/idp/idx/identify/select`` (``select-identify``): from the sign-up form back to the identify page."""
    _, transaction = await _step(request)
    return idx_response(request, await request.app[ENGINE].back_to_sign_in(transaction))


async def cancel(request: web.Request) -> web.Response:
    """Ends the sign-in; the answer is a fresh ``identify`` with new handles, so SDKs report CANCELED."""
    _, transaction = await _step(request)
    fresh = await request.app[ENGINE].cancel(transaction)
    return idx_response(request, fresh)


def _auto_challenge(fields: dict[str, Any], transaction: Transaction) -> bool | None:
    """The "Send push automatically" box, when the form sent it: a JSON boolean, as its field's type says."""
    value = fields.get("autoChallenge")
    if value is None or isinstance(value, bool):
        return value
    raise IdxError(Reason.MALFORMED_REQUEST, transaction, "autoChallenge must be true or false")


async def _step(request: web.Request) -> tuple[dict[str, Any], Transaction]:
    body = await json_object(request)
    transaction = await request.app[ENGINE].by_state_handle(text(body, "stateHandle"))
    return body, remember(request, transaction)


def idx_response(request: web.Request, transaction: Transaction) -> web.Response:
    document = reply(transaction, document_context(request), request.app[SETTINGS].push_rejected_status)
    response = idx_json(request, document)
    remember_email_sign_in(response, transaction)
    return response
