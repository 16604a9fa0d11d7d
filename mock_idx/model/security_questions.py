"""Okta's security questions: the predefined catalogue, the user's own ("custom") question, the rules an answer must
meet at enrollment, and how a later answer is matched against the enrolled one.

Failures, for the error table (``mock_idx/idx/messages.py``). Each is a message on one field of the enrollment form
(``enroll-authenticator``: ``credentials.answer`` or ``credentials.question``), the form again, served 400 (field
validation, as okta-idx-java's fixtures; the Sign-In Widget's playground serves its copies 403):

* :attr:`AnswerProblem.TOO_SHORT` on ``answer``: key ``securityQuestion.answer.tooShort.arg``, params ``[4]``,
  text "The security question answer must be at least 4 characters in length".
* :attr:`AnswerProblem.PART_OF_QUESTION` on ``answer``: key ``securityQuestion.answer.tooWeak`` [1]_,
  text "The security question answer is too weak, answer must not be part of the question".
* :attr:`AnswerProblem.TOO_LONG` on ``answer`` and :attr:`QuestionProblem.TOO_LONG` on ``question``: key
  ``model.validation.field.string.maxLength``, text "This field cannot exceed the maximum allowed characters".
* :attr:`QuestionProblem.HTML_TAGS` on ``question``: key ``tagsNotAllowed``, text "The field must not contain HTML
  tags".
* :attr:`QuestionProblem.CONTROL_CHARACTERS` on ``question``: key ``model.validation.field.invalid``, text "This
  field has an invalid value".
* :attr:`QuestionProblem.BLANK` (and a blank answer, checked by the engine before :func:`check_answer`): the
  required-field error, ``Reason.FIELD_REQUIRED`` ("This field cannot be left blank").
* A ``questionKey`` that is neither predefined nor ``custom`` (:func:`question_text` gives ``None``): suggested key
  ``model.validation.field.value.not.allowed``, text "This field value is not allowed" on ``questionKey`` [1]_.

Sources: ``tooShort.arg`` with its ``[4]`` and ``tagsNotAllowed`` on ``question`` are in the Sign-In Widget's
``error-authenticator-enroll-security-question*.json`` fixtures; the part-of-question text is Okta's (its API's
``errorCauses`` for a custom question, as apps quoting it show) and Okta's help lists the rule ("The answer to the
security question can't be included in the question"). The ``model.validation.*`` keys and texts are in the widget's
``login.properties``.

.. [1] No capture shows these two; ``securityQuestion.answer.tooWeak`` is this mock's name for the part-of-question
   key. The widget falls back to the message text for a key it does not know, so users see Okta's text.

Matching (:func:`answers_match`): case-insensitive, surrounding whitespace ignored, compatibility forms folded
(NFKC), otherwise exact. Okta does not document how it compares answers; a retyped answer differs from the enrolled
one mostly in case and stray spaces, so that is what this mock forgives, and nothing more (no fuzzy matching, inner
spaces count). The part-of-question rule compares the same folded forms.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType

CUSTOM_QUESTION_KEY = "custom"
"""The ``questionKey`` a user's own question is enrolled under; its text comes in ``credentials.question``."""

