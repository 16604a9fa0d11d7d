"""okta-auth-js 8.0.1, unmodified, enrolls and verifies every authenticator against mock_idx in Node (issue #14).

The flows (e2e/compat/sdk/authenticator_flows.mjs) use Legacy mode, the calls Okta's embedded-SDK guides show:
``idx.authenticate({username, password, authenticators})``, then ``idx.proceed({verificationCode})``,
``{authenticator}``, ``{methodType, phoneNumber}``, ``{channel, email}``, ``{questionKey, answer}``, ``{skip}`` and
``idx.poll()``; the ``steps:`` flows walk some of the same journeys in Step mode (the 8.x default). The user's inbox,
phone, authenticator app and Okta Verify are played through the control API. Each org's policy is a scenario on a
server of its own (flows that move the clock get an org of their own, the clock being the server's); all flows run at
once in one Node process, each signing in as its own user, and every expectation is asserted here. Tokens are checked
by okta-auth-js itself (``token.verify`` against ``/v1/keys``, a forged one refused, ``/v1/userinfo``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest

from e2e.compat.compat_support import compat_server, reported_messages, run_sdk_flows, step, succeeded
from mock_idx.pytest_plugin import MockIdx

CLIENT_ID = "compat-node-authenticators"
REDIRECT_URI = "http://localhost:8080/login/callback"
PASSWORD = "Tr1cky-Passw0rd!"
PHONE = "+1 201-555-0123"
PHONE_E164 = "+12015550123"
INVALID_PHONE = "12"
GOOGLE_SECRET = pyotp.random_base32()
REUSED_SECRET = pyotp.random_base32()
QUESTION_KEY = "disliked_food"
ANSWER = "Brussels sprouts"
CUSTOM_QUESTION = "What was the name of my first car?"
CUSTOM_ANSWER = "Rusty the Volvo"
CODE_LIFETIME = 300
RESEND_INTERVAL = 30
"""Okta's wait between two SMS or voice sends."""
STEP_MODE = "steps:"
"""Flows named so run in Step mode (``proceed({step})``); the others in Legacy mode."""
PASSCODE_INVALID = "api.authn.error.PASSCODE_INVALID"


@dataclass
class Org:
    """One fake org: its authenticator policy, its users (login -> enrolled authenticators) and the flows run in it."""

    name: str
    authenticators: dict[str, Any]
    flows: dict[str, dict[str, Any]] = field(default_factory=dict)
    """flow -> its user's enrolled authenticators (``enrolled``) and what else the Node side reads (``extra``)."""

    def scenario(self) -> dict[str, Any]:
        users = [
            {
                "login": login_for(self.name, flow),
                "password": None if "newPassword" in spec["extra"] else PASSWORD,  # who sets one in the flow has none
                "authenticators": spec["enrolled"],
            }
            for flow, spec in self.flows.items()
        ]
        return {"settings": {"authenticators": self.authenticators}, "users": users}


def login_for(org: str, flow: str) -> str:
    return f"{flow.replace(':', '-')}@{org}.example.com"


