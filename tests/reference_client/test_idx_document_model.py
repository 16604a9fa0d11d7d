"""The IDX document layer on small hand-written documents: shapes real Okta sends that mock_idx may not."""

from __future__ import annotations

from typing import Any

import pytest

from reference_client.idx.document import IdxDocument, resolve
from reference_client.idx.interpret import credential_name, status_of
from reference_client.idx.results import AuthenticationStatus as Status
from reference_client.idx.transport import pacing_hint_ms

STATE = {"name": "stateHandle", "value": "sh-1", "mutable": False, "visible": False, "required": True}
OKTA_VERIFY = {"type": "app", "key": "okta_verify", "id": "autOV", "displayName": "Okta Verify"}


def form(name: str, *fields: dict[str, Any], **extra) -> dict[str, Any]:
    return {
        "rel": ["create-form"],
        "name": name,
        "href": f"https://org.example/idp/idx/{name}",
        "method": "POST",
        "value": [*fields, STATE],
        **extra,
    }


def document(*remediations: dict[str, Any], **top) -> IdxDocument:
    return IdxDocument.parse(
        {
            "version": "1.0.0",
            "stateHandle": "sh-1",
            "remediation": {"type": "array", "value": list(remediations)},
            **top,
        }
    )


def test_relates_to_paths_resolve_like_auth_js():
    raw = {"authenticators": {"value": [{"id": "a0"}, {"id": "a1"}]}, "currentAuthenticator": {"value": {"id": "c"}}}
    assert resolve(raw, "$.authenticators.value[1]") == {"id": "a1"}
    assert resolve(raw, ["$.currentAuthenticator"]) == {"value": {"id": "c"}}
    assert resolve(raw, "$.authenticators.value[7]") is None
    assert resolve(raw, "not-a-path") is None


def test_body_forces_immutable_values_into_nested_forms():
    authenticator = {
        "name": "authenticator",
        "form": {
            "value": [
                {"name": "id", "value": "autOV", "mutable": False},
                {"name": "methodType", "options": [{"label": "Get a push notification", "value": "push"}]},
            ]
        },
    }
    verification = document(form("authenticator-verification-data", authenticator)).remediations[0]

    body = verification.body({"authenticator": {"methodType": "push", "id": "forged"}, "stateHandle": "forged"})

    assert body == {"authenticator": {"methodType": "push", "id": "autOV"}, "stateHandle": "sh-1"}


def test_resend_with_a_form_valued_field_sends_its_fixed_values():
    """Okta's rejected-push `resend` nests the authenticator as `value: {form: ...}` on a mutable field."""
    authenticator = {
        "name": "authenticator",
        "type": "object",
        "value": {
            "form": {
                "value": [
                    {"name": "id", "value": "autOV", "mutable": False},
                    {"name": "methodType", "value": "push", "mutable": False},
                ]
            }
        },
    }
    resend = document(form("resend", authenticator)).remediation("resend")

    assert resend is not None
    assert resend.body({}) == {"authenticator": {"id": "autOV", "methodType": "push"}, "stateHandle": "sh-1"}


def test_rejected_push_is_recognised_from_the_message_alone():
    rejected = document(
        form("select-authenticator-authenticate"),
        messages={
            "type": "array",
            "value": [
                {
                    "message": "You have chosen to reject this login.",
                    "class": "ERROR",
                    "i18n": {"key": "api.authn.poll.error.push_rejected"},
                }
            ],
        },
    )
    assert status_of(rejected) is Status.PushChallengeFailed


def test_primary_step_wins_over_the_always_present_selection():
    doc = document(
        form("select-authenticator-authenticate"),
        form("challenge-poll", refresh=4000, relatesTo=["$.currentAuthenticator"]),
        currentAuthenticator={"type": "object", "value": OKTA_VERIFY},
    )
    assert status_of(doc) is Status.AwaitingChallengeAuthenticatorPollResponse
    poll = doc.remediation("challenge-poll")
    assert poll is not None and poll.relates_to == {"type": "object", "value": OKTA_VERIFY}


def test_unknown_steps_and_empty_documents_have_distinct_statuses():
    assert status_of(document(form("enroll-profile"))) is Status.Unsupported
    assert status_of(IdxDocument.parse({"version": "1.0.0", "messages": {"value": []}})) is Status.Terminal


def test_code_goes_in_the_credential_field_the_form_names():
    totp = document(
        form(
            "challenge-authenticator",
            {"name": "credentials", "form": {"value": [{"name": "totp", "label": "Enter code"}]}},
        )
    )
    password = document(
        form("challenge-authenticator", {"name": "credentials", "form": {"value": [{"name": "passcode"}]}})
    )
    assert credential_name(totp.remediations[0]) == "totp"
    assert credential_name(password.remediations[0]) == "passcode"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7000),
        ({"Retry-After": "86400"}, 60000),  # capped: a wild hint must not stall the page
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_pacing_hint_from_rate_limit_headers(headers, expected):
    assert pacing_hint_ms(headers) == expected
