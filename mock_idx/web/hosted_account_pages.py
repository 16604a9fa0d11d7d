"""The hosted sign-in's pages about the account rather than a factor, in the Sign-In Widget's words: what the identify
page offers besides signing in ("Unlock account?", "Sign up"), the unlock form and its end, the sign-up form drawn
from the org's profile enrollment policy, and the pages of a sign-in that cannot go on (access denied, a user
suspended mid-flight, an expired activation link).

What is offered is the org's configuration (:attr:`.hosted_parts.PageInput.org`), what comes next the engine's.
"""

from __future__ import annotations

from ..idx.messages import ERRORS, UNLOCKED
from ..model.errors import Reason
from ..model.lockout import LockoutPolicy
from ..model.registration import AttributeType, ProfileAttribute
from .hosted_parts import AUTHENTICATOR_TITLES, Button, Field, Form, PageInput, PageView, form_page

UNLOCK_ACCOUNT = "Unlock account?"
SIGN_UP = "Sign up"
UNLOCK_BUTTONS = {"email": "Send Email", "sms": "Send SMS", "voice": "Voice Call"}
"""The unlock form's buttons, one per method the lockout policy unlocks with (``account.unlock.send*``)."""
UNLOCK_CHOICE = "unlock_with"
"""The unlock form's button field: ``{authenticator}/{method}``."""
PROFILE_FIELD = "userProfile."
"""The sign-up form's fields are ``userProfile.{attribute}``, as the IDX form nests them."""
OPTIONAL = "Optional"
"""``oie.form.field.optional``, after the label of an attribute the form does not require."""
ACCOUNT_UNLOCKED = "Account successfully unlocked!"
"""``account.unlock.unlocked.title``: the heading above Okta's own message."""


def account_steps(page: PageInput) -> tuple[Button, ...]:
    """The identify page's buttons besides signing in, each a step: "Unlock account?" and "Sign up", where the org
    offers them ("Forgot password?" is the password's: :mod:`.hosted_password_pages`)."""
    buttons = []
    if page.org.lockout.self_service_unlock:
        buttons.append(Button(UNLOCK_ACCOUNT, kind="link", value="unlock"))
    if page.org.registration.enabled:
        buttons.append(Button(SIGN_UP, kind="link", value="sign_up"))
    return tuple(buttons)


def unlock_account(page: PageInput) -> PageView:
    """ "Unlock account?": the username, and a button per way the lockout policy unlocks."""
    lockout = page.org.lockout
    field = Field("identifier", "Username", value=page.typed("identifier"), autocomplete="username")
    form = Form("unlock_with", (field,), unlock_buttons(lockout))
    several = len(form.buttons) > 1
    intro = (
        "To unlock your account, select one of the following authenticators."
        if several
        else "To unlock your account, select the following authenticator.",
    )
    return form_page(UNLOCK_ACCOUNT, form, intro=intro)


def unlock_buttons(lockout: LockoutPolicy) -> tuple[Button, ...]:
    return tuple(
        Button(UNLOCK_BUTTONS.get(method, AUTHENTICATOR_TITLES[key]), name=UNLOCK_CHOICE, value=f"{key.value}/{method}")
        for key in lockout.unlock_authenticators()
        for method in lockout.methods_for(key)
    )


def account_unlocked(page: PageInput) -> PageView:
    """Okta's "unlocked" message; nothing left but "Back to sign in"."""
    return form_page(ACCOUNT_UNLOCKED, None, notice=UNLOCKED[1])


def sign_up(page: PageInput) -> PageView:
    """ "Sign up": the profile enrollment policy's attributes, in its order."""
    fields = tuple(_profile_field(attribute, page) for attribute in page.org.registration.attributes)
    form = Form("register", fields, (Button("Sign Up"),))
    return form_page(SIGN_UP, form, intro=("Fields are required unless marked optional.",))


def terminal(page: PageInput) -> PageView:
    """A sign-in that cannot go on (an expired activation link, a user suspended since it began), with Okta's
    message for why; "Back to sign in" starts another."""
    reason = page.transaction.terminal or Reason.SESSION_EXPIRED
    return ended(ERRORS[reason].text)


def ended(text: str) -> PageView:
    """The page of a sign-in refused for good: Okta's message, and "Back to sign in"."""
    return form_page("Sign In", None, notice=text)


def _profile_field(attribute: ProfileAttribute, page: PageInput) -> Field:
    name = f"{PROFILE_FIELD}{attribute.name}"
    label = attribute.label if attribute.required else f"{attribute.label} ({OPTIONAL})"
    if attribute.type is AttributeType.BOOLEAN:
        return Field(name, label, type="checkbox", value="true", checked=page.typed(name) == "true")
    autocomplete = {"firstName": "given-name", "lastName": "family-name", "email": "email"}.get(attribute.name, "off")
    return Field(name, label, value=page.typed(name), autocomplete=autocomplete)
