"""Reading the enrollment and verification documents of every authenticator, on small hand-written documents in the
shapes Okta sends (the widget's v3 captures): what a page needs, whichever authenticator it is about."""

from __future__ import annotations

from typing import Any

from reference_client.idx.document import IdxDocument
from reference_client.idx.interpret import credential_name, describe, status_of
from reference_client.idx.results import AuthenticationStatus as Status

STATE = {"name": "stateHandle", "value": "sh-1", "mutable": False, "visible": False, "required": True}


def form(name: str, *fields: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "href": f"https://org.example/idp/idx/{name}", "method": "POST", "value": [*fields, STATE]}


def document(*remediations: dict[str, Any], **top: Any) -> IdxDocument:
    return IdxDocument.parse({"stateHandle": "sh-1", "remediation": {"value": list(remediations)}, **top})


CHANNELS = {
    "name": "authenticator",
    "type": "object",
    "label": "Okta Verify",
    "value": {
        "form": {
            "value": [
                {"name": "id", "value": "autOV", "mutable": False},
                {
                    "name": "channel",
                    "options": [
                        {"label": "QRCODE", "value": "qrcode"},
                        {"label": "EMAIL", "value": "email"},
                        {"label": "SMS", "value": "sms"},
                    ],
                },
            ]
        }
    },
}


def okta_verify_setup(channel: str, **contextual: Any) -> dict[str, Any]:
    value = {"key": "okta_verify", "id": "autOV", "contextualData": {"selectedChannel": channel, **contextual}}
    return {"type": "object", "value": value}


def test_the_qr_code_page_offers_the_other_channels_and_polls_at_the_servers_pace() -> None:
    poll = form("enroll-poll") | {"refresh": 4000}
    qr = {"method": "embedded", "href": "data:image/png;base64,iVBOR", "type": "image/png"}
    doc = document(
        poll, form("select-enrollment-channel", CHANNELS), currentAuthenticator=okta_verify_setup("qrcode", qrcode=qr)
    )

    response = describe(doc, None)

    assert response.status is Status.AwaitingPollEnrollment and response.refresh_ms == 4000
    assert response.contextual.qr_code == "data:image/png;base64,iVBOR"
    assert [c.value for c in response.enrollment_channels] == ["email", "sms"]


def test_a_link_sent_by_email_names_the_address_and_offers_the_qr_code_again() -> None:
    current = okta_verify_setup("email", email="pat@example.com")
    doc = document(form("enroll-poll"), form("select-enrollment-channel", CHANNELS), currentAuthenticator=current)

    response = describe(doc, None)

    assert response.contextual.sent_to == "pat@example.com" and response.contextual.qr_code is None
    assert [c.value for c in response.enrollment_channels] == ["qrcode", "sms"]


def test_the_security_question_challenge_asks_only_for_the_answer() -> None:
    credentials = {
        "name": "credentials",
        "form": {
            "value": [
                {"name": "questionKey", "label": "Favourite colour?", "value": "custom", "mutable": False},
                {"name": "answer", "label": "Answer", "secret": True},
            ]
        },
    }
    enrollment = {"key": "security_question", "id": "qae1", "contextualData": {"enrolledQuestion": {"question": "Q?"}}}
    challenge = form("challenge-authenticator", credentials)
    doc = document(challenge, currentAuthenticatorEnrollment={"type": "object", "value": enrollment})

    response = describe(doc, None)

    assert credential_name(doc.remediations[0]) == "answer"
    assert [(i.name, i.label, i.secret) for i in response.credential_inputs] == [("answer", "Answer", True)]
    assert response.contextual.question == "Q?" and response.authenticator_key == "security_question"
    assert doc.remediations[0].body({"credentials": {"answer": "blue"}})["credentials"] == {
        "answer": "blue",
        "questionKey": "custom",
    }


def test_a_message_on_a_field_inside_an_option_form_is_an_error_of_the_document() -> None:
    """Okta puts a security question enrollment's answer message on the answer inside the chosen option's form."""
    answer = {"name": "answer", "messages": {"value": [{"message": "Too short", "class": "ERROR"}]}}
    option = {"label": "Choose", "value": {"form": {"value": [{"name": "questionKey", "options": []}, answer]}}}
    doc = document(form("enroll-authenticator", {"name": "credentials", "options": [option]}))

    assert [(m.text, m.field) for m in doc.messages] == [("Too short", "credentials.answer")]
    assert status_of(doc) is Status.AwaitingAuthenticatorVerification


def test_the_phone_number_form_offers_its_methods_and_skip_is_seen() -> None:
    authenticator = {
        "name": "authenticator",
        "form": {
            "value": [
                {"name": "id", "value": "autPhone", "mutable": False},
                {
                    "name": "methodType",
                    "options": [{"label": "SMS", "value": "sms"}, {"label": "Voice call", "value": "voice"}],
                },
                {"name": "phoneNumber", "required": True},
            ]
        },
    }
    doc = document(form("authenticator-enrollment-data", authenticator), form("skip"))

    response = describe(doc, None)

    assert response.status is Status.AwaitingAuthenticatorEnrollmentData and response.can_skip
    assert [(m.value, m.label) for m in response.method_types] == [("sms", "SMS"), ("voice", "Voice call")]
