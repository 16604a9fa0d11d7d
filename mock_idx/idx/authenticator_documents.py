"""The documents of the steps every authenticator shares: the first factor's password challenge (identifier-first),
choosing among several authenticators, each one's challenge, and every enrollment step.

:mod:`.render` dispatches a step here and wraps the result in the envelope; the pieces come from
:mod:`.authenticator_forms`, which knows each remediation's shape. This module decides which pieces a step shows, in
Okta's order (the step's own form first, then the list to choose again), and turns the user's enrollments into the
views those pieces take.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypedDict

import pyotp

from ..model.activation import activation_uri, qr_png_data_uri
from ..model.authenticators import AuthenticatorKey
from ..model.directory import User
from ..model.ids import stable_id
from ..model.phone_numbers import masked
from ..model.security_questions import PREDEFINED_QUESTIONS as QUESTIONS
from ..model.transaction import Step, Transaction
from . import authenticator_forms as forms
from . import password_documents
from .authenticator_forms import AuthenticatorView
from .forms import as_array

if TYPE_CHECKING:
    from .render import DocumentContext

Document = dict[str, Any]

_ORG_METHODS = {
    AuthenticatorKey.PASSWORD: ("password",),
    AuthenticatorKey.OKTA_VERIFY: ("push", "totp"),
    AuthenticatorKey.EMAIL: ("email",),
    AuthenticatorKey.PHONE: ("sms", "voice"),
    AuthenticatorKey.GOOGLE: ("otp",),
    AuthenticatorKey.SECURITY_QUESTION: ("security_question",),
}
"""What each authenticator offers before anyone has enrolled it (the enrollment list shows these)."""


# --- views ---------------------------------------------------------------------------------------------------------


def org_view(key: AuthenticatorKey, context: DocumentContext) -> AuthenticatorView:
    """The org's authenticator, as the enrollment pages show it (the password with the org's password policy)."""
    settings = context.password_settings if key is AuthenticatorKey.PASSWORD else None
    return AuthenticatorView(key.value, context.authenticators.of(key), _ORG_METHODS[key], settings=settings)


def enrolled_view(key: AuthenticatorKey, user: User, context: DocumentContext) -> AuthenticatorView:
    """The user's enrollment of ``key``, as the verification pages show it (profile masked as Okta masks it)."""
    authenticator_id = context.authenticators.of(key)
    if key is AuthenticatorKey.OKTA_VERIFY and user.okta_verify is not None:
        enrollment = user.okta_verify
        methods = tuple(method.value for method in enrollment.methods)
        profile = {"deviceName": enrollment.device_name}
        return AuthenticatorView(key.value, authenticator_id, methods, enrollment.enrollment_id, profile)
    if key is AuthenticatorKey.EMAIL and user.email is not None:
        profile = {"email": masked_email(user.email_address)}
        return AuthenticatorView(key.value, authenticator_id, ("email",), user.email.enrollment_id, profile)
    if key is AuthenticatorKey.PHONE and user.phone is not None:
        profile = {"phoneNumber": masked(user.phone.number)}
        return AuthenticatorView(key.value, authenticator_id, ("sms", "voice"), user.phone.enrollment_id, profile)
    if key is AuthenticatorKey.GOOGLE and user.google is not None:
        return AuthenticatorView(key.value, authenticator_id, ("otp",), user.google.enrollment_id)
    if key is AuthenticatorKey.SECURITY_QUESTION and user.security_question is not None:
        question = user.security_question
        profile = {"questionKey": question.question_key, "question": question.question}
        return AuthenticatorView(key.value, authenticator_id, ("security_question",), question.enrollment_id, profile)
    return AuthenticatorView(key.value, authenticator_id, ("password",), stable_id("lae", user.id))


def masked_email(address: str) -> str:
    """``i**a@h***o.net``, as Okta shows an address it sends a code to: first and last letters of the name and of
    the domain's first label."""
    name, _, domain = address.partition("@")
    label, dot, rest = domain.partition(".")

    def hide(part: str) -> str:
        return part if len(part) <= 2 else f"{part[0]}{'*' * min(len(part) - 2, 3)}{part[-1]}"

    return f"{hide(name)}@{hide(label)}{dot}{rest}" if domain else hide(name)


# --- steps ---------------------------------------------------------------------------------------------------------


def identify_first(transaction: Transaction, context: DocumentContext) -> Document:
    """Identifier-first: the username alone."""
    return {"remediation": as_array([forms.identify_without_credentials(context, transaction.state_handle)])}


