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
ANSWER_FIELD = ("credentials", "answer")
PROFILE_EMAIL_FIELD = ("userProfile", "email")
"""The sign-up form's email attribute (the new user's login)."""
"""The security question answer: in an enrollment form it sits in each ``credentials`` option's form."""


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    key: str | None
    """Okta's i18n key; ``None`` for the few messages Okta sends without one (then there is no ``i18n`` at all)."""
    text: str
    placement: Placement
    with_state_handle: bool = True
    field: tuple[str, ...] = ()
    """Where a :attr:`Placement.FIELD` message goes when the error names no field itself."""
    params: tuple[Any, ...] = ()
    """The i18n params Okta sends with the key (the minimum answer length)."""
    detailed: bool = False
    """The message ends with a detail known only at run time (the password requirements): :func:`error_message`
    appends it to ``text`` and sends it as the one i18n param."""
    labelled: bool = False
    """The text names the field by its label (``{0}``), known only at run time (the detail), which is also the one
    i18n param (the sign-up form's messages)."""
    also: tuple[tuple[str, str], ...] = ()
    """Further messages Okta puts on the same field with this one: each ``(key, text)``, labelled as ``text`` is."""


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
    # Captures error-401-invalid-otp-passcode (email), error-authenticator-challenge-phone-invalid-otp and
    # error-authenticator-enroll-{email,phone,google}-invalid-otp: the same message on credentials.passcode.
    Reason.OTP_INVALID: ErrorSpec(
        401, "api.authn.error.PASSCODE_INVALID", "Invalid code. Try again.", Placement.FIELD, field=PASSCODE_FIELD
    ),
    # No capture shows an expired code apart from a wrong one: Okta answers both alike.
    Reason.OTP_EXPIRED: ErrorSpec(
        401, "api.authn.error.PASSCODE_INVALID", "Invalid code. Try again.", Placement.FIELD, field=PASSCODE_FIELD
    ),
    # Capture error-authenticator-verification-on-google-otp-invalid-passcode, served 403 by the widget's tests.
    Reason.SOFT_TOKEN_INVALID: ErrorSpec(
        403,
        "authfactor.challenge.soft_token.invalid_passcode",
        "API error: Your code doesn't match our records. Please try again.",
        Placement.FIELD,
        field=PASSCODE_FIELD,
    ),
    # The widget's error-authenticator-verify-password fixture: a global message, the password form kept.
    Reason.PASSWORD_INVALID: ErrorSpec(401, "incorrectPassword", "Password is incorrect", Placement.GLOBAL),
    Reason.ANSWER_INVALID: ErrorSpec(
        401,
        "authfactor.challenge.question_factor.answer_invalid",
        "Your answer doesn't match our records. Please try again.",
        Placement.FIELD,
        field=ANSWER_FIELD,
    ),
    # okta-idx-dotnet enroll-with-invalid-phone-number-response and okta-idx-java credential-enroll-phone-number-
    # response: a top-level message with no i18n key (the widget's playground copy with a key is hand-edited).
    Reason.PHONE_NUMBER_INVALID: ErrorSpec(
        400, None, "Unable to initiate factor enrollment: Invalid Phone Number.", Placement.GLOBAL
    ),
    # v3 capture challenge/answer/authenticator-enroll-password-requirements-not-met: the text ends with the policy's
    # requirements, which are also the key's one param.
    Reason.PASSWORD_REQUIREMENTS_NOT_MET: ErrorSpec(
        400,
        "password.passwordRequirementsNotMet",
        "Password requirements were not met.",
        Placement.FIELD,
        field=PASSCODE_FIELD,
        detailed=True,
    ),
    # v3 capture challenge/answer/enroll-security-question-with-character-limit-error, served 400 by its scenario.
    Reason.SECURITY_ANSWER_TOO_SHORT: ErrorSpec(
        400,
        "securityQuestion.answer.tooShort.arg",
        "The security question answer must be at least 4 characters in length",
        Placement.FIELD,
        field=ANSWER_FIELD,
        params=(4,),
    ),
    # No capture of this one: Okta's API wording (its errorCauses for such an answer), sent without an i18n key
    # rather than with an invented one.
    Reason.SECURITY_ANSWER_CONTAINS_QUESTION: ErrorSpec(
        400,
        None,
        "The security question answer is too weak, answer must not be part of the question",
        Placement.FIELD,
        field=ANSWER_FIELD,
    ),
    Reason.AUTHENTICATOR_NOT_ENROLLABLE: ErrorSpec(
        400, "E0000001", "Api validation failed: authenticator", Placement.GLOBAL
    ),
    # Captures error-authenticator-phone-{sms,voice}-ratelimit (the voice one, served 429, keeps the form).
    Reason.SMS_RATE_LIMITED: ErrorSpec(
        429, "errors.E0000150", "You have reached the limit of sms requests, please try again later.", Placement.GLOBAL
    ),
    Reason.VOICE_RATE_LIMITED: ErrorSpec(
        429, "errors.E0000151", "You have reached the limit of call requests, please try again later.", Placement.GLOBAL
    ),
    Reason.EMAIL_RATE_LIMITED: ErrorSpec(429, "tooManyRequests", "Too many requests", Placement.GLOBAL),
    # The widget's login.properties keys for a value a field does not allow, and for one too long.
    Reason.FIELD_INVALID: ErrorSpec(
        400, "model.validation.field.invalid", "This field has an invalid value", Placement.FIELD
    ),
    Reason.FIELD_TOO_LONG: ErrorSpec(
        400,
        "model.validation.field.string.maxLength",
        "This field cannot exceed the maximum allowed characters",
        Placement.FIELD,
        field=ANSWER_FIELD,
    ),
    # No capture: a plain text with no i18n key (as Okta sends the invalid phone number), on the email field.
    Reason.EMAIL_ADDRESS_INVALID: ErrorSpec(400, None, "Invalid email address.", Placement.FIELD, field=("email",)),
    # No capture of a locked user's sign-in: the widget's login.properties text for errors.E0000069, on the form kept
    # (so "Unlock account?" stays offered), 400 like the wrong password it stands in for. Only when the lockout policy
    # shows lockout failures; otherwise a locked user gets AUTHENTICATION_FAILED, as okta-auth-js's tests show.
    Reason.ACCOUNT_LOCKED: ErrorSpec(
        400, "errors.E0000069", "Your account is locked because of too many authentication attempts.", Placement.GLOBAL
    ),
    # The widget's error-400-unlock-account fixture: the message at the top, the unlock form kept.
    Reason.UNLOCK_NOT_ALLOWED: ErrorSpec(
        400,
        "oie.selfservice.user.unlock.not.allowed",
        "Self Service Unlock is not allowed at this time. Please contact support for assistance.",
        Placement.GLOBAL,
    ),
    # The widget's error-identify-access-denied and error-403-access-denied fixtures (served 403 from identify by its
    # tests): the envelope and this one message, no remediation; the sign-in is over. Also the answer to a sign-in whose
    # user may no longer sign in (suspended, deactivated since it began): no capture shows that case, a guess.
    Reason.ACCESS_DENIED: ErrorSpec(
        403, "security.access_denied", "You do not have permission to perform the requested action.", Placement.TERMINAL
    ),
    # The widget's error-request-activation-email-expired-token and -suspended fixtures: the introspect of a sign-in
    # opened with an activation token, served 200 by the widget's tests (RequestActivationEmail_spec). A 4xx could not
    # be it: okta-auth-js reads a failed introspect's body only when it is plain application/json, never Okta's ion.
    Reason.ACTIVATION_TOKEN_EXPIRED: ErrorSpec(
        200,
        "idx.expired.activation.token",
        "Your account activation link is no longer valid. Contact your administrator to request a new activation link.",
        Placement.TERMINAL,
    ),
    Reason.ACTIVATING_USER_INACTIVE: ErrorSpec(
        200,
        "idx.activating.inactive.user",
        "Your account has been temporarily suspended. Contact your administrator for further assistance.",
        Placement.TERMINAL,
    ),
    # The widget's error-authenticator-enroll-password-common fixture: a password in Okta's common-password dictionary.
    Reason.PASSWORD_COMMON: ErrorSpec(
        400,
        "password.common",
        "This password was found in a list of commonly used passwords. Please try another password.",
        Placement.FIELD,
        field=PASSCODE_FIELD,
        params=("",),
    ),
    # The sign-up form (enroll-profile). Its refusals are served 400, as okta-idx-java serves its capture
    # enroll-profile-error-response.json (the widget's tests serve the same bodies 403).
    Reason.FIELD_TOO_SHORT: ErrorSpec(
        400,
        "model.validation.field.string.minLength",
        "This field cannot be less than the minimum required characters",
        Placement.FIELD,
    ),
    Reason.FIELD_WRONG_TYPE: ErrorSpec(
        400, "model.validation.field.wrong.type", "This field is of the wrong type", Placement.FIELD
    ),
    # Captures error-new-signup-email (widget) and enroll-profile-error-response (okta-idx-java): both messages, in
    # that order, on the email attribute, its label as the param.
    Reason.PROFILE_EMAIL_INVALID: ErrorSpec(
        400,
        "registration.error.invalidLoginEmail",
        "'{0}' must be in the form of an email address",
        Placement.FIELD,
        field=PROFILE_EMAIL_FIELD,
        labelled=True,
        also=(
            (
                "registration.error.doesNotMatchPattern",
                "Provided value for property '{0}' does not match required pattern",
            ),
        ),
    ),
    # Capture error-new-signup-email-exists.
    Reason.LOGIN_NOT_UNIQUE: ErrorSpec(
        400,
        "registration.error.notUniqueWithinOrg",
        "A user with this {0} already exists",
        Placement.FIELD,
        field=PROFILE_EMAIL_FIELD,
        labelled=True,
    ),
}

