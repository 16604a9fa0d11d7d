"""The scenario's password policy (``settings.password_policy``), as an Okta admin sets it up, mapped to the model's
:class:`~mock_idx.model.password_policy.PasswordPolicy`.

The bounds are Okta's own where Okta documents them (a character class is required or not, so 0 or 1; only
``firstName`` and ``lastName`` can be excluded; history up to 24 passwords; expiry up to 999 days) and otherwise
generous but finite, so a scenario can describe any real org's policy and nothing it accepts can stall the server.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..model.authenticators import AuthenticatorKey
from ..model.password_policy import PasswordPolicy
from ..model.recovery import AfterReset, RecoveryPolicy

MAX_MIN_LENGTH = 256
MAX_HISTORY_COUNT = 24
MAX_MIN_AGE_MINUTES = 365 * 24 * 60
MAX_AGE_DAYS = 999

ClassCount = Literal[0, 1]
RecoveryKey = Literal["okta_email", "phone_number"]
"""Okta's character-class rules: ``0`` no, ``1`` at least one."""


class RecoverySpec(BaseModel):
    """Self-service password recovery (Okta's password policy rule: "Users can initiate recovery with", "After
    password reset"). An authenticator listed here is offered only when the org has it (``settings.authenticators``)."""

    model_config = ConfigDict(extra="forbid")

    authenticators: list[RecoveryKey] = Field(
        default_factory=lambda: list[RecoveryKey](["okta_email"]),
        max_length=2,
        description="Which authenticators may start a recovery, in the order offered ([]: no recovery)",
    )
    after_reset: AfterReset = Field(
        AfterReset.SIGN_IN,
        description="sign_in: on with the sign-in (the rest of the policy, then the app); terminal: Okta's "
        '"You can now sign in with your existing username and new password", and the user signs in again',
    )

    @model_validator(mode="after")
    def _once_each(self) -> RecoverySpec:
        if len(set(self.authenticators)) != len(self.authenticators):
            raise ValueError("recovery authenticators lists one twice")
        return self

    def to_model(self) -> RecoveryPolicy:
        return RecoveryPolicy(
            authenticators=tuple(AuthenticatorKey(key) for key in self.authenticators), after_reset=self.after_reset
        )


class PasswordPolicySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_length: int = Field(8, ge=1, le=MAX_MIN_LENGTH, description="Characters at least")
    min_lower_case: ClassCount = Field(1, description="1: needs a lowercase letter")
    min_upper_case: ClassCount = Field(1, description="1: needs an uppercase letter")
    min_number: ClassCount = Field(1, description="1: needs a number")
    min_symbol: ClassCount = Field(0, description="1: needs a symbol")
    exclude_username: bool = Field(
        True, description="No part of the username (split at punctuation, parts of 4+ characters)"
    )
    exclude_attributes: list[Literal["firstName", "lastName"]] = Field(
        default_factory=list, max_length=2, description="Profile attributes the password must not contain"
    )
    exclude_common_passwords: bool = Field(False, description="Refuse passwords from a small built-in common list")
    history_count: int = Field(
        0, ge=0, le=MAX_HISTORY_COUNT, description="Differ from the last N passwords, the current one included"
    )
    min_age_minutes: int = Field(
        0, ge=0, le=MAX_MIN_AGE_MINUTES, description="A password cannot be changed again sooner than this"
    )
    max_age_days: int = Field(0, ge=0, le=MAX_AGE_DAYS, description="Passwords expire after this many days (0: never)")
    expire_warn_days: int = Field(
        0, ge=0, le=MAX_AGE_DAYS, description="Warn this many days before expiry (0: no warning)"
    )

    recovery: RecoverySpec = Field(default_factory=RecoverySpec, description="Self-service password recovery")

    @model_validator(mode="after")
    def _consistent(self) -> PasswordPolicySpec:
        if len(set(self.exclude_attributes)) != len(self.exclude_attributes):
            raise ValueError("exclude_attributes lists an attribute twice")
        if self.expire_warn_days and not self.max_age_days:
            raise ValueError("expire_warn_days needs max_age_days: passwords that never expire have nothing to warn of")
        if self.expire_warn_days > self.max_age_days:
            raise ValueError("expire_warn_days cannot be more than max_age_days")
        return self

    def to_policy(self) -> PasswordPolicy:
        return PasswordPolicy(
            min_length=self.min_length,
            min_lower_case=self.min_lower_case,
            min_upper_case=self.min_upper_case,
            min_number=self.min_number,
            min_symbol=self.min_symbol,
            exclude_username=self.exclude_username,
            exclude_attributes=tuple(self.exclude_attributes),
            exclude_common_passwords=self.exclude_common_passwords,
            history_count=self.history_count,
            min_age_minutes=self.min_age_minutes,
            max_age_days=self.max_age_days,
            expire_warn_days=self.expire_warn_days,
            recovery=self.recovery.to_model(),
        )
