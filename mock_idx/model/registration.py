"""Self-service registration: the org's *profile enrollment policy* and the checks a sign-up form's answers go through.

Okta's profile enrollment policy says whether people may sign up ("Sign-up: allowed"), which profile attributes the
sign-up form asks for (from the user schema, each required or not), and which group a new user joins. Okta ships it
with sign-up off, and with the three base attributes its user schema makes required: ``email``, ``firstName`` and
``lastName`` (labels "Email", "First name", "Last name"; lengths as the base schema has them).

:func:`check_profile` finds what is wrong with a submitted profile, one :class:`ProfileProblem` per attribute, in the
order Okta's form lists them; the engine refuses the step with the first kind of problem found (every attribute that
has it gets the message). Pure model: no HTTP, no store.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class AttributeType(str, Enum):
    """The user schema types a sign-up form can ask for (an email is a string of format ``email`` in Okta's schema:
    the form shows it as a string, the server checks its format)."""

    STRING = "string"
    EMAIL = "email"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class ProfileAttribute:
    """One attribute the sign-up form asks for."""

    name: str
    label: str
    type: AttributeType = AttributeType.STRING
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None


MAX_VALUE_LENGTH = 1024
"""The longest value an attribute with no ``max_length`` takes (Okta's schema caps strings too)."""
EMAIL = "email"
"""The attribute that becomes the new user's login (and where their email codes go)."""

DEFAULT_ATTRIBUTES = (
    ProfileAttribute("firstName", "First name", required=True, min_length=1, max_length=50),
    ProfileAttribute("lastName", "Last name", required=True, min_length=1, max_length=50),
    ProfileAttribute(EMAIL, "Email", AttributeType.EMAIL, required=True, min_length=5, max_length=100),
)
"""Okta's default profile enrollment form, in the order Okta's captures list it (the base schema's lengths)."""


@dataclass(frozen=True)
class RegistrationPolicy:
    """The org's profile enrollment policy."""

    enabled: bool = False
    """"Sign-up: allowed": the identify page offers ``select-enroll-profile``. Off in a new Okta org."""
    attributes: tuple[ProfileAttribute, ...] = DEFAULT_ATTRIBUTES
    groups: tuple[str, ...] = ()
    """The groups a new user joins (Okta's ``targetGroupIds``)."""

    def attribute(self, name: str) -> ProfileAttribute | None:
        return next((attribute for attribute in self.attributes if attribute.name == name), None)


DEFAULT_REGISTRATION_POLICY = RegistrationPolicy()


class ProblemKind(str, Enum):
    """What can be wrong with one attribute, most telling first: a form with several kinds of problem is refused for
    the first (:func:`first_problem`)."""

    MISSING = "missing"
    WRONG_TYPE = "wrong_type"
    CONTROL_CHARACTERS = "control_characters"
    """A line break, a NUL, any control character: no name has one (mock-idx's rule; Okta's is not published)."""
    NOT_AN_EMAIL = "not_an_email"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class ProfileProblem:
    attribute: ProfileAttribute
    kind: ProblemKind


_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f.]+(\.[^@\s\x00-\x1f\x7f.]+)+$")
"""``local@domain.tld``: one ``@``, a dotted domain, no spaces or control characters (what no address has, and what
would forge a mail header). Okta's own rule is not published; this one accepts what people type."""


def check_profile(policy: RegistrationPolicy, values: Mapping[str, Any]) -> list[ProfileProblem]:
    """Every attribute of the form whose value is missing (required and absent or blank), of the wrong JSON type, not
    an email address, or outside its lengths. Values the form does not ask for are not looked at."""
    problems: list[ProfileProblem] = []
    for attribute in policy.attributes:
        kind = _problem(attribute, values.get(attribute.name))
        if kind is not None:
            problems.append(ProfileProblem(attribute, kind))
    return problems


def first_problem(problems: list[ProfileProblem]) -> tuple[ProblemKind, tuple[ProfileAttribute, ...]] | None:
    """The kind of problem a refusal names (the first of :class:`ProblemKind` any attribute has), and every attribute
    that has it; ``None`` when there is none."""
    kinds = list(ProblemKind)
    if not problems:
        return None
    kind = min((problem.kind for problem in problems), key=kinds.index)
    return kind, tuple(problem.attribute for problem in problems if problem.kind is kind)


def profile_values(policy: RegistrationPolicy, values: Mapping[str, Any]) -> dict[str, str]:
    """The profile a new user gets from a form :func:`check_profile` found nothing wrong with: the attributes the
    form asks for, strings trimmed, booleans as ``"true"``/``"false"`` (the directory keeps strings)."""
    profile: dict[str, str] = {}
    for attribute in policy.attributes:
        value = values.get(attribute.name)
        if isinstance(value, bool):
            profile[attribute.name] = "true" if value else "false"
        elif isinstance(value, str) and value.strip():
            profile[attribute.name] = value.strip()
    return profile


def _problem(attribute: ProfileAttribute, value: Any) -> ProblemKind | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ProblemKind.MISSING if attribute.required else None
    if attribute.type is AttributeType.BOOLEAN:  # a required box (terms accepted) must be ticked
        if not isinstance(value, bool):
            return ProblemKind.WRONG_TYPE
        return ProblemKind.MISSING if attribute.required and not value else None
    if not isinstance(value, str):
        return ProblemKind.WRONG_TYPE
    text = value.strip()
    if len(text) > (attribute.max_length or MAX_VALUE_LENGTH):
        return ProblemKind.TOO_LONG  # before the format: a megabyte is never matched against a pattern
    if any(unicodedata.category(character) == "Cc" for character in text):
        return ProblemKind.CONTROL_CHARACTERS
    if attribute.type is AttributeType.EMAIL and not _EMAIL.match(text):
        return ProblemKind.NOT_AN_EMAIL
    if attribute.min_length is not None and len(text) < attribute.min_length:
        return ProblemKind.TOO_SHORT
    return None
