"""Every authenticator's IDX pieces against the real answers they copy (issue #14).

Sources, by rank: the Sign-In Widget's Gen3 mocks (``src/v3/src/mocks/response/idp/idx/...``, real 2022 org
captures, named below by their path under ``idp/idx/``), okta-idx-dotnet and okta-idx-java test fixtures, then the
widget's Gen2 playground fixtures. The expected documents are written out here by hand (ids, handles and hosts
replaced by this file's); no test reads those files.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from mock_idx.idx import authenticator_forms as af
from mock_idx.idx.authenticator_forms import AuthenticatorView
from mock_idx.idx.messages import ERRORS, Placement, error_message, message
from mock_idx.idx.render import DocumentContext, render
from mock_idx.model.authenticators import AuthenticatorIds
from mock_idx.model.directory import OktaVerifyEnrollment, User, VerifyMethod
from mock_idx.model.errors import Reason
from mock_idx.model.transaction import Interaction, Step, Transaction

BASE = "https://mock.example"
SH = "02stateHandle"
LINKS = DocumentContext(BASE, AuthenticatorIds.derive("autPassword", "autOktaVerify"), 4000)

PASSWORD = AuthenticatorView("okta_password", "autPassword", ("password",), "laePassword")
EMAIL = AuthenticatorView("okta_email", "autEmail", ("email",), "eaeEmail", {"email": "t***r@example.com"})
PHONE = AuthenticatorView("phone_number", "autPhone", ("sms", "voice"), "smsPhone", {"phoneNumber": "+1 XXX-XXX-2241"})
GOOGLE = AuthenticatorView("google_otp", "autGoogle", ("otp",), "uftGoogle")
QUESTION = AuthenticatorView(
    "security_question",
    "autQuestion",
    ("security_question",),
    "qaeQuestion",
    {"questionKey": "childhood_dream_job", "question": "What was your dream job as a child?"},
)
OKTA_VERIFY = AuthenticatorView(
    "okta_verify", "autOktaVerify", ("push", "totp"), "pfdOktaVerify", {"deviceName": "iPhone-G"}
)
QUESTIONS = {
    "disliked_food": "What is the food you least liked as a child?",
    "name_of_first_plush_toy": "What is the name of your first stuffed animal?",
}
SETTINGS = {
    "complexity": {
        "minLength": 8,
        "minLowerCase": 1,
        "minUpperCase": 1,
        "minNumber": 1,
        "minSymbol": 0,
        "excludeUsername": True,
        "excludeAttributes": [],
    },
    "age": {"minAgeMinutes": 0, "historyCount": 4},
}


# --- the wire shapes every capture shares, spelled out -------------------------------------------------------------

STATE_HANDLE = {"name": "stateHandle", "required": True, "value": SH, "visible": False, "mutable": False}


def posting(
    name: str, path: str, fields: list[Any], relates_to: str | None = None, refresh: int | None = None
) -> dict[str, Any]:
    """A remediation or action as the captures have it (``rel`` … ``accepts``), with this file's host and handle."""
    built: dict[str, Any] = {"rel": ["create-form"], "name": name}
    if relates_to:
        built["relatesTo"] = [relates_to]
    built.update(
        {"href": f"{BASE}/idp/idx/{path}", "method": "POST", "produces": "application/ion+json; okta-version=1.0.0"}
    )
    if refresh is not None:
        built["refresh"] = refresh
    built["value"] = [*fields, STATE_HANDLE]
    built["accepts"] = "application/json; okta-version=1.0.0"
    return built


def fixed(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "required": True, "value": value, "mutable": False}


def single_method(value: str) -> dict[str, Any]:
    return {"name": "methodType", "required": False, "value": value, "mutable": False}


def method_options(*options: tuple[str, str], required: bool = False) -> dict[str, Any]:
    return {
        "name": "methodType",
        "type": "string",
        "required": required,
        "options": [{"label": label, "value": value} for label, value in options],
    }


def wrapped(value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "value": value}


SMS_AND_VOICE = (("SMS", "sms"), ("Voice call", "voice"))
CHANNELS = {
    "name": "channel",
    "type": "string",
    "required": False,
    "options": [
        {"label": "QRCODE", "value": "qrcode"},
        {"label": "EMAIL", "value": "email"},
        {"label": "SMS", "value": "sms"},
    ],
}


