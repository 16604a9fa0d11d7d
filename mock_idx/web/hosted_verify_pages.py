"""The hosted sign-in's pages up to and including the second factor: the username (and password), the list of
authenticators to verify with, and each one's challenge, in the Sign-In Widget's words (Okta's own hosted page is the
widget, so a person sees the same texts on either).

Each function takes a :class:`~.hosted_parts.PageInput` and returns the :class:`~.hosted_parts.PageView` of the
transaction's step; :mod:`.hosted_pages` picks the function by step.
"""

from __future__ import annotations

from ..idx.authenticator_documents import masked_email, stand_in_contact
from ..idx.messages import ERRORS, PUSH_REJECTED
from ..idx.render import METHOD_LABELS, OKTA_VERIFY
from ..model.authenticators import AuthenticatorKey
from ..model.directory import User
from ..model.errors import Reason
from ..model.phone_numbers import masked
from ..model.transaction import Step, Transaction
from .hosted_account_pages import account_steps
from .hosted_parts import (
    AUTHENTICATOR_TITLES,
    METHODS_VIEW,
    VERIFY_WITH_SOMETHING_ELSE,
    Button,
    Field,
    Form,
    Link,
    Option,
    PageInput,
    PageView,
    Resend,
    form_page,
    options_page,
    poll_view,
)
from .hosted_password_pages import RESET_TITLE, RESET_VERIFICATION, forgot_password

PUSH_EXPIRED_TEXT = "Your push notification has expired."
"""The Sign-In Widget's text (``oktaverify.timeout``) for a push that went unanswered: Okta's IDX answer has none."""
ENTER_CODE = "Enter Code"
CODE_FIELD = Field("code", ENTER_CODE, autocomplete="one-time-code", inputmode="numeric")


def identify(page: PageInput) -> PageView:
    """ "Sign In": username and password on one form, or (identifier-first) the username alone and "Next"."""
    identifier = page.typed("identifier", page.transaction.interaction.login_hint or "")
    with_password = not page.identifier_first
    steps = (forgot_password(page) if with_password else ()) + account_steps(page)
    context = {"identifier": identifier, "with_password": with_password, "steps": steps}
    return PageView("signin_identify.html", "Sign In", context)


def verification_list(page: PageInput) -> PageView:
    """ "Verify it's you with a security method": every authenticator the sign-in may verify with, Okta Verify once
    per method (as the widget lists it); only Okta Verify's methods once it was chosen without one."""
    transaction = page.transaction
    user = transaction.user
    keys = transaction.choices
    if transaction.step is Step.SELECT_METHOD:
        keys = (AuthenticatorKey.OKTA_VERIFY,)
    if transaction.recovering:  # whoever the username names, the same list: nothing enrolled is shown
        options = [Option(AUTHENTICATOR_TITLES[key], "", {"authenticator": key.value}) for key in keys]
        return options_page(RESET_TITLE, "choose", options, subtitle=RESET_VERIFICATION)
    options = [option for key in keys for option in _verify_options(key, user)] if user else []
    subtitle = "Select from the following options"
    return options_page("Verify it's you with a security method", "choose", options, subtitle=subtitle)


def password_challenge(page: PageInput) -> PageView:
    """Identifier-first: the password, under the username it was given for."""
    field = Field("password", "Password", type="password", autocomplete="current-password")
    intro = (page.transaction.identifier or "",)
    return form_page("Verify with your password", Form("answer", (field,)), intro=intro, steps=forgot_password(page))


def challenge(page: PageInput) -> PageView:
    """A second factor's challenge (or, unlocking or recovering, the one that proves who it is): the code sent by
    email, SMS or voice, Google Authenticator's code, the security question's answer."""
    transaction = page.transaction
    user = transaction.user
    key = transaction.current
    if key is AuthenticatorKey.PASSWORD:
        return password_challenge(page)
    switch = None if transaction.unlocking else Link(VERIFY_WITH_SOMETHING_ELSE, page.url(view=METHODS_VIEW))
    if key is AuthenticatorKey.EMAIL:
        intro = (
            f"We sent an email to {contact(key, transaction)}. "
            "Click the verification link in your email to continue or enter the code below.",
        )
        return email_code_page("Verify with your email", page, intro, switch)
    if key is AuthenticatorKey.PHONE:
        return phone_code_page("Verify with your phone", page, contact(key, transaction), switch)
    if key is AuthenticatorKey.GOOGLE:
        intro = ("Enter the temporary code generated in your Google Authenticator app",)
        field = Field("code", "Enter code", autocomplete="one-time-code", inputmode="numeric")
        return form_page("Verify with Google Authenticator", Form("answer", (field,)), intro=intro, switch=switch)
    question = user.security_question.question if user and user.security_question else "Answer"
    field = Field("answer", question, type="password")
    return form_page("Verify with your Security Question", Form("answer", (field,)), switch=switch)


