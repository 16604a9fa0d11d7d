"""What can go wrong in a sign-in, in the engine's own words.

:mod:`mock_idx.idx.messages` decides how each reason looks on the wire (status code, Okta message key); the engine
only says what happened and to which transaction, so the same transaction can be re-rendered with the error attached.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .transaction import Transaction


class Reason(str, Enum):
    SESSION_EXPIRED = "session_expired"
    AUTHENTICATION_FAILED = "authentication_failed"
    PASSCODE_INVALID = "passcode_invalid"
    PASSCODE_REUSED = "passcode_reused"
    VERIFICATION_TIMED_OUT = "verification_timed_out"
    MALFORMED_REQUEST = "malformed_request"
    INVALID_AUTHENTICATOR = "invalid_authenticator"
    STEP_UNAVAILABLE = "step_unavailable"
    FIELD_REQUIRED = "field_required"
    """A required field of the form was missing or blank: the form again, the message on each such field."""
    OTP_INVALID = "otp_invalid"
    """A wrong one-time code for email or phone, or a wrong first code while enrolling any authenticator (Google
    Authenticator's included): the message goes on ``credentials.passcode``."""
    OTP_EXPIRED = "otp_expired"
    """An email or phone code that has expired. Okta does not tell it from a wrong one: same key, same text."""
    SOFT_TOKEN_INVALID = "soft_token_invalid"
    """A wrong Google Authenticator code at verification (Okta's older soft-token wording, not ``OTP_INVALID``'s)."""
    PHONE_NUMBER_INVALID = "phone_number_invalid"
    """The phone number given to enroll cannot be used (not a valid number once normalised to E.164)."""
    PASSWORD_REQUIREMENTS_NOT_MET = "password_requirements_not_met"
    """A new password breaks the org's password policy; the refusal's detail lists the policy's requirements."""
    SECURITY_ANSWER_TOO_SHORT = "security_answer_too_short"
    """A security question answer shorter than Okta's minimum (4 characters)."""
    SECURITY_ANSWER_CONTAINS_QUESTION = "security_answer_contains_question"
    """A security question answer that repeats words of its question."""
    AUTHENTICATOR_NOT_ENROLLABLE = "authenticator_not_enrollable"
    """The authenticator named for enrollment is not one the org offers this user to enroll."""
    SMS_RATE_LIMITED = "sms_rate_limited"
    """Another SMS asked for too soon after the last one."""
    VOICE_RATE_LIMITED = "voice_rate_limited"
    """Another voice call asked for too soon after the last one."""
    EMAIL_RATE_LIMITED = "email_rate_limited"
    """Another email asked for too soon after the last one."""
    PASSWORD_INVALID = "password_invalid"
    """The password challenge of an identifier-first sign-in was answered wrong."""
    ANSWER_INVALID = "answer_invalid"
    """A security question answered wrong."""
    FIELD_INVALID = "field_invalid"
    """A field whose value the form does not allow (an unknown question key, a question with HTML in it)."""
    FIELD_TOO_LONG = "field_too_long"
    EMAIL_ADDRESS_INVALID = "email_address_invalid"
    """Where Okta Verify's activation link should go is no email address."""
    ACCOUNT_LOCKED = "account_locked"
    """The account is locked out and the lockout policy shows lockout failures (otherwise a locked user is answered
    as a wrong password is)."""
    UNLOCK_NOT_ALLOWED = "unlock_not_allowed"
    """Self-service unlock asked for with an authenticator (or method) the lockout policy does not unlock with."""
    ACCESS_DENIED = "access_denied"
    """The app's authentication policy denies this user access (a rule whose outcome is "Access is denied"), or a
    sign-in under way whose user can no longer sign in (suspended, deactivated... since it began)."""
    ACTIVATION_TOKEN_EXPIRED = "activation_token_expired"
    """The activation link a sign-in was opened with is past its lifetime."""
    ACTIVATING_USER_INACTIVE = "activating_user_inactive"
    """The activation link's user was suspended before activating."""
    PASSWORD_COMMON = "password_common"
    """A new password found in the list of common passwords (and breaking no other rule of the policy)."""
    FIELD_TOO_SHORT = "field_too_short"
    FIELD_WRONG_TYPE = "field_wrong_type"
    """A field whose JSON type the form does not take (a number for a name)."""
    PROFILE_EMAIL_INVALID = "profile_email_invalid"
    """A sign-up form's email attribute is no email address; the detail is the attribute's label."""
    LOGIN_NOT_UNIQUE = "login_not_unique"
    """A sign-up with the email (the login) of a user the org already has; the detail is the attribute's label."""


class IdxError(Exception):
    """A sign-in step was refused. ``transaction`` is set when the answer should re-render its current state;
    ``fields`` names the form fields the message belongs on, each as its path (``("credentials", "totp")``)."""

    def __init__(
        self,
        reason: Reason,
        transaction: Transaction | None = None,
        detail: str = "",
        fields: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        super().__init__(detail or reason.value)
        self.reason = reason
        self.transaction = transaction
        self.detail = detail
        self.fields = fields


class OAuthError(Exception):
    """An OAuth 2.0 error (RFC 6749 section 5.2): ``error`` is the standard code, ``description`` the human text."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


class NotFound(Exception):
    """What a control request names does not exist: a user, a pending push, a fault rule, a built-in scenario."""


class Conflict(Exception):
    """A control request that would undo what was already decided: an Okta Verify activation used once already.
    Answered 409; nothing is changed."""


class UnknownAuthorizationServer(Exception):
    """A path names an authorization server the org does not have; Okta answers that before any OAuth code runs,
    with its classic ``E0000007`` body, not an OAuth error."""

    def __init__(self, server_id: str) -> None:
        super().__init__(f"Not found: Resource not found: {server_id[:100]} (AuthorizationServer)")


class ControlError(ValueError):
    """A control-API request the server cannot take: a body that is not the JSON (or scenario text) it needs, or one
    that asks for something impossible; ``errors`` lists the problems field by field when there are several (a
    scenario, a user body)."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class StoreUnavailable(Exception):
    """The org's store cannot be reached (Redis down or restarting). Nothing was changed by the refused request; the
    web layer answers Okta's 503, and the org carries on once the store is back."""