# --- the lists -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "type_", "display_name", "methods"),
    [
        (PASSWORD, "password", "Password", ["password"]),
        (OKTA_VERIFY, "app", "Okta Verify", ["push", "totp"]),
        (EMAIL, "email", "Email", ["email"]),
        (PHONE, "phone", "Phone", ["sms", "voice"]),
        (GOOGLE, "app", "Google Authenticator", ["otp"]),
        (QUESTION, "security_question", "Security Question", ["security_question"]),
    ],
)
def test_each_authenticator_is_named_as_okta_names_it(view, type_, display_name, methods):
    assert af.authenticator_entry(view) == {
        "type": type_,
        "key": view.key,
        "id": view.id,
        "displayName": display_name,
        "methods": [{"type": m} for m in methods],
    }


def test_an_enrollment_leads_with_its_profile_and_carries_the_enrollment_id():
    """identify/verify-ov-mfa: ``profile`` first, then the authenticator's fields with the enrollment's id."""
    entry = af.enrollment_entry(PHONE)
    assert list(entry) == ["profile", "type", "key", "id", "displayName", "methods"]
    assert entry == {
        "profile": {"phoneNumber": "+1 XXX-XXX-2241"},
        "type": "phone",
        "key": "phone_number",
        "id": "smsPhone",
        "displayName": "Phone",
        "methods": [{"type": "sms"}, {"type": "voice"}],
    }
    assert "profile" not in af.enrollment_entry(GOOGLE), "Google Authenticator's enrollment has no profile"
    # challenge/poll/enroll-ov-success: the enrolled list shown while enrolling something else has no profiles.
    assert "profile" not in af.enrollment_entry(PHONE, with_profile=False)


def test_an_authenticator_that_is_not_enrolled_has_no_enrollment_entry():
    with pytest.raises(ValueError, match="not enrolled"):
        af.enrollment_entry(replace(EMAIL, enrollment_id=None))


def test_an_unknown_authenticator_key_is_refused():
    with pytest.raises(ValueError, match="webauthn"):
        af.authenticator_entry(AuthenticatorView("webauthn", "autKey", ("webauthn",)))


# --- choosing an authenticator -------------------------------------------------------------------------------------


def test_verify_list_offers_each_enrollment_as_the_real_org_does():
    """identify/verify-ov-mfa: Okta Verify's option names the authenticator, every other one the enrollment; Okta
    Verify and Phone offer their methods, the others send a fixed one; Phone names its enrollment."""
    views = [GOOGLE, OKTA_VERIFY, PHONE, QUESTION]
    assert af.select_authenticator_authenticate(LINKS, SH, views) == posting(
        "select-authenticator-authenticate",
        "challenge",
        [
            {
                "name": "authenticator",
                "type": "object",
                "options": [
                    {
                        "label": "Google Authenticator",
                        "value": {"form": {"value": [fixed("id", "autGoogle"), single_method("otp")]}},
                        "relatesTo": "$.authenticatorEnrollments.value[0]",
                    },
                    {
                        "label": "Okta Verify",
                        "value": {
                            "form": {
                                "value": [
                                    fixed("id", "autOktaVerify"),
                                    method_options(("Enter a code", "totp"), ("Get a push notification", "push")),
                                ]
                            }
                        },
                        "relatesTo": "$.authenticators.value[1]",
                    },
                    {
                        "label": "Phone",
                        "value": {
                            "form": {
                                "value": [
                                    fixed("id", "autPhone"),
                                    method_options(*SMS_AND_VOICE),
                                    fixed("enrollmentId", "smsPhone"),
                                ]
                            }
                        },
                        "relatesTo": "$.authenticatorEnrollments.value[2]",
                    },
                    {
                        "label": "Security Question",
                        "value": {"form": {"value": [fixed("id", "autQuestion"), single_method("security_question")]}},
                        "relatesTo": "$.authenticatorEnrollments.value[3]",
                    },
                ],
            }
        ],
    )
    assert af.authenticators_list(views)["value"][1]["id"] == "autOktaVerify"
    assert [e["id"] for e in af.enrollments_list(views)["value"]] == [
        "uftGoogle",
        "pfdOktaVerify",
        "smsPhone",
        "qaeQuestion",
    ]


def test_verify_list_offers_email_and_password_with_their_one_method():
    """challenge/sms-method (Email) and the password in every identifier-first list: a fixed methodType; a phone
    with SMS only still offers it as an option."""
    sms_only = replace(PHONE, methods=("sms",))
    select = af.select_authenticator_authenticate(LINKS, SH, [EMAIL, PASSWORD, sms_only])
    options = select["value"][0]["options"]
    assert options[0]["value"]["form"]["value"] == [fixed("id", "autEmail"), single_method("email")]
    assert options[1]["label"] == "Password"
    assert options[1]["value"]["form"]["value"] == [fixed("id", "autPassword"), single_method("password")]
    assert options[2]["value"]["form"]["value"][1] == method_options(("SMS", "sms"))
    assert [o["relatesTo"] for o in options] == [f"$.authenticatorEnrollments.value[{i}]" for i in range(3)]


