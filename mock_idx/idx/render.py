"""Turns a transaction into the IDX document Okta would answer with at that step.

Handlers never assemble IDX JSON: they hand the engine's result to :func:`reply` (the error middleware hands a
refused step to :func:`reply_error`) and send what comes back. Remediation order matters to the SDKs (Step mode and
the widget act on the first one), so the primary step always comes before ``select-authenticator-authenticate``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..model.authenticators import AuthenticatorIds, AuthenticatorKey
from ..model.clock import isoformat
from ..model.directory import OktaVerifyEnrollment, VerifyMethod
from ..model.errors import Reason
from ..model.lockout import DEFAULT_LOCKOUT_POLICY, LockoutPolicy
from ..model.registration import DEFAULT_REGISTRATION_POLICY, RegistrationPolicy
from ..model.transaction import Step, Transaction
from . import authenticator_documents, password_documents, registration_documents, unlock_documents
from .forms import as_array, as_object, field, fixed, form, nested, option
from .messages import ERRORS, PUSH_REJECTED, Placement, error_message, error_messages, message, messages

VERSION = "1.0.0"
METHOD_LABELS = {VerifyMethod.TOTP: "Enter a code", VerifyMethod.PUSH: "Get a push notification"}
"""In Okta's order: every capture offers "Enter a code" before "Get a push notification"."""
METHOD_TYPES = {method: method.value for method in VerifyMethod}
"""Each Okta Verify method as the wire names it, looked up once here: ``.value`` is an Enum descriptor call, and the
Okta Verify pages name the methods several times each (about 0.1 us a lookup, against 0.01 us from this table)."""
PUSH = METHOD_TYPES[VerifyMethod.PUSH]
OKTA_VERIFY = "Okta Verify"
CURRENT = "$.currentAuthenticator"
OKTA_VERIFY_AUTHENTICATOR = "$.authenticators.value[0]"
"""Where the Okta Verify option points: at the ``aut…`` authenticator (the one ``currentAuthenticator`` names), as in
every capture, never at the enrollment."""


@dataclass(frozen=True)
class DocumentContext:
    """What a document needs besides the transaction: the public base URL its links point at, the org's fixed
    authenticator ids, and how often clients are told to poll. (Named for its use; it was ``Site``, which said
    neither.)"""

    base_url: str
    authenticators: AuthenticatorIds
    poll_refresh_ms: int
    identifier_first: bool = False
    """The org asks for the username alone, then the password (``identify`` has no credentials)."""
    password_settings: Mapping[str, Any] | None = None
    """The org's password policy as the password authenticator's ``settings`` show it (where a password is set)."""
    lockout: LockoutPolicy = DEFAULT_LOCKOUT_POLICY
    """The org's lockout policy: whether the identify page offers "Unlock account?", and with what."""
    recovery: bool = False
    """The org has self-service password recovery: the password carries a ``recover`` action ("Forgot password?")."""
    registration: RegistrationPolicy = DEFAULT_REGISTRATION_POLICY
    """The org's profile enrollment policy: whether the identify page offers "Sign up", and what the form asks."""

    def idx(self, path: str) -> str:
        return f"{self.base_url}/idp/idx/{path}"


@dataclass(frozen=True)
class Reply:
    status: int
    document: dict[str, Any]


def reply(transaction: Transaction, context: DocumentContext, push_rejected_status: int = 200) -> Reply:
    """The status and document for the transaction as it stands after a successful request."""
    if transaction.step is Step.TIMED_OUT:
        return reply_error(Reason.VERIFICATION_TIMED_OUT, transaction, context)
    if transaction.step is Step.TERMINAL:
        return reply_error(transaction.terminal or Reason.SESSION_EXPIRED, transaction, context)
    status = push_rejected_status if transaction.step is Step.PUSH_REJECTED else 200
    return Reply(status, render(transaction, context))


def reply_error(
    reason: Reason,
    transaction: Transaction | None,
    context: DocumentContext,
    fields: tuple[tuple[str, ...], ...] = (),
    detail: str = "",
) -> Reply:
    """``detail`` reaches the wire only for the rows that take one (the password requirements)."""
    reason = _answerable(reason, transaction)
    return Reply(ERRORS[reason].status, render_error(reason, transaction, context, fields, detail))


