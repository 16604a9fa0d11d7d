"""Okta's IDX message keys and texts, and the status each refused IDX step is answered with: the one table for them.

The other areas' refusals (OAuth's ``error`` codes, the classic ``E0000…`` bodies) are shaped in :mod:`mock_idx.web`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..model.errors import Reason


class Placement(str, Enum):
    TERMINAL = "terminal"
    """A messages-only document: the sign-in cannot go on (the SDK reports TERMINAL)."""
    GLOBAL = "global"
    """The current form again, with the message at the top."""
    FIELD = "field"
    """The current form again, with the message on the fields concerned (the spec's own, else the error's)."""


TOTP_FIELD = ("credentials", "totp")
PASSCODE_FIELD = ("credentials", "passcode")


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    key: str
    text: str
    placement: Placement
    with_state_handle: bool = True
    field: tuple[str, ...] = ()
    """Where a :attr:`Placement.FIELD` message goes when the error names no field itself."""


ERRORS: dict[Reason, ErrorSpec] = {
    Reason.SESSION_EXPIRED: ErrorSpec(
        401,
        "idx.session.expired",
        "The session has expired.",
        Placement.TERMINAL,
        with_state_handle=False,
    ),
    # 400, as okta-idx-java's identify-error-response.json and okta-idx-dotnet's E0000004 identify answers are served.
    Reason.AUTHENTICATION_FAILED: ErrorSpec(400, "errors.E0000004", "Authentication failed", Placement.GLOBAL),
    Reason.PASSCODE_INVALID: ErrorSpec(
        401, "api.authn.error.PASSCODE_INVALID", "Invalid code. Try again.", Placement.FIELD, field=TOTP_FIELD
    ),
    Reason.PASSCODE_REUSED: ErrorSpec(
        403,
        "authfactor.challenge.soft_token.used_passcode",
        "API error: Each code can only be used once. Please wait for a new code and try again.",
        Placement.FIELD,
        field=TOTP_FIELD,
    ),
    Reason.VERIFICATION_TIMED_OUT: ErrorSpec(
        404,
        "core.system.transaction_resource_not_found",
        "Verification timed out. Please try again",
        Placement.TERMINAL,
    ),
    Reason.MALFORMED_REQUEST: ErrorSpec(400, "E0000003", "The request body was not well-formed.", Placement.GLOBAL),
    Reason.INVALID_AUTHENTICATOR: ErrorSpec(400, "E0000001", "Api validation failed: authenticator", Placement.GLOBAL),
    Reason.STEP_UNAVAILABLE: ErrorSpec(
        400, "E0000001", "Api validation failed: this step is not available now", Placement.GLOBAL
    ),
    # A field-level validation error on the form itself, served 400 like okta-idx-java's
    # enroll-profile-error-response.json; the key is the one the Sign-In Widget translates for a blank field.
    Reason.FIELD_REQUIRED: ErrorSpec(
        400, "model.validation.field.blank", "This field cannot be left blank", Placement.FIELD
    ),
    # The widget's error-authenticator-verify-password fixture: a global message, the password form kept.
    Reason.PASSWORD_INVALID: ErrorSpec(401, "incorrectPassword", "Password is incorrect", Placement.GLOBAL),
    Reason.SOFT_TOKEN_INVALID: ErrorSpec(
        401,
        "authfactor.challenge.soft_token.invalid_passcode",
        "API error: Your code doesn't match our records. Please try again.",
        Placement.FIELD,
        field=PASSCODE_FIELD,
    ),
    Reason.ANSWER_INVALID: ErrorSpec(
        401,
        "authfactor.challenge.question_factor.answer_invalid",
        "Your answer doesn't match our records. Please try again.",
        Placement.FIELD,
        field=("credentials", "answer"),
    ),
}

PUSH_REJECTED = ("api.authn.poll.error.push_rejected", "You have chosen to reject this login.")
TOO_MANY_REQUESTS = ("tooManyRequests", "Too many requests")


def message(key: str, text: str, message_class: str = "ERROR") -> dict[str, Any]:
    return {"message": text, "i18n": {"key": key, "params": []}, "class": message_class}


def messages(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "value": list(items)}