def _okta_verify_transaction(methods: tuple[VerifyMethod, ...]) -> Transaction:
    interaction = Interaction(
        client_id="0oaClient",
        redirect_uri="https://app.example/callback",
        scope="openid",
        code_challenge="x" * 43,
        code_challenge_method="S256",
        state="state",
        nonce=None,
        authorization_server=None,
    )
    user = User("ada@example.com", "pw", okta_verify=OktaVerifyEnrollment(methods=methods, enrollment_id="pfdAda"))
    return Transaction(interaction, created_at=0.0, expires_at=600.0, step=Step.SELECT_AUTHENTICATOR, user=user)


@pytest.mark.parametrize(
    "methods",
    [
        (VerifyMethod.PUSH, VerifyMethod.TOTP),
        (VerifyMethod.TOTP, VerifyMethod.PUSH),
        (VerifyMethod.TOTP,),
        (VerifyMethod.PUSH,),
    ],
)
def test_an_okta_verify_only_list_is_byte_for_byte_the_one_render_sends_today(methods):
    transaction = _okta_verify_transaction(methods)
    today = render(transaction, LINKS)
    assert transaction.user is not None and transaction.user.okta_verify is not None
    enrollment = transaction.user.okta_verify
    view = AuthenticatorView(
        "okta_verify",
        LINKS.authenticators.okta_verify_id,
        tuple(m.value for m in enrollment.methods),
        enrollment.enrollment_id,
        {"deviceName": enrollment.device_name},
    )
    select = af.select_authenticator_authenticate(LINKS, transaction.state_handle, [view])
    built = {
        "remediation": {"type": "array", "value": [select]},
        "authenticators": af.authenticators_list([view]),
        "authenticatorEnrollments": af.enrollments_list([view]),
    }
    shown = {key: today[key] for key in ("remediation", "authenticators", "authenticatorEnrollments")}
    assert json.dumps(built) == json.dumps(shown)


def test_enroll_list_offers_each_authenticator_as_the_real_org_does():
    """credential/enroll/enroll-okta-verify-mfa (Okta Verify's channels), challenge/poll/enroll-ov-success (Phone
    with its number, Security Question), dotnet bad-phone-authenticator (Email), answer/enroll-password-remaining
    (Password), google-auth-scan-enroll (Google Authenticator): every option names ``$.authenticators``."""
    views = [
        replace(view, enrollment_id=None, profile={})
        for view in (EMAIL, GOOGLE, OKTA_VERIFY, PASSWORD, PHONE, QUESTION)
    ]
    assert af.select_authenticator_enroll(LINKS, SH, views) == posting(
        "select-authenticator-enroll",
        "credential/enroll",
        [
            {
                "name": "authenticator",
                "type": "object",
                "options": [
                    {
                        "label": "Email",
                        "value": {"form": {"value": [fixed("id", "autEmail"), single_method("email")]}},
                        "relatesTo": "$.authenticators.value[0]",
                    },
                    {
                        "label": "Google Authenticator",
                        "value": {"form": {"value": [fixed("id", "autGoogle"), single_method("otp")]}},
                        "relatesTo": "$.authenticators.value[1]",
                    },
                    {
                        "label": "Okta Verify",
                        "value": {"form": {"value": [fixed("id", "autOktaVerify"), CHANNELS]}},
                        "relatesTo": "$.authenticators.value[2]",
                    },
                    {
                        "label": "Password",
                        "value": {"form": {"value": [fixed("id", "autPassword"), single_method("password")]}},
                        "relatesTo": "$.authenticators.value[3]",
                    },
                    {
                        "label": "Phone",
                        "value": {
                            "form": {
                                "value": [
                                    fixed("id", "autPhone"),
                                    method_options(*SMS_AND_VOICE),
                                    {"name": "phoneNumber", "label": "Phone number", "required": False},
                                ]
                            }
                        },
                        "relatesTo": "$.authenticators.value[4]",
                    },
                    {
                        "label": "Security Question",
                        "value": {"form": {"value": [fixed("id", "autQuestion"), single_method("security_question")]}},
                        "relatesTo": "$.authenticators.value[5]",
                    },
                ],
            }
        ],
    )


