"""The scenario format's authenticator parts: the org's authenticator policy (``settings.authenticators``) and the
enrollments a user starts with (``users[].authenticators``, besides Okta Verify, which :mod:`.models` describes)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from ..model.authenticators import AuthenticatorKey, AuthenticatorPolicy, DenyRule, Enrollment, SignOn
from ..model.directory import (
    EmailEnrollment,
    GoogleAuthenticatorEnrollment,
    PhoneEnrollment,
    SecurityQuestionEnrollment,
)
from ..model.phone_numbers import InvalidPhoneNumber, normalise
from ..model.security_questions import (
    MAX_ANSWER_LENGTH,
    MIN_ANSWER_LENGTH,
    AnswerProblem,
    check_answer,
    question_text,
)

MAX_LIFETIME = 10 * 365 * 86400.0

Requirement = Literal["required", "optional", "disabled"]

_ANSWER_REFUSALS = {
    AnswerProblem.TOO_SHORT: f"the answer must be at least {MIN_ANSWER_LENGTH} characters long",
    AnswerProblem.PART_OF_QUESTION: "the answer must not be part of the question",
    AnswerProblem.TOO_LONG: f"the answer must be at most {MAX_ANSWER_LENGTH} characters long",
}
"""Why Okta would refuse an answer, in words a scenario's author reads (not the enum's name)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


AuthenticatorName = Literal[
    "okta_password", "okta_verify", "okta_email", "phone_number", "google_otp", "security_question"
]


def _default_enrollment() -> dict[AuthenticatorName, Requirement]:
    return {"okta_password": "required", "okta_verify": "optional"}


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class DenyRuleSpec(_Strict):
    """A rule of the apps' authentication policy whose outcome is "Access is denied"."""

    groups: list[Name] = Field(
        default_factory=list, max_length=100, description="Members of any of these groups; none listed: every user"
    )
    clients: list[Name] = Field(
        default_factory=list, max_length=100, description="Signing in to any of these client ids; none listed: any app"
    )

    def to_model(self) -> DenyRule:
        return DenyRule(groups=tuple(self.groups), clients=tuple(self.clients))


class AuthenticatorPolicySpec(_Strict):
    """``settings.authenticators``: the org's authenticators and what a sign-in needs."""

    enrollment: dict[AuthenticatorName, Requirement] = Field(
        default_factory=_default_enrollment,
        description=(
            "The org's authenticators, in the order Okta lists them, each required (users must enroll it), optional "
            "(offered with 'Set up later') or disabled; one left out is disabled. The password is always required."
        ),
    )
    sign_on: Literal["when_enrolled", "one_factor", "two_factors", "okta_verify"] = Field(
        "when_enrolled",
        description=(
            "when_enrolled: a second factor if the user has one (mock-idx's default); one_factor: the password is "
            "enough; two_factors: a possession factor too, enrolled on the spot when the user has none; "
            "okta_verify: Okta Verify as the second factor"
        ),
    )
    identifier_first: bool = Field(False, description="Ask for the username alone, then the password")
    code_lifetime: float = Field(300, gt=0, le=MAX_LIFETIME, description="How long email, SMS and voice codes last")
    activation_lifetime: float = Field(
        300, gt=0, le=MAX_LIFETIME, description="How long an Okta Verify QR code or activation link lasts"
    )
    deny: list[DenyRuleSpec] = Field(
        default_factory=list,
        max_length=100,
        description=(
            "Access denied: once the password shows who the user is, a sign-in any rule applies to ends with Okta's "
            "security.access_denied (403) and nothing is issued"
        ),
    )

    @field_validator("enrollment")
    @classmethod
    def _password_required(cls, enrollment: dict[str, str]) -> dict[str, str]:
        if enrollment.get("okta_password", "required") != "required":
            raise ValueError("okta_password is always required: every user has a password")
        return enrollment

    def to_model(self) -> AuthenticatorPolicy:
        listed = [(AuthenticatorKey(name), Enrollment(rule)) for name, rule in self.enrollment.items()]
        password = (AuthenticatorKey.PASSWORD, Enrollment.REQUIRED)
        return AuthenticatorPolicy(
            enrollment=(password, *(entry for entry in listed if entry[0] is not AuthenticatorKey.PASSWORD)),
            sign_on=SignOn(self.sign_on),
            identifier_first=self.identifier_first,
            code_lifetime=self.code_lifetime,
            activation_lifetime=self.activation_lifetime,
            deny=tuple(rule.to_model() for rule in self.deny),
        )


class EmailSpec(_Strict):
    """The user's email (the profile's ``email``) enrolled as an authenticator."""

    def to_model(self) -> EmailEnrollment:
        return EmailEnrollment()


class PhoneSpec(_Strict):
    number: Annotated[str, StringConstraints(min_length=1, max_length=40)] = Field(
        description="Any format a person types (+1 555 123 4567); kept in E.164"
    )

    @field_validator("number")
    @classmethod
    def _e164(cls, number: str) -> str:
        try:
            return normalise(number)
        except InvalidPhoneNumber as problem:
            raise ValueError(str(problem)) from None

    def to_model(self) -> PhoneEnrollment:
        return PhoneEnrollment(number=self.number)


class GoogleAuthenticatorSpec(_Strict):
    secret: str | None = Field(
        None, pattern=r"^[A-Z2-7]{16,}=*$", description="Base32; generated when absent (read it from the control API)"
    )

    def to_model(self) -> GoogleAuthenticatorEnrollment:
        return GoogleAuthenticatorEnrollment(secret=self.secret) if self.secret else GoogleAuthenticatorEnrollment()


class SecurityQuestionSpec(_Strict):
    question_key: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="One of Okta's predefined question keys (disliked_food, name_of_first_plush_toy, ...) or custom"
    )
    question: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = Field(
        None, description="The question's text, for question_key: custom"
    )
    answer: Annotated[str, StringConstraints(min_length=1, max_length=1000)]

    @model_validator(mode="after")
    def _as_okta_checks_it(self) -> SecurityQuestionSpec:
        problems = check_answer(self.text(), self.answer)
        if problems:
            raise ValueError(_ANSWER_REFUSALS[problems[0]])
        return self

    def text(self) -> str:
        """The question as the user sees it (a predefined key's English text, or the custom question)."""
        if self.question_key == "custom":
            if self.question is None:
                raise ValueError("a custom security question needs its question")
            return self.question
        known = question_text(self.question_key)
        if known is None:
            raise ValueError(f"unknown security question key {self.question_key!r}")
        return known

    def to_model(self) -> SecurityQuestionEnrollment:
        return SecurityQuestionEnrollment(question_key=self.question_key, question=self.text(), answer=self.answer)
