"""The password policy as the list a new-password page shows, in the Sign-In Widget's words.

The rules come from the IDX document (`PasswordPolicy`, read from the password authenticator's `settings`); the
texts are the widget's `password.complexity.*.description` strings (login.properties), so the page reads like Okta's.
The server still checks every rule: this list only tells the person what to type.
"""

from __future__ import annotations

from .idx import PasswordPolicy

ATTRIBUTE_RULES = {"firstName": "Does not include your first name", "lastName": "Does not include your last name"}
MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR


def requirement_texts(policy: PasswordPolicy) -> list[str]:
    """One line per rule the org sets, in the widget's order."""
    rules = [
        (policy.min_length, f"At least {policy.min_length} characters"),
        (policy.min_lower_case, "A lowercase letter"),
        (policy.min_upper_case, "An uppercase letter"),
        (policy.min_number, "A number"),
        (policy.min_symbol, "A symbol"),
        (policy.exclude_username, "No parts of your username"),
    ]
    texts = [text for present, text in rules if present]
    texts += [ATTRIBUTE_RULES[a] for a in policy.exclude_attributes if a in ATTRIBUTE_RULES]
    if policy.history_count == 1:
        texts.append("Password can't be the same as your last password")
    elif policy.history_count > 1:
        texts.append(f"Password can't be the same as your last {policy.history_count} passwords")
    if policy.min_age_minutes:
        texts.append(f"At least {_age(policy.min_age_minutes)} must have elapsed since you last changed your password")
    return texts


def _age(minutes: int) -> str:
    """The minimum age in the largest whole unit, as the widget words it ("2 day(s)", "3 hour(s)", "5 minute(s)")."""
    if minutes % MINUTES_PER_DAY == 0:
        return f"{minutes // MINUTES_PER_DAY} day(s)"
    if minutes % MINUTES_PER_HOUR == 0:
        return f"{minutes // MINUTES_PER_HOUR} hour(s)"
    return f"{minutes} minute(s)"
