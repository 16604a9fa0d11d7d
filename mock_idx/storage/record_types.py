"""Which type each kind of short-lived record holds, for both stores (kept apart from :mod:`.codec`, which needs
pydantic, so the in-memory store imports it only when it first writes a record)."""

from __future__ import annotations

from typing import Any

from ..model.activation import ActivationIndex, OktaVerifyActivation
from ..model.authenticator_steps import EmailLink
from ..model.authorize import AuthorizationCode
from ..model.sessions import Session
from ..model.store import RecordKind
from ..model.user_lifecycle import AccountActivation

RECORD_TYPES: dict[RecordKind, type[Any]] = {
    RecordKind.SESSION: Session,
    RecordKind.AUTHORIZATION_CODE: AuthorizationCode,
    RecordKind.EMAIL_LINK: EmailLink,
    RecordKind.OKTA_VERIFY_ACTIVATION: OktaVerifyActivation,
    RecordKind.OKTA_VERIFY_ACTIVATIONS_OF_USER: ActivationIndex,
    RecordKind.ACCOUNT_ACTIVATION: AccountActivation,
}
"""The type of each kind of short-lived record (spent assertions and used activations hold no record)."""
