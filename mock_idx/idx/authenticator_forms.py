"""The IDX pieces Okta renders for each authenticator, enrollment included: pure functions of plain inputs.

Each function returns one piece of an IDX document exactly as Okta sends it (a remediation, an ``authenticators``
entry, a ``currentAuthenticator`` object); :mod:`mock_idx.idx.render` decides which pieces a step shows and in what
order. Nothing here reads a transaction or the store, so every shape can be checked against Okta's captures on its
own. Where captures disagree, the newest real capture (the Sign-In Widget's ``v3`` mocks, okta-idx-java and
okta-idx-dotnet test fixtures) wins over the hand-edited playground files.

Conventions every capture follows, and these builders keep:

- A list option for Okta Verify points at ``$.authenticators.value[i]``; every other authenticator's option points at
  ``$.authenticatorEnrollments.value[i]`` when verifying, and at ``$.authenticators.value[i]`` when enrolling. The two
  lists hold one entry per authenticator, in the order the options list them, so ``i`` is the option's position.
- Okta Verify and Phone offer their methods as ``methodType`` options (even a single one); the single-method
  authenticators (password, email, Google Authenticator, security question) send a fixed ``methodType``.
- A verification form relates to ``$.currentAuthenticatorEnrollment`` (the user's enrollment, ``id`` its enrollment
  id, with its profile); an enrollment form relates to ``$.currentAuthenticator`` (the org's ``aut…`` authenticator).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .forms import Field, Form, as_array, as_object, fixed, form, nested, option
from .forms import field as form_field

OKTA_PASSWORD = "okta_password"
OKTA_VERIFY = "okta_verify"
OKTA_EMAIL = "okta_email"
PHONE_NUMBER = "phone_number"
GOOGLE_OTP = "google_otp"
SECURITY_QUESTION = "security_question"


@dataclass(frozen=True)
class _Presentation:
    type: str
    display_name: str


_PRESENTATIONS: dict[str, _Presentation] = {
    OKTA_PASSWORD: _Presentation("password", "Password"),
    OKTA_VERIFY: _Presentation("app", "Okta Verify"),
    OKTA_EMAIL: _Presentation("email", "Email"),
    PHONE_NUMBER: _Presentation("phone", "Phone"),
    GOOGLE_OTP: _Presentation("app", "Google Authenticator"),
    SECURITY_QUESTION: _Presentation("security_question", "Security Question"),
}
"""How Okta names each authenticator in its documents: the ``type`` and the ``displayName`` (also the option label)."""

METHOD_LABELS: dict[str, str] = {
    "totp": "Enter a code",
    "push": "Get a push notification",
    "sms": "SMS",
    "voice": "Voice call",
    "email": "Email",
}
"""``methodType`` option labels, in Okta's order: "Enter a code" before "Get a push notification", SMS before voice,
whatever order the enrollment lists its methods in."""

_MULTI_METHOD = frozenset({OKTA_VERIFY, PHONE_NUMBER})
"""Authenticators whose ``methodType`` is offered as options even when there is only one method."""

ENROLLMENT_CHANNELS: tuple[str, ...] = ("qrcode", "email", "sms")
"""How Okta Verify can be set up, in Okta's order; each is offered under its upper-case name."""

CUSTOM_QUESTION_KEY = "custom"
"""The ``questionKey`` of a question the user wrote themselves."""

CURRENT_AUTHENTICATOR = "$.currentAuthenticator"
CURRENT_ENROLLMENT = "$.currentAuthenticatorEnrollment"
QR_CODE_TYPE = "image/png"


class Links(Protocol):
    """Where forms post: anything with ``idx(path)`` giving the absolute ``/idp/idx/{path}`` URL, such as
    :class:`mock_idx.idx.render.DocumentContext`."""

    def idx(self, path: str) -> str: ...


