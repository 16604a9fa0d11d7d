"""The org's lockout policy and what it does to a user: wrong passwords counted, the account locked at the limit,
unlocked again by the clock, an admin, or the user proving who they are (self-service unlock).

Okta keeps these knobs in the password policy (``lockout.maxAttempts``, ``lockout.autoUnlockMinutes``,
``lockout.showLockoutFailures``; self-service unlock is a setting of the policy's rule, with the authenticators a user
may unlock with). Pure model: no HTTP, no store. The engine reads the user, asks these functions, and writes back the
user they return, so the count lives on the user record and every replica sees the same one.

Counting follows Okta: a failure is a wrong password (on the identify form or at the identifier-first password
challenge), a right one resets the count, and the account locks when the count reaches ``max_attempts``. Okta counts
consecutive failures; :attr:`LockoutPolicy.window_minutes` is mock-idx's extra knob for suites that want failures to
age out. Everything is in the org's virtual seconds, so tests advance the clock rather than wait.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from .authenticators import AuthenticatorKey
from .directory import User, UserStatus

_MINUTE = 60.0


class UnlockMethod(str, Enum):
    """How a user may prove who they are to unlock their account (Okta's recovery factors ``okta_email``,
    ``okta_sms``, ``okta_call``)."""

    EMAIL = "email"
    SMS = "sms"
    VOICE = "voice"

    @property
    def authenticator(self) -> AuthenticatorKey:
        return AuthenticatorKey.EMAIL if self is UnlockMethod.EMAIL else AuthenticatorKey.PHONE


@dataclass(frozen=True)
class LockoutPolicy:
    """The lockout knobs, Okta's API names in brackets. mock-idx's defaults differ from Okta's on purpose: lockout is
    off (Okta locks after 10 wrong passwords), because test suites try wrong passwords freely."""

    max_attempts: int = 0
    """[lockout.maxAttempts] Wrong passwords in a row that lock the account (0: never locked)."""
    window_minutes: int = 0
    """Failures older than this no longer count (0: every failure since the last right password, as Okta)."""
    auto_unlock_minutes: int = 0
    """[lockout.autoUnlockMinutes] A locked account unlocks by itself this long after it locked (0: never)."""
    show_lockout_failures: bool = False
    """[lockout.showLockoutFailures] Tell a locked user so; off, they are told what a wrong password is told."""
    unlock_methods: tuple[UnlockMethod, ...] = ()
    """[selfServiceUnlock + recovery factors] How users may unlock themselves (none: self-service unlock is off)."""

    @property
    def self_service_unlock(self) -> bool:
        return bool(self.unlock_methods)

    def allows_unlock_with(self, key: AuthenticatorKey, method: str | None) -> bool:
        """Whether the policy lets a user unlock with ``key`` (and ``method``, for the phone)."""
        return any(
            allowed.authenticator is key
            and (method is None or key is AuthenticatorKey.EMAIL or allowed.value == method)
            for allowed in self.unlock_methods
        )

    def methods_for(self, key: AuthenticatorKey) -> tuple[str, ...]:
        """The methods of ``key`` the policy unlocks with, in Okta's order (the phone's SMS before voice)."""
        return tuple(m.value for m in UnlockMethod if m in self.unlock_methods and m.authenticator is key)

    def unlock_authenticators(self) -> tuple[AuthenticatorKey, ...]:
        """The authenticators the unlock page offers, email first as Okta lists them."""
        keys = (AuthenticatorKey.EMAIL, AuthenticatorKey.PHONE)
        return tuple(key for key in keys if self.methods_for(key))


DEFAULT_LOCKOUT_POLICY = LockoutPolicy()


def counted_failures(user: User, now: float, policy: LockoutPolicy) -> tuple[float, ...]:
    """The user's wrong passwords that still count at ``now`` (all since the last right one, or those in the window)."""
    if policy.window_minutes <= 0:
        return user.failed_passwords
    since = now - policy.window_minutes * _MINUTE
    return tuple(at for at in user.failed_passwords if at > since)


def is_locked(user: User) -> bool:
    return user.status is UserStatus.LOCKED_OUT


def auto_unlock_due(user: User, now: float, policy: LockoutPolicy) -> bool:
    """Whether a locked user's lock has run its course (checked lazily, at the user's next use)."""
    if not is_locked(user) or policy.auto_unlock_minutes <= 0 or user.locked_at is None:
        return False
    return now >= user.locked_at + policy.auto_unlock_minutes * _MINUTE


def after_wrong_password(user: User, now: float, policy: LockoutPolicy) -> User:
    """The user once a wrong password is counted: locked out when it reaches the limit. With lockout off nothing is
    counted, so the user comes back unchanged."""
    if policy.max_attempts <= 0 or is_locked(user):
        return user
    failures = (*counted_failures(user, now, policy), now)
    if len(failures) >= policy.max_attempts:
        return replace(user, failed_passwords=failures, status=UserStatus.LOCKED_OUT, locked_at=now)
    return replace(user, failed_passwords=failures)


def after_right_password(user: User) -> User:
    """A right password starts the count again."""
    return replace(user, failed_passwords=()) if user.failed_passwords else user


def locked(user: User, now: float) -> User:
    """Locked out, as an admin or the lockout policy does it (an already locked user keeps when it happened)."""
    if is_locked(user):
        return user
    return replace(user, status=UserStatus.LOCKED_OUT, locked_at=now)


def unlocked(user: User) -> User:
    """Unlocked (by an admin, the clock or the user): active again with a fresh count. A user who was not locked
    keeps their status; only their count starts again."""
    status = UserStatus.ACTIVE if is_locked(user) else user.status
    return replace(user, status=status, locked_at=None, failed_passwords=())