PREDEFINED_QUESTIONS: Mapping[str, str] = MappingProxyType(
    {
        "disliked_food": "What is the food you least liked as a child?",
        "name_of_first_plush_toy": "What is the name of your first stuffed animal?",
        "first_award": "What did you earn your first medal or award for?",
        "favorite_security_question": "What is your favorite security question?",
        "favorite_toy": "What is the toy/stuffed animal you liked the most as a kid?",
        "first_computer_game": "What was the first computer game you played?",
        "favorite_movie_quote": "What is your favorite movie quote?",
        "first_sports_team_mascot": "What was the mascot of the first sports team you played on?",
        "first_music_purchase": "What music album or song did you first purchase?",
        "favorite_art_piece": "What is your favorite piece of art?",
        "grandmother_favorite_desert": "What was your grandmother's favorite dessert?",
        "first_thing_cooked": "What was the first thing you learned to cook?",
        "childhood_dream_job": "What was your dream job as a child?",
        "place_where_significant_other_was_met": "Where did you meet your spouse/significant other?",
        "favorite_vacation_location": "Where did you go for your favorite vacation?",
        "new_years_two_thousand": "Where were you on New Year's Eve in the year 2000?",
        "favorite_speaker_actor": "Who is your favorite speaker/orator?",
        "favorite_book_movie_character": "Who is your favorite book/movie character?",
        "favorite_sports_player": "Who is your favorite sports player?",
    }
)
"""Okta's question keys and English texts, in the order a real org's ``questionKey`` options list them (the Gen3
widget's ``securityquestion-enroll-mfa.json`` capture; ``grandmother_favorite_desert`` is Okta's spelling)."""

MIN_ANSWER_LENGTH = 4
"""Okta's minimum, counted in characters of the answer without surrounding whitespace."""

MAX_ANSWER_LENGTH = 255
MAX_QUESTION_LENGTH = 255
"""This mock's bounds (Okta publishes none): long enough for any real answer or question, short enough that hostile
input costs nothing to check or store."""

_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
"""Something a browser would read as a tag (``<b>``, ``</p>``, ``<!-- -->``); a lone ``<`` as in ``1 < 2`` is text."""


class AnswerProblem(str, Enum):
    TOO_SHORT = "answer_too_short"
    PART_OF_QUESTION = "answer_part_of_question"
    TOO_LONG = "answer_too_long"


class QuestionProblem(str, Enum):
    BLANK = "question_blank"
    TOO_LONG = "question_too_long"
    HTML_TAGS = "question_html_tags"
    CONTROL_CHARACTERS = "question_control_characters"


def question_text(question_key: str) -> str | None:
    """The English text of a predefined question, or ``None`` for an unknown key (and for ``custom``, whose text the
    user gives)."""
    return PREDEFINED_QUESTIONS.get(question_key)


def check_custom_question(text: str) -> list[QuestionProblem]:
    """What is wrong with a user's own question (empty when nothing): it must have text, fit the length bound, and
    hold no HTML tags (Okta shows it back as the challenge's label) nor control characters."""
    question = text.strip()
    if not question:
        return [QuestionProblem.BLANK]
    if len(question) > MAX_QUESTION_LENGTH:
        return [QuestionProblem.TOO_LONG]
    problems: list[QuestionProblem] = []
    if _HTML_TAG.search(question):
        problems.append(QuestionProblem.HTML_TAGS)
    if any(unicodedata.category(character) == "Cc" for character in question):
        problems.append(QuestionProblem.CONTROL_CHARACTERS)
    return problems


def check_answer(question: str, answer: str) -> list[AnswerProblem]:
    """What is wrong with ``answer`` to ``question`` at enrollment (empty when nothing), in the order Okta lists them.

    A blank answer is the form's required-field error, checked before this. An answer too short to be accepted is
    not also checked against the question, as Okta shows one message for it.
    """
    given = answer.strip()
    if len(given) > MAX_ANSWER_LENGTH:
        return [AnswerProblem.TOO_LONG]
    if len(given) < MIN_ANSWER_LENGTH:
        return [AnswerProblem.TOO_SHORT]
    if _folded(given) in _folded(question):
        return [AnswerProblem.PART_OF_QUESTION]
    return []


def normalise_answer(answer: str) -> str:
    """The form of an answer that is kept and compared: see "Matching" in the module docstring."""
    return _folded(answer.strip())


def answers_match(enrolled: str, given: str) -> bool:
    """Whether ``given`` is the enrolled answer, compared as :func:`normalise_answer` forms in constant time (an
    answer is a secret: the comparison must not tell how much of it was right)."""
    if len(given) > MAX_ANSWER_LENGTH * 4:
        return False
    return hmac.compare_digest(normalise_answer(enrolled).encode(), normalise_answer(given).encode())


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()