@dataclass(frozen=True)
class AuthenticatorView:
    """One authenticator as a document shows it: the org's authenticator and, when enrolled, the user's enrollment."""

    key: str
    """``okta_password``, ``okta_verify``, ``okta_email``, ``phone_number``, ``google_otp`` or ``security_question``."""
    id: str
    """The org's authenticator id (``aut…``)."""
    methods: tuple[str, ...]
    """The method types offered or enrolled: ``password``, ``push``, ``totp``, ``email``, ``sms``, ``voice``, ``otp``,
    ``security_question``."""
    enrollment_id: str | None = None
    """The user's enrollment id, when enrolled."""
    profile: Mapping[str, str] = field(default_factory=dict)
    """The enrollment's profile as Okta shows it: the masked ``email`` or ``phoneNumber``, the ``questionKey`` and
    ``question``, Okta Verify's ``deviceName``."""
    settings: Mapping[str, Any] | None = None
    """The authenticator's settings document when Okta shows one (the password policy's ``complexity`` and ``age``)."""

    @property
    def display_name(self) -> str:
        return _presentation(self.key).display_name


# --- the authenticator lists ---------------------------------------------------------------------------------------


def authenticator_entry(view: AuthenticatorView, *, method: str | None = None) -> dict[str, Any]:
    """The org's authenticator as an ``authenticators.value[]`` item; ``method`` narrows it to the one in use."""
    return _entry(view, view.id, method)


def enrollment_entry(
    view: AuthenticatorView, *, with_profile: bool = True, method: str | None = None
) -> dict[str, Any]:
    """The user's enrollment as an ``authenticatorEnrollments.value[]`` item: its profile first (when it has one and
    ``with_profile``; Okta leaves it out of the list it shows while enrolling something else), then the
    authenticator's fields with the enrollment's id."""
    entry = _entry(view, _enrollment_id(view), method)
    if with_profile and view.profile:
        return {"profile": dict(view.profile), **entry}
    return entry


def authenticators_list(views: Sequence[AuthenticatorView]) -> dict[str, Any]:
    """The document's ``authenticators``: one entry per view, in the order the list options name them."""
    return as_array([authenticator_entry(view) for view in views])


def enrollments_list(views: Sequence[AuthenticatorView], *, with_profile: bool = True) -> dict[str, Any]:
    """The document's ``authenticatorEnrollments``: one entry per (enrolled) view, in order."""
    return as_array([enrollment_entry(view, with_profile=with_profile) for view in views])


def enrollment_authenticator(view: AuthenticatorView, *, method: str | None = None) -> dict[str, Any]:
    """``enrollmentAuthenticator``: the authenticator being enrolled, with its settings (as every enrollment capture
    shows it next to ``currentAuthenticator``)."""
    return as_object(_with_settings(view, authenticator_entry(view, method=method)))


# --- choosing an authenticator -------------------------------------------------------------------------------------


def select_authenticator_authenticate(links: Links, state_handle: str, views: Sequence[AuthenticatorView]) -> Form:
    """ "Verify it's you": one option per enrolled authenticator, posting to ``/idp/idx/challenge``. Pair it with
    :func:`authenticators_list` and :func:`enrollments_list` of the same views."""
    options = [
        option(view.display_name, _option_form(_verification_option_fields(view)), relates_to=_verify_target(view, i))
        for i, view in enumerate(views)
    ]
    return form(
        "select-authenticator-authenticate",
        links.idx("challenge"),
        state_handle,
        [form_field("authenticator", type="object", options=options)],
    )


def select_authenticator_enroll(links: Links, state_handle: str, views: Sequence[AuthenticatorView]) -> Form:
    """ "Set up security methods": one option per authenticator the user may enroll, posting to
    ``/idp/idx/credential/enroll``; each points at its entry in :func:`authenticators_list` of the same views."""
    options = [
        option(
            view.display_name, _option_form(_enrollment_option_fields(view)), relates_to=f"$.authenticators.value[{i}]"
        )
        for i, view in enumerate(views)
    ]
    return form(
        "select-authenticator-enroll",
        links.idx("credential/enroll"),
        state_handle,
        [form_field("authenticator", type="object", options=options)],
    )


def unlock_account(links: Links, state_handle: str) -> Form:
    """ "Unlock account?" on the identify page, when the org allows self-service unlock: nothing to fill in
    (capture ``identify-with-unlock-account-link``)."""
    return form("unlock-account", links.idx("unlock-account"), state_handle)