def test_skip_and_identifier_first_identify():
    """challenge/poll/enroll-ov-success (``skip``); okta-idx-dotnet two-steps-login introspect (username only)."""
    assert af.skip(LINKS, SH) == posting("skip", "skip", [])
    assert af.identify_without_credentials(LINKS, SH) == posting(
        "identify",
        "identify",
        [
            {"name": "identifier", "label": "Username", "required": True},
            {"name": "rememberMe", "type": "boolean", "label": "Remember this device"},
        ],
    )


# --- method and phone number ---------------------------------------------------------------------------------------


def test_phone_method_page_offers_sms_and_voice_for_the_enrollment():
    """challenge/sms-method."""
    assert af.authenticator_verification_data(LINKS, SH, PHONE) == posting(
        "authenticator-verification-data",
        "challenge",
        [
            {
                "name": "authenticator",
                "label": "Phone",
                "form": {
                    "value": [
                        fixed("id", "autPhone"),
                        method_options(*SMS_AND_VOICE, required=True),
                        fixed("enrollmentId", "smsPhone"),
                    ]
                },
            }
        ],
        relates_to="$.currentAuthenticatorEnrollment",
    )


def test_phone_enrollment_asks_for_the_method_and_the_number():
    """credential/enroll/enroll-phone-voice-sms-mfa."""
    view = replace(PHONE, enrollment_id=None, profile={})
    assert af.authenticator_enrollment_data(LINKS, SH, view) == posting(
        "authenticator-enrollment-data",
        "credential/enroll",
        [
            {
                "name": "authenticator",
                "label": "Phone",
                "form": {
                    "value": [
                        fixed("id", "autPhone"),
                        method_options(*SMS_AND_VOICE, required=True),
                        {"name": "phoneNumber", "required": True},
                    ]
                },
            }
        ],
        relates_to="$.currentAuthenticator",
    )


# --- answering -----------------------------------------------------------------------------------------------------


def _credentials(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"name": "credentials", "type": "object", "required": True, "form": {"value": list(fields)}}


@pytest.mark.parametrize(
    ("view", "secret_field"),
    [
        # okta-idx-dotnet two-steps-login identify-response
        (PASSWORD, {"name": "passcode", "label": "Password", "secret": True}),
        # challenge/default (email), challenge/sms-challenge
        (EMAIL, {"name": "passcode", "label": "Enter code"}),
        (PHONE, {"name": "passcode", "label": "Enter code"}),
        # challenge/google-auth-verify
        (GOOGLE, {"name": "passcode", "label": "Enter code", "required": True}),
        # challenge/verify-ov-code-mfa
        (OKTA_VERIFY, {"name": "totp", "label": "Enter code", "required": True}),
    ],
)
def test_challenge_asks_for_the_secret_of_each_authenticator(view, secret_field):
    assert af.challenge_authenticator(LINKS, SH, view) == posting(
        "challenge-authenticator",
        "challenge/answer",
        [_credentials(secret_field)],
        relates_to="$.currentAuthenticatorEnrollment",
    )


@pytest.mark.parametrize(
    "profile",
    [
        {"questionKey": "childhood_dream_job", "question": "What was your dream job as a child?"},
        {"questionKey": "custom", "question": "Who is your daddy and what does he do?"},
    ],
)
def test_challenge_shows_the_enrolled_security_question(profile):
    """identify/securityquestion-verify and securityquestion-custom-verify."""
    view = replace(QUESTION, profile=profile)
    assert af.challenge_authenticator(LINKS, SH, view) == posting(
        "challenge-authenticator",
        "challenge/answer",
        [
            _credentials(
                {
                    "name": "questionKey",
                    "label": profile["question"],
                    "required": True,
                    "value": profile["questionKey"],
                    "visible": False,
                    "mutable": False,
                },
                {"name": "answer", "label": "Answer", "required": True, "secret": True},
            )
        ],
        relates_to="$.currentAuthenticatorEnrollment",
    )


@pytest.mark.parametrize(
    ("view", "secret_field"),
    [
        # credential/enroll/request-password: one password field, no confirmation
        (PASSWORD, {"name": "passcode", "label": "Enter password", "secret": True}),
        # credential/enroll/request-email-mfa, enroll-phone-sms-code-mfa
        (EMAIL, {"name": "passcode", "label": "Enter code"}),
        (PHONE, {"name": "passcode", "label": "Enter code"}),
        # credential/enroll/google-auth-scan-enroll
        (GOOGLE, {"name": "passcode", "label": "Enter code", "required": True}),
    ],
)
def test_enrollment_asks_for_the_first_secret(view, secret_field):
    view = replace(view, enrollment_id=None, profile={})
    assert af.enroll_authenticator(LINKS, SH, view) == posting(
        "enroll-authenticator", "challenge/answer", [_credentials(secret_field)], relates_to="$.currentAuthenticator"
    )


