"""What an IDX document means for sign-in: its status and the choices it offers.

Pure functions over `IdxDocument`; the network order of calls lives in `client.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import IdxContext
from .document import Field, IdxDocument, Option, Remediation, unwrap
from .results import AuthenticationStatus as Status
from .results import (
    AuthenticatorOption,
    AuthResponse,
    ContextualData,
    CredentialInput,
    MethodOption,
    PasswordPolicy,
    QuestionChoice,
)

PUSH_REJECTED_KEY = "api.authn.poll.error.push_rejected"

# Checked in this order, so a primary step wins over the `select-authenticator-authenticate` (or, while enrolling,
# `select-authenticator-enroll` and `select-enrollment-channel`) Okta always adds ("Verify with something else").
_STATUS_BY_REMEDIATION = (
    ("challenge-poll", Status.AwaitingChallengeAuthenticatorPollResponse),
    ("challenge-authenticator", Status.AwaitingAuthenticatorVerification),
    ("enroll-authenticator", Status.AwaitingAuthenticatorVerification),
    ("enroll-poll", Status.AwaitingPollEnrollment),
    ("enrollment-channel-data", Status.AwaitingChannelDataEnrollment),
    ("authenticator-enrollment-data", Status.AwaitingAuthenticatorEnrollmentData),
    ("authenticator-verification-data", Status.AwaitingChallengeAuthenticatorData),
    ("select-authenticator-authenticate", Status.AwaitingAuthenticatorSelection),
    ("select-authenticator-enroll", Status.AwaitingAuthenticatorEnrollment),
    ("reset-authenticator", Status.AwaitingPasswordReset),
    ("reenroll-authenticator", Status.PasswordExpired),
    ("reenroll-authenticator-warning", Status.PasswordExpiryWarning),
    ("identify-recovery", Status.AwaitingRecoveryIdentification),
    ("identify", Status.AwaitingIdentification),
)

_KNOWN_AUTHENTICATOR_NAMES = {"okta_verify": "Okta Verify", "okta_password": "Password", "okta_email": "Email"}
ANSWER_FORMS = ("challenge-authenticator", "enroll-authenticator")
"""The forms a code or an answer goes in: verifying an enrolled authenticator, or proving a new one."""
POLL_FORMS = ("challenge-poll", "enroll-poll")
PASSWORD_FORMS = ("reset-authenticator", "reenroll-authenticator", "reenroll-authenticator-warning")
"""The forms a new password goes in: after "Forgot password?", when it has expired, and when it is about to."""


def status_of(doc: IdxDocument) -> Status:
    """The .NET-style status of a document.

    A rejected push is recognised from the reply itself (its message, or the top-level `resend` remediation Okta
    offers instead of `challenge-poll`), not only on the next introspect as the .NET SDK does.
    """
    if doc.interaction_code:
        return Status.Success
    if doc.has("challenge-poll"):
        return Status.AwaitingChallengeAuthenticatorPollResponse
    if doc.has("resend") or any(m.key == PUSH_REJECTED_KEY for m in doc.messages):
        return Status.PushChallengeFailed
    for name, status in _STATUS_BY_REMEDIATION:
        if doc.has(name):
            return status
    return Status.Unsupported if doc.remediations else Status.Terminal


def describe(doc: IdxDocument, context: IdxContext | None) -> AuthResponse:
    """Everything a page needs from a (non-success) document, as a typed response."""
    status = status_of(doc)
    poll = next((form for name in POLL_FORMS if (form := doc.remediation(name))), None)
    current = doc.current_authenticator or {}
    answer = answer_form(doc) or password_form(doc)
    return AuthResponse(
        status=status,
        context=None if status is Status.Terminal else context,
        messages=doc.messages,
        authenticators=authenticator_options(doc),
        current_authenticator=_current_authenticator(current),
        method_types=method_choices(doc),
        correct_answer=_correct_answer(current),
        refresh_ms=poll.refresh if poll else None,
        can_resend=doc.has("resend") or doc.current_authenticator_action("resend") is not None,
        remediations=tuple(r.name for r in doc.remediations),
        enroll_authenticators=enroll_authenticator_options(doc),
        can_skip=doc.has("skip"),
        enrollment_channels=enrollment_channels(doc),
        credential_inputs=credential_inputs(answer) if answer else (),
        question_choices=question_choices(answer) if answer else (),
        channel_input=channel_input(doc),
        contextual=contextual_data(current),
        password_policy=password_policy(doc),
        recovering=isinstance(unwrap(doc.raw.get("recoveryAuthenticator")), Mapping),
    )


def authenticator_options(doc: IdxDocument) -> tuple[AuthenticatorOption, ...]:
    """The authenticators `select-authenticator-authenticate` offers, labelled for people."""
    form = doc.remediation("select-authenticator-authenticate")
    return tuple(_authenticator_option(o) for o in _options(form, "authenticator")) if form else ()


def enroll_authenticator_options(doc: IdxDocument) -> tuple[AuthenticatorOption, ...]:
    """The authenticators `select-authenticator-enroll` offers to set up, labelled for people."""
    form = doc.remediation("select-authenticator-enroll")
    return tuple(_authenticator_option(o) for o in _options(form, "authenticator")) if form else ()


def find_enroll_option(doc: IdxDocument, authenticator_id: str) -> Option | None:
    """The `select-authenticator-enroll` option with this authenticator id."""
    form = doc.remediation("select-authenticator-enroll")
    return next((o for o in _options(form, "authenticator") if _option_id(o) == authenticator_id), None)


def enrollment_channels(doc: IdxDocument) -> tuple[MethodOption, ...]:
    """The ways Okta Verify can be set up instead (`select-enrollment-channel`), without the one in use: every
    capture lists them all, and the widget, like the guide's "More options" page, leaves the current one out."""
    form = doc.remediation("select-enrollment-channel")
    authenticator = form.field("authenticator") if form else None
    channels = _methods(authenticator.sub_field("channel") if authenticator else None)
    selected = contextual_data(doc.current_authenticator or {}).selected_channel
    return tuple(c for c in channels if c.value != selected)