def select_authenticator_unlock_account(links: Links, state_handle: str, views: Sequence[AuthenticatorView]) -> Form:
    """The unlock form (capture ``user-unlock-account``): the username, and one option per authenticator the org
    unlocks with (their methods narrowed to those the policy allows), posting to ``/idp/idx/challenge``. Each option
    points at its entry in :func:`unlock_enrollments_list` of the same views."""
    options = [
        option(
            view.display_name,
            _option_form([fixed("id", view.id), _method_type(view)]),
            relates_to=f"$.authenticatorEnrollments.value[{i}]",
        )
        for i, view in enumerate(views)
    ]
    return form(
        "select-authenticator-unlock-account",
        links.idx("challenge"),
        state_handle,
        [
            form_field("identifier", label="Username", required=True),
            form_field("authenticator", type="object", options=options),
        ],
    )


def unlock_enrollments_list(views: Sequence[AuthenticatorView]) -> dict[str, Any]:
    """The unlock page's ``authenticatorEnrollments``: the user is not known yet, so no enrollment ids, no profile
    (capture ``user-unlock-account``)."""
    entries = [{key: value for key, value in _entry(view, view.id, None).items() if key != "id"} for view in views]
    return as_array(entries)


def skip(links: Links, state_handle: str) -> Form:
    """ "Set up later", offered when every authenticator left to enroll is optional."""
    return form("skip", links.idx("skip"), state_handle)


def identify_without_credentials(links: Links, state_handle: str) -> Form:
    """The identifier-first ``identify`` form: the username only; the password comes later, as an authenticator
    (okta-idx-dotnet two-steps-login). ``identifier`` is marked required, as on today's identify form and the
    widget's identify fixture."""
    return form(
        "identify",
        links.idx("identify"),
        state_handle,
        [
            form_field("identifier", label="Username", required=True),
            form_field("rememberMe", type="boolean", label="Remember this device"),
        ],
    )


# --- choosing a method, giving the phone number ----------------------------------------------------------------------


def authenticator_verification_data(links: Links, state_handle: str, view: AuthenticatorView) -> Form:
    """The method page of an enrolled authenticator before anything is sent (Phone: SMS or voice call), posting to
    ``/idp/idx/challenge`` (capture ``challenge/sms-method``). Okta Verify's, with its "Send push automatically"
    box, stays in :mod:`mock_idx.idx.render`."""
    fields = [
        fixed("id", view.id),
        form_field("methodType", type="string", required=True, options=_method_options(view.methods)),
    ]
    if view.key == PHONE_NUMBER:
        fields.append(fixed("enrollmentId", _enrollment_id(view)))
    return form(
        "authenticator-verification-data",
        links.idx("challenge"),
        state_handle,
        [_authenticator_field(view, fields)],
        relates_to=CURRENT_ENROLLMENT,
    )


def authenticator_enrollment_data(links: Links, state_handle: str, view: AuthenticatorView) -> Form:
    """Phone enrollment's first page: SMS or voice call, and the number, posting to ``/idp/idx/credential/enroll``
    (capture ``credential/enroll/enroll-phone-voice-sms-mfa``)."""
    return form(
        "authenticator-enrollment-data",
        links.idx("credential/enroll"),
        state_handle,
        [
            _authenticator_field(
                view,
                [
                    fixed("id", view.id),
                    form_field("methodType", type="string", required=True, options=_method_options(view.methods)),
                    form_field("phoneNumber", required=True),
                ],
            )
        ],
        relates_to=CURRENT_AUTHENTICATOR,
    )


# --- answering ---------------------------------------------------------------------------------------------------


def challenge_authenticator(links: Links, state_handle: str, view: AuthenticatorView) -> Form:
    """The verification form for an enrolled authenticator, posting to ``/idp/idx/challenge/answer``: the password, a
    code (email, phone, Google Authenticator, Okta Verify), or the answer to the enrolled security question."""
    return form(
        "challenge-authenticator",
        links.idx("challenge/answer"),
        state_handle,
        [nested("credentials", _challenge_credentials(view), required=True)],
        relates_to=CURRENT_ENROLLMENT,
    )


