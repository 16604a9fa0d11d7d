"""The documents of the steps that set a new password for a user who has one: recovery ("Forgot password?") and an
expired or expiring password, shaped as the widget's fixtures show them.

- ``identify-recovery``: the username to recover (``identify-recovery.json``, okta-idx-java's
  ``recover-transaction-response.json``).
- ``reset-authenticator``: the new password after a recovery factor was verified (``authenticator-reset-password``).
- ``reenroll-authenticator``: the password has expired (``authenticator-expired-password``).
- ``reenroll-authenticator-warning`` and ``skip``: it expires in N days (``authenticator-expiry-warning-password``:
  ``settings.daysToExpiry`` and the INFO message ``idx.password.expiring.message``).
- the terminal ``idx.recovery.completed`` (``terminal-reset-password-success``) when the recovery policy signs no one
  in after the reset.

:mod:`.render` adds the envelope (and, for the terminal one, nothing else).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model.authenticators import AuthenticatorKey
from ..model.outbox import DEFAULT_ORG_NAME
from ..model.transaction import Step, Transaction
from . import authenticator_forms as forms
from .forms import as_array, as_object, field, form, nested
from .messages import PASSWORD_EXPIRING, RECOVERY_COMPLETED, message, messages

if TYPE_CHECKING:
    from .render import DocumentContext

Document = dict[str, Any]
CURRENT = "$.currentAuthenticator"


def recover_action(context: DocumentContext, state_handle: str) -> dict[str, Any]:
    """The password's ``recover`` action ("Forgot password?"), as ``identify-with-password.json`` offers it on
    ``currentAuthenticator`` (and okta-auth-js looks for on ``currentAuthenticatorEnrollment`` too)."""
    return form("recover", context.idx("recover"), state_handle)


def recovery_authenticator(context: DocumentContext) -> dict[str, Any]:
    """``recoveryAuthenticator``: what a recovery resets, shown on every page of one (the captures' shape)."""
    return as_object(
        {
            "type": "password",
            "key": AuthenticatorKey.PASSWORD.value,
            "id": context.authenticators.password_id,
            "displayName": "Password",
            "methods": [{"type": "password"}],
        }
    )


def identify_recovery(transaction: Transaction, context: DocumentContext) -> Document:
    """ "Reset your password": the username alone."""
    identify = form(
        "identify-recovery",
        context.idx("identify"),
        transaction.state_handle,
        [field("identifier", label="Username", required=True)],
    )
    return {"remediation": as_array([identify])}


def reset_password(transaction: Transaction, context: DocumentContext) -> Document:
    """The new password, after a recovery factor was verified."""
    return _new_password(transaction, context, "reset-authenticator", sign_out_elsewhere=True)


def password_expired(transaction: Transaction, context: DocumentContext) -> Document:
    """ "Your password has expired": the new password before the sign-in goes on."""
    return _new_password(transaction, context, "reenroll-authenticator")


def password_expiring(transaction: Transaction, context: DocumentContext) -> Document:
    """ "Your password will expire in N days": a new one, or "Remind me later" (``skip``)."""
    document = _new_password(transaction, context, "reenroll-authenticator-warning", days=transaction.days_to_expiry)
    skip = forms.skip(context, transaction.state_handle)
    document["remediation"]["value"].append(skip)
    key, text = PASSWORD_EXPIRING
    document["messages"] = messages(
        message(key, text.replace("{0}", DEFAULT_ORG_NAME), "INFO", params=(DEFAULT_ORG_NAME,))
    )
    return document


def recovery_completed(transaction: Transaction, context: DocumentContext) -> Document:
    """Terminal: the password is reset, and the user signs in again with it. No form, no ``cancel``, the user."""
    document: Document = {"messages": messages(message(*RECOVERY_COMPLETED, "INFO"))}
    if transaction.user is not None:
        document["user"] = as_object({"id": transaction.user.id, "identifier": transaction.user.login})
    return document


STEP_DOCUMENTS = {
    Step.IDENTIFY_RECOVERY: identify_recovery,
    Step.RESET_PASSWORD: reset_password,
    Step.PASSWORD_EXPIRED: password_expired,
    Step.PASSWORD_EXPIRING: password_expiring,
    Step.RECOVERY_COMPLETED: recovery_completed,
}
TERMINAL_STEPS = frozenset({Step.RECOVERY_COMPLETED})
"""Steps whose document ends the sign-in: no ``cancel``, no ``app``, as the capture shows."""


def _new_password(
    transaction: Transaction,
    context: DocumentContext,
    name: str,
    *,
    sign_out_elsewhere: bool = False,
    days: int | None = None,
) -> Document:
    fields = [field("passcode", label="New password", secret=True)]
    if sign_out_elsewhere:  # accepted and ignored: mock-idx keeps no other sessions to end for a recovery
        fields.append(field("revokeSessions", type="boolean", label="Sign me out of all other devices"))
    answer = form(
        name,
        context.idx("challenge/answer"),
        transaction.state_handle,
        [nested("credentials", fields, required=True)],
        relates_to=CURRENT,
    )
    settings: dict[str, Any] = dict(context.password_settings or {})
    if days is not None:
        settings["daysToExpiry"] = days
    current = {
        "type": "password",
        "key": AuthenticatorKey.PASSWORD.value,
        "id": context.authenticators.password_id,
        "displayName": "Password",
        "methods": [{"type": "password"}],
        "settings": settings,
    }
    return {"remediation": as_array([answer]), "currentAuthenticator": as_object(current)}