def answer_form(doc: IdxDocument) -> Remediation | None:
    """The form a code or answer goes in now, if any."""
    return next((form for name in ANSWER_FORMS if (form := doc.remediation(name))), None)


def password_form(doc: IdxDocument) -> Remediation | None:
    """The form a new password goes in now, if any."""
    return next((form for name in PASSWORD_FORMS if (form := doc.remediation(name))), None)


def password_policy(doc: IdxDocument) -> PasswordPolicy | None:
    """The requirements of a new password, from the password authenticator's `settings` (None when no new password
    is asked for). Values of the wrong type count as absent: the page then lists fewer rules, the server still
    checks them all."""
    if password_form(doc) is None:
        return None
    settings = _object((doc.current_authenticator or {}).get("settings"))
    complexity, age = _object(settings.get("complexity")), _object(settings.get("age"))
    excluded = complexity.get("excludeAttributes")
    days = settings.get("daysToExpiry")
    return PasswordPolicy(
        min_length=_count(complexity.get("minLength")),
        min_lower_case=_count(complexity.get("minLowerCase")),
        min_upper_case=_count(complexity.get("minUpperCase")),
        min_number=_count(complexity.get("minNumber")),
        min_symbol=_count(complexity.get("minSymbol")),
        exclude_username=complexity.get("excludeUsername") is True,
        exclude_attributes=tuple(a for a in excluded if isinstance(a, str)) if isinstance(excluded, list) else (),
        history_count=_count(age.get("historyCount")),
        min_age_minutes=_count(age.get("minAgeMinutes")),
        days_to_expiry=_count(days) if isinstance(days, int) and not isinstance(days, bool) else None,
    )


def credential_inputs(form: Remediation) -> tuple[CredentialInput, ...]:
    """What the user types to answer `form`: the mutable fields of its `credentials` (one code, an answer, or a new
    password and whether to sign out elsewhere)."""
    credentials = form.field("credentials")
    fields = credentials.form if credentials and credentials.form is not None else ()
    return tuple(
        CredentialInput(f.name, f.label or f.name, f.secret, checkbox=f.type == "boolean") for f in fields if f.mutable
    )


def question_choices(form: Remediation) -> tuple[QuestionChoice, ...]:
    """The predefined security questions a security question enrollment offers (its `credentials` options: pick a
    question, or write one's own); empty for every other form."""
    credentials = form.field("credentials")
    for option in credentials.options if credentials else ():
        key_field = option.form_field("questionKey")
        if key_field is not None and key_field.options:
            return tuple(QuestionChoice(str(o.value), o.label or str(o.value)) for o in key_field.options)
    return ()


def channel_input(doc: IdxDocument) -> CredentialInput | None:
    """Where `enrollment-channel-data` asks Okta Verify's setup link to go: `email` or `phoneNumber`."""
    form = doc.remediation("enrollment-channel-data")
    field = next((f for f in form.fields if f.mutable), None) if form else None
    return CredentialInput(field.name, field.label or field.name) if field else None