def contact(key: AuthenticatorKey, transaction: Transaction) -> str:
    """The masked address or number a code went to. Unlocking or recovering, a username that names nobody with
    ``key`` shows a stand-in made from the username (as the IDX documents do), so the page tells nobody whether it
    exists."""
    user = transaction.user
    genuine = user is not None and not transaction.unlock_stand_in
    if user is not None and genuine and (not transaction.recovering or key in user.enrolled()):
        if key is AuthenticatorKey.PHONE and user.phone is not None:
            return masked(user.phone.number)
        if key is AuthenticatorKey.EMAIL and user.email is not None:
            return masked_email(user.email_address)
    return stand_in_contact(key, transaction.identifier or "")


def email_code_page(heading: str, page: PageInput, intro: tuple[str, ...], switch: Link | None) -> PageView:
    """The code an email carries, while the page waits for its magic link too (no reload without scripts: it would
    wipe the code being typed)."""
    resend = Resend("Haven't received an email?", "Send again")
    poll = poll_view(page, reload_without_script=False)
    return form_page(heading, Form("answer", (CODE_FIELD,)), intro=intro, switch=switch, resend=resend, poll=poll)


def phone_code_page(heading: str, page: PageInput, number: str, switch: Link | None) -> PageView:
    """The code sent by SMS, or read out by a call, to ``number`` (masked as Okta shows it)."""
    if page.transaction.method == "voice":
        intro = f"Calling {number}. Enter the code below to verify."
        resend = Resend("Haven't received a call?", "Call again")
    else:
        intro = f"A code was sent to {number}. Enter the code below to verify."
        resend = Resend("Haven't received an SMS?", "Send again")
    return form_page(heading, Form("answer", (CODE_FIELD,)), intro=(intro,), switch=switch, resend=resend)


def okta_verify_code(page: PageInput) -> PageView:
    field = Field("code", "Enter code from Okta Verify app", autocomplete="one-time-code", inputmode="numeric")
    switch = Link(VERIFY_WITH_SOMETHING_ELSE, page.url(view=METHODS_VIEW))
    return form_page("Enter a code", Form("answer", (field,)), switch=switch)


def verification_data(page: PageInput) -> PageView:
    """The phone chosen without a method: a code by SMS, or a voice call instead."""
    number = contact(AuthenticatorKey.PHONE, page.transaction)
    buttons = (
        Button("Receive a code via SMS", name="method", value="sms"),
        Button("Receive a voice call instead", kind="link", name="method", value="voice"),
    )
    form = Form("choose", buttons=buttons, hidden={"authenticator": AuthenticatorKey.PHONE.value})
    intro = (f"Send a code via SMS to {number}.", "Carrier messaging charges may apply")
    switch = Link(VERIFY_WITH_SOMETHING_ELSE, page.url(view=METHODS_VIEW))
    return form_page("Verify with your phone", form, intro=intro, switch=switch)


def push(page: PageInput) -> PageView:
    """Okta Verify's push: waiting (with the number to tap, and the poll), rejected, or expired."""
    transaction = page.transaction
    step = transaction.step
    context: dict[str, object] = {"waiting": step is Step.PUSH_WAITING, "number": None, "poll": None}
    context["switch"] = Link(VERIFY_WITH_SOMETHING_ELSE, page.url(view=METHODS_VIEW))
    if step is Step.PUSH_REJECTED:
        context["notice"] = PUSH_REJECTED[1]
    elif step is Step.PUSH_EXPIRED:
        context["notice"] = PUSH_EXPIRED_TEXT
    else:
        push = transaction.push
        if push is not None and push.correct_answer is not None:
            context["number"] = str(push.correct_answer)
        context["poll"] = poll_view(page, reload_without_script=True)
    return PageView("signin_push.html", "Get a push notification", context)


def timed_out(page: PageInput) -> PageView:
    """Nothing goes on but starting again."""
    return PageView("signin_timed_out.html", OKTA_VERIFY, {"notice": ERRORS[Reason.VERIFICATION_TIMED_OUT].text})


def _verify_options(key: AuthenticatorKey, user: User) -> list[Option]:
    hidden = {"authenticator": key.value}
    if key is AuthenticatorKey.OKTA_VERIFY:
        enrollment = user.okta_verify
        return [
            Option(label, OKTA_VERIFY, {**hidden, "method": method.value})
            for method, label in METHOD_LABELS.items()
            if enrollment is not None and enrollment.supports(method)
        ]
    detail = ""
    if key is AuthenticatorKey.EMAIL and user.email is not None:
        detail = masked_email(user.email_address)
    elif key is AuthenticatorKey.PHONE and user.phone is not None:
        detail = masked(user.phone.number)
    return [Option(AUTHENTICATOR_TITLES[key], detail, hidden)]