def render(
    transaction: Transaction,
    context: DocumentContext,
    error: Reason | None = None,
    fields: tuple[tuple[str, ...], ...] = (),
    detail: str = "",
) -> dict[str, Any]:
    """The document for the transaction's current (live) step, optionally carrying an error message (on ``fields``,
    each a path such as ``("credentials", "totp")``, when it is a field error)."""
    document = _envelope(transaction)
    document.update(_STEP_RENDERERS[transaction.step](transaction, context))
    if transaction.step in password_documents.TERMINAL_STEPS:
        return document
    if transaction.recovering:
        document["recoveryAuthenticator"] = password_documents.recovery_authenticator(context)
    document.update(_common(transaction, context))
    if error is not None:
        _attach_error(document, error, fields, detail)
    return document


def render_error(
    reason: Reason,
    transaction: Transaction | None = None,
    context: DocumentContext | None = None,
    fields: tuple[tuple[str, ...], ...] = (),
    detail: str = "",
) -> dict[str, Any]:
    """A refused step: the current form with the message on it, or a messages-only (terminal) document. Only a
    terminal reason, or a request that names no live transaction, gets the messages-only body: SDKs read that as
    the end of the sign-in."""
    reason = _answerable(reason, transaction)
    spec = ERRORS[reason]
    if spec.placement is not Placement.TERMINAL and transaction is not None and context is not None:
        return render(transaction, context, reason, fields, detail)
    document: dict[str, Any] = {"version": VERSION}
    if transaction is not None and spec.with_state_handle:
        document.update(_envelope(transaction))
    document["messages"] = messages(error_message(reason, detail))
    return document


def _answerable(reason: Reason, transaction: Transaction | None) -> Reason:
    """A step with no form left to show (a timed-out push) can only answer that it timed out, whatever went wrong."""
    if transaction is not None and transaction.step is Step.TERMINAL:
        return transaction.terminal or Reason.SESSION_EXPIRED
    if transaction is not None and transaction.step not in _STEP_RENDERERS:
        return Reason.VERIFICATION_TIMED_OUT
    return reason


def render_messages_only(key: str, text: str) -> dict[str, Any]:
    """For answers that belong to no transaction, such as a rate-limited request."""
    return {"version": VERSION, "messages": messages(message(key, text))}


# --- steps -------------------------------------------------------------------------------------------------------


