"""The scenario's profile enrollment policy (``settings.registration``), as an Okta admin sets it up, mapped to the
model's :class:`~mock_idx.model.registration.RegistrationPolicy`.

Bounds are Okta's where it documents them (at most 10 profile attributes on the form; one target group; the user
schema's 1024-character strings) so nothing a scenario accepts is an org Okta could not have.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..model.registration import (
    DEFAULT_ATTRIBUTES,
    EMAIL,
    MAX_VALUE_LENGTH,
    AttributeType,
    ProfileAttribute,
    RegistrationPolicy,
)

MAX_ATTRIBUTES = 10
"""Okta's limit on the profile attributes a profile enrollment form collects."""

AttributeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,99}$")]
"""A user schema variable name (``firstName``, ``department``, ``customField_2``)."""
Label = Annotated[str, StringConstraints(min_length=1, max_length=100)]
GroupName = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProfileAttributeSpec(_Strict):
    name: AttributeName = Field(description="The user schema's variable name (email, firstName, department...)")
    label: Label = Field(description="What the form calls it")
    type: Literal["string", "email", "boolean"] = Field(
        "string", description="string, email (a string of format email) or boolean (a checkbox)"
    )
    required: bool = Field(False, description="The form cannot be sent without it (a required boolean is ticked)")
    min_length: int | None = Field(None, ge=0, le=MAX_VALUE_LENGTH, description="Characters at least (strings)")
    max_length: int | None = Field(None, ge=1, le=MAX_VALUE_LENGTH, description="Characters at most (strings)")

    @model_validator(mode="after")
    def _lengths(self) -> ProfileAttributeSpec:
        if self.type == "boolean" and (self.min_length is not None or self.max_length is not None):
            raise ValueError("a boolean attribute has no lengths")
        if self.min_length is not None and self.max_length is not None and self.min_length > self.max_length:
            raise ValueError("min_length cannot be more than max_length")
        return self

    def to_model(self) -> ProfileAttribute:
        return ProfileAttribute(
            name=self.name,
            label=self.label,
            type=AttributeType(self.type),
            required=self.required,
            min_length=self.min_length,
            max_length=self.max_length,
        )


def _default_attributes() -> list[ProfileAttributeSpec]:
    return [
        ProfileAttributeSpec(
            name=attribute.name,
            label=attribute.label,
            type=attribute.type.value,
            required=attribute.required,
            min_length=attribute.min_length,
            max_length=attribute.max_length,
        )
        for attribute in DEFAULT_ATTRIBUTES
    ]


class RegistrationSpec(_Strict):
    """``settings.registration``: Okta's profile enrollment policy."""

    enabled: bool = Field(False, description="Sign-up allowed: the identify page offers 'Sign up' (off, as in Okta)")
    attributes: list[ProfileAttributeSpec] = Field(
        default_factory=_default_attributes,
        min_length=1,
        max_length=MAX_ATTRIBUTES,
        description="What the sign-up form asks, in order; must include email (type email, required): the new "
        "user's login. Default: firstName, lastName, email, all required",
    )
    groups: list[GroupName] = Field(
        default_factory=list, max_length=1, description="The group new users join (Okta allows one)"
    )

    @model_validator(mode="after")
    def _email_is_the_login(self) -> RegistrationSpec:
        names = [attribute.name for attribute in self.attributes]
        if len(set(names)) != len(names):
            raise ValueError("an attribute is listed twice")
        email = next((attribute for attribute in self.attributes if attribute.name == EMAIL), None)
        if email is None or email.type != "email" or not email.required:
            raise ValueError("the form must ask for email, of type email and required: it is the new user's login")
        return self

    def to_model(self) -> RegistrationPolicy:
        return RegistrationPolicy(
            enabled=self.enabled,
            attributes=tuple(attribute.to_model() for attribute in self.attributes),
            groups=tuple(self.groups),
        )
