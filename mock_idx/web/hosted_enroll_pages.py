"""The hosted sign-in's enrollment pages: the list of authenticators to set up (with "Continue" to skip the optional
ones), the phone number, each new authenticator's proof (a code sent to it, Google Authenticator's QR code and first
code, a security question and its answer), and Okta Verify's activation (QR code, or a link sent by email or SMS,
while the page waits for the phone). In the Sign-In Widget's words.
"""

from __future__ import annotations

from ..idx.authenticator_documents import google_authenticator_uri, masked_email
from ..model.activation import activation_uri, qr_png_data_uri
from ..model.authenticators import AuthenticatorKey
from ..model.phone_numbers import masked
from ..model.security_questions import CUSTOM_QUESTION_KEY, PREDEFINED_QUESTIONS
from ..model.transaction import Step
from .hosted_parts import (
    AUTHENTICATOR_TITLES,
    CHANNELS_VIEW,
    METHODS_VIEW,
    RETURN_TO_LIST,
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
from .hosted_password_pages import requirement_lines
from .hosted_verify_pages import email_code_page, phone_code_page

DESCRIPTIONS = {
    AuthenticatorKey.PASSWORD: "Choose a password for your account",
    AuthenticatorKey.OKTA_VERIFY: (
        "Okta Verify is an authenticator app, installed on your phone or computer, used to prove your identity"
    ),
    AuthenticatorKey.EMAIL: "Verify with a link or code sent to your email",
    AuthenticatorKey.PHONE: "Verify with a code sent to your phone",
    AuthenticatorKey.GOOGLE: "Enter a temporary code generated from the Google Authenticator app.",
    AuthenticatorKey.SECURITY_QUESTION: "Choose a security question and answer that will be used for signing in",
}
"""Each authenticator's line on the enrollment list (the widget's ``oie.*.authenticator.description``)."""
CHANNEL_LABELS = {"qrcode": "Scan a QR code", "email": "Email me a setup link", "sms": "Text me a setup link"}
"""Okta Verify's ways to set up, in Okta's order."""
CUSTOM_QUESTION_LABEL = "Create my own security question"
TRY_ANOTHER_WAY = "Try a different way"


def enrollment_list(page: PageInput) -> PageView:
    """ "Set up security methods"; when only optional ones are left, "Continue" goes on without them."""
    transaction = page.transaction
    options = [
        Option(AUTHENTICATOR_TITLES[key], DESCRIPTIONS[key], {"authenticator": key.value})
        for key in transaction.choices
    ]
    skippable = transaction.optional and transaction.step is Step.SELECT_ENROLL
    return options_page(
        "Set up security methods",
        "enroll",
        options,
        subtitle="Security methods help protect your account by ensuring only you have access.",
        section="Set up optional" if transaction.optional else "Set up required",
        after=(Button("Continue", value="skip"),) if skippable else (),
    )


def phone_number(page: PageInput) -> PageView:
    """The phone number to enroll, and a code by SMS or a voice call."""
    field = Field("phoneNumber", "Phone number", type="tel", value=page.typed("phoneNumber"), autocomplete="tel")
    buttons = (
        Button("Receive a code via SMS", name="method", value="sms"),
        Button("Receive a code via voice call", kind="secondary", name="method", value="voice"),
    )
    intro = ("Enter your phone number to receive a verification code.", "Carrier messaging charges may apply")
    form = Form("phone", (field,), buttons)
    return form_page("Set up phone authentication", form, intro=intro, switch=_switch(page))


def enroll(page: PageInput) -> PageView:
    """Proving the new authenticator."""
    transaction = page.transaction
    key = transaction.current
    user = transaction.user
    pending = transaction.pending
    if key is AuthenticatorKey.EMAIL and user is not None:
        intro = (
            f"We sent an email to {masked_email(user.email_address)}. "
            "Click the verification link in your email to continue or enter the code below.",
        )
        return email_code_page("Verify with your email", page, intro, _switch(page))
    if key is AuthenticatorKey.PHONE and pending is not None and pending.phone_number is not None:
        return phone_code_page("Set up phone authentication", page, masked(pending.phone_number), _switch(page))
    if key is AuthenticatorKey.GOOGLE and user is not None and pending is not None and pending.google_secret:
        return _google_authenticator(page, user.login, pending.google_secret)
    if key is AuthenticatorKey.SECURITY_QUESTION:
        return _security_question(page)
    if key is AuthenticatorKey.PASSWORD:  # a user with none yet: activating their account, or email first
        field = Field("password", "Enter password", type="password", autocomplete="new-password")
        requirements = requirement_lines(page.org.password_policy)
        return form_page("Set up password", Form("answer", (field,)), requirements=requirements, switch=_switch(page))
    return form_page("Set up security methods", None, switch=_switch(page))  # nothing to prove here (never so)


def okta_verify_waiting(page: PageInput) -> PageView:
    """Waiting for the phone: the QR code to scan, or where the setup link went."""
    transaction = page.transaction
    pending = transaction.pending
    user = transaction.user
    poll = poll_view(page, reload_without_script=True)
    other_ways = (Link(TRY_ANOTHER_WAY, page.url(view=CHANNELS_VIEW)),)
    if pending is None or user is None or pending.activation_token is None:
        return form_page("Set up Okta Verify", None, switch=_switch(page), links=other_ways, poll=poll)
    if pending.channel == "qrcode":
        uri = activation_uri(page.base_url, pending.activation_token, user.login, page.okta_verify_id)
        intro = (
            "On your mobile device, download the Okta Verify app from the App Store (iPhone and iPad) or Google Play "
            "(Android devices).",
            "Open the app and follow the instructions to add your account",
            "When prompted, tap Scan a QR code, then scan the QR code below:",
        )
        image = {"src": qr_png_data_uri(uri), "alt": "QR code to set up Okta Verify"}
        links = (Link("Can't scan?", page.url(view=CHANNELS_VIEW)),)
        return form_page(
            "Set up Okta Verify via QR code",
            None,
            intro=intro,
            image=image,
            links=links,
            switch=_switch(page),
            poll=poll,
        )
    target = pending.channel_target or ""
    if pending.channel == "email":
        heading, sent = "Check your email", f"We sent an email to {target}"
        resend = Resend("Haven't received an email? Check your spam folder or", "Send again")
    else:
        heading, sent = "Check your text messages", f"We sent an SMS to {target}"
        resend = Resend("Haven't received an SMS?", "Send again")
    info = f"{sent} with an Okta Verify setup link. To continue, open the link on your mobile device."
    return form_page(heading, None, intro=(info,), resend=resend, links=other_ways, switch=_switch(page), poll=poll)


def okta_verify_channels(page: PageInput) -> PageView:
    """ "Can't scan?": Okta Verify's other ways to set up."""
    pending = page.transaction.pending
    current = pending.channel if pending is not None else None
    options = [
        Option(label, "", {"channel": channel}) for channel, label in CHANNEL_LABELS.items() if channel != current
    ]
    subtitle = "Which option do you want to try?"
    return options_page("More options", "channel", options, subtitle=subtitle, switch=_switch(page))


def okta_verify_channel_data(page: PageInput) -> PageView:
    """Where Okta Verify's setup link goes: an email address, or a phone number."""
    pending = page.transaction.pending
    typed = page.typed("to")
    if pending is not None and pending.channel == "sms":
        heading, intro = "Set up Okta Verify via SMS", "Make sure you can access the text on your mobile device."
        field = Field("to", "Phone number", type="tel", value=typed, autocomplete="tel")
    else:
        heading, intro = (
            "Set up Okta Verify via email link",
            "Make sure you can access the email on your mobile device.",
        )
        field = Field("to", "Email", type="email", value=typed, autocomplete="email")
    form = Form("send_link", (field,), (Button("Send me the setup link"),))
    links = (Link(TRY_ANOTHER_WAY, page.url(view=CHANNELS_VIEW)),)
    return form_page(heading, form, intro=(intro,), links=links, switch=_switch(page))


def _google_authenticator(page: PageInput, login: str, secret: str) -> PageView:
    uri = google_authenticator_uri(secret, login, page.base_url)
    intro = ("Scan QR code", 'Launch Google Authenticator, tap the "+" icon, then select "Scan a QR code".')
    image = {"src": qr_png_data_uri(uri), "alt": "QR code to set up Google Authenticator"}
    manual = {
        "title": "Can't scan QR code?",
        "text": "To set up manually enter your Okta Account username and then input the following in the Secret "
        "Key Field",
        "value": secret,
    }
    field = Field("code", "Enter code displayed from application", autocomplete="one-time-code", inputmode="numeric")
    form = Form("answer", (field,))
    return form_page("Set up Google Authenticator", form, intro=intro, image=image, secret=manual, switch=_switch(page))


def _security_question(page: PageInput) -> PageView:
    choices = (*PREDEFINED_QUESTIONS.items(), (CUSTOM_QUESTION_KEY, CUSTOM_QUESTION_LABEL))
    fields = (
        Field(
            "questionKey", "Choose a security question", type="select", value=page.typed("questionKey"), choices=choices
        ),
        Field("question", CUSTOM_QUESTION_LABEL, value=page.typed("question")),
        Field("answer", "Answer", type="password"),
    )
    return form_page("Set up security question", Form("answer", fields), switch=_switch(page))


def _switch(page: PageInput) -> Link:
    return Link(RETURN_TO_LIST, page.url(view=METHODS_VIEW))