def test_security_question_enrollment_offers_a_predefined_or_an_own_question():
    """challenge/answer/enroll-security-question-with-character-limit-error (the newer capture: answers are
    secret)."""
    view = replace(QUESTION, enrollment_id=None, profile={})
    answer = {"name": "answer", "label": "Answer", "required": True, "secret": True}
    assert af.enroll_authenticator(LINKS, SH, view, questions=QUESTIONS) == posting(
        "enroll-authenticator",
        "challenge/answer",
        [
            {
                "name": "credentials",
                "type": "object",
                "required": True,
                "options": [
                    {
                        "label": "Choose a security question",
                        "value": {
                            "form": {
                                "value": [
                                    {
                                        "name": "questionKey",
                                        "type": "string",
                                        "label": "Choose a security question",
                                        "required": True,
                                        "options": [
                                            {
                                                "label": "What is the food you least liked as a child?",
                                                "value": "disliked_food",
                                            },
                                            {
                                                "label": "What is the name of your first stuffed animal?",
                                                "value": "name_of_first_plush_toy",
                                            },
                                        ],
                                    },
                                    answer,
                                ]
                            }
                        },
                    },
                    {
                        "label": "Create my own security question",
                        "value": {
                            "form": {
                                "value": [
                                    fixed("questionKey", "custom"),
                                    {"name": "question", "label": "Create a security question", "required": True},
                                    answer,
                                ]
                            }
                        },
                    },
                ],
            }
        ],
        relates_to="$.currentAuthenticator",
    )


def test_okta_verify_is_not_enrolled_with_a_code_form():
    with pytest.raises(ValueError, match="okta_verify"):
        af.enroll_authenticator(LINKS, SH, OKTA_VERIFY)


# --- the authenticator in use --------------------------------------------------------------------------------------

RESEND = posting("resend", "challenge/resend", [])


def _poll(refresh: int) -> dict[str, Any]:
    return posting("poll", "challenge/poll", [], refresh=refresh)


def test_email_enrollment_can_resend_and_polls_for_the_magic_link():
    """credential/enroll/request-email-mfa."""
    view = replace(EMAIL, enrollment_id=None, profile={})
    assert af.current_authenticator(LINKS, SH, view, resend=True, poll_refresh_ms=4000) == wrapped(
        {
            "resend": RESEND,
            "poll": _poll(4000),
            "type": "email",
            "key": "okta_email",
            "id": "autEmail",
            "displayName": "Email",
            "methods": [{"type": "email"}],
        }
    )


def test_phone_enrollment_shows_only_the_method_chosen():
    """credential/enroll/enroll-phone-voice-code-mfa: a voice call chosen, ``methods`` is voice alone."""
    view = replace(PHONE, enrollment_id=None, profile={})
    current = af.current_authenticator(LINKS, SH, view, method="voice", resend=True)
    assert current == wrapped(
        {
            "resend": RESEND,
            "type": "phone",
            "key": "phone_number",
            "id": "autPhone",
            "displayName": "Phone",
            "methods": [{"type": "voice"}],
        }
    )
    assert af.enrollment_authenticator(view, method="voice") == wrapped(
        {
            "type": "phone",
            "key": "phone_number",
            "id": "autPhone",
            "displayName": "Phone",
            "methods": [{"type": "voice"}],
        }
    )


def test_google_authenticator_enrollment_shows_the_qr_code_and_the_secret():
    """credential/enroll/google-auth-scan-enroll."""
    view = replace(GOOGLE, enrollment_id=None)
    contextual = af.google_otp_contextual_data("data:image/png;base64,iVBORw0KGgo=", "KAGWBIXAKOLPEFMY")
    assert af.current_authenticator(LINKS, SH, view, contextual=contextual) == wrapped(
        {
            "contextualData": {
                "qrcode": {"method": "embedded", "href": "data:image/png;base64,iVBORw0KGgo=", "type": "image/png"},
                "sharedSecret": "KAGWBIXAKOLPEFMY",
            },
            "type": "app",
            "key": "google_otp",
            "id": "autGoogle",
            "displayName": "Google Authenticator",
            "methods": [{"type": "otp"}],
        }
    )


