"""Phone numbers as the phone authenticator takes them: E.164 out of whatever people type, Okta's masked form, and
every kind of junk refused with the module's own error only."""

from __future__ import annotations

import contextlib
import sys

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_idx.model import phone_numbers
from mock_idx.model.phone_numbers import MAX_INPUT_LENGTH, InvalidPhoneNumber, masked, normalise


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+12015550123", "+12015550123"),
        ("+1 201-555-0123", "+12015550123"),
        ("(201) 555-0123", "+12015550123"),
        ("201.555.0123", "+12015550123"),
        ("2015550123", "+12015550123"),
        ("  +1 201 555 0123  ", "+12015550123"),
        ("+1\u00a0201\u00a0555\u00a00123", "+12015550123"),
        ("+18008885555", "+18008885555"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("\uff0b\uff11\uff12\uff10\uff11\uff15\uff15\uff15\uff10\uff11\uff12\uff13", "+12015550123"),
        ("+\u0664\u0664\u0662\u0660\u0667\u0669\u0664\u0666\u0660\u0669\u0665\u0668", "+442079460958"),
    ],
)
def test_what_people_type_becomes_e164(raw, e164):
    assert normalise(raw) == e164


def test_a_number_without_a_country_code_is_read_in_the_default_region():
    assert normalise("020 7946 0958", default_region="GB") == "+442079460958"
    with pytest.raises(InvalidPhoneNumber):
        normalise("020 7946 0958")  # not a US number


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "123",  # what the widget's own test types as an invalid number
        "+1 555-555-5555",  # possible length, but no such area code
        "+1 201-555-012",  # a digit short
        "+1 201-555-01234",  # a digit long
        "+999 1234567",  # no such country
        "+1 201 555 0123 ext. 12",  # an SMS cannot go to an extension
        "+1 201 555 0123;ext=12",
        "tel:+1-201-555-0123",
        "1-800-FLOWERS",
        "+1 201\n555 0123",
        "+1 201\x00555 0123",
        "+1 201\u200b555 0123",  # zero-width space
        "+1 201 555 0123 \U0001f4de",
        "<script>alert(1)</script>",
        "++12015550123",
        "+1 201 555+0123",
    ],
)
def test_anything_else_is_an_invalid_phone_number(raw):
    with pytest.raises(InvalidPhoneNumber):
        normalise(raw)


def test_the_error_is_a_value_error_with_a_reason_for_the_logs():
    with pytest.raises(InvalidPhoneNumber, match="valid") as refused:
        normalise("+1 555-555-5555")
    assert isinstance(refused.value, ValueError)
    assert refused.value.detail == "not a valid number for its region"


def test_an_unknown_default_region_refuses_numbers_without_a_country_code_but_not_with_one():
    with pytest.raises(InvalidPhoneNumber):
        normalise("2015550123", default_region="XX")
    assert normalise("+12015550123", default_region="XX") == "+12015550123"


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+12015552342", "+1 XXX-XXX-2342"),  # the shape of every capture
        ("+12165332241", "+1 XXX-XXX-2241"),  # authenticator-verification captures' +1 XXX-XXX-2241
        ("+18008885555", "+1 XXX-XXX-5555"),
        ("+442079460958", "+44 XX XXXX 0958"),
        ("+33612345678", "+33 X XX XX 56 78"),
    ],
)
def test_masked_shows_the_country_code_and_the_last_four_digits_only(e164, shown):
    assert masked(e164) == shown


def test_masked_takes_any_number_normalise_takes():
    assert masked("(201) 555-2342") == "+1 XXX-XXX-2342"
    with pytest.raises(InvalidPhoneNumber):
        masked("not a number")


def test_input_past_the_length_limit_is_refused_without_being_parsed(monkeypatch):
    def parse_must_not_run(*_args, **_kwargs):
        raise AssertionError("hostile input reached the parser")

    monkeypatch.setattr(phonenumbers, "parse", parse_must_not_run)
    for raw in ("9" * (MAX_INPUT_LENGTH + 1), "+1" + " " * 10_000 + "2015550123", "1" * 1_000_000):
        with pytest.raises(InvalidPhoneNumber, match="longer than"):
            normalise(raw)


def test_characters_a_phone_number_does_not_have_are_refused_without_being_parsed(monkeypatch):
    monkeypatch.setattr(phonenumbers, "parse", lambda *_: pytest.fail("reached the parser"))
    for raw in ("+1 201\r555 0123", "+1 201 555 0123\x7f", "+1 (201) 555-0123 x", "+1 201 555 0123#", "++12015550123"):
        with pytest.raises(InvalidPhoneNumber, match="characters"):
            normalise(raw)


def test_input_just_within_the_limit_is_parsed():
    padded = "+1 201 555 0123".ljust(MAX_INPUT_LENGTH)
    assert normalise(padded) == "+12015550123"


def test_every_unicode_digit_gives_a_number_or_the_modules_own_error():
    for code_point in range(sys.maxunicode + 1):
        character = chr(code_point)
        if not character.isdecimal():
            continue
        for raw in ("+1201555012" + character, character * 10):
            with contextlib.suppress(InvalidPhoneNumber):
                assert normalise(raw).startswith("+")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_gives_e164_or_the_modules_own_error(raw):
    try:
        e164 = normalise(raw)
    except InvalidPhoneNumber:
        return
    assert e164.startswith("+") and e164[1:].isdigit() and len(e164) <= 16
    assert normalise(e164) == e164, "E.164 is a fixed point"
    assert masked(e164).startswith("+")


@settings(max_examples=150, deadline=None)
@given(st.from_regex(r"\+?[0-9 ()\-.]{0,30}", fullmatch=True))
def test_masked_hides_all_but_the_last_four_national_digits(raw):
    try:
        e164 = normalise(raw)
    except InvalidPhoneNumber:
        return
    country_code = str(phonenumbers.parse(e164).country_code)
    national_digits = e164.removeprefix("+" + country_code)
    shown_national = masked(e164).removeprefix("+" + country_code)
    visible = [character for character in shown_national if character.isdigit()]
    assert visible == list(national_digits[-phone_numbers.VISIBLE_DIGITS :])
    assert shown_national.count(phone_numbers.MASK) == len(national_digits) - len(visible)
