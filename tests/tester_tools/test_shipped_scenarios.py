"""Every scenario shipped with mock-idx, loaded and walked over HTTP to the outcome its name promises."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyotp
import pytest

from mock_idx import scenario
from mock_idx.pytest_plugin import MockIdx
from tests.support.idx import okta_verify_of
from tests.support.idx_app import IdxApp, SignInOutcome

PASSWORD = "demo1234"
pytestmark = pytest.mark.mock_idx(poll_refresh_ms=20)


def test_every_builtin_scenario_is_walked_here() -> None:
    assert set(scenario.builtin_names()) == {
        "manual-tap",
        "push-approved",
        "push-denied",
        "push-timeout",
        "totp",
        "number-challenge",
        "mixed",
        "authenticators",
        "self-service",  # walked in tests/mock_idx/test_self_service_scenario.py
    }


@pytest.mark.parametrize("name", scenario.builtin_names())
def test_builtin_scenario_is_valid_and_says_what_it_demonstrates(name: str) -> None:
    path = scenario.builtin_path(name)
    lines = path.read_text().splitlines()
    assert scenario.validate_file(path) == []
    assert lines[0].startswith("# yaml-language-server: $schema=")
    assert (path.parent / lines[0].split("$schema=", 1)[1]).resolve().is_file()
    assert lines[1].startswith(f"# {name}: ")
    assert scenario.load(name).description


PhoneAction = Callable[[MockIdx, str], dict[str, Any]]
"""What the person (or time) does while ``login`` signs in: the options for :meth:`IdxApp.sign_in`."""


def phone_answers_by_itself(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {}


def person_taps_yes(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {"on_push": lambda outcome: mock_idx.approve_push(login, answer=outcome.correct_answer)}


def nobody_answers(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {"on_push": lambda _: mock_idx.advance_clock(301)}


def five_seconds_pass(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {"on_push": lambda _: mock_idx.advance_clock(5)}


def person_types_the_code(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {"method": "totp", "totp": lambda: mock_idx.totp_code(login)}


def person_reads_the_email(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {"authenticator": "okta_email", "code": lambda: mock_idx.last_code(login, "email")}


def person_reads_the_text(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {"authenticator": "phone_number", "method": "sms", "code": lambda: mock_idx.last_code(login, "sms")}


def person_answers_the_call(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {"authenticator": "phone_number", "method": "voice", "code": lambda: mock_idx.last_code(login, "voice")}


def person_reads_google_authenticator(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    secret = mock_idx.user(login)["authenticators"]["google_authenticator"]["secret"]
    return {"authenticator": "google_otp", "code": lambda: pyotp.TOTP(secret).now()}


def person_answers_the_question(answer: str) -> PhoneAction:
    def answering(mock_idx: MockIdx, login: str) -> dict[str, Any]:
        return {"authenticator": "security_question", "answer": answer}

    return answering


def person_taps_yes_on_okta_verify(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {"authenticator": "okta_verify", **person_taps_yes(mock_idx, login)}


def new_person_enrolls_everything(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    """Email (required) by its code, then every optional one: Okta Verify by "scanning" its QR code, the phone by an
    SMS code, Google Authenticator by its first code, the security question by an answer."""
    return {
        "enroll": ["okta_email", "okta_verify", "phone_number", "google_otp", "security_question"],
        "code": lambda: mock_idx.messages(login)[0]["code"],  # the newest email or text
        "on_qr_code": lambda: mock_idx.activate_okta_verify(login),
        "phone": "+1 201-555-0199",
        "security_question": ("favorite_book_movie_character", "Atticus Finch"),
    }


def new_person_enrolls_email_and_skips_the_rest(mock_idx: MockIdx, login: str) -> dict[str, Any]:
    return {"enroll": ["okta_email"], "code": lambda: mock_idx.last_code(login, "email")}


@pytest.mark.parametrize(
    ("name", "login", "phone", "outcome"),
    [
        ("manual-tap", "demo@example.com", person_taps_yes, "success"),
        ("push-approved", "approve@example.com", phone_answers_by_itself, "success"),
        ("push-denied", "deny@example.com", phone_answers_by_itself, "denied"),
        ("push-timeout", "timeout@example.com", nobody_answers, "timed_out"),
        ("totp", "totp@example.com", person_types_the_code, "success"),
        ("number-challenge", "number@example.com", person_taps_yes, "success"),
        ("number-challenge", "wrong.number@example.com", phone_answers_by_itself, "denied"),
        ("mixed", "demo@example.com", person_taps_yes, "success"),
        ("mixed", "approve@example.com", phone_answers_by_itself, "success"),
        ("mixed", "slow.approve@example.com", five_seconds_pass, "success"),
        ("mixed", "deny@example.com", phone_answers_by_itself, "denied"),
        ("mixed", "timeout@example.com", nobody_answers, "timed_out"),
        ("mixed", "number@example.com", person_taps_yes, "success"),
        ("mixed", "totp@example.com", person_types_the_code, "success"),
        ("mixed", "nomfa@example.com", phone_answers_by_itself, "success"),
        ("mixed", "flaky@example.com", phone_answers_by_itself, "success"),
        ("authenticators", "email@example.com", person_reads_the_email, "success"),
        ("authenticators", "phone@example.com", person_reads_the_text, "success"),
        ("authenticators", "phone@example.com", person_answers_the_call, "success"),
        ("authenticators", "google@example.com", person_reads_google_authenticator, "success"),
        ("authenticators", "question@example.com", person_answers_the_question("  Brussels Sprouts "), "success"),
        ("authenticators", "question@example.com", person_answers_the_question("broccoli"), "failed"),
        ("authenticators", "verify@example.com", person_taps_yes_on_okta_verify, "success"),
        ("authenticators", "everything@example.com", person_answers_the_question("elm street"), "success"),
        ("authenticators", "everything@example.com", person_reads_the_text, "success"),
        ("authenticators", "new@example.com", new_person_enrolls_email_and_skips_the_rest, "success"),
        ("authenticators", "new@example.com", new_person_enrolls_everything, "success"),
    ],
)
def test_scenario_user_reaches_the_promised_outcome(
    mock_idx: MockIdx, app: IdxApp, name: str, login: str, phone: PhoneAction, outcome: str
) -> None:
    """Load scenario ``name`` and sign ``login`` in, the phone (or the person) acting as the scenario's comment says."""
    mock_idx.load_scenario(name)
    result = app.sign_in(login, PASSWORD, **phone(mock_idx, login))
    assert result.status == outcome, result
    if outcome == "success":
        assert result.tokens and result.tokens["access_token"] and result.tokens["id_token"]


