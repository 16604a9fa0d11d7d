"""The org's password policy: which new passwords Okta accepts, what it says when it refuses one, and the IDX
``settings`` object the Sign-In Widget draws its requirements list from.

Pure model: no HTTP, no store. The engine asks :meth:`PasswordPolicy.violations` whenever a person sets a password
(enrollment, reset, expired-password change) and, when the list is not empty, refuses the step with
:meth:`PasswordPolicy.error_message` on the ``credentials.passcode`` field, leaving the user untouched.

Okta's messages for a refused password, and the i18n key that goes with each (for the one error table,
:mod:`mock_idx.idx.messages`); each is a field message on ``credentials.passcode`` with class ``ERROR``:

- MIN_LENGTH, LOWER_CASE, UPPER_CASE, NUMBER, SYMBOL, USERNAME, ATTRIBUTE, HISTORY, MIN_AGE: key
  ``password.passwordRequirementsNotMet``, params ``[requirements_text()]``, message "Password requirements were not
  met. " followed by the policy's whole requirements text (:meth:`PasswordPolicy.requirements_text`).
- COMMON, when nothing above failed too: key ``password.common``, params ``[""]``, message "This password was found in
  a list of commonly used passwords. Please try another password."

Evidence, so the next engineer can re-check it:

- The requirements message lists the *whole* policy, not just the rules that failed: okta-idx-dotnet's
  ``IonApiError`` documents a real ``reset-authenticator`` answer with key ``password.passwordRequirementsNotMet``,
  message "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an
  uppercase letter, a number, no parts of your username. Your password cannot be any of your last 4 passwords." and
  ``params`` holding the text after "Password requirements were not met. ". The wording of each part is the Sign-In
  Widget's ``password.complexity.*`` keys (login.properties; ``FactorUtil.getPasswordComplexityDescription`` builds
  the same sentence), including the minimum-age sentence "At least 2 hour(s) must have elapsed since you last changed
  your password." seen in the widget's tests of server errors.
- A reused password (history) and a change before the minimum age are answered with that same key and text. This is
  an inference, not a capture: the text already names the history and age rules, and no capture found shows another
  IDX key for them (change it here, in :meth:`PasswordPolicy.error_message`, if one turns up). Okta's
  classic ``/api/v1`` answer for history, "Password has been used too recently" (an ``errorCauses`` summary), is
  :data:`CLASSIC_HISTORY_TEXT` for whoever builds a classic endpoint.
- ``password.common`` and its text are the widget's ``error-authenticator-enroll-password-common.json`` capture.
- The username rule is Okta's documented one (support article "Password rejected even though it meets all
  requirements"): the username is split at punctuation, parts shorter than 4 characters and common top-level domains
  are ignored, and the password must not contain any whole part (case-insensitively).
- History includes the current password (Okta support: "Enforce Password History Policy Includes Current Password"):
  ``history`` is the user's passwords newest first, the current one first, and the first ``history_count`` are checked.

Characters are counted as Python does (code points). Letters are judged by Unicode case (``é`` is a lowercase letter),
numbers are Unicode decimal digits, and a symbol is any character that is neither a letter, a digit nor whitespace.
Every check is linear in the password's length, so a megabyte of input costs milliseconds, not minutes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Any

from .recovery import DEFAULT_RECOVERY_POLICY, RecoveryPolicy

REQUIREMENTS_NOT_MET_KEY = "password.passwordRequirementsNotMet"
REQUIREMENTS_NOT_MET_PREFIX = "Password requirements were not met."
COMMON_PASSWORD_KEY = "password.common"
COMMON_PASSWORD_TEXT = "This password was found in a list of commonly used passwords. Please try another password."
CLASSIC_HISTORY_TEXT = "Password has been used too recently"
"""Okta's classic API (``/api/v1``) cause for a reused password; the IDX answer uses the requirements text instead."""

EXCLUDABLE_ATTRIBUTES = ("firstName", "lastName")
"""The profile attributes Okta lets a policy exclude from passwords ("currently only supports firstName and lastName"),
in the order Okta's requirements text names them."""

_ATTRIBUTE_REQUIREMENTS: Mapping[str, str] = MappingProxyType(
    {"firstName": "does not include your first name", "lastName": "does not include your last name"}
)

