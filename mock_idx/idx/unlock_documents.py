"""The documents of self-service unlock: "Unlock account?" on the identify page, the unlock form (username and
authenticator), and Okta's "unlocked" message at the end. The challenge between them is every other challenge's
document (:func:`.authenticator_documents.challenge`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model.transaction import Transaction
from . import authenticator_forms as forms
from .authenticator_forms import AuthenticatorView
from .forms import Form, as_array
from .messages import UNLOCKED, message, messages

if TYPE_CHECKING:
    from .render import DocumentContext


def unlock_link(transaction: Transaction, context: DocumentContext) -> list[Form]:
    """The identify page's ``unlock-account`` remediation, after ``identify``, when the org allows self-service
    unlock (none otherwise)."""
    if not context.lockout.self_service_unlock:
        return []
    return [forms.unlock_account(context, transaction.state_handle)]


def select_unlock(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    """Who to unlock, and which authenticator proves it: those the lockout policy unlocks with, with its methods."""
    lockout = context.lockout
    views = [
        AuthenticatorView(key.value, context.authenticators.of(key), lockout.methods_for(key))
        for key in lockout.unlock_authenticators()
    ]
    select = forms.select_authenticator_unlock_account(context, transaction.state_handle, views)
    return {
        "remediation": as_array([select]),
        "authenticators": forms.authenticators_list(views),
        "authenticatorEnrollments": forms.unlock_enrollments_list(views),
    }


def unlocked(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    """Okta's answer once the challenge is met (v3 capture ``unlock-account-success``): an ``INFO`` message, nothing
    left to do but cancel (back to sign in)."""
    return {"messages": messages(message(*UNLOCKED, message_class="INFO"))}