def test_the_new_user_of_authenticators_ends_enrolled_in_every_one(mock_idx: MockIdx, app: IdxApp) -> None:
    mock_idx.load_scenario("authenticators")
    login = "new@example.com"
    assert mock_idx.user(login)["authenticators"] == {}
    assert app.sign_in(login, PASSWORD, **new_person_enrolls_everything(mock_idx, login)).status == "success"
    enrolled = mock_idx.user(login)["authenticators"]
    assert set(enrolled) == {"email", "okta_verify", "phone", "google_authenticator", "security_question"}
    assert enrolled["phone"]["number"] == "+12015550199"
    assert enrolled["security_question"]["question_key"] == "favorite_book_movie_character"


def test_manual_tap_waits_for_a_person(mock_idx: MockIdx, app: IdxApp) -> None:
    seen: list[int] = []

    def tap_after_three_polls(result: SignInOutcome) -> None:
        seen.append(len(mock_idx.pushes("demo@example.com")))

    result = app.sign_in("demo@example.com", PASSWORD, on_push=tap_after_three_polls, max_polls=3)
    assert seen == [1] and result.polls == 3 and result.status == "failed"  # still waiting: nobody tapped
    mock_idx.approve_push("demo@example.com")
    assert mock_idx.pushes("demo@example.com") == []


def test_number_challenge_shows_the_number_and_offers_it_among_three(mock_idx: MockIdx, app: IdxApp) -> None:
    mock_idx.load_scenario("number-challenge")
    offered: list[list[int]] = []

    def look_at_phone(result: SignInOutcome) -> None:
        offered.append(mock_idx.pushes("number@example.com")[0]["options"])
        mock_idx.deny_push("number@example.com")

    result = app.sign_in("number@example.com", PASSWORD, on_push=look_at_phone)
    assert result.status == "denied"
    assert len(offered[0]) == 3 and result.correct_answer in offered[0]


def test_number_challenge_tapped_wrong_by_a_person_is_a_denial(mock_idx: MockIdx, app: IdxApp) -> None:
    mock_idx.load_scenario("number-challenge")

    def tap_wrong(result: SignInOutcome) -> None:
        options = mock_idx.pushes("number@example.com")[0]["options"]
        mock_idx.approve_push("number@example.com", answer=next(n for n in options if n != result.correct_answer))

    assert app.sign_in("number@example.com", PASSWORD, on_push=tap_wrong).status == "denied"


def test_totp_scenario_refuses_a_wrong_code(mock_idx: MockIdx, app: IdxApp) -> None:
    mock_idx.load_scenario("totp")
    result = app.sign_in("totp@example.com", PASSWORD, method="totp", totp=lambda: "000000")
    answers = [e for e in mock_idx.journal("totp@example.com") if e["path"] == "/idp/idx/challenge/answer"]
    assert result.status == "failed" and [e["status"] for e in answers] == [401]


def test_mixed_generates_twenty_reproducible_users_who_approve(mock_idx: MockIdx, app: IdxApp) -> None:
    mock_idx.load_scenario("mixed")
    mixed = scenario.load("mixed")
    listed = {spec.login for spec in mixed.users}
    generated = [(u.login, okta_verify_of(u).totp_secret) for u in mixed.to_users() if u.login not in listed]
    assert len(generated) == 20
    assert generated == [(u.login, okta_verify_of(u).totp_secret) for u in mixed.to_users() if u.login not in listed]
    served = {user["login"] for user in mock_idx.users()}
    assert {login for login, _ in generated} <= served
    assert app.sign_in(generated[0][0], PASSWORD).status == "success"


def test_scenario_loaded_from_a_path(mock_idx: MockIdx, app: IdxApp, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "users:\n  - login: mine@example.com\n    password: pw\n"
        "    authenticators: {okta_verify: {push: {outcome: deny}}}\n"
    )
    assert mock_idx.load_scenario(path)["users"] == ["mine@example.com"]
    assert app.sign_in("mine@example.com", "pw").status == "denied"
