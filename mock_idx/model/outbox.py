"""The fake inbox and phone: every email, SMS and voice call the org sends, kept so a test (or a person) can read it.

A real org hands a one-time code or a magic link to a mail or SMS provider and never sees it again; this one keeps
each :class:`Message` in the org's store instead, per user, so ``GET /_mock/v1/users/{login}/messages``, the inbox
page and the device page's SMS section all read the same list. Messages live on the virtual clock: one is listed
until its ``expires_at`` (the code's or the link's lifetime), so advancing the clock makes it vanish exactly as its
code stops working. The composers write the texts Okta's default templates send, so what a person reads on the pages
looks like what their real inbox would show; ``code`` and ``link`` are kept apart as well, so nothing has to parse a
body to find them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from .ids import okta_id

if TYPE_CHECKING:
    from .store import OrgStore

MESSAGES_PER_USER = 50
"""How many messages a user's inbox and phone keep together; the oldest fall off (a test resending codes in a loop
must not grow the store without bound)."""
DEFAULT_ORG_NAME = "mock-idx"
"""The org's name in a message when the caller names none."""

VERIFICATION_SUBJECT = "One-time verification code"
ACTIVATION_SUBJECT = "Activate Okta Verify Push"
ACCOUNT_ACTIVATION_SUBJECT = "Welcome to Okta!"
RECOVERY_SUBJECT = "Account password reset"


class Channel(str, Enum):
    """How a message reaches the user: their email inbox, or their phone as a text or a call."""

    EMAIL = "email"
    SMS = "sms"
    VOICE = "voice"


@dataclass(frozen=True)
class Message:
    """One email, text or call, as sent. Times are the org's virtual clock (seconds since the epoch)."""

    login: str
    """The user it was sent to (the store files it under the lower-cased login)."""
    channel: Channel
    to: str
    """The address or phone number it went to."""
    subject: str
    """An email's subject; empty for a text or a call."""
    body: str
    """The text the user reads (or, for a call, hears)."""
    code: str | None
    """The one-time code it carries, if any."""
    link: str | None
    """The link it carries (a magic link, an activation link), if any."""
    sent_at: float
    expires_at: float
    """When its code or link stops working: the message is no longer listed from then on."""
    id: str = field(default_factory=lambda: okta_id("msg"))

    @classmethod
    def sent(
        cls,
        login: str,
        channel: Channel,
        to: str,
        subject: str,
        body: str,
        now: float,
        lifetime: float,
        *,
        code: str | None = None,
        link: str | None = None,
    ) -> Message:
        """A message sent at ``now`` whose code or link works for ``lifetime`` seconds (each composer below)."""
        return cls(login, channel, to, subject, body, code, link, sent_at=now, expires_at=now + lifetime)

    def is_live(self, now: float) -> bool:
        return now < self.expires_at

    @property
    def lifetime(self) -> float:
        """Seconds its code or link works for, from when it was sent."""
        return max(self.expires_at - self.sent_at, 0.0)


class Outbox:
    """What the engine sends messages through and reads them back from, over the org's store."""

    def __init__(self, store: OrgStore) -> None:
        self._store = store

    async def send(self, message: Message) -> Message:
        """Deliver ``message``: it is listed for its user until it expires (the oldest beyond
        :data:`MESSAGES_PER_USER` fall off)."""
        await self._store.save_message(message, keep_for=message.lifetime)
        return message

    async def messages(self, login: str, now: float, channel: Channel | None = None) -> list[Message]:
        """The user's live messages (all channels, or one), newest first."""
        kept = await self._store.messages_for(login)
        live = [m for m in reversed(kept) if m.is_live(now) and (channel is None or m.channel is channel)]
        # The store lists them in the order sent; the sort is stable, so two sent in the same instant stay newest first.
        return sorted(live, key=lambda m: m.sent_at, reverse=True)


# --- what Okta's default templates say ------------------------------------------------------------------------------


def verification_email(
    login: str, to: str, code: str, link: str | None, now: float, lifetime: float, org_name: str = DEFAULT_ORG_NAME
) -> Message:
    """The email authenticator's challenge (Okta's "Email Challenge" template): a "Sign In" magic link and, for a
    user who cannot use the link, the code. With no ``link`` (an org that sends codes only), just the code."""
    if link is None:
        lines = [
            f"You have requested a one-time verification code to sign in to {org_name}.",
            "",
            f"Enter this code: {code}",
            "",
            f"This code expires in {_minutes(lifetime)}.",
        ]
    else:
        lines = [
            f"You have requested an email link to sign in to {org_name}. To finish signing in, click the button "
            "below or enter the provided code.",
            "",
            f"Sign In: {link}",
            "",
            f"This link expires in {_minutes(lifetime)}.",
            "",
            f"Can't use the link? Enter a code instead: {code}",
        ]
    lines += ["", "If you did not request this email, please contact your administrator."]
    return Message.sent(
        login,
        Channel.EMAIL,
        to,
        VERIFICATION_SUBJECT,
        f"Hi {login},\n\n" + "\n".join(lines),
        now,
        lifetime,
        code=code,
        link=link,
    )


