"""The hosted page's forms that leave the sign-in proper: "Forgot password?" and its username, "Unlock account?" and
its form, "Sign up" and its profile form. Each asks the engine, which refuses what the org does not offer or the step
does not take (the page's fields turned into what the engine takes, as in :mod:`.hosted_actions`).
"""

from __future__ import annotations

from aiohttp import web

from ..model.authenticators import AuthenticatorKey
from ..model.errors import IdxError, Reason
from ..model.registration import AttributeType
from ..model.transaction import Transaction
from .app_keys import ENGINE
from .hosted_account_pages import PROFILE_FIELD, UNLOCK_CHOICE
from .request_parsing import delivery

Fields = dict[str, str]


async def recover(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """ "Forgot password?"."""
    return await request.app[ENGINE].recover(transaction)


async def identify_recovery(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """The username whose password is to be reset."""
    identifier = fields.get("identifier", "").strip()
    if not identifier:
        raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("identifier",),))
    return await request.app[ENGINE].identify_for_recovery(transaction, identifier)


async def unlock(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """ "Unlock account?"."""
    return await request.app[ENGINE].unlock_account(transaction)


async def unlock_with(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """The unlock form: the username, and the button pressed (``{authenticator}/{method}``)."""
    key_name, _, method = fields.get(UNLOCK_CHOICE, "").partition("/")
    try:
        key = AuthenticatorKey(key_name)
    except ValueError:
        raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "unknown authenticator") from None
    identifier = fields.get("identifier", "").strip()
    if not identifier:
        raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("identifier",),))
    engine = request.app[ENGINE]
    return await engine.choose_unlock_authenticator(
        transaction, identifier, engine.authenticators.of(key), method or None, delivery(request)
    )


async def sign_up(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """ "Sign up": the sign-up form."""
    return await request.app[ENGINE].start_sign_up(transaction)


async def register(request: web.Request, transaction: Transaction, fields: Fields) -> Transaction:
    """The sign-up form's attributes as the ``userProfile`` the engine checks: a ticked checkbox is ``true``, one
    left unticked ``false``; a value no checkbox sends goes on as typed, for the engine to refuse."""
    engine = request.app[ENGINE]
    profile: dict[str, object] = {}
    for attribute in engine.policy.registration.attributes:
        value = fields.get(f"{PROFILE_FIELD}{attribute.name}")
        if attribute.type is AttributeType.BOOLEAN:
            profile[attribute.name] = value == "true" if value in (None, "true") else value
        elif value is not None:
            profile[attribute.name] = value
    return await engine.sign_up(transaction, profile)


ACCOUNT_ACTIONS = {
    "recover": recover,
    "identify_recovery": identify_recovery,
    "unlock": unlock,
    "unlock_with": unlock_with,
    "sign_up": sign_up,
    "register": register,
}
