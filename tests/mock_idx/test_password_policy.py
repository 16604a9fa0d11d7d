"""The org's password policy: every rule as Okta applies it, Okta's message texts to the letter, the IDX ``settings``
object the widget reads, password age, and the scenario spec that configures it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mock_idx.model.password_policy import (
    CLASSIC_HISTORY_TEXT,
    COMMON_PASSWORD_KEY,
    COMMON_PASSWORD_TEXT,
    REQUIREMENTS_NOT_MET_KEY,
    PasswordMessage,
    PasswordPolicy,
    Rule,
    Violation,
)
from mock_idx.scenario.password_policy_spec import PasswordPolicySpec

LOGIN = "andy.smith@business.com"
PROFILE = {"firstName": "Andy", "lastName": "Smith", "login": LOGIN}
GOOD = "Quartz7lamp"
"""Passes the default policy for LOGIN: long enough, every class the default needs, no username part."""

# The policy of the widget's authenticator-enroll-password.json capture (minus the Gen3-only
# maxConsecutiveRepeatingCharacters), and Okta's full text for it as the widget's tests of server errors quote it.
CAPTURED = PasswordPolicy(
    min_symbol=1, exclude_attributes=("firstName", "lastName"), history_count=4, min_age_minutes=120
)
CAPTURED_TEXT = (
    "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase"
    " letter, a number, a symbol, no parts of your username, does not include your first name, does not include your"
    " last name. Your password cannot be any of your last 4 passwords. At least 2 hour(s) must have elapsed since you"
    " last changed your password."
)


def rules(policy: PasswordPolicy, password: str, history: tuple[str, ...] = (), **age: float) -> list[Rule]:
    return [violation.rule for violation in policy.violations(password, LOGIN, PROFILE, history, **age)]


# ----- defaults and the settings document -----


def test_defaults_are_oktas_default_policy():
    policy = PasswordPolicy()
    assert (policy.min_length, policy.min_lower_case, policy.min_upper_case, policy.min_number) == (8, 1, 1, 1)
    assert policy.min_symbol == 0 and policy.exclude_username is True and policy.exclude_attributes == ()
    assert policy.exclude_common_passwords is False
    assert (policy.history_count, policy.min_age_minutes, policy.max_age_days, policy.expire_warn_days) == (0, 0, 0, 0)


def test_the_default_settings_document_is_the_shape_okta_sends():
    assert PasswordPolicy().settings_document() == {
        "complexity": {
            "minLength": 8,
            "minLowerCase": 1,
            "minUpperCase": 1,
            "minNumber": 1,
            "minSymbol": 0,
            "excludeUsername": True,
            "excludeAttributes": [],
        },
        "age": {"minAgeMinutes": 0, "historyCount": 0},
    }


def test_the_settings_document_carries_every_configured_knob_in_oktas_names():
    document = CAPTURED.settings_document()
    assert document == {
        "complexity": {
            "minLength": 8,
            "minLowerCase": 1,
            "minUpperCase": 1,
            "minNumber": 1,
            "minSymbol": 1,
            "excludeUsername": True,
            "excludeAttributes": ["firstName", "lastName"],
        },
        "age": {"minAgeMinutes": 120, "historyCount": 4},
    }
    assert list(document) == ["complexity", "age"]
    assert list(document["complexity"]) == [
        "minLength",
        "minLowerCase",
        "minUpperCase",
        "minNumber",
        "minSymbol",
        "excludeUsername",
        "excludeAttributes",
    ]


def test_the_settings_document_is_a_fresh_copy_each_time():
    policy = PasswordPolicy(exclude_attributes=("lastName",))
    policy.settings_document()["complexity"]["excludeAttributes"].append("firstName")
    assert policy.settings_document()["complexity"]["excludeAttributes"] == ["lastName"]


def test_the_policy_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PasswordPolicy().min_length = 1  # type: ignore[misc]


# ----- each rule -----


def test_a_password_meeting_the_default_policy_has_no_violations():
    assert rules(PasswordPolicy(), GOOD) == []


def test_min_length_counts_characters():
    policy = PasswordPolicy(min_length=8)
    assert rules(policy, "Quartz7") == [Rule.MIN_LENGTH]
    assert rules(policy, "Quartz7l") == []
    assert rules(PasswordPolicy(min_length=12), GOOD) == [Rule.MIN_LENGTH]


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("QUARTZ7LAMP", Rule.LOWER_CASE),
        ("quartz7lamp", Rule.UPPER_CASE),
        ("Quartzzlamp", Rule.NUMBER),
    ],
)
def test_each_required_character_class_is_checked(password, missing):
    assert rules(PasswordPolicy(), password) == [missing]


def test_a_symbol_is_required_only_when_the_policy_says_so():
    assert rules(PasswordPolicy(), GOOD) == []
    assert rules(PasswordPolicy(min_symbol=1), GOOD) == [Rule.SYMBOL]
    assert rules(PasswordPolicy(min_symbol=1), GOOD + "!") == []
    assert rules(PasswordPolicy(min_symbol=1), GOOD + " ") == [Rule.SYMBOL], "a space is not a symbol"


def test_character_class_rules_switched_off_accept_anything_long_enough():
    policy = PasswordPolicy(min_lower_case=0, min_upper_case=0, min_number=0, min_symbol=0, exclude_username=False)
    assert rules(policy, "        ") == []
    assert rules(policy, "1234567") == [Rule.MIN_LENGTH]


def test_every_broken_rule_is_reported_in_oktas_order():
    assert rules(CAPTURED, "") == [Rule.MIN_LENGTH, Rule.LOWER_CASE, Rule.UPPER_CASE, Rule.NUMBER, Rule.SYMBOL]
    assert rules(CAPTURED, "smith", history=("smith",)) == [
        Rule.MIN_LENGTH,
        Rule.UPPER_CASE,
        Rule.NUMBER,
        Rule.SYMBOL,
        Rule.USERNAME,
        Rule.ATTRIBUTE,
        Rule.HISTORY,
    ]


def test_unicode_letters_count_by_their_case_and_unicode_digits_as_numbers():
    assert rules(PasswordPolicy(), "élan١ÉCLAT") == [], "é is lowercase, É uppercase, ١ (Arabic-Indic one) a number"
    assert rules(PasswordPolicy(min_symbol=1), "Quartz7lamp€") == [], "€ is a symbol"
    assert rules(PasswordPolicy(), "字字字字字字字字") == [Rule.LOWER_CASE, Rule.UPPER_CASE, Rule.NUMBER]
    assert rules(PasswordPolicy(min_length=4), "Ab1😀") == [], "an emoji is one character"


# ----- username and profile attributes -----


@pytest.mark.parametrize(
    ("login", "password", "refused"),
    [
        # Okta's own examples (support article "Password rejected even though it meets all requirements").
        ("ed.jones@business.com", "Ed123456", False),
        ("andy.smith@business.com", "Smith321", True),
        ("asmith@business.com", "Smith321", False),
        ("andy.smith@business.com", "Business12", True),
        ("andy.smith@business.com", "Andy1234x", True),
        ("andy.smith@business.com", "Dotcom123", False),
        ("jane_doe-west@mail.example.info", "Infoinfo12", False),
        ("jane_doe-west@mail.example.info", "Westwood12", True),
        ("info.desk@example.com", "Infodesk12", True),
        ("plainuser", "Plainuser12", True),
        ("ANDY.SMITH@BUSINESS.COM", "xxsmithXX1", True),
    ],
)
def test_no_part_of_the_username(login, password, refused):
    found = [violation.rule for violation in PasswordPolicy().violations(password, login, {}, ())]
    assert (Rule.USERNAME in found) is refused


def test_the_username_rule_can_be_switched_off():
    assert rules(PasswordPolicy(exclude_username=False), "Smith3210") == []


def test_excluded_attributes_are_refused_case_insensitively_and_named():
    policy = PasswordPolicy(exclude_username=False, exclude_attributes=("lastName", "firstName"))
    assert policy.violations("xANDYx12Q", LOGIN, PROFILE, ()) == [Violation(Rule.ATTRIBUTE, "firstName")]
    assert policy.violations("Smith1234", LOGIN, PROFILE, ()) == [Violation(Rule.ATTRIBUTE, "lastName")]
    assert policy.violations("AndySmith1", LOGIN, PROFILE, ()) == [
        Violation(Rule.ATTRIBUTE, "firstName"),
        Violation(Rule.ATTRIBUTE, "lastName"),
    ]


def test_attributes_not_excluded_missing_or_blank_are_not_checked():
    assert rules(PasswordPolicy(exclude_username=False), "AndySmith1") == []
    policy = PasswordPolicy(exclude_username=False, exclude_attributes=("firstName", "lastName"))
    assert policy.violations("AndySmith1", LOGIN, {}, ()) == []
    assert policy.violations("AndySmith1", LOGIN, {"firstName": "  ", "lastName": ""}, ()) == []


# ----- common passwords -----


def test_common_passwords_are_allowed_unless_the_dictionary_check_is_on():
    assert rules(PasswordPolicy(), "Password1") == []
    assert rules(PasswordPolicy(exclude_common_passwords=True), "Password1") == [Rule.COMMON]
    assert rules(PasswordPolicy(exclude_common_passwords=True), "pASSWORD1") == [Rule.COMMON]
    assert rules(PasswordPolicy(exclude_common_passwords=True), GOOD) == []


# ----- history -----


def test_history_includes_the_current_password_and_counts_back_n():
    history = ("Current1x", "Previous1x", "Older1xx", "Oldest1xx")
    assert rules(PasswordPolicy(), "Current1x", history) == [], "history_count 0: even the current one is allowed"
    assert rules(PasswordPolicy(history_count=1), "Current1x", history) == [Rule.HISTORY]
    assert rules(PasswordPolicy(history_count=1), "Previous1x", history) == []
    assert rules(PasswordPolicy(history_count=3), "Older1xx", history) == [Rule.HISTORY]
    assert rules(PasswordPolicy(history_count=3), "Oldest1xx", history) == []
    assert rules(PasswordPolicy(history_count=24), "Oldest1xx", history) == [Rule.HISTORY]


def test_history_compares_passwords_exactly():
    assert rules(PasswordPolicy(history_count=4), "CURRENT1x", ("Current1x",)) == []


# ----- minimum age -----


def test_min_age_refuses_a_change_until_the_minimum_has_passed():
    policy = PasswordPolicy(min_age_minutes=120)
    changed = 1_000_000.0
    assert rules(policy, GOOD, changed_at=changed, now=changed + 119 * 60) == [Rule.MIN_AGE]
    assert rules(policy, GOOD, changed_at=changed, now=changed + 120 * 60) == []
    assert policy.change_allowed_at(changed) == changed + 7200


def test_min_age_is_only_judged_when_the_caller_gives_both_times():
    policy = PasswordPolicy(min_age_minutes=120)
    assert rules(policy, GOOD) == []
    assert rules(policy, GOOD, changed_at=1_000_000.0) == []
    assert rules(PasswordPolicy(), GOOD, changed_at=1_000_000.0, now=1_000_000.0) == []


# ----- Okta's messages -----


def test_the_requirements_message_is_oktas_full_text_for_the_captured_policy():
    message = CAPTURED.error_message(CAPTURED.violations("abc", LOGIN, PROFILE, ()))
    assert message == PasswordMessage(
        REQUIREMENTS_NOT_MET_KEY, CAPTURED_TEXT, (CAPTURED_TEXT.removeprefix("Password requirements were not met. "),)
    )
    assert CAPTURED.requirements_message(CAPTURED.violations("abc", LOGIN, PROFILE, ())) == CAPTURED_TEXT


def test_the_default_policys_message_with_history_matches_the_reset_capture():
    # okta-idx-dotnet's IonApiError documents this reset-authenticator answer from a real org.
    policy = PasswordPolicy(history_count=4)
    message = policy.error_message([Violation(Rule.HISTORY)])
    assert message is not None
    assert message.key == "password.passwordRequirementsNotMet"
    assert message.text == (
        "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an "
        "uppercase letter, a number, no parts of your username. Your password cannot be any of your last 4 passwords."
    )
    assert message.params == (
        "Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of "
        "your username. Your password cannot be any of your last 4 passwords.",
    )


def test_the_message_lists_the_whole_policy_not_only_the_broken_rule():
    only_length = PasswordPolicy().requirements_message([Violation(Rule.MIN_LENGTH)])
    only_number = PasswordPolicy().requirements_message([Violation(Rule.NUMBER)])
    assert (
        only_length
        == only_number
        == (
            "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an "
            "uppercase letter, a number, no parts of your username."
        )
    )


def test_rules_switched_off_are_left_out_of_the_text():
    policy = PasswordPolicy(min_length=4, min_lower_case=0, min_upper_case=0, min_number=0, exclude_username=False)
    assert policy.requirements_text() == "Password requirements: at least 4 characters."
    assert PasswordPolicy(exclude_attributes=("lastName",)).requirements_text() == (
        "Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of "
        "your username, does not include your last name."
    )


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(10, "10 minute(s)"), (90, "90 minute(s)"), (120, "2 hour(s)"), (1500, "25 hour(s)"), (2880, "2 day(s)")],
)
def test_the_minimum_age_is_shown_in_the_largest_whole_unit(minutes, shown):
    text = PasswordPolicy(min_age_minutes=minutes).requirements_text()
    assert text.endswith(f" At least {shown} must have elapsed since you last changed your password.")


def test_a_common_password_gets_its_own_message():
    policy = PasswordPolicy(exclude_common_passwords=True)
    message = policy.error_message(policy.violations("Password1", LOGIN, PROFILE, ()))
    assert message == PasswordMessage(COMMON_PASSWORD_KEY, COMMON_PASSWORD_TEXT, ("",))
    assert message.key == "password.common"
    assert message.text == "This password was found in a list of commonly used passwords. Please try another password."


def test_a_rule_the_requirements_name_wins_over_the_common_password_message():
    policy = PasswordPolicy(exclude_common_passwords=True, history_count=1)
    found = policy.violations("Password1", LOGIN, PROFILE, ("Password1",))
    assert [violation.rule for violation in found] == [Rule.COMMON, Rule.HISTORY]
    assert policy.error_message(found) == policy.error_message([Violation(Rule.HISTORY)])
    message = policy.error_message(found)
    assert message is not None and message.key == REQUIREMENTS_NOT_MET_KEY


def test_nothing_violated_means_no_message():
    assert PasswordPolicy().error_message([]) is None
    assert PasswordPolicy().requirements_message([]) == ""


def test_the_classic_api_history_text_is_oktas():
    assert CLASSIC_HISTORY_TEXT == "Password has been used too recently"


# ----- expiry (the expired-password flow) -----


def test_passwords_never_expire_by_default():
    policy = PasswordPolicy()
    assert policy.expires_at(0.0) is None
    assert policy.is_expired(0.0, 10.0**12) is False
    assert policy.days_until_expiry(0.0, 10.0**12) is None
    assert policy.should_warn(0.0, 10.0**12) is False


def test_a_password_expires_max_age_days_after_it_was_set():
    policy = PasswordPolicy(max_age_days=90, expire_warn_days=7)
    set_at = 1_000_000.0
    expiry = set_at + 90 * 86_400
    assert policy.expires_at(set_at) == expiry
    assert policy.is_expired(set_at, expiry - 1) is False
    assert policy.is_expired(set_at, expiry) is True
    assert policy.days_until_expiry(set_at, expiry) is None


def test_the_warning_starts_expire_warn_days_before_expiry():
    policy = PasswordPolicy(max_age_days=90, expire_warn_days=7)
    expiry = 90 * 86_400.0
    assert policy.days_until_expiry(0.0, expiry - 7 * 86_400) == 7
    assert policy.should_warn(0.0, expiry - 7 * 86_400) is False
    assert policy.days_until_expiry(0.0, expiry - 7 * 86_400 + 1) == 6
    assert policy.should_warn(0.0, expiry - 7 * 86_400 + 1) is True
    assert policy.days_until_expiry(0.0, expiry - 60) == 0, "0: it expires later today"
    assert policy.should_warn(0.0, expiry - 60) is True
    assert PasswordPolicy(max_age_days=90).should_warn(0.0, expiry - 60) is False, "no warning configured"


# ----- hostile input -----


@pytest.mark.timeout(60)
def test_huge_inputs_are_checked_without_blowing_up():
    # A backtracking pattern or a quadratic scan would not finish here; the timeout turns a hang into a failure.
    policy = PasswordPolicy(
        min_symbol=1, exclude_attributes=("firstName", "lastName"), exclude_common_passwords=True, history_count=24
    )
    huge = "aA1!" * 250_000
    punctuation_login = "a." * 50_000 + "zzzz@x.com"
    profile = {"firstName": "q" * 100_000 + "!", "lastName": "a" * 99_999 + "b"}
    history = tuple(huge[:-1] + str(index) for index in range(24))
    assert policy.violations(huge, punctuation_login, profile, history) == []
    long_names = {"firstName": "a" * 100_000, "lastName": "a" * 99_999 + "b"}
    hits = policy.violations("a" * 1_000_000, "a" * 1000 + "@x.com", long_names, ())
    assert hits[-2:] == [Violation(Rule.USERNAME), Violation(Rule.ATTRIBUTE, "firstName")]


@settings(max_examples=300, deadline=None)
@given(
    password=st.text(max_size=64),
    login=st.text(max_size=64),
    first_name=st.text(max_size=16),
    history=st.lists(st.text(max_size=16), max_size=5),
)
def test_any_input_gets_an_answer_and_a_message_exactly_when_something_is_wrong(password, login, first_name, history):
    policy = PasswordPolicy(
        min_symbol=1, exclude_attributes=("firstName",), exclude_common_passwords=True, history_count=3
    )
    found = policy.violations(password, login, {"firstName": first_name}, history)
    order = list(Rule)
    assert [order.index(violation.rule) for violation in found] == sorted(order.index(v.rule) for v in found)
    message = policy.error_message(found)
    assert (message is None) == (found == [])
    if message is not None:
        assert message.key in {REQUIREMENTS_NOT_MET_KEY, COMMON_PASSWORD_KEY}


# ----- the scenario spec -----


def test_an_empty_spec_is_oktas_default_policy():
    assert PasswordPolicySpec().to_policy() == PasswordPolicy()
    assert PasswordPolicySpec.model_validate({}).to_policy() == PasswordPolicy()


def test_every_spec_field_reaches_the_policy():
    spec = PasswordPolicySpec.model_validate(
        {
            "min_length": 12,
            "min_lower_case": 0,
            "min_upper_case": 0,
            "min_number": 0,
            "min_symbol": 1,
            "exclude_username": False,
            "exclude_attributes": ["lastName", "firstName"],
            "exclude_common_passwords": True,
            "history_count": 24,
            "min_age_minutes": 60,
            "max_age_days": 90,
            "expire_warn_days": 7,
        }
    )
    assert spec.to_policy() == PasswordPolicy(
        min_length=12,
        min_lower_case=0,
        min_upper_case=0,
        min_number=0,
        min_symbol=1,
        exclude_username=False,
        exclude_attributes=("lastName", "firstName"),
        exclude_common_passwords=True,
        history_count=24,
        min_age_minutes=60,
        max_age_days=90,
        expire_warn_days=7,
    )


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"minLength": 8}, "minLength"),
        ({"min_length": 0}, "min_length"),
        ({"min_length": 257}, "min_length"),
        ({"min_length": "eight"}, "min_length"),
        ({"min_symbol": 2}, "min_symbol"),
        ({"min_lower_case": -1}, "min_lower_case"),
        ({"exclude_attributes": ["email"]}, "exclude_attributes"),
        ({"exclude_attributes": "firstName"}, "exclude_attributes"),
        ({"history_count": 25}, "history_count"),
        ({"history_count": -1}, "history_count"),
        ({"min_age_minutes": 365 * 24 * 60 + 1}, "min_age_minutes"),
        ({"max_age_days": 1000}, "max_age_days"),
        ({"expire_warn_days": -1}, "expire_warn_days"),
    ],
)
def test_the_spec_refuses_what_okta_would_and_says_where(body: dict[str, Any], location: str):
    with pytest.raises(ValidationError) as refused:
        PasswordPolicySpec.model_validate(body)
    assert [error["loc"][0] for error in refused.value.errors()] == [location]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"exclude_attributes": ["firstName", "firstName"]}, "twice"),
        ({"expire_warn_days": 7}, "needs max_age_days"),
        ({"max_age_days": 5, "expire_warn_days": 7}, "cannot be more than max_age_days"),
    ],
)
def test_the_spec_refuses_inconsistent_settings(body: dict[str, Any], words: str):
    with pytest.raises(ValidationError, match=words):
        PasswordPolicySpec.model_validate(body)


def test_the_spec_documents_its_fields():
    schema = PasswordPolicySpec.model_json_schema()
    assert schema["additionalProperties"] is False
    assert all(field.get("description") for field in schema["properties"].values())
    assert schema["properties"]["min_symbol"]["enum"] == [0, 1]