def recovery_email(
    login: str, to: str, code: str, link: str, now: float, lifetime: float, org_name: str = DEFAULT_ORG_NAME
) -> Message:
    """ "Forgot password?" by email (Okta's "Forgot Password" template): a "Reset Password" link and the code, either
    of which verifies the recovery; the new password is set on the page that waits for it."""
    lines = [
        f"A password reset request was made for your {org_name} account. If you did not make this request, please "
        "contact your system administrator immediately.",
        "",
        f"Click this link to reset the password for your username, {login}: {link}",
        "",
        f"This link expires in {_minutes(lifetime)}.",
        "",
        f"Can't use the link? Enter a code instead: {code}",
    ]
    return Message.sent(
        login,
        Channel.EMAIL,
        to,
        RECOVERY_SUBJECT,
        f"Hi {login},\n\n" + "\n".join(lines),
        now,
        lifetime,
        code=code,
        link=link,
    )


def verification_sms(
    login: str, to: str, code: str, now: float, lifetime: float, org_name: str = DEFAULT_ORG_NAME
) -> Message:
    """The phone authenticator's text (Okta's default ``SMS_VERIFY_CODE`` template)."""
    return Message.sent(
        login, Channel.SMS, to, "", f"Your {org_name} verification code is {code}.", now, lifetime, code=code
    )


def verification_call(
    login: str, to: str, code: str, now: float, lifetime: float, org_name: str = DEFAULT_ORG_NAME
) -> Message:
    """The phone authenticator's voice call: the code read out digit by digit, twice, as Okta's call does."""
    spoken = ", ".join(code)
    body = (
        f"Hello! Thank you for using the {org_name} phone verification system. Your code is {spoken}. "
        f"Once again, your code is {spoken}. Goodbye."
    )
    return Message.sent(login, Channel.VOICE, to, "", body, now, lifetime, code=code)


def okta_verify_activation_email(
    login: str, to: str, link: str, now: float, lifetime: float, org_name: str = DEFAULT_ORG_NAME
) -> Message:
    """The link that sets up Okta Verify on a phone, for a user who chose "email" instead of scanning the QR code."""
    body = "\n".join(
        [
            f"Hi {login},",
            "",
            f"You are setting up Okta Verify for {org_name}. On your mobile device, download Okta Verify from the App "
            "Store or Google Play Store, then tap the link below to activate it.",
            "",
            f"Activate Okta Verify Push: {link}",
            "",
            f"This link expires in {_minutes(lifetime)}.",
            "",
            "If you did not request this email, please contact your administrator.",
        ]
    )
    return Message.sent(login, Channel.EMAIL, to, ACTIVATION_SUBJECT, body, now, lifetime, link=link)


def okta_verify_activation_sms(
    login: str, to: str, link: str, now: float, lifetime: float, org_name: str = DEFAULT_ORG_NAME
) -> Message:
    """The same activation link, as a text, for a user who chose "SMS"."""
    return Message.sent(
        login,
        Channel.SMS,
        to,
        "",
        f"{org_name}: tap this link on your phone to activate Okta Verify: {link}",
        now,
        lifetime,
        link=link,
    )


def account_activation_email(
    login: str, to: str, link: str, now: float, lifetime: float, org_name: str = DEFAULT_ORG_NAME
) -> Message:
    """Okta's "User Activation" email: the ``/welcome/{token}`` link that lets a new user set their password."""
    days = max(1, round(lifetime / 86400))
    body = "\n".join(
        [
            f"Hi {login},",
            "",
            f"Your organization is using Okta to manage your web applications. Your {org_name} account is ready.",
            "",
            f"Activate Okta Account: {link}",
            "",
            f"This link expires in {days} day{'s' if days != 1 else ''}.",
            "",
            f"Your username is {login}",
        ]
    )
    return Message.sent(login, Channel.EMAIL, to, ACCOUNT_ACTIVATION_SUBJECT, body, now, lifetime, link=link)


def _minutes(seconds: float) -> str:
    """``5 minutes`` (Okta states lifetimes in whole minutes; a lifetime under one still reads ``1 minute``)."""
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"
