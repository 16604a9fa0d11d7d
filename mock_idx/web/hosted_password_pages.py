"""The hosted sign-in's pages for a password that is forgotten, set, expired or about to expire, in the Sign-In
Widget's words: "Forgot password?" (the username to recover, then the recovery list and its challenge, which
:mod:`.hosted_verify_pages` shows), the new password with the policy's requirements listed, the expiry warning with
"Remind me later", and the terminal "You can now sign in".

Which step comes next is the engine's (:mod:`mock_idx.model.recovery`, :class:`~mock_idx.model.transaction.Step`);
these pages only show the step they are given.
"""

from __future__ import annotations

from ..idx.messages import RECOVERY_COMPLETED
from ..model.password_policy import PasswordPolicy, highest_whole_unit
from ..model.recovery import recovery_choices
from ..model.transaction import Step
from .hosted_parts import Button, Field, Form, PageInput, PageView, form_page

FORGOT_PASSWORD = "Forgot password?"
RESET_TITLE = "Reset your password"
"""``password.reset.title.generic``: the recovery pages' heading."""
RESET_VERIFICATION = "Verify with one of the following security methods to reset your password."
"""``oie.password.reset.verification``: the recovery list's subtitle."""
NEW_PASSWORD = Field("password", "New password", type="password", autocomplete="new-password")
EXPIRING_SUBTITLE = "When password expires you will be locked out of your account."
"""``password.expiring.subtitle.generic``."""


def offers_recovery(page: PageInput) -> bool:
    """Whether the org has self-service recovery (a recovery authenticator it has enabled), as the engine judges it
    before taking ``recover``."""
    return bool(recovery_choices(page.org.password_policy.recovery, page.org.authenticators))


def forgot_password(page: PageInput) -> tuple[Button, ...]:
    """The "Forgot password?" button where the org has recovery (nothing otherwise)."""
    return (Button(FORGOT_PASSWORD, kind="link", value="recover"),) if offers_recovery(page) else ()


def identify_recovery(page: PageInput) -> PageView:
    """ "Reset your password": the username alone."""
    field = Field("identifier", "Username", value=page.typed("identifier"), autocomplete="username")
    form = Form("identify_recovery", (field,), (Button("Next"),))
    return form_page(RESET_TITLE, form)


def new_password(page: PageInput) -> PageView:
    """The new password: after recovery, when it has expired, or (with "Remind me later") when it expires soon."""
    step = page.transaction.step
    requirements = requirement_lines(page.org.password_policy)
    if step is Step.RESET_PASSWORD:
        form = Form("answer", (NEW_PASSWORD,), (Button("Reset Password"),))
        return form_page(RESET_TITLE, form, requirements=requirements)
    if step is Step.PASSWORD_EXPIRED:
        form = Form("answer", (NEW_PASSWORD,), (Button("Change Password"),))
        return form_page("Your password has expired", form, requirements=requirements)
    days = page.transaction.days_to_expiry
    heading = "Your password will expire later today" if days == 0 else f"Your password will expire in {days} days"
    if days is None:
        heading = "Your password is expiring soon"
    form = Form("answer", (NEW_PASSWORD,), (Button("Change Password"),))
    later = (Button("Remind me later", kind="link", value="skip"),)
    return form_page(heading, form, intro=(EXPIRING_SUBTITLE,), requirements=requirements, steps=later)


def recovery_completed(page: PageInput) -> PageView:
    """Terminal: the password is reset and this sign-in ends; "Back to sign in" starts another."""
    return form_page(RESET_TITLE, None, notice=RECOVERY_COMPLETED[1])


def requirement_lines(policy: PasswordPolicy) -> tuple[str, ...]:
    """The policy's rules as the widget lists them under "Password requirements:" (``password.complexity.*
    .description``), in Okta's order."""
    lines = [f"At least {policy.min_length} characters"]
    for count, text in (
        (policy.min_lower_case, "A lowercase letter"),
        (policy.min_upper_case, "An uppercase letter"),
        (policy.min_number, "A number"),
        (policy.min_symbol, "A symbol"),
    ):
        if count > 0:
            lines.append(text)
    if policy.exclude_username:
        lines.append("No parts of your username")
    if "firstName" in policy.exclude_attributes:
        lines.append("Does not include your first name")
    if "lastName" in policy.exclude_attributes:
        lines.append("Does not include your last name")
    if policy.history_count == 1:
        lines.append("Password can't be the same as your last password")
    elif policy.history_count > 1:
        lines.append(f"Password can't be the same as your last {policy.history_count} passwords")
    if policy.min_age_minutes > 0:
        amount, unit = highest_whole_unit(policy.min_age_minutes)
        lines.append(f"At least {amount} {unit}(s) must have elapsed since you last changed your password")
    return tuple(lines)