def enroll_authenticator(
    links: Links, state_handle: str, view: AuthenticatorView, *, questions: Mapping[str, str] | None = None
) -> Form:
    """The enrollment form, posting to ``/idp/idx/challenge/answer``: the new password, the first code (email, phone,
    Google Authenticator), or a security question and its answer. ``questions`` (key to text, in the order Okta
    lists them) are the predefined questions a security question enrollment offers besides writing one's own."""
    if view.key == SECURITY_QUESTION:
        credentials = _security_question_options(questions or {})
    else:
        credentials = nested("credentials", [_enrollment_secret(view)], required=True)
    return form(
        "enroll-authenticator",
        links.idx("challenge/answer"),
        state_handle,
        [credentials],
        relates_to=CURRENT_AUTHENTICATOR,
    )


# --- the authenticator in use ------------------------------------------------------------------------------------


def current_authenticator(
    links: Links,
    state_handle: str,
    view: AuthenticatorView,
    *,
    method: str | None = None,
    resend: bool = False,
    poll_refresh_ms: int | None = None,
    contextual: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``currentAuthenticator`` while enrolling ``view``: its actions (``resend`` to ``/idp/idx/challenge/resend``,
    ``poll`` to ``/idp/idx/challenge/poll`` every ``poll_refresh_ms`` for an email's magic link), its
    ``contextualData`` (see :func:`google_otp_contextual_data`, :func:`security_question_contextual_data`), the
    authenticator narrowed to ``method`` when one is chosen, and its settings (the password policy)."""
    value = {
        **_actions(links, state_handle, resend, poll_refresh_ms),
        **_contextual(contextual),
        **authenticator_entry(view, method=method),
    }
    return as_object(_with_settings(view, value))


def current_authenticator_enrollment(
    links: Links,
    state_handle: str,
    view: AuthenticatorView,
    *,
    method: str | None = None,
    resend: bool = False,
    poll_refresh_ms: int | None = None,
    contextual: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``currentAuthenticatorEnrollment`` while verifying the user's enrollment: ``contextualData`` (the enrolled
    question: :func:`enrolled_question_contextual_data`), the profile (masked email or phone), ``resend`` and
    ``poll`` as in :func:`current_authenticator`, then the enrollment narrowed to ``method``. A password gets no
    ``recover`` action: mock-idx has no self-service recovery to link to."""
    value: dict[str, Any] = dict(_contextual(contextual))
    if view.profile:
        value["profile"] = dict(view.profile)
    value.update(_actions(links, state_handle, resend, poll_refresh_ms))
    value.update(enrollment_entry(view, with_profile=False, method=method))
    return as_object(value)


def google_otp_contextual_data(qr_code_href: str, shared_secret: str) -> dict[str, Any]:
    """Google Authenticator enrollment's ``contextualData``: the QR code (a ``data:image/png;base64,…`` URI) and the
    shared secret to type in instead."""
    return {"qrcode": _qr_code(qr_code_href), "sharedSecret": shared_secret}


def security_question_contextual_data(questions: Mapping[str, str]) -> dict[str, Any]:
    """Security question enrollment's ``contextualData``: every question key the user may pick (``custom`` too) and
    the predefined questions' texts."""
    return {
        "questionKeys": [*questions, CUSTOM_QUESTION_KEY],
        "questions": [{"questionKey": key, "question": text} for key, text in questions.items()],
    }


def enrolled_question_contextual_data(view: AuthenticatorView) -> dict[str, Any]:
    """Security question verification's ``contextualData``: the question the user enrolled (from its profile)."""
    return {"enrolledQuestion": {"questionKey": view.profile["questionKey"], "question": view.profile["question"]}}


# --- Okta Verify enrollment ----------------------------------------------------------------------------------------


def select_enrollment_channel(
    links: Links, state_handle: str, view: AuthenticatorView, channels: Sequence[str] = ENROLLMENT_CHANNELS
) -> Form:
    """ "Try a different way" on Okta Verify's setup pages, posting to ``/idp/idx/credential/enroll``. Every capture
    lists all the org's channels, the one in use included (the widget hides that one itself)."""
    authenticator = {
        "name": "authenticator",
        "type": "object",
        "label": view.display_name,
        "value": {"form": {"value": _okta_verify_channel_fields(view, channels)}},
    }
    return form("select-enrollment-channel", links.idx("credential/enroll"), state_handle, [authenticator])


def enrollment_channel_data(links: Links, state_handle: str, channel: str) -> Form:
    """Where to send Okta Verify's setup link: an email address or a phone number, posting to
    ``/idp/idx/challenge/send``."""
    if channel == "email":
        entry = form_field("email", label="Email", required=True, visible=True)
    elif channel == "sms":
        entry = form_field("phoneNumber", label="Phone Number", required=True, visible=True)
    else:
        raise ValueError(f"Okta Verify sends a setup link by email or sms, not {channel!r}")
    return form("enrollment-channel-data", links.idx("challenge/send"), state_handle, [entry])


def enroll_poll(links: Links, state_handle: str, refresh_ms: int) -> Form:
    """What the page polls while Okta Verify is being set up (``/idp/idx/challenge/poll``)."""
    return form("enroll-poll", links.idx("challenge/poll"), state_handle, refresh=refresh_ms)


def okta_verify_enrollment_authenticator(
    links: Links,
    state_handle: str,
    view: AuthenticatorView,
    channel: str,
    *,
    qr_code_href: str | None = None,
    sent_to: str | None = None,
) -> dict[str, Any]:
    """``currentAuthenticator`` on Okta Verify's setup pages, as the captures show it: the QR code page (method
    ``totp``, ``contextualData`` ``qrcode`` and ``selectedChannel``); the page asking where to send the link
    (``selectedChannel`` only); and, once the link is ``sent_to`` an address or number, ``resend`` with the
    address or number (method ``push``)."""
    contextual: dict[str, Any] = {}
    if channel == "qrcode":
        if qr_code_href is None:
            raise ValueError("the QR code page needs the QR code")
        contextual["qrcode"] = _qr_code(qr_code_href)
    contextual["selectedChannel"] = channel
    if sent_to is None:
        return current_authenticator(links, state_handle, view, method="totp", contextual=contextual)
    contextual["email" if channel == "email" else "phoneNumber"] = sent_to
    return current_authenticator(links, state_handle, view, method="push", resend=True, contextual=contextual)


# --- parts -------------------------------------------------------------------------------------------------------


def _presentation(key: str) -> _Presentation:
    try:
        return _PRESENTATIONS[key]
    except KeyError:
        raise ValueError(f"not an authenticator mock-idx renders: {key!r}") from None


def _entry(view: AuthenticatorView, object_id: str, method: str | None) -> dict[str, Any]:
    presentation = _presentation(view.key)
    methods = (method,) if method else view.methods
    return {
        "type": presentation.type,
        "key": view.key,
        "id": object_id,
        "displayName": presentation.display_name,
        "methods": [{"type": m} for m in methods],
    }


def _enrollment_id(view: AuthenticatorView) -> str:
    if view.enrollment_id is None:
        raise ValueError(f"{view.key} is not enrolled: it has no enrollment id")
    return view.enrollment_id


def _with_settings(view: AuthenticatorView, value: dict[str, Any]) -> dict[str, Any]:
    if view.settings is not None:
        value["settings"] = dict(view.settings)
    return value


def _verify_target(view: AuthenticatorView, index: int) -> str:
    """Okta Verify's option names the authenticator; every other one names the user's enrollment."""
    listing = "authenticators" if view.key == OKTA_VERIFY else "authenticatorEnrollments"
    return f"$.{listing}.value[{index}]"


def _option_form(fields: list[Field]) -> dict[str, Any]:
    return {"form": {"value": fields}}


def _verification_option_fields(view: AuthenticatorView) -> list[Field]:
    fields = [fixed("id", view.id), _method_type(view)]
    if view.key == PHONE_NUMBER:
        fields.append(fixed("enrollmentId", _enrollment_id(view)))
    return fields


def _enrollment_option_fields(view: AuthenticatorView) -> list[Field]:
    if view.key == OKTA_VERIFY:
        return _okta_verify_channel_fields(view, ENROLLMENT_CHANNELS)
    fields = [fixed("id", view.id), _method_type(view)]
    if view.key == PHONE_NUMBER:
        fields.append(form_field("phoneNumber", label="Phone number", required=False))
    return fields


def _okta_verify_channel_fields(view: AuthenticatorView, channels: Sequence[str]) -> list[Field]:
    return [
        fixed("id", view.id),
        form_field(
            "channel",
            type="string",
            required=False,
            options=[option(channel.upper(), channel) for channel in channels],
        ),
    ]


def _method_type(view: AuthenticatorView) -> Field:
    if view.key in _MULTI_METHOD:
        return form_field("methodType", type="string", required=False, options=_method_options(view.methods))
    [only] = view.methods
    return form_field("methodType", required=False, value=only, mutable=False)


def _method_options(methods: Sequence[str]) -> list[dict[str, Any]]:
    return [option(label, method) for method, label in METHOD_LABELS.items() if method in methods]


def _authenticator_field(view: AuthenticatorView, fields: list[Field]) -> Field:
    """The ``authenticator`` object of a data form: labelled, its fields under ``form`` (no ``type``, as captured)."""
    return {"name": "authenticator", "label": view.display_name, "form": {"value": fields}}


def _challenge_credentials(view: AuthenticatorView) -> list[Field]:
    if view.key == OKTA_PASSWORD:
        return [form_field("passcode", label="Password", secret=True)]
    if view.key == SECURITY_QUESTION:
        return [
            form_field(
                "questionKey",
                label=view.profile["question"],
                required=True,
                value=view.profile["questionKey"],
                visible=False,
                mutable=False,
            ),
            form_field("answer", label="Answer", required=True, secret=True),
        ]
    if view.key == OKTA_VERIFY:
        return [form_field("totp", label="Enter code", required=True)]
    if view.key == GOOGLE_OTP:
        return [form_field("passcode", label="Enter code", required=True)]
    return [form_field("passcode", label="Enter code")]


def _enrollment_secret(view: AuthenticatorView) -> Field:
    if view.key == OKTA_PASSWORD:
        return form_field("passcode", label="Enter password", secret=True)
    if view.key == GOOGLE_OTP:
        return form_field("passcode", label="Enter code", required=True)
    if view.key in (OKTA_EMAIL, PHONE_NUMBER):
        return form_field("passcode", label="Enter code")
    raise ValueError(f"{view.key} is not enrolled with enroll-authenticator")


def _security_question_options(questions: Mapping[str, str]) -> Field:
    """Security question enrollment's two ways, as ``credentials`` options: pick a predefined question, or write one
    (``questionKey`` ``custom``)."""
    answer = form_field("answer", label="Answer", required=True, secret=True)
    predefined = [
        form_field(
            "questionKey",
            type="string",
            label="Choose a security question",
            required=True,
            options=[option(text, key) for key, text in questions.items()],
        ),
        answer,
    ]
    custom = [
        fixed("questionKey", CUSTOM_QUESTION_KEY),
        form_field("question", label="Create a security question", required=True),
        dict(answer),
    ]
    return form_field(
        "credentials",
        type="object",
        required=True,
        options=[
            option("Choose a security question", _option_form(predefined)),
            option("Create my own security question", _option_form(custom)),
        ],
    )


def _actions(links: Links, state_handle: str, resend: bool, poll_refresh_ms: int | None) -> dict[str, Any]:
    actions: dict[str, Any] = {}
    if resend:
        actions["resend"] = form("resend", links.idx("challenge/resend"), state_handle)
    if poll_refresh_ms is not None:
        actions["poll"] = form("poll", links.idx("challenge/poll"), state_handle, refresh=poll_refresh_ms)
    return actions


def _contextual(contextual: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"contextualData": dict(contextual)} if contextual else {}


def _qr_code(href: str) -> dict[str, str]:
    return {"method": "embedded", "href": href, "type": QR_CODE_TYPE}
