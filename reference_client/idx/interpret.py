"""What an IDX document means for sign-in: its status and the choices it offers.

Pure functions over `IdxDocument`; the network order of calls lives in `client.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import IdxContext
from .document import Field, IdxDocument, Option, Remediation, unwrap
from .results import AuthenticationStatus as Status
from .results import AuthenticatorOption, AuthResponse, MethodOption

PUSH_REJECTED_KEY = "api.authn.poll.error.push_rejected"

# Checked in this order, so a primary step wins over the `select-authenticator-authenticate` Okta always adds
# ("Verify with something else").
_STATUS_BY_REMEDIATION = (
    ("challenge-poll", Status.AwaitingChallengeAuthenticatorPollResponse),
    ("challenge-authenticator", Status.AwaitingAuthenticatorVerification),
    ("authenticator-verification-data", Status.AwaitingChallengeAuthenticatorData),
    ("select-authenticator-authenticate", Status.AwaitingAuthenticatorSelection),
    ("select-authenticator-enroll", Status.AwaitingAuthenticatorEnrollment),
    ("reenroll-authenticator", Status.PasswordExpired),
    ("identify", Status.AwaitingIdentification),
)

_KNOWN_AUTHENTICATOR_NAMES = {"okta_verify": "Okta Verify", "okta_password": "Password", "okta_email": "Email"}


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
    poll = doc.remediation("challenge-poll")
    current = doc.current_authenticator or {}
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
    )


def authenticator_options(doc: IdxDocument) -> tuple[AuthenticatorOption, ...]:
    """The authenticators `select-authenticator-authenticate` offers, labelled for people."""
    form = doc.remediation("select-authenticator-authenticate")
    return tuple(_authenticator_option(o) for o in _options(form, "authenticator")) if form else ()


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
    """The selection option of the authenticator in play (`currentAuthenticator`), to use another of its methods."""
    return find_authenticator_option(doc, authenticator_id=(doc.current_authenticator or {}).get("id"))


def method_choices(doc: IdxDocument) -> tuple[MethodOption, ...]:
    """The methods (push, totp...) the user can pick for the authenticator in play.

    From `authenticator-verification-data` right after the authenticator was picked; otherwise (push pending,
    push rejected, code entry) from that authenticator's option in `select-authenticator-authenticate`.
    """
    verification = doc.remediation("authenticator-verification-data")
    if verification and (authenticator := verification.field("authenticator")):
        return _methods(authenticator.sub_field("methodType"))
    option = current_authenticator_option(doc)
    return _methods(option.form_field("methodType")) if option else ()


def credential_name(form: Remediation) -> str:
    """The field a code goes in (`totp` for Okta Verify, `passcode` otherwise), as the server's form names it."""
    credentials = form.field("credentials")
    names = [f.name for f in (credentials.form or ())] if credentials else []
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


def _correct_answer(current: Mapping[str, Any]) -> str | None:
    contextual = current.get("contextualData")
    answer = contextual.get("correctAnswer") if isinstance(contextual, Mapping) else None
    return None if answer is None else str(answer)