def test_security_question_enrollment_lists_the_question_keys_and_texts():
    """credential/enroll/securityquestion-enroll-mfa: ``questionKeys`` includes ``custom``."""
    assert af.security_question_contextual_data(QUESTIONS) == {
        "questionKeys": ["disliked_food", "name_of_first_plush_toy", "custom"],
        "questions": [
            {"questionKey": "disliked_food", "question": "What is the food you least liked as a child?"},
            {"questionKey": "name_of_first_plush_toy", "question": "What is the name of your first stuffed animal?"},
        ],
    }


def test_password_enrollment_shows_the_policy_settings_after_the_methods():
    """credential/enroll/request-password: ``settings`` on both currentAuthenticator and enrollmentAuthenticator."""
    view = replace(PASSWORD, enrollment_id=None, settings=SETTINGS)
    expected = {
        "type": "password",
        "key": "okta_password",
        "id": "autPassword",
        "displayName": "Password",
        "methods": [{"type": "password"}],
        "settings": SETTINGS,
    }
    current = af.current_authenticator(LINKS, SH, view)
    assert current == wrapped(expected)
    assert list(current["value"])[-1] == "settings"
    assert af.enrollment_authenticator(view) == wrapped(expected)


def test_email_verification_shows_the_masked_address_resend_and_poll():
    """challenge/default."""
    assert af.current_authenticator_enrollment(LINKS, SH, EMAIL, resend=True, poll_refresh_ms=4000) == wrapped(
        {
            "profile": {"email": "t***r@example.com"},
            "resend": RESEND,
            "poll": _poll(4000),
            "type": "email",
            "key": "okta_email",
            "id": "eaeEmail",
            "displayName": "Email",
            "methods": [{"type": "email"}],
        }
    )


def test_phone_verification_shows_the_masked_number_and_the_method_chosen():
    """challenge/sms-challenge."""
    assert af.current_authenticator_enrollment(LINKS, SH, PHONE, method="sms", resend=True) == wrapped(
        {
            "profile": {"phoneNumber": "+1 XXX-XXX-2241"},
            "resend": RESEND,
            "type": "phone",
            "key": "phone_number",
            "id": "smsPhone",
            "displayName": "Phone",
            "methods": [{"type": "sms"}],
        }
    )


def test_security_question_verification_shows_the_enrolled_question():
    """identify/securityquestion-verify."""
    contextual = af.enrolled_question_contextual_data(QUESTION)
    assert af.current_authenticator_enrollment(LINKS, SH, QUESTION, contextual=contextual) == wrapped(
        {
            "contextualData": {
                "enrolledQuestion": {
                    "questionKey": "childhood_dream_job",
                    "question": "What was your dream job as a child?",
                }
            },
            "profile": {"questionKey": "childhood_dream_job", "question": "What was your dream job as a child?"},
            "type": "security_question",
            "key": "security_question",
            "id": "qaeQuestion",
            "displayName": "Security Question",
            "methods": [{"type": "security_question"}],
        }
    )


def test_google_and_password_verification_show_the_bare_enrollment():
    """challenge/google-auth-verify; the password without ``recover`` (mock-idx has no recovery to offer)."""
    assert af.current_authenticator_enrollment(LINKS, SH, GOOGLE) == wrapped(
        {
            "type": "app",
            "key": "google_otp",
            "id": "uftGoogle",
            "displayName": "Google Authenticator",
            "methods": [{"type": "otp"}],
        }
    )
    assert af.current_authenticator_enrollment(LINKS, SH, PASSWORD) == wrapped(
        {
            "type": "password",
            "key": "okta_password",
            "id": "laePassword",
            "displayName": "Password",
            "methods": [{"type": "password"}],
        }
    )


# --- Okta Verify enrollment ----------------------------------------------------------------------------------------

NEW_OKTA_VERIFY = replace(OKTA_VERIFY, enrollment_id=None, profile={})


def _okta_verify_current(methods: list[str], contextual: dict[str, Any], resend: bool = False) -> dict[str, Any]:
    value: dict[str, Any] = {"resend": RESEND} if resend else {}
    value["contextualData"] = contextual
    value.update(
        {
            "type": "app",
            "key": "okta_verify",
            "id": "autOktaVerify",
            "displayName": "Okta Verify",
            "methods": [{"type": m} for m in methods],
        }
    )
    return wrapped(value)


def test_okta_verify_setup_polls_and_offers_the_other_channels():
    """credential/enroll/enroll-okta-verify-mfa: ``enroll-poll`` then ``select-enrollment-channel`` listing every
    channel, the QR code's included."""
    assert af.enroll_poll(LINKS, SH, 4000) == posting("enroll-poll", "challenge/poll", [], refresh=4000)
    assert af.select_enrollment_channel(LINKS, SH, NEW_OKTA_VERIFY) == posting(
        "select-enrollment-channel",
        "credential/enroll",
        [
            {
                "name": "authenticator",
                "type": "object",
                "label": "Okta Verify",
                "value": {"form": {"value": [fixed("id", "autOktaVerify"), CHANNELS]}},
            }
        ],
    )