def _identify(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    """The identify page, identifier-first or with the password, with "Unlock account?" and "Sign up" when the org
    allows them."""
    if context.identifier_first:
        document = authenticator_documents.identify_first(transaction, context)
        document["remediation"]["value"].extend(unlock_documents.unlock_link(transaction, context))
    else:
        document = _identify_with_password(transaction, context)
    return registration_documents.offering_sign_up(document, transaction, context)


def _identify_with_password(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    sh = transaction.state_handle
    identify = form(
        "identify",
        context.idx("identify"),
        sh,
        [
            field("identifier", label="Username", required=True),
            nested("credentials", [field("passcode", label="Password", secret=True)], required=True),
            field("rememberMe", type="boolean", label="Remember this device"),
        ],
    )
    remediations = [identify, *unlock_documents.unlock_link(transaction, context)]
    current = _password_authenticator(context)
    if context.recovery:
        current["value"]["recover"] = password_documents.recover_action(context, sh)
    return {"remediation": as_array(remediations), "currentAuthenticator": current}


def _select_authenticator(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    return _with_selection(transaction, context)


def _select_method(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    enrollment = _enrollment(transaction)
    data = form(
        "authenticator-verification-data",
        context.idx("challenge"),
        transaction.state_handle,
        [
            nested(
                "authenticator",
                [
                    fixed("id", context.authenticators.okta_verify_id),
                    field("methodType", type="string", required=True, options=_method_options(enrollment)),
                    *_auto_challenge(enrollment),
                ],
                label=OKTA_VERIFY,
            ),
        ],
        relates_to=CURRENT,
    )
    current = _current_authenticator(transaction, context)
    # As on Okta's method page: resend needs only the stateHandle, on its own endpoint.
    current["value"]["resend"] = form("resend", context.idx("challenge/resend"), transaction.state_handle)
    return _with_selection(transaction, context, primary=data, current=current)


def _push_waiting(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    poll = form(
        "challenge-poll",
        context.idx("authenticators/poll"),
        transaction.state_handle,
        _auto_challenge(_enrollment(transaction)),
        relates_to=CURRENT,
        refresh=context.poll_refresh_ms,
    )
    return _with_selection(transaction, context, primary=poll, current=_push_authenticator(transaction, context))


def _push_rejected(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    """As Okta answers "No, it's not me": the push as it was no longer pending, with the rejection message."""
    body = _push_no_longer_pending(transaction, context)
    body["messages"] = messages(message(*PUSH_REJECTED))
    return body


def _push_no_longer_pending(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    """Okta's answer once a push is no longer pending (capture ``authenticator-verification-ov-resend-push-
    notification``): the poll is gone, ``resend`` leads with its authenticator in the nested form shape, "Verify with
    something else" follows, and ``currentAuthenticator`` keeps its ``contextualData`` and ``resend``."""
    authenticator = {
        "name": "authenticator",
        "type": "object",
        "label": OKTA_VERIFY,
        "value": {"form": {"value": _okta_verify_push_fields(context)}},
    }
    resend = form("resend", context.idx("challenge"), transaction.state_handle, [authenticator], relates_to=CURRENT)
    return _with_selection(transaction, context, primary=resend, current=_push_authenticator(transaction, context))


def _totp_challenge(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    challenge = form(
        "challenge-authenticator",
        context.idx("challenge/answer"),
        transaction.state_handle,
        [
            nested("credentials", [field("totp", label="Enter code", required=True)], required=True),
        ],
        relates_to=CURRENT,
    )
    current = _current_authenticator(transaction, context, VerifyMethod.TOTP)
    # As on Okta's code page (capture ``verify-ov-code-mfa``): ``send`` with only the stateHandle.
    current["value"]["send"] = form("send", context.idx("challenge/send"), transaction.state_handle)
    return _with_selection(transaction, context, primary=challenge, current=current)


def _success(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    interaction = transaction.interaction
    if interaction.hosted:  # Okta's hosted page: the browser goes on to the org, which redirects it to the app
        href = f"{context.base_url}/login/token/redirect?{urlencode({'stateToken': transaction.state_handle})}"
        return {"success": {"name": "success-redirect", "href": href}}
    issuer = context.base_url + (
        f"/oauth2/{interaction.authorization_server}" if interaction.authorization_server else "/oauth2"
    )
    issue = {
        "rel": ["create-form"],
        "name": "issue",
        "href": f"{issuer}/v1/token",
        "method": "POST",
        "value": [
            field("grant_type", required=True, value="interaction_code"),
            field("interaction_code", required=True, value=transaction.interaction_code),
            field("client_id", required=True, value=interaction.client_id),
            field("code_verifier", required=True),
        ],
        "accepts": "application/x-www-form-urlencoded",
    }
    return {"successWithInteractionCode": issue}


def _push_authenticator(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    """Okta Verify while a push is (or was) out, as every capture shows it: ``resend`` posts the authenticator back
    to ``/idp/idx/challenge`` (number challenge or not), and a number challenge shows its ``correctAnswer``."""
    current = _current_authenticator(transaction, context, VerifyMethod.PUSH)
    current["value"]["resend"] = _resend_form(transaction, context)
    push = transaction.push
    if push is not None and push.correct_answer is not None:
        current["value"]["contextualData"] = {"correctAnswer": str(push.correct_answer)}
    return current


_STEP_RENDERERS = {
    Step.IDENTIFY: _identify,
    Step.SELECT_AUTHENTICATOR: _select_authenticator,
    Step.SELECT_METHOD: _select_method,
    Step.PUSH_WAITING: _push_waiting,
    Step.PUSH_REJECTED: _push_rejected,
    Step.PUSH_EXPIRED: _push_no_longer_pending,
    Step.TOTP_CHALLENGE: _totp_challenge,
    Step.SUCCESS: _success,
    Step.UNLOCK_ACCOUNT: unlock_documents.select_unlock,
    Step.ACCOUNT_UNLOCKED: unlock_documents.unlocked,
    **authenticator_documents.STEP_DOCUMENTS,
    **password_documents.STEP_DOCUMENTS,
    **registration_documents.STEP_DOCUMENTS,
}


# --- shared parts ------------------------------------------------------------------------------------------------


def _envelope(transaction: Transaction) -> dict[str, Any]:
    return {
        "version": VERSION,
        "stateHandle": transaction.state_handle,
        "expiresAt": isoformat(transaction.expires_at),
        "intent": "LOGIN",
    }


def _common(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    common: dict[str, Any] = {}
    if transaction.unlocking and transaction.user is not None and transaction.step is not Step.ACCOUNT_UNLOCKED:
        # whose account is being unlocked is not known until the code is right: only the name typed (v3 capture)
        common["user"] = as_object({"identifier": transaction.user.login})
    elif transaction.user is not None and not transaction.recovering:  # a recovery never shows whether the user exists
        user = transaction.user
        common["user"] = as_object(
            {
                "id": user.id,
                "identifier": user.login,
                "profile": {
                    "firstName": user.profile.get("firstName"),
                    "lastName": user.profile.get("lastName"),
                    "timeZone": user.profile.get("timeZone"),
                    "locale": user.profile.get("locale"),
                },
            }
        )
    common["cancel"] = form("cancel", context.idx("cancel"), transaction.state_handle)
    common["app"] = as_object(
        {"name": "oidc_client", "label": transaction.interaction.client_label, "id": transaction.interaction.client_id}
    )
    return common


def _with_selection(
    transaction: Transaction,
    context: DocumentContext,
    primary: dict[str, Any] | None = None,
    current: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The step's own remediation (if any) followed by the authenticator list ("Verify with something else"): Okta
    Verify alone as every capture shows it, or all the authenticators the user may verify with."""
    if transaction.choices not in ((), (AuthenticatorKey.OKTA_VERIFY,)):
        listed = authenticator_documents.verification_list(transaction, context, primary)
        return {**listed, "currentAuthenticator": current} if current is not None else listed
    enrollment = _enrollment(transaction)
    select = form(
        "select-authenticator-authenticate",
        context.idx("challenge"),
        transaction.state_handle,
        [
            field(
                "authenticator",
                type="object",
                options=[
                    option(
                        OKTA_VERIFY,
                        {
                            "form": {
                                "value": [
                                    fixed("id", context.authenticators.okta_verify_id),
                                    field(
                                        "methodType", type="string", required=False, options=_method_options(enrollment)
                                    ),
                                ]
                            }
                        },
                        relates_to=OKTA_VERIFY_AUTHENTICATOR,
                    )
                ],
            ),
        ],
    )
    body: dict[str, Any] = {"remediation": as_array([r for r in (primary, select) if r is not None])}
    if current is not None:
        body["currentAuthenticator"] = current
    body["authenticators"] = as_array([_authenticator(context.authenticators.okta_verify_id, enrollment.methods)])
    body["authenticatorEnrollments"] = as_array(
        [
            {
                "profile": {"deviceName": enrollment.device_name},
                **_authenticator(enrollment.enrollment_id, enrollment.methods),
            }
        ]
    )
    return body


def _authenticator(object_id: str, methods: Sequence[VerifyMethod]) -> dict[str, Any]:
    return {
        "type": "app",
        "key": "okta_verify",
        "id": object_id,
        "displayName": OKTA_VERIFY,
        "methods": [{"type": METHOD_TYPES[m]} for m in methods],
    }


def _current_authenticator(
    transaction: Transaction, context: DocumentContext, method: VerifyMethod | None = None
) -> dict[str, Any]:
    """Okta Verify as the step in progress uses it: with only the method being verified, once one is chosen."""
    methods = [method] if method else _enrollment(transaction).methods
    return as_object(_authenticator(context.authenticators.okta_verify_id, methods))


def _password_authenticator(context: DocumentContext) -> dict[str, Any]:
    """The password the identify form asks for, as Okta names it there (its ``recover`` action is added where the org
    has self-service recovery)."""
    return as_object(
        {
            "type": "password",
            "key": "okta_password",
            "id": context.authenticators.password_id,
            "displayName": "Password",
            "methods": [{"type": "password"}],
        }
    )


def _okta_verify_push_fields(context: DocumentContext) -> list[dict[str, Any]]:
    """Okta Verify push as the nested ``authenticator`` form of a ``resend`` remediation lists it."""
    return [
        fixed("id", context.authenticators.okta_verify_id),
        field("methodType", required=False, value=PUSH, mutable=False),
    ]


def _resend_form(transaction: Transaction, context: DocumentContext) -> dict[str, Any]:
    return form(
        "resend",
        context.idx("challenge"),
        transaction.state_handle,
        [
            {
                "name": "authenticator",
                "required": True,
                "mutable": False,
                "visible": False,
                "value": {"methodType": PUSH, "id": context.authenticators.okta_verify_id},
            },
        ],
    )


def _auto_challenge(enrollment: OktaVerifyEnrollment) -> list[dict[str, Any]]:
    """Okta's "Send push automatically" box (captures ``verify-ov-select-method``, ``verify-ov-send-push``): on the
    method page and the waiting page of a user who can get pushes, ticked when they ticked it before."""
    if not enrollment.supports(VerifyMethod.PUSH):
        return []
    return [
        field(
            "autoChallenge",
            type="boolean",
            label="Send push automatically",
            required=False,
            value=enrollment.auto_challenge,
            mutable=True,
        )
    ]


def _method_options(enrollment: OktaVerifyEnrollment) -> list[dict[str, Any]]:
    return [
        option(label, METHOD_TYPES[method]) for method, label in METHOD_LABELS.items() if enrollment.supports(method)
    ]


def _enrollment(transaction: Transaction) -> OktaVerifyEnrollment:
    assert transaction.user is not None and transaction.user.okta_verify is not None
    return transaction.user.okta_verify


def _attach_error(
    document: dict[str, Any], reason: Reason, fields: tuple[tuple[str, ...], ...], detail: str = ""
) -> None:
    """A field error goes on each field it names, in the first form that has it (the primary step comes first, so
    that is the form the request answered); a message with no field to go on, or a global one, goes at the top."""
    spec = ERRORS[reason]
    errors = error_messages(reason, detail)
    placed = False
    if spec.placement is Placement.FIELD:
        for path in fields or (spec.field,):
            for target in _form_fields(document, path):
                target["messages"] = messages(*target.get("messages", {}).get("value", []), *errors)
                placed = True
    if not placed:
        existing = document.get("messages", {}).get("value", [])
        document["messages"] = messages(*existing, *errors)


def _form_fields(document: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The fields at ``path`` (``credentials``, then ``totp`` inside its ``form``) in the first remediation that has
    its outer field; as deep as that form goes (``authenticator`` when its ``id`` sits in options, not a form). A
    field whose value is a choice of forms (the security question's predefined or own question) has the path in each
    option's form: every one of them gets the message, as Okta places it."""
    for remediation in document.get("remediation", {}).get("value", []):
        deepest: list[dict[str, Any]] = []
        candidates: list[Any] = remediation.get("value", [])
        for name in path:
            found = [f for f in candidates if isinstance(f, dict) and f.get("name") == name]
            if not found:
                break
            deepest = found
            candidates = [inner for f in found for inner in _inner_fields(f)]
        if deepest:
            return deepest
    return []


def _inner_fields(field: dict[str, Any]) -> list[Any]:
    """The fields of a field's own form, or of each of its options' forms."""
    inner: list[Any] = list(field.get("form", {}).get("value", []))
    for choice in field.get("options", []):
        value = choice.get("value") if isinstance(choice, dict) else None
        if isinstance(value, dict):
            inner.extend(value.get("form", {}).get("value", []))
    return inner