def contextual_data(current: Mapping[str, Any]) -> ContextualData:
    """The current authenticator's `contextualData`, as the pages use it (`sent_to` falls back on the enrollment's
    masked `profile`: where a code is sent when verifying)."""
    contextual, profile = _object(current.get("contextualData")), _object(current.get("profile"))
    qr_code = contextual.get("qrcode")
    question = contextual.get("enrolledQuestion")
    sent_to = next(
        (where.get(k) for where in (contextual, profile) for k in ("email", "phoneNumber") if where.get(k)), None
    )
    return ContextualData(
        qr_code=_text(qr_code.get("href")) if isinstance(qr_code, Mapping) else None,
        shared_secret=_text(contextual.get("sharedSecret")),
        selected_channel=_text(contextual.get("selectedChannel")),
        sent_to=_text(sent_to),
        question=_text(question.get("question")) if isinstance(question, Mapping) else None,
    )


def find_authenticator_option(
    doc: IdxDocument, *, authenticator_id: str | None = None, key: str | None = None
) -> Option | None:
    """The `select-authenticator-authenticate` option with this id (its form's `id`) or authenticator key."""
    form = doc.remediation("select-authenticator-authenticate")
    for option in _options(form, "authenticator"):
        if (authenticator_id and _option_id(option) == authenticator_id) or (key and _option_key(option) == key):
            return option
    return None


def current_authenticator_option(doc: IdxDocument) -> Option | None:
    """The selection option of the authenticator in play, to use another of its methods.

    Found by id (`currentAuthenticator` names the `aut…` authenticator), else by key (`currentAuthenticatorEnrollment`
    names the user's enrollment, whose id no option carries).
    """
    current = doc.current_authenticator or {}
    found = find_authenticator_option(doc, authenticator_id=current.get("id"))
    return found or (find_authenticator_option(doc, key=current["key"]) if current.get("key") else None)


def method_choices(doc: IdxDocument) -> tuple[MethodOption, ...]:
    """The methods (push, totp...) the user can pick for the authenticator in play.

    From `authenticator-verification-data` right after the authenticator was picked (or `authenticator-enrollment-data`
    when setting up a phone: SMS or voice call); otherwise (push pending, push rejected, code entry) from that
    authenticator's option in `select-authenticator-authenticate`.
    """
    for name in ("authenticator-verification-data", "authenticator-enrollment-data"):
        data = doc.remediation(name)
        if data and (authenticator := data.field("authenticator")):
            return _methods(authenticator.sub_field("methodType"))
    option = current_authenticator_option(doc)
    return _methods(option.form_field("methodType")) if option else ()


def credential_name(form: Remediation) -> str:
    """The field a code goes in (`totp` for Okta Verify, `passcode` otherwise), as the server's form names it."""
    names = [entry.name for entry in credential_inputs(form)]
    return names[0] if len(names) == 1 else "passcode"


def _options(form: Remediation | None, field_name: str) -> tuple[Option, ...]:
    found = form.field(field_name) if form else None
    return found.options if found else ()


def _option_id(option: Option) -> str | None:
    id_field = option.form_field("id")
    return str(id_field.value) if id_field and id_field.value else None


def _option_target(option: Option) -> Mapping[str, Any]:
    target = unwrap(option.relates_to)
    return target if isinstance(target, Mapping) else {}


def _option_key(option: Option) -> str | None:
    return _option_target(option).get("key")


def _authenticator_option(option: Option) -> AuthenticatorOption:
    target = _option_target(option)
    key = target.get("key")
    label = option.label or target.get("displayName") or _KNOWN_AUTHENTICATOR_NAMES.get(key or "", key or "")
    return AuthenticatorOption(
        id=_option_id(option) or "", label=label, key=key, methods=_methods(option.form_field("methodType"))
    )


def _methods(method_field: Field | None) -> tuple[MethodOption, ...]:
    if method_field is None:
        return ()
    if method_field.options:
        return tuple(MethodOption(str(o.value), o.label or str(o.value)) for o in method_field.options)
    fixed = method_field.value
    return (MethodOption(str(fixed), method_field.label or str(fixed)),) if fixed else ()


def _current_authenticator(current: Mapping[str, Any]) -> AuthenticatorOption | None:
    if not current.get("id"):
        return None
    methods = tuple(MethodOption(m["type"], m["type"]) for m in current.get("methods") or () if "type" in m)
    return AuthenticatorOption(
        id=current["id"], label=current.get("displayName") or "", key=current.get("key"), methods=methods
    )


def _object(value: Any) -> Mapping[str, Any]:
    """A JSON object from the server, or an empty one for anything else."""
    return value if isinstance(value, Mapping) else {}


def _count(value: Any) -> int:
    """A non-negative whole number from the server, 0 for anything else (a rule that is not there)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _correct_answer(current: Mapping[str, Any]) -> str | None:
    contextual = current.get("contextualData")
    answer = contextual.get("correctAnswer") if isinstance(contextual, Mapping) else None
    return None if answer is None else str(answer)