def challenge(transaction: Transaction, context: DocumentContext) -> Document:
    """A challenge: the first factor's (the password of an identifier-first sign-in, or the email of a user with no
    password yet: no list), or a second factor's code or answer, with the list to verify with something else."""
    key = _current(transaction)
    sh = transaction.state_handle
    if key is AuthenticatorKey.PASSWORD:  # the user is not known yet: any username gets the same page
        view = replace(org_view(key, context), enrollment_id=stable_id("lae", (transaction.identifier or "").lower()))
        answer = forms.challenge_authenticator(context, sh, view)
        current = forms.current_authenticator_enrollment(context, sh, view)
        if context.recovery:
            current["value"]["recover"] = password_documents.recover_action(context, sh)
        return {"remediation": as_array([answer]), "currentAuthenticatorEnrollment": current}
    view = _view(key, transaction, context)
    contextual = forms.enrolled_question_contextual_data(view) if key is AuthenticatorKey.SECURITY_QUESTION else None
    current = forms.current_authenticator_enrollment(
        context, sh, view, contextual=contextual, **_actions(transaction, key, context)
    )
    answer = forms.challenge_authenticator(context, sh, view)
    if not transaction.verified and not transaction.recovering:  # a user with no password yet: nothing else to choose
        return {"remediation": as_array([answer]), "currentAuthenticatorEnrollment": current}
    return {**_verification_list(transaction, context, answer), "currentAuthenticatorEnrollment": current}


def verification_data(transaction: Transaction, context: DocumentContext) -> Document:
    """The phone chosen without a method: SMS or voice call?"""
    view = _view(_current(transaction), transaction, context)
    data = forms.authenticator_verification_data(context, transaction.state_handle, view)
    current = forms.current_authenticator_enrollment(context, transaction.state_handle, view)
    return {**_verification_list(transaction, context, data), "currentAuthenticatorEnrollment": current}


def verification_list(transaction: Transaction, context: DocumentContext, primary: Document | None = None) -> Document:
    """ "Verify it's you" with one of several authenticators, after the step's own form when it has one (Okta Verify
    alone keeps :mod:`.render`'s own list, as every capture shows it)."""
    return _verification_list(transaction, context, primary)


def select_enroll(transaction: Transaction, context: DocumentContext) -> Document:
    """ "Set up security methods" (and "Set up later" when only optional ones are left)."""
    views = [org_view(key, context) for key in transaction.choices]
    remediations = [forms.select_authenticator_enroll(context, transaction.state_handle, views)]
    if transaction.optional:
        remediations.append(forms.skip(context, transaction.state_handle))
    return {"remediation": as_array(remediations), "authenticators": forms.authenticators_list(views)}


def enrollment_data(transaction: Transaction, context: DocumentContext) -> Document:
    """The phone number to enroll."""
    view = org_view(_current(transaction), context)
    data = forms.authenticator_enrollment_data(context, transaction.state_handle, view)
    current = forms.current_authenticator(context, transaction.state_handle, view)
    return {**_enrollment_list(transaction, context, data), "currentAuthenticator": current}


def enroll(transaction: Transaction, context: DocumentContext) -> Document:
    """Proving a new authenticator: the code sent to it, Google Authenticator's first code, a question."""
    key = _current(transaction)
    sh = transaction.state_handle
    view = org_view(key, context)
    contextual: dict[str, Any] | None = None
    if key is AuthenticatorKey.GOOGLE and transaction.pending and transaction.pending.google_secret:
        secret = transaction.pending.google_secret
        uri = google_authenticator_uri(secret, _user(transaction).login, context.base_url)
        contextual = forms.google_otp_contextual_data(qr_png_data_uri(uri), secret)
    elif key is AuthenticatorKey.SECURITY_QUESTION:
        contextual = forms.security_question_contextual_data(QUESTIONS)
    current = forms.current_authenticator(
        context, sh, view, contextual=contextual, **_actions(transaction, key, context)
    )
    questions = QUESTIONS if key is AuthenticatorKey.SECURITY_QUESTION else None
    answer = forms.enroll_authenticator(context, sh, view, questions=questions)
    return {**_enrollment_list(transaction, context, answer), "currentAuthenticator": current}


def okta_verify_enroll_poll(transaction: Transaction, context: DocumentContext) -> Document:
    """Waiting for Okta Verify: the QR code, or the address or number the link went to."""
    sh = transaction.state_handle
    view = org_view(AuthenticatorKey.OKTA_VERIFY, context)
    pending = transaction.pending
    assert pending is not None and pending.activation_token is not None
    if pending.channel == "qrcode":
        uri = activation_uri(context.base_url, pending.activation_token, _user(transaction).login, view.id)
        current = forms.okta_verify_enrollment_authenticator(
            context, sh, view, "qrcode", qr_code_href=qr_png_data_uri(uri)
        )
    else:
        current = forms.okta_verify_enrollment_authenticator(
            context, sh, view, pending.channel, sent_to=pending.channel_target
        )
    poll = forms.enroll_poll(context, sh, context.poll_refresh_ms)
    channels = forms.select_enrollment_channel(context, sh, view)
    return {**_enrollment_list(transaction, context, poll, channels), "currentAuthenticator": current}


