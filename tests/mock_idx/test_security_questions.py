"""Security questions: Okta's catalogue, the rules for an answer and for a user's own question, and how answers are
matched; hostile text gets a problem list or a plain no, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_idx.model.security_questions import (
    CUSTOM_QUESTION_KEY,
    MAX_ANSWER_LENGTH,
    MAX_QUESTION_LENGTH,
    MIN_ANSWER_LENGTH,
    PREDEFINED_QUESTIONS,
    AnswerProblem,
    QuestionProblem,
    answers_match,
    check_answer,
    check_custom_question,
    normalise_answer,
    question_text,
)

VACATION = "Where did you go for your favorite vacation?"


def test_the_catalogue_is_okta_s_nineteen_questions_in_okta_s_order():
    assert list(PREDEFINED_QUESTIONS)[:3] == ["disliked_food", "name_of_first_plush_toy", "first_award"]
    assert list(PREDEFINED_QUESTIONS)[-1] == "favorite_sports_player"
    assert len(PREDEFINED_QUESTIONS) == 19
    assert PREDEFINED_QUESTIONS["favorite_vacation_location"] == VACATION
    assert PREDEFINED_QUESTIONS["grandmother_favorite_desert"] == "What was your grandmother's favorite dessert?"
    assert PREDEFINED_QUESTIONS["new_years_two_thousand"] == "Where were you on New Year's Eve in the year 2000?"


def test_the_catalogue_cannot_be_changed_by_a_caller():
    with pytest.raises(TypeError):
        PREDEFINED_QUESTIONS["custom"] = "?"  # type: ignore[index]


def test_question_text_knows_predefined_keys_only():
    assert question_text("disliked_food") == "What is the food you least liked as a child?"
    assert question_text(CUSTOM_QUESTION_KEY) is None
    assert question_text("first_kiss_location") is None  # in old widget bundles, not offered by a real org
    assert question_text("") is None


@pytest.mark.parametrize("answer", ["Rome", "Lake Tahoe", "  Rome  ", "1234", "Ünïcødé", "東京都庁"])
def test_an_answer_of_four_characters_or_more_not_in_the_question_is_accepted(answer):
    assert check_answer(VACATION, answer) == []


@pytest.mark.parametrize("answer", ["abc", "  abc  ", "a", "東京都"])
def test_an_answer_under_four_characters_is_too_short(answer):
    assert check_answer(VACATION, answer) == [AnswerProblem.TOO_SHORT]
    assert MIN_ANSWER_LENGTH == 4


@pytest.mark.parametrize("answer", ["vacation", "VACATION", "favorite vacation", "Where did you go", VACATION])
def test_an_answer_inside_the_question_is_refused_ignoring_case(answer):
    assert check_answer(VACATION, answer) == [AnswerProblem.PART_OF_QUESTION]


def test_an_answer_containing_the_question_is_fine_it_is_only_the_other_way_round():
    assert check_answer("Pet?", "My pet was called Rex") == []


def test_a_short_answer_inside_the_question_is_told_it_is_too_short_only():
    assert check_answer(VACATION, "you") == [AnswerProblem.TOO_SHORT]


def test_an_answer_past_the_length_bound_is_too_long():
    assert check_answer(VACATION, "x" * MAX_ANSWER_LENGTH) == []
    assert check_answer(VACATION, "x" * (MAX_ANSWER_LENGTH + 1)) == [AnswerProblem.TOO_LONG]
    assert check_answer(VACATION, "x" * 5_000_000) == [AnswerProblem.TOO_LONG]


@pytest.mark.parametrize("question", ["What is life?", "Quel est le nom de mon chat ?", "1 < 2, true?", "Is a<b?"])
def test_a_plain_custom_question_is_accepted(question):
    assert check_custom_question(question) == []


@pytest.mark.parametrize("question", ["", "   ", "\t\n"])
def test_a_blank_custom_question_is_blank(question):
    assert check_custom_question(question) == [QuestionProblem.BLANK]


@pytest.mark.parametrize(
    "question",
    ["<b>Pet?</b>", "What is <script>alert(1)</script>?", "Pet?<br/>", "Pet <!-- x -->?", "< img src=x>"],
)
def test_html_tags_in_a_custom_question_are_refused(question):
    assert check_custom_question(question) == [QuestionProblem.HTML_TAGS]


@pytest.mark.parametrize("question", ["Pet\x00name?", "Pet\x1bname?", "Pet\u0085name?", "Line\nbreak?"])
def test_control_characters_inside_a_custom_question_are_refused(question):
    assert check_custom_question(question) == [QuestionProblem.CONTROL_CHARACTERS]


def test_a_question_can_break_two_rules_at_once():
    assert check_custom_question("<b>\x00</b>") == [QuestionProblem.HTML_TAGS, QuestionProblem.CONTROL_CHARACTERS]


def test_a_custom_question_past_the_length_bound_is_too_long_and_nothing_else_is_checked():
    assert check_custom_question("?" * MAX_QUESTION_LENGTH) == []
    assert check_custom_question("<" * (MAX_QUESTION_LENGTH + 1)) == [QuestionProblem.TOO_LONG]
    assert check_custom_question("<a" * 1_000_000) == [QuestionProblem.TOO_LONG]


def test_answers_match_ignoring_case_and_surrounding_spaces():
    assert answers_match("Lake Tahoe", "lake tahoe")
    assert answers_match("Lake Tahoe", "  LAKE TAHOE ")
    assert answers_match("Straße", "STRASSE")
    assert answers_match("ｒｏｍｅ", "Rome"), "compatibility forms (fullwidth) fold to the plain ones"


def test_answers_differing_in_anything_else_do_not_match():
    assert not answers_match("Lake Tahoe", "LakeTahoe")
    assert not answers_match("Lake Tahoe", "Lake  Tahoe")
    assert not answers_match("Lake Tahoe", "Lake Taho")
    assert not answers_match("Lake Tahoe", "")
    assert not answers_match("Lake Tahoe", "Lake Tahoe" * 100_000)


def test_the_normalised_answer_is_what_answers_match_compares():
    assert normalise_answer("  Lake TAHOE ") == "lake tahoe"
    assert answers_match(normalise_answer("Lake Tahoe"), "lake tahoe")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_arbitrary_text_gives_problems_or_none_never_an_exception(question, answer):
    assert set(check_answer(question, answer)) <= set(AnswerProblem)
    assert set(check_custom_question(question)) <= set(QuestionProblem)
    assert answers_match(answer, answer)
    assert isinstance(answers_match(question, answer), bool)
