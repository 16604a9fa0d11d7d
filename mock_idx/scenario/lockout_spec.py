"""The scenario's lockout policy (``settings.lockout``), as an Okta admin sets it in the password policy and its
rule, mapped to the model's :class:`~mock_idx.model.lockout.LockoutPolicy`.

Okta allows 1 to 100 attempts (lockout off is its own switch) and auto-unlock up to a year; mock-idx takes ``0`` for
"off" in both, as the model does, and keeps every bound finite.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..model.lockout import LockoutPolicy, UnlockMethod

MAX_ATTEMPTS = 100
MAX_MINUTES = 365 * 24 * 60


class LockoutSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_attempts: int = Field(
        0, ge=0, le=MAX_ATTEMPTS, description="Wrong passwords in a row that lock the account (0: never; Okta: 10)"
    )
    window_minutes: int = Field(
        0, ge=0, le=MAX_MINUTES, description="Failures older than this stop counting (0: all since the last success)"
    )
    auto_unlock_minutes: int = Field(
        0, ge=0, le=MAX_MINUTES, description="A locked account unlocks itself this long after (0: never)"
    )
    show_lockout_failures: bool = Field(
        False, description="Tell a locked user so (off: they are told what a wrong password is told)"
    )
    self_service_unlock: list[Literal["email", "sms", "voice"]] = Field(
        default_factory=list,
        max_length=3,
        description='How users may unlock themselves ("Unlock account?"); empty: self-service unlock is off',
    )

    @model_validator(mode="after")
    def _consistent(self) -> LockoutSpec:
        if len(set(self.self_service_unlock)) != len(self.self_service_unlock):
            raise ValueError("self_service_unlock lists a method twice")
        return self

    def to_policy(self) -> LockoutPolicy:
        return LockoutPolicy(
            max_attempts=self.max_attempts,
            window_minutes=self.window_minutes,
            auto_unlock_minutes=self.auto_unlock_minutes,
            show_lockout_failures=self.show_lockout_failures,
            unlock_methods=tuple(UnlockMethod(method) for method in self.self_service_unlock),
        )