def okta_verify_channel_data(transaction: Transaction, context: DocumentContext) -> Document:
    """Where Okta Verify's activation link should go."""
    sh = transaction.state_handle
    view = org_view(AuthenticatorKey.OKTA_VERIFY, context)
    assert transaction.pending is not None
    channel = transaction.pending.channel
    data = forms.enrollment_channel_data(context, sh, channel)
    channels = forms.select_enrollment_channel(context, sh, view)
    current = forms.okta_verify_enrollment_authenticator(context, sh, view, channel)
    return {**_enrollment_list(transaction, context, data, channels), "currentAuthenticator": current}


def google_authenticator_uri(secret: str, login: str, org_url: str) -> str:
    """The ``otpauth://`` URI Google Authenticator scans (its issuer is the org's host, as Okta's)."""
    issuer = org_url.split("://", 1)[-1].split("/", 1)[0]
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=issuer)


STEP_DOCUMENTS = {
    Step.CHALLENGE: challenge,
    Step.VERIFICATION_DATA: verification_data,
    Step.SELECT_ENROLL: select_enroll,
    Step.ENROLLMENT_DATA: enrollment_data,
    Step.ENROLL: enroll,
    Step.OV_ENROLL_POLL: okta_verify_enroll_poll,
    Step.OV_ENROLL_CHANNEL_DATA: okta_verify_channel_data,
}


# --- parts ---------------------------------------------------------------------------------------------------------


def _verification_list(transaction: Transaction, context: DocumentContext, primary: Document | None) -> Document:
    views = [_view(key, transaction, context) for key in transaction.choices]
    select = forms.select_authenticator_authenticate(context, transaction.state_handle, views)
    return {
        "remediation": as_array([r for r in (primary, select) if r is not None]),
        "authenticators": forms.authenticators_list(views),
        "authenticatorEnrollments": forms.enrollments_list(views),
    }


def _enrollment_list(transaction: Transaction, context: DocumentContext, *primary: Document) -> Document:
    views = [org_view(key, context) for key in transaction.choices]
    select = forms.select_authenticator_enroll(context, transaction.state_handle, views)
    return {"remediation": as_array([*primary, select]), "authenticators": forms.authenticators_list(views)}


class _Actions(TypedDict):
    method: str | None
    resend: bool
    poll_refresh_ms: int | None


def _actions(transaction: Transaction, key: AuthenticatorKey, context: DocumentContext) -> _Actions:
    """What the authenticator in use offers besides its form: the phone its method, email and phone ``resend``, and
    email a ``poll`` for its magic link."""
    return {
        "method": transaction.method if key is AuthenticatorKey.PHONE else None,
        "resend": key in (AuthenticatorKey.EMAIL, AuthenticatorKey.PHONE),
        "poll_refresh_ms": context.poll_refresh_ms if key is AuthenticatorKey.EMAIL else None,
    }


def _view(key: AuthenticatorKey, transaction: Transaction, context: DocumentContext) -> AuthenticatorView:
    """The user's enrollment of ``key``; in a recovery, where neither the user's existence nor their enrollments may
    show, an enrollment they lack (or a user who does not exist) is shown as a stand-in made from the username."""
    user = transaction.user
    if user is not None and (not transaction.recovering or key in user.enrolled()):
        return enrolled_view(key, user, context)
    return recovery_stand_in(key, transaction.identifier or "", context)


def recovery_stand_in(key: AuthenticatorKey, identifier: str, context: DocumentContext) -> AuthenticatorView:
    """An enrollment as a recovery for a username shows it whoever the username names: an email that looks like the
    username's (the name itself when it is an address), a phone with only its last digits masked out, the same ids
    every time for the same name."""
    authenticator_id = context.authenticators.of(key)
    enrollment_id = _stand_in_enrollment_id(key, identifier)
    if key is AuthenticatorKey.PHONE:
        profile = {"phoneNumber": stand_in_contact(key, identifier)}
        return AuthenticatorView(key.value, authenticator_id, ("sms", "voice"), enrollment_id, profile)
    profile = {"email": stand_in_contact(key, identifier)}
    return AuthenticatorView(key.value, authenticator_id, _ORG_METHODS[key], enrollment_id, profile)


def stand_in_contact(key: AuthenticatorKey, identifier: str) -> str:
    """The masked address or number a stand-in enrollment shows (:func:`recovery_stand_in`; the hosted page shows
    the same)."""
    if key is AuthenticatorKey.PHONE:
        return "+1 XXX-XXX-" + str(int(_stand_in_enrollment_id(key, identifier)[-6:], 36) % 10000).zfill(4)
    return masked_email(identifier if "@" in identifier else f"{identifier}@example.com")


def _stand_in_enrollment_id(key: AuthenticatorKey, identifier: str) -> str:
    prefix = "sms" if key is AuthenticatorKey.PHONE else "eae"  # as the user's own enrollment ids begin
    return stable_id(prefix, f"recovery:{identifier.lower()}:{key.value}")


def _current(transaction: Transaction) -> AuthenticatorKey:
    assert transaction.current is not None
    return transaction.current


def _user(transaction: Transaction) -> User:
    assert transaction.user is not None
    return transaction.user