def flow_user(enrolled: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A flow's own user, enrolled in ``enrolled`` (scenario format; none: a new user), and the flow's extra inputs."""
    return {"enrolled": enrolled or {}, "extra": extra}


ALL_OPTIONAL = {
    "okta_password": "required",
    "okta_verify": "optional",
    "okta_email": "optional",
    "phone_number": "optional",
    "google_otp": "optional",
    "security_question": "optional",
}
ALL_REQUIRED = dict.fromkeys(ALL_OPTIONAL, "required")


def all_enrolled_but(missing: str) -> dict[str, Any]:
    """A user of an org that requires every authenticator, who has enrolled all of them except ``missing``: the one
    sign-in asks them to enroll."""
    every = {
        "email": {},
        "phone": {"number": PHONE},
        "google_authenticator": {},
        "security_question": {"question_key": QUESTION_KEY, "answer": ANSWER},
    }
    del every[missing]
    return every


ORGS = (
    Org(
        "okta-verify",
        {"enrollment": {"okta_password": "required", "okta_verify": "required"}, "sign_on": "okta_verify"},
        {
            "okta-verify-qr": flow_user(),
            "okta-verify-email": flow_user(),
            "okta-verify-sms": flow_user(phoneNumber=PHONE),
            "steps:okta-verify-email": flow_user(),
        },
    ),
    Org(
        "verify",
        {"enrollment": ALL_OPTIONAL, "sign_on": "when_enrolled"},
        {
            "email-verify": flow_user({"email": {}}),
            "email-wrong-code": flow_user({"email": {}}),
            "email-resend": flow_user({"email": {}}),
            "voice-verify": flow_user({"phone": {"number": PHONE}}),
            "steps:voice-verify": flow_user({"phone": {"number": PHONE}}),
            "google-verify": flow_user({"google_authenticator": {"secret": GOOGLE_SECRET}}, secret=GOOGLE_SECRET),
            "google-reused-code": flow_user({"google_authenticator": {"secret": REUSED_SECRET}}, secret=REUSED_SECRET),
            "security-question-verify": flow_user(
                {"security_question": {"question_key": QUESTION_KEY, "answer": ANSWER}}, answer=ANSWER.upper()
            ),
        },
    ),
    Org(
        "enroll",
        {"enrollment": {**ALL_REQUIRED, "okta_verify": "disabled"}, "sign_on": "one_factor"},
        {
            "email-enroll": flow_user(all_enrolled_but("email")),
            "sms-enroll": flow_user(all_enrolled_but("phone"), phoneNumber=PHONE, invalidPhoneNumber=INVALID_PHONE),
            "google-enroll": flow_user(all_enrolled_but("google_authenticator")),
            "security-question-predefined": flow_user(
                all_enrolled_but("security_question"), questionKey=QUESTION_KEY, answer=ANSWER
            ),
            "security-question-custom": flow_user(
                all_enrolled_but("security_question"), question=CUSTOM_QUESTION, answer=CUSTOM_ANSWER
            ),
            "steps:sms-enroll": flow_user(
                all_enrolled_but("phone"), phoneNumber=PHONE, invalidPhoneNumber=INVALID_PHONE
            ),
            "steps:google-enroll": flow_user(all_enrolled_but("google_authenticator")),
            "steps:security-question-custom": flow_user(
                all_enrolled_but("security_question"), question=CUSTOM_QUESTION, answer=CUSTOM_ANSWER
            ),
        },
    ),
    Org(
        "first",
        {
            "enrollment": {"okta_password": "required", "okta_email": "required", "phone_number": "optional"},
            "sign_on": "one_factor",
            "identifier_first": True,
        },
        {
            "identifier-first": flow_user({"email": {}}),
            "password-enroll": flow_user({"email": {}}, weakPassword="short1A", newPassword="A-new-Passw0rd"),
            "identifier-first-skip": flow_user(),
            "steps:identifier-first-skip": flow_user(),
        },
    ),
    Org(
        "expiry",
        {"enrollment": ALL_OPTIONAL, "sign_on": "when_enrolled", "code_lifetime": CODE_LIFETIME},
        {"email-expired-code": flow_user({"email": {}}, advanceSeconds=CODE_LIFETIME + 1)},
    ),
    Org(
        "resend",
        {"enrollment": ALL_OPTIONAL, "sign_on": "when_enrolled"},
        {"sms-resend": flow_user({"phone": {"number": PHONE}}, advanceSeconds=RESEND_INTERVAL + 1)},
    ),
)


def _load(server: MockIdx, org: Org, directory: Path) -> None:
    path = directory / f"{org.name}.yaml"
    path.write_text(json.dumps(org.scenario()), encoding="utf-8")  # JSON is YAML
    server.load_scenario(path)


@pytest.fixture(scope="module")
def sdk_run(mock_idx_key_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every org on a server of its own, every flow run at once; yields the results, servers and specs by flow."""
    directory = tmp_path_factory.mktemp("authenticator-orgs")
    servers: dict[str, MockIdx] = {}
    plan: list[dict[str, Any]] = []
    with ExitStack() as stack:
        for org in ORGS:
            server = stack.enter_context(compat_server(mock_idx_key_file))
            _load(server, org, directory)
            for flow, spec in org.flows.items():
                servers[flow] = server
                plan.append(
                    {
                        "id": flow,
                        "flow": flow,
                        "mode": "step" if flow.startswith(STEP_MODE) else "legacy",
                        "base": server.url,
                        "login": login_for(org.name, flow),
                        "password": PASSWORD,
                        "clientId": CLIENT_ID,
                        "redirectUri": REDIRECT_URI,
                        **spec["extra"],
                    }
                )
        yield {"results": run_sdk_flows(plan), "servers": servers, "plan": {spec["id"]: spec for spec in plan}}


def next_name(summary: dict[str, Any]) -> str | None:
    return summary["nextStep"]["name"] if summary["nextStep"] else None


def assert_signed_in(result: dict[str, Any], sdk_run: dict[str, Any], flow: str, amr: list[str]) -> None:
    """SUCCESS with tokens okta-auth-js verified itself (signature from /v1/keys, claims), a forgery refused, and the
    ``amr`` naming the authenticators this sign-in used."""
    last = result["steps"][-1]
    assert (last["status"], last["hasTokens"]) == ("SUCCESS", True), last
    assert_tokens(result["tokens"], sdk_run, flow, amr)


def assert_tokens(tokens: dict[str, Any], sdk_run: dict[str, Any], flow: str, amr: list[str]) -> None:
    login = sdk_run["plan"][flow]["login"]
    assert tokens["verified"] is True
    assert tokens["forgedError"] == "The token signature is not valid"
    assert tokens["claims"]["iss"] == sdk_run["servers"][flow].issuer
    assert tokens["claims"]["aud"] == CLIENT_ID
    assert tokens["claims"]["amr"] == amr
    assert tokens["userInfo"]["sub"] == tokens["claims"]["sub"]
    assert tokens["userInfo"]["preferred_username"] == login


def assert_refused_in_place(summary: dict[str, Any], remediation: str, key: str | None, text: str) -> None:
    """A refusal as okta-auth-js reports it: the request failed, Okta's message in ``messages``, the same form."""
    assert (summary["status"], summary["requestDidSucceed"]) == ("PENDING", False), summary
    assert reported_messages(summary) == [(key, text)]
    assert next_name(summary) == remediation


def enrolled(result: dict[str, Any]) -> dict[str, Any]:
    """The user's authenticators as the org stored them after the flow (``GET /_mock/v1/users/{login}``)."""
    found: dict[str, Any] = result["user"]["authenticators"]
    return found


def idx_calls(sdk_run: dict[str, Any], flow: str) -> list[str]:
    login = sdk_run["plan"][flow]["login"]
    return [e["path"] for e in sdk_run["servers"][flow].journal(login) if e["path"].startswith("/idp/idx/")]


# --- Okta Verify -----------------------------------------------------------------------------------------------------


def test_okta_verify_enrolled_by_qr_code_then_approves_a_push(sdk_run: dict[str, Any]) -> None:
    flow = "okta-verify-qr"
    result = succeeded(sdk_run["results"], flow)
    shown = step(result, "authenticate")
    assert (shown["status"], next_name(shown)) == ("PENDING", "enroll-poll")
    assert shown["nextStep"]["authenticatorKey"] == "okta_verify"
    assert shown["nextStep"]["refresh"] == 200
    assert "select-enrollment-channel" in shown["availableSteps"]
    assert result["qr"]["qrcode"] == {"method": "embedded", "type": "image/png", "isPng": True}
    assert result["qr"]["selectedChannel"] == "qrcode"
    waiting = step(result, "poll-before-scan")
    assert (waiting["status"], next_name(waiting)) == ("PENDING", "enroll-poll")
    enrolled_now = step(result, "poll")
    assert (enrolled_now["status"], enrolled_now["hasTokens"]) == ("SUCCESS", True)
    assert_tokens(result["enrollment"]["tokens"], sdk_run, flow, ["pwd", "swk", "mfa"])
    pushed = step(result, "authenticate-push")
    assert (pushed["status"], next_name(pushed)) == ("PENDING", "challenge-poll")
    assert_signed_in(result, sdk_run, flow, ["pwd", "swk", "mfa"])


def test_okta_verify_enrolled_by_the_link_sent_by_email(sdk_run: dict[str, Any]) -> None:
    flow = "okta-verify-email"
    result = succeeded(sdk_run["results"], flow)
    login = sdk_run["plan"][flow]["login"]
    sent = step(result, "channel-email")
    assert (sent["status"], next_name(sent)) == ("PENDING", "enroll-poll")
    assert result["sentTo"]["selectedChannel"] == "email" and result["sentTo"]["email"] == login
    assert result["mail"] == {"to": login, "hasLink": True}
    # one proceed({channel, email}): the channel chosen, then the address the link goes to
    assert idx_calls(sdk_run, flow)[:4] == [
        "/idp/idx/identify",
        "/idp/idx/credential/enroll",
        "/idp/idx/credential/enroll",
        "/idp/idx/challenge/send",
    ]
    assert_signed_in(result, sdk_run, flow, ["pwd", "swk", "mfa"])


def test_okta_verify_enrolled_by_the_link_sent_by_sms(sdk_run: dict[str, Any]) -> None:
    flow = "okta-verify-sms"
    result = succeeded(sdk_run["results"], flow)
    sent = step(result, "channel-sms")
    assert (sent["status"], next_name(sent)) == ("PENDING", "enroll-poll")
    assert result["sentTo"]["selectedChannel"] == "sms"
    assert result["sms"] == {"to": PHONE_E164, "hasLink": True}
    assert_signed_in(result, sdk_run, flow, ["pwd", "swk", "mfa"])


# --- email -----------------------------------------------------------------------------------------------------------


def test_email_chosen_by_key_then_verified_by_the_code_in_the_inbox(sdk_run: dict[str, Any]) -> None:
    flow = "email-verify"
    result = succeeded(sdk_run["results"], flow)
    listed = step(result, "authenticate")
    assert (listed["status"], next_name(listed)) == ("PENDING", "select-authenticator-authenticate")
    challenged = step(result, "choose-email")
    assert (next_name(challenged), challenged["nextStep"]["authenticatorKey"]) == (
        "challenge-authenticator",
        "okta_email",
    )
    assert [i["name"] for i in challenged["nextStep"]["inputs"]] == ["verificationCode"]
    assert challenged["nextStep"]["canResend"] is True
    assert_signed_in(result, sdk_run, flow, ["pwd", "email", "mfa"])


def test_email_sent_again_on_resend_and_the_newest_code_signs_in(sdk_run: dict[str, Any]) -> None:
    flow = "email-resend"
    result = succeeded(sdk_run["results"], flow)
    resent = step(result, "resend")
    assert (resent["status"], resent["requestDidSucceed"], resent["messages"]) == ("PENDING", True, [])
    assert next_name(resent) == "challenge-authenticator"
    assert result["emailsSent"] == 2
    assert_signed_in(result, sdk_run, flow, ["pwd", "email", "mfa"])


def test_email_enrolled_by_the_code_it_is_sent_after_a_wrong_one(sdk_run: dict[str, Any]) -> None:
    flow = "email-enroll"
    result = succeeded(sdk_run["results"], flow)
    asked = step(result, "authenticate")
    assert (next_name(asked), asked["nextStep"]["authenticatorKey"]) == ("enroll-authenticator", "okta_email")
    assert_refused_in_place(
        step(result, "wrong-code"), "enroll-authenticator", PASSCODE_INVALID, "Invalid code. Try again."
    )
    assert_signed_in(result, sdk_run, flow, ["pwd", "email", "mfa"])
    assert enrolled(result)["email"]["address"] == sdk_run["plan"][flow]["login"]


# --- phone -----------------------------------------------------------------------------------------------------------


def test_sms_enrollment_refuses_an_invalid_number_then_keeps_the_number_in_e164(sdk_run: dict[str, Any]) -> None:
    flow = "sms-enroll"
    result = succeeded(sdk_run["results"], flow)
    asked = step(result, "authenticate")
    assert next_name(asked) == "authenticator-enrollment-data"
    assert [i["name"] for i in asked["nextStep"]["inputs"]] == ["methodType", "phoneNumber"]
    assert_refused_in_place(
        step(result, "invalid-number"),
        "authenticator-enrollment-data",
        None,
        "Unable to initiate factor enrollment: Invalid Phone Number.",
    )
    sent = step(result, "enroll-sms")
    assert (sent["status"], next_name(sent)) == ("PENDING", "enroll-authenticator")
    assert result["smsTo"] == PHONE_E164
    assert_signed_in(result, sdk_run, flow, ["pwd", "sms", "mfa"])
    assert enrolled(result)["phone"]["number"] == PHONE_E164


def test_phone_verified_by_a_voice_call(sdk_run: dict[str, Any]) -> None:
    flow = "voice-verify"
    result = succeeded(sdk_run["results"], flow)
    asked = step(result, "authenticate")
    assert (next_name(asked), asked["nextStep"]["authenticatorKey"]) == (
        "authenticator-verification-data",
        "phone_number",
    )
    called = step(result, "choose-voice")
    assert next_name(called) == "challenge-authenticator"
    assert_signed_in(result, sdk_run, flow, ["pwd", "tel", "mfa"])


def test_sms_resend_waits_thirty_seconds_as_okta_does(sdk_run: dict[str, Any]) -> None:
    flow = "sms-resend"
    result = succeeded(sdk_run["results"], flow)
    sent = step(result, "authenticate")  # phone and its method named up front: two requests, one call
    assert (next_name(sent), sent["nextStep"]["canResend"]) == ("challenge-authenticator", True)
    assert_refused_in_place(
        step(result, "resend-too-soon"),
        "challenge-authenticator",
        "errors.E0000150",
        "You have reached the limit of sms requests, please try again later.",
    )
    resent = step(result, "resend")
    assert (resent["status"], resent["requestDidSucceed"], next_name(resent)) == (
        "PENDING",
        True,
        "challenge-authenticator",
    )
    first, second = result["texts"]  # the code still good, sent again
    assert first == second and first["to"] == PHONE_E164
    assert_signed_in(result, sdk_run, flow, ["pwd", "sms", "mfa"])


# --- Google Authenticator --------------------------------------------------------------------------------------------


def test_google_authenticator_enrolled_with_the_shared_secret_it_shows(sdk_run: dict[str, Any]) -> None:
    flow = "google-enroll"
    result = succeeded(sdk_run["results"], flow)
    asked = step(result, "authenticate")
    assert (next_name(asked), asked["nextStep"]["authenticatorKey"]) == ("enroll-authenticator", "google_otp")
    secret = result["contextual"]["sharedSecret"]
    assert secret and result["contextual"]["qrcode"]["isPng"] is True
    assert_signed_in(result, sdk_run, flow, ["pwd", "otp", "mfa"])
    assert enrolled(result)["google_authenticator"]["secret"] == secret


def test_google_authenticator_verified_by_its_code_after_a_wrong_one(sdk_run: dict[str, Any]) -> None:
    flow = "google-verify"
    result = succeeded(sdk_run["results"], flow)
    assert next_name(step(result, "authenticate")) == "challenge-authenticator"
    assert_refused_in_place(
        step(result, "wrong-code"),
        "challenge-authenticator",
        "authfactor.challenge.soft_token.invalid_passcode",
        "API error: Your code doesn't match our records. Please try again.",
    )
    assert_signed_in(result, sdk_run, flow, ["pwd", "otp", "mfa"])


# --- security question -----------------------------------------------------------------------------------------------


def test_security_question_enrolled_with_a_predefined_question(sdk_run: dict[str, Any]) -> None:
    flow = "security-question-predefined"
    result = succeeded(sdk_run["results"], flow)
    asked = step(result, "authenticate")
    assert [i["name"] for i in asked["nextStep"]["inputs"]] == ["questionKey", "question", "answer"]
    assert result["contextual"]["hasQuestions"] is True
    assert_signed_in(result, sdk_run, flow, ["pwd", "kba", "mfa"])
    assert enrolled(result)["security_question"]["question_key"] == QUESTION_KEY


def test_security_question_enrolled_with_a_custom_question_after_a_too_short_answer(sdk_run: dict[str, Any]) -> None:
    flow = "security-question-custom"
    result = succeeded(sdk_run["results"], flow)
    assert_refused_in_place(
        step(result, "short-answer"),
        "enroll-authenticator",
        "securityQuestion.answer.tooShort.arg",
        "The security question answer must be at least 4 characters in length",
    )
    assert_signed_in(result, sdk_run, flow, ["pwd", "kba", "mfa"])
    stored = enrolled(result)["security_question"]
    assert (stored["question_key"], stored["question"]) == ("custom", CUSTOM_QUESTION)


def test_security_question_verified_after_a_wrong_answer(sdk_run: dict[str, Any]) -> None:
    flow = "security-question-verify"
    result = succeeded(sdk_run["results"], flow)
    asked = step(result, "authenticate")
    assert [i["name"] for i in asked["nextStep"]["inputs"]] == ["answer"]
    assert result["contextual"]["enrolledQuestion"]["questionKey"] == QUESTION_KEY
    assert_refused_in_place(
        step(result, "wrong-answer"),
        "challenge-authenticator",
        "authfactor.challenge.question_factor.answer_invalid",
        "Your answer doesn't match our records. Please try again.",
    )
    # the right answer in other case still matches, as Okta compares answers
    assert_signed_in(result, sdk_run, flow, ["pwd", "kba", "mfa"])


# --- identifier first, optional authenticators -----------------------------------------------------------------------


def test_identifier_first_then_the_password_as_a_challenge(sdk_run: dict[str, Any]) -> None:
    flow = "identifier-first"
    result = succeeded(sdk_run["results"], flow)
    asked = step(result, "authenticate")
    assert (next_name(asked), asked["nextStep"]["authenticatorKey"]) == ("challenge-authenticator", "okta_password")
    assert [i["name"] for i in asked["nextStep"]["inputs"]] == ["password"]
    assert_refused_in_place(
        step(result, "wrong-password"), "challenge-authenticator", "incorrectPassword", "Password is incorrect"
    )
    # identify with the username alone, then the password answers a challenge
    assert idx_calls(sdk_run, flow)[:2] == ["/idp/idx/identify", "/idp/idx/challenge/answer"]
    assert_signed_in(result, sdk_run, flow, ["pwd"])


def test_a_user_with_no_password_verifies_their_email_then_sets_one_the_policy_allows(sdk_run: dict[str, Any]) -> None:
    flow = "password-enroll"
    result = succeeded(sdk_run["results"], flow)
    asked = step(result, "authenticate")
    assert (next_name(asked), asked["nextStep"]["authenticatorKey"]) == ("challenge-authenticator", "okta_email")
    assert next_name(step(result, "verify")) == "select-authenticator-enroll"
    form = step(result, "choose-password")
    assert (next_name(form), form["nextStep"]["authenticatorKey"]) == ("enroll-authenticator", "okta_password")
    [(key, text)] = reported_messages(step(result, "weak-password"))
    assert key == "password.passwordRequirementsNotMet"
    assert text.startswith("Password requirements were not met. Password requirements: at least 8 characters")
    assert next_name(step(result, "weak-password")) == "enroll-authenticator"
    assert step(result, "password")["nextStep"]["canSkip"] is True  # the optional phone, after enrolling something
    assert_signed_in(result, sdk_run, flow, ["email", "pwd", "mfa"])


def test_required_email_enrolled_then_the_optional_phone_skipped(sdk_run: dict[str, Any]) -> None:
    flow = "identifier-first-skip"
    result = succeeded(sdk_run["results"], flow)
    required = step(result, "password")
    assert (next_name(required), required["nextStep"]["canSkip"]) == ("select-authenticator-enroll", None)
    optional = step(result, "verify")
    assert (next_name(optional), optional["nextStep"]["canSkip"]) == ("select-authenticator-enroll", True)
    assert "skip" in optional["availableSteps"]
    assert_signed_in(result, sdk_run, flow, ["pwd", "email", "mfa"])
    assert set(enrolled(result)) == {"email"}


# --- wrong inputs: Okta's message, the same step ---------------------------------------------------------------------


def test_wrong_email_code_is_refused_on_the_form_then_the_right_one_signs_in(sdk_run: dict[str, Any]) -> None:
    flow = "email-wrong-code"
    result = succeeded(sdk_run["results"], flow)
    wrong = step(result, "wrong-code")
    assert_refused_in_place(wrong, "challenge-authenticator", PASSCODE_INVALID, "Invalid code. Try again.")
    [field] = wrong["nextStep"]["inputs"]
    assert (field["name"], [m["key"] for m in field["messages"]]) == ("verificationCode", [PASSCODE_INVALID])
    assert_signed_in(result, sdk_run, flow, ["pwd", "email", "mfa"])


def test_expired_email_code_is_refused_like_a_wrong_one(sdk_run: dict[str, Any]) -> None:
    result = succeeded(sdk_run["results"], "email-expired-code")
    assert_refused_in_place(
        step(result, "expired-code"), "challenge-authenticator", PASSCODE_INVALID, "Invalid code. Try again."
    )


def test_a_google_authenticator_code_is_good_once(sdk_run: dict[str, Any]) -> None:
    flow = "google-reused-code"
    result = succeeded(sdk_run["results"], flow)
    first = step(result, "verify")
    assert (first["status"], first["hasTokens"]) == ("SUCCESS", True)
    assert_tokens(result["tokens"], sdk_run, flow, ["pwd", "otp", "mfa"])
    assert_refused_in_place(
        step(result, "reused-code"),
        "challenge-authenticator",
        "authfactor.challenge.soft_token.used_passcode",
        "API error: Each code can only be used once. Please wait for a new code and try again.",
    )


# --- Step mode (the 8.x default): the same journeys with every remediation named -------------------------------------

STEP_JOURNEYS = {
    "steps:okta-verify-email": (
        ["select-authenticator-enroll", "enroll-poll", "enrollment-channel-data", "enroll-poll", None],
        ["pwd", "swk", "mfa"],
    ),
    "steps:voice-verify": (
        ["select-authenticator-authenticate", "authenticator-verification-data", "challenge-authenticator", None],
        ["pwd", "tel", "mfa"],
    ),
    "steps:sms-enroll": (
        [
            "select-authenticator-enroll",
            "authenticator-enrollment-data",
            "authenticator-enrollment-data",
            "enroll-authenticator",
            None,
        ],
        ["pwd", "sms", "mfa"],
    ),
    "steps:google-enroll": (["select-authenticator-enroll", "enroll-authenticator", None], ["pwd", "otp", "mfa"]),
    "steps:security-question-custom": (
        ["select-authenticator-enroll", "enroll-authenticator", None],
        ["pwd", "kba", "mfa"],
    ),
    "steps:identifier-first-skip": (
        [
            "challenge-authenticator",
            "select-authenticator-enroll",
            "enroll-authenticator",
            "select-authenticator-enroll",
            None,
        ],
        ["pwd", "email", "mfa"],
    ),
}


@pytest.mark.parametrize("flow", sorted(STEP_JOURNEYS))
def test_step_mode_walks_the_same_remediations_to_tokens(sdk_run: dict[str, Any], flow: str) -> None:
    result = succeeded(sdk_run["results"], flow)
    remediations, amr = STEP_JOURNEYS[flow]
    started, *steps = result["steps"]
    assert (started["label"], started["status"], started["nextStep"]) == ("start", "PENDING", None)
    assert [next_name(s) for s in steps] == remediations
    assert_signed_in(result, sdk_run, flow, amr)


def test_step_mode_invalid_phone_number_keeps_the_enrollment_form(sdk_run: dict[str, Any]) -> None:
    result = succeeded(sdk_run["results"], "steps:sms-enroll")
    assert_refused_in_place(
        step(result, "invalid-number"),
        "authenticator-enrollment-data",
        None,
        "Unable to initiate factor enrollment: Invalid Phone Number.",
    )
    assert enrolled(result)["phone"]["number"] == PHONE_E164


def test_step_mode_enrollments_are_stored_as_entered(sdk_run: dict[str, Any]) -> None:
    google = succeeded(sdk_run["results"], "steps:google-enroll")
    assert enrolled(google)["google_authenticator"]["secret"] == google["contextual"]["sharedSecret"]
    question = enrolled(succeeded(sdk_run["results"], "steps:security-question-custom"))["security_question"]
    assert (question["question_key"], question["question"]) == ("custom", CUSTOM_QUESTION)
    skipped = succeeded(sdk_run["results"], "steps:identifier-first-skip")
    assert set(enrolled(skipped)) == {"email"}
    assert step(skipped, "verify")["nextStep"]["canSkip"] is True