def test_okta_verify_qr_code_page():
    """credential/enroll/enroll-okta-verify-mfa: methods ``totp``, the QR code and the selected channel."""
    current = af.okta_verify_enrollment_authenticator(
        LINKS, SH, NEW_OKTA_VERIFY, "qrcode", qr_code_href="data:image/png;base64,QR"
    )
    assert current == _okta_verify_current(
        ["totp"],
        {
            "qrcode": {"method": "embedded", "href": "data:image/png;base64,QR", "type": "image/png"},
            "selectedChannel": "qrcode",
        },
    )
    with pytest.raises(ValueError, match="QR code"):
        af.okta_verify_enrollment_authenticator(LINKS, SH, NEW_OKTA_VERIFY, "qrcode")


def test_okta_verify_asks_where_to_send_the_setup_link():
    """credential/enroll/enroll-ov-email-channel and enroll-ov-sms-channel."""
    assert af.enrollment_channel_data(LINKS, SH, "email") == posting(
        "enrollment-channel-data",
        "challenge/send",
        [{"name": "email", "label": "Email", "required": True, "visible": True}],
    )
    assert af.enrollment_channel_data(LINKS, SH, "sms") == posting(
        "enrollment-channel-data",
        "challenge/send",
        [{"name": "phoneNumber", "label": "Phone Number", "required": True, "visible": True}],
    )
    with pytest.raises(ValueError, match="qrcode"):
        af.enrollment_channel_data(LINKS, SH, "qrcode")
    for channel in ("email", "sms"):
        current = af.okta_verify_enrollment_authenticator(LINKS, SH, NEW_OKTA_VERIFY, channel)
        assert current == _okta_verify_current(["totp"], {"selectedChannel": channel})


@pytest.mark.parametrize(
    ("channel", "address_field", "address"),
    [("email", "email", "tester@okta1.com"), ("sms", "phoneNumber", "+12165332241")],
)
def test_okta_verify_link_sent_can_be_resent(channel, address_field, address):
    """challenge/send/enroll-ov-email-mfa and enroll-ov-sms-mfa: ``resend``, the address, methods ``push``."""
    current = af.okta_verify_enrollment_authenticator(LINKS, SH, NEW_OKTA_VERIFY, channel, sent_to=address)
    assert current == _okta_verify_current(["push"], {"selectedChannel": channel, address_field: address}, resend=True)


def test_every_form_built_here_posts_json_to_idx_with_the_state_handle():
    forms = [
        af.select_authenticator_authenticate(LINKS, SH, [EMAIL, PHONE]),
        af.select_authenticator_enroll(LINKS, SH, [NEW_OKTA_VERIFY]),
        af.skip(LINKS, SH),
        af.identify_without_credentials(LINKS, SH),
        af.authenticator_verification_data(LINKS, SH, PHONE),
        af.authenticator_enrollment_data(LINKS, SH, PHONE),
        af.challenge_authenticator(LINKS, SH, QUESTION),
        af.enroll_authenticator(LINKS, SH, QUESTION, questions=QUESTIONS),
        af.select_enrollment_channel(LINKS, SH, NEW_OKTA_VERIFY),
        af.enrollment_channel_data(LINKS, SH, "sms"),
        af.enroll_poll(LINKS, SH, 4000),
    ]
    for built in forms:
        assert built["rel"] == ["create-form"] and built["method"] == "POST"
        assert built["href"].startswith(f"{BASE}/idp/idx/")
        assert built["value"][-1] == STATE_HANDLE


# --- errors --------------------------------------------------------------------------------------------------------

EXISTING = [
    Reason.SESSION_EXPIRED,
    Reason.AUTHENTICATION_FAILED,
    Reason.PASSCODE_INVALID,
    Reason.PASSCODE_REUSED,
    Reason.VERIFICATION_TIMED_OUT,
    Reason.MALFORMED_REQUEST,
    Reason.INVALID_AUTHENTICATOR,
    Reason.STEP_UNAVAILABLE,
    Reason.FIELD_REQUIRED,
]


def test_every_reason_has_a_row():
    assert set(ERRORS) == set(Reason)