UNLOCKED = ("oie.selfservice.unlock_user.success.message", "Your account is now unlocked!")
"""The widget's v3 capture ``unlock-account-success`` (okta-auth-js's samples, run against a real org, look for
"unlocked!"), an ``INFO`` message on a document with nothing left to do."""
PUSH_REJECTED = ("api.authn.poll.error.push_rejected", "You have chosen to reject this login.")
TOO_MANY_REQUESTS = ("tooManyRequests", "Too many requests")
RECOVERY_COMPLETED = ("idx.recovery.completed", "You can now sign in with your existing username and new password.")
"""Widget fixture terminal-reset-password-success: the INFO message ending a recovery whose policy signs no one in."""
PASSWORD_EXPIRING = (
    "idx.password.expiring.message",
    "When your password expires, you will have to change your password before you can login to your {0} account.",
)
"""Widget fixture authenticator-expiry-warning-password: the INFO message beside "Your password will expire in N
days" (``{0}``: the org's name)."""


def message(key: str | None, text: str, message_class: str = "ERROR", params: tuple[Any, ...] = ()) -> dict[str, Any]:
    """One IDX message; without a key it has no ``i18n`` (as Okta sends a few of its messages)."""
    if key is None:
        return {"message": text, "class": message_class}
    return {"message": text, "i18n": {"key": key, "params": list(params)}, "class": message_class}


def error_message(reason: Reason, detail: str = "") -> dict[str, Any]:
    """The message for a refused step, its run-time ``detail`` included when its row takes one (the password
    requirements); for every other row it is ``message(spec.key, spec.text)`` with the row's params."""
    spec = ERRORS[reason]
    if spec.detailed:
        text = f"{spec.text} {detail}" if detail else spec.text
        return message(spec.key, text, params=(detail,))
    if spec.labelled:
        return message(spec.key, spec.text.format(detail), params=(detail,))
    return message(spec.key, spec.text, params=spec.params)


def error_messages(reason: Reason, detail: str = "") -> list[dict[str, Any]]:
    """Every message a refused step puts on its field: :func:`error_message`'s, then the row's ``also``."""
    spec = ERRORS[reason]
    return [
        error_message(reason, detail),
        *(message(key, text.format(detail), params=(detail,)) for key, text in spec.also),
    ]


def messages(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "value": list(items)}