USERNAME_PART_MIN_LENGTH = 4
"""Username parts shorter than this are not checked (Okta: "Ed" in ed.jones@business.com is not a part)."""

_USERNAME_DELIMITERS = re.compile(r"[\W_]+")
"""Okta splits the username at punctuation; any run of non-alphanumeric characters separates two parts."""

_COMMON_TOP_LEVEL_DOMAINS = frozenset({"info", "name", "mobi", "aero", "asia", "coop", "jobs", "museum", "travel"})
"""Top-level domains of 4+ letters that are not a username part (shorter ones like com/net/gov fall under the length
rule already)."""

_DAY = 86_400
"""Seconds in a day: password ages are counted on the org's virtual clock, in seconds."""

COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password12",
        "password123",
        "password1!",
        "passw0rd",
        "p@ssw0rd",
        "p@ssword",
        "12345678",
        "123456789",
        "1234567890",
        "11111111",
        "00000000",
        "87654321",
        "abcd1234",
        "abc12345",
        "abcdabcd",
        "qwerty123",
        "qwertyuiop",
        "1qaz2wsx",
        "zaq12wsx",
        "iloveyou",
        "sunshine",
        "football",
        "baseball",
        "princess",
        "superman",
        "starwars",
        "welcome1",
        "welcome123",
        "letmein1",
        "trustno1",
        "changeme",
        "admin123",
        "monkey123",
        "dragon123",
        "master123",
        "whatever",
        "qazwsxedc",
        "computer",
    }
)
"""The built-in dictionary for :attr:`PasswordPolicy.exclude_common_passwords`, compared case-insensitively (so
``Password1`` is refused too). Small on purpose: a fake org needs a few known-bad passwords to test with, not a
breach corpus."""


class Rule(str, Enum):
    """One rule of the policy a password can break, in the order Okta's requirements text lists them."""

    MIN_LENGTH = "min_length"
    LOWER_CASE = "lower_case"
    UPPER_CASE = "upper_case"
    NUMBER = "number"
    SYMBOL = "symbol"
    USERNAME = "username"
    ATTRIBUTE = "attribute"
    """Contains an excluded profile attribute; :attr:`Violation.attribute` says which."""
    COMMON = "common"
    HISTORY = "history"
    MIN_AGE = "min_age"


@dataclass(frozen=True)
class Violation:
    rule: Rule
    attribute: str = ""
    """For :attr:`Rule.ATTRIBUTE`: the profile attribute (``firstName`` or ``lastName``) the password contains."""


@dataclass(frozen=True)
class PasswordMessage:
    """What Okta puts on the ``credentials.passcode`` field when it refuses a password: ``message`` and
    ``i18n: {key, params}``."""

    key: str
    text: str
    params: tuple[str, ...]