@pytest.mark.parametrize("reason", EXISTING)
def test_existing_rows_give_the_message_they_always_gave(reason):
    spec = ERRORS[reason]
    assert error_message(reason) == {"message": spec.text, "i18n": {"key": spec.key, "params": []}, "class": "ERROR"}
    assert error_message(reason) == message(spec.key, spec.text)


@pytest.mark.parametrize(
    ("reason", "status", "key", "text", "placement", "field"),
    [
        # error-401-invalid-otp-passcode, error-authenticator-enroll-{email,phone,google}-invalid-otp
        (
            Reason.OTP_INVALID,
            401,
            "api.authn.error.PASSCODE_INVALID",
            "Invalid code. Try again.",
            Placement.FIELD,
            ("credentials", "passcode"),
        ),
        (
            Reason.OTP_EXPIRED,
            401,
            "api.authn.error.PASSCODE_INVALID",
            "Invalid code. Try again.",
            Placement.FIELD,
            ("credentials", "passcode"),
        ),
        # error-authenticator-verification-on-google-otp-invalid-passcode (served 403)
        (
            Reason.SOFT_TOKEN_INVALID,
            403,
            "authfactor.challenge.soft_token.invalid_passcode",
            "API error: Your code doesn't match our records. Please try again.",
            Placement.FIELD,
            ("credentials", "passcode"),
        ),
        # okta-idx-dotnet / okta-idx-java invalid phone number answers
        (
            Reason.PHONE_NUMBER_INVALID,
            400,
            None,
            "Unable to initiate factor enrollment: Invalid Phone Number.",
            Placement.GLOBAL,
            (),
        ),
        (
            Reason.SECURITY_ANSWER_TOO_SHORT,
            400,
            "securityQuestion.answer.tooShort.arg",
            "The security question answer must be at least 4 characters in length",
            Placement.FIELD,
            ("credentials", "answer"),
        ),
        (
            Reason.AUTHENTICATOR_NOT_ENROLLABLE,
            400,
            "E0000001",
            "Api validation failed: authenticator",
            Placement.GLOBAL,
            (),
        ),
        # error-authenticator-phone-sms-ratelimit, error-authenticator-phone-voice-ratelimit (served 429)
        (
            Reason.SMS_RATE_LIMITED,
            429,
            "errors.E0000150",
            "You have reached the limit of sms requests, please try again later.",
            Placement.GLOBAL,
            (),
        ),
        (
            Reason.VOICE_RATE_LIMITED,
            429,
            "errors.E0000151",
            "You have reached the limit of call requests, please try again later.",
            Placement.GLOBAL,
            (),
        ),
        (Reason.EMAIL_RATE_LIMITED, 429, "tooManyRequests", "Too many requests", Placement.GLOBAL, ()),
    ],
)
def test_new_rows_follow_the_captures(reason, status, key, text, placement, field):
    spec = ERRORS[reason]
    assert (spec.status, spec.key, spec.text, spec.placement, spec.field) == (status, key, text, placement, field)


def test_a_wrong_code_message_is_the_one_on_the_passcode_field_in_the_captures():
    assert error_message(Reason.OTP_INVALID) == {
        "message": "Invalid code. Try again.",
        "i18n": {"key": "api.authn.error.PASSCODE_INVALID", "params": []},
        "class": "ERROR",
    }


def test_a_too_short_answer_names_the_minimum_length_as_its_param():
    """enroll-security-question-with-character-limit-error: ``params: [4]``."""
    assert error_message(Reason.SECURITY_ANSWER_TOO_SHORT) == {
        "message": "The security question answer must be at least 4 characters in length",
        "i18n": {"key": "securityQuestion.answer.tooShort.arg", "params": [4]},
        "class": "ERROR",
    }


def test_an_invalid_phone_number_message_has_no_i18n():
    assert error_message(Reason.PHONE_NUMBER_INVALID) == {
        "message": "Unable to initiate factor enrollment: Invalid Phone Number.",
        "class": "ERROR",
    }


def test_a_weak_password_message_ends_with_the_requirements_given_at_run_time():
    """challenge/answer/authenticator-enroll-password-requirements-not-met."""
    requirements = (
        "Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts "
        "of your username, does not include your first name, does not include your last name."
    )
    assert error_message(Reason.PASSWORD_REQUIREMENTS_NOT_MET, requirements) == {
        "message": f"Password requirements were not met. {requirements}",
        "i18n": {"key": "password.passwordRequirementsNotMet", "params": [requirements]},
        "class": "ERROR",
    }
    spec = ERRORS[Reason.PASSWORD_REQUIREMENTS_NOT_MET]
    assert (spec.status, spec.placement, spec.field) == (400, Placement.FIELD, ("credentials", "passcode"))