@dataclass(frozen=True)
class PasswordPolicy:
    """Okta's password policy knobs with Okta's defaults (the Default Policy of a new org, Okta's API names in
    brackets). ``0`` switches a number rule off."""

    min_length: int = 8
    """[complexity.minLength] Characters at least."""
    min_lower_case: int = 1
    """[complexity.minLowerCase] Lowercase letters at least (Okta allows 0 or 1)."""
    min_upper_case: int = 1
    """[complexity.minUpperCase] Uppercase letters at least (0 or 1)."""
    min_number: int = 1
    """[complexity.minNumber] Digits at least (0 or 1)."""
    min_symbol: int = 0
    """[complexity.minSymbol] Symbols at least (0 or 1)."""
    exclude_username: bool = True
    """[complexity.excludeUsername] No part of the username (see the module docstring for what a part is)."""
    exclude_attributes: tuple[str, ...] = ()
    """[complexity.excludeAttributes] Profile attributes whose value the password must not contain."""
    exclude_common_passwords: bool = False
    """[complexity.dictionary.common.exclude] Refuse passwords in :data:`COMMON_PASSWORDS`."""
    history_count: int = 0
    """[age.historyCount] The password must differ from the user's last N passwords, the current one included."""
    min_age_minutes: int = 0
    """[age.minAgeMinutes] A password cannot be changed again until this long after the last change."""
    max_age_days: int = 0
    """[age.maxAgeDays] Passwords expire this long after they were set (0: never)."""
    expire_warn_days: int = 0
    """[age.expireWarnDays] Warn at sign-in this many days before expiry (0: no warning)."""
    recovery: RecoveryPolicy = DEFAULT_RECOVERY_POLICY
    """[recovery] Self-service recovery: which authenticators may start it, and what follows the new password."""

    # ----- checking a new password -----

    def violations(
        self,
        password: str,
        login: str,
        profile: Mapping[str, str],
        history: Sequence[str],
        *,
        changed_at: float | None = None,
        now: float | None = None,
    ) -> list[Violation]:
        """Every rule ``password`` breaks for the user ``login`` (with ``profile``), in :class:`Rule` order; empty
        when Okta would accept it.

        ``history`` is the user's passwords, newest (the current one) first. The minimum-age rule is only judged when
        both ``changed_at`` (when the current password was set) and ``now`` are given, in the org's virtual seconds:
        the engine passes them for a change the user asks for, not for an admin reset or an expired password."""
        found: list[Violation] = []
        if len(password) < self.min_length:
            found.append(Violation(Rule.MIN_LENGTH))
        found.extend(Violation(rule) for rule in self._missing_character_classes(password))
        folded = password.casefold()
        if self.exclude_username and _contains_username_part(folded, login):
            found.append(Violation(Rule.USERNAME))
        for attribute in self._excluded_attributes_in_text_order():
            value = profile.get(attribute, "").strip().casefold()
            if value and value in folded:
                found.append(Violation(Rule.ATTRIBUTE, attribute))
        if self.exclude_common_passwords and folded in COMMON_PASSWORDS:
            found.append(Violation(Rule.COMMON))
        if password in history[: self.history_count]:
            found.append(Violation(Rule.HISTORY))
        if changed_at is not None and now is not None and self.too_soon_to_change(changed_at, now):
            found.append(Violation(Rule.MIN_AGE))
        return found

    def _missing_character_classes(self, password: str) -> Iterable[Rule]:
        lower = upper = number = symbol = 0
        for character in password:
            if character.islower():
                lower += 1
            elif character.isupper():
                upper += 1
            elif character.isdecimal():
                number += 1
            elif not character.isalpha() and not character.isspace():
                symbol += 1
        wanted = (
            (Rule.LOWER_CASE, lower, self.min_lower_case),
            (Rule.UPPER_CASE, upper, self.min_upper_case),
            (Rule.NUMBER, number, self.min_number),
            (Rule.SYMBOL, symbol, self.min_symbol),
        )
        return [rule for rule, count, minimum in wanted if count < minimum]

    def _excluded_attributes_in_text_order(self) -> list[str]:
        return [attribute for attribute in EXCLUDABLE_ATTRIBUTES if attribute in self.exclude_attributes]

    # ----- what Okta says -----

    def requirements_text(self) -> str:
        """The policy in Okta's words: "Password requirements: at least 8 characters, a lowercase letter, ....",
        then the history and minimum-age sentences when those rules are on (the ``params`` of Okta's message)."""
        parts = [f"at least {self.min_length} characters"]
        if self.min_lower_case > 0:
            parts.append("a lowercase letter")
        if self.min_upper_case > 0:
            parts.append("an uppercase letter")
        if self.min_number > 0:
            parts.append("a number")
        if self.min_symbol > 0:
            parts.append("a symbol")
        if self.exclude_username:
            parts.append("no parts of your username")
        for attribute in self._excluded_attributes_in_text_order():
            parts.append(_ATTRIBUTE_REQUIREMENTS[attribute])
        sentences = [f"Password requirements: {', '.join(parts)}."]
        if self.history_count > 0:
            sentences.append(f"Your password cannot be any of your last {self.history_count} passwords.")
        if self.min_age_minutes > 0:
            amount, unit = highest_whole_unit(self.min_age_minutes)
            sentences.append(f"At least {amount} {unit}(s) must have elapsed since you last changed your password.")
        return " ".join(sentences)

    def error_message(self, violations: Sequence[Violation]) -> PasswordMessage | None:
        """Okta's message for a refused password, or None when ``violations`` is empty. Any rule the requirements
        text describes wins over the common-password check, whose message names no rule."""
        if not violations:
            return None
        if any(violation.rule is not Rule.COMMON for violation in violations):
            requirements = self.requirements_text()
            return PasswordMessage(
                REQUIREMENTS_NOT_MET_KEY, f"{REQUIREMENTS_NOT_MET_PREFIX} {requirements}", (requirements,)
            )
        return PasswordMessage(COMMON_PASSWORD_KEY, COMMON_PASSWORD_TEXT, ("",))

    def requirements_message(self, violations: Sequence[Violation]) -> str:
        """The text of :meth:`error_message` ("" when nothing was violated)."""
        found = self.error_message(violations)
        return found.text if found else ""

    # ----- the IDX document -----

    def settings_document(self) -> dict[str, Any]:
        """The ``settings`` of the ``okta_password`` authenticator in IDX documents (``currentAuthenticator``,
        ``enrollmentAuthenticator``, ``recoveryAuthenticator``), shaped as Okta's captures show it."""
        return {
            "complexity": {
                "minLength": self.min_length,
                "minLowerCase": self.min_lower_case,
                "minUpperCase": self.min_upper_case,
                "minNumber": self.min_number,
                "minSymbol": self.min_symbol,
                "excludeUsername": self.exclude_username,
                "excludeAttributes": list(self.exclude_attributes),
            },
            "age": {"minAgeMinutes": self.min_age_minutes, "historyCount": self.history_count},
        }

    # ----- password age (minimum age here; expiry for the expired-password flow) -----

    def change_allowed_at(self, changed_at: float) -> float:
        """When a password set at ``changed_at`` may be changed again (virtual seconds)."""
        return changed_at + self.min_age_minutes * 60

    def too_soon_to_change(self, changed_at: float, now: float) -> bool:
        return now < self.change_allowed_at(changed_at)

    def expires_at(self, changed_at: float) -> float | None:
        """When a password set at ``changed_at`` expires, or None when passwords never expire."""
        if self.max_age_days <= 0:
            return None
        return changed_at + self.max_age_days * _DAY

    def is_expired(self, changed_at: float, now: float) -> bool:
        expiry = self.expires_at(changed_at)
        return expiry is not None and now >= expiry

    def days_until_expiry(self, changed_at: float, now: float) -> int | None:
        """Whole days left before expiry (0: it expires later today), or None when it never expires or already has;
        the number the widget's "Your password will expire in {0} days" shows."""
        expiry = self.expires_at(changed_at)
        if expiry is None or now >= expiry:
            return None
        return math.floor((expiry - now) / _DAY)

    def should_warn(self, changed_at: float, now: float) -> bool:
        """Whether sign-in should warn that the password expires soon (within ``expire_warn_days``, not yet expired)."""
        left = self.days_until_expiry(changed_at, now)
        return left is not None and self.expire_warn_days > 0 and left < self.expire_warn_days


def _contains_username_part(folded_password: str, login: str) -> bool:
    """Okta's "no parts of your username": the login split at punctuation, short parts and a trailing common TLD
    skipped, any whole part inside the password refuses it."""
    parts = [part for part in _USERNAME_DELIMITERS.split(login.casefold()) if part]
    if parts and "@" in login and parts[-1] in _COMMON_TOP_LEVEL_DOMAINS:
        parts.pop()
    return any(len(part) >= USERNAME_PART_MIN_LENGTH and part in folded_password for part in parts)


def highest_whole_unit(minutes: int) -> tuple[int, str]:
    """Okta shows a minimum age in the largest unit it divides evenly: 120 minutes is "2 hour(s)", 90 stays
    "90 minute(s)", 2880 is "2 day(s)" (the widget's TimeUtil.getTimeInHighestRelevantUnit)."""
    if minutes % (24 * 60) == 0:
        return minutes // (24 * 60), "day"
    if minutes % 60 == 0:
        return minutes // 60, "hour"
    return minutes, "minute"


DEFAULT_PASSWORD_POLICY = PasswordPolicy()
"""Okta's default password policy: 8 characters with a lower-case and an upper-case letter and a number, not the
username."""
