"""The pieces a hosted sign-in page is made of, as plain values the templates lay out: fields, buttons, options to
choose from, the poll of a waiting page, and what a page shows besides the step itself.

Each step's page (:mod:`.hosted_verify_pages`, :mod:`.hosted_enroll_pages`) is a :class:`PageView` built from these;
two templates lay nearly all of them out (``signin_form.html`` for a page that asks for something,
``signin_options.html`` for a list to choose from), so a new authenticator needs words, not markup.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model.authenticators import AuthenticatorKey
from ..model.policy import Policy
from ..model.transaction import Transaction
from .hosted_links import signin_url

FORM_TEMPLATE = "signin_form.html"
OPTIONS_TEMPLATE = "signin_options.html"
VERIFY_WITH_SOMETHING_ELSE = "Verify with something else"
RETURN_TO_LIST = "Return to authenticator list"
"""The Sign-In Widget's link from an enrollment step back to the list (``oie.enroll.switch.authenticator``)."""
METHODS_VIEW = "methods"
"""``view=methods``: the list to choose from again (to verify with, or to set up), changing nothing."""
CHANNELS_VIEW = "channels"
"""``view=channels``: Okta Verify's other ways to set up ("Can't scan?"), changing nothing."""


@dataclass(frozen=True)
class Field:
    """One field of a form. ``type`` is an ``<input>`` type, or ``select`` with :attr:`choices`."""

    name: str
    label: str
    type: str = "text"
    value: str = ""
    autocomplete: str = "off"
    inputmode: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    """For a ``select``: each option's value and text."""
    checked: bool = False
    """For a ``checkbox`` (whose :attr:`value` is what it sends when ticked): ticked when the page opens."""


@dataclass(frozen=True)
class Button:
    """A submit button; ``name``/``value`` say which of a form's buttons was pressed."""

    label: str
    kind: str = "primary"
    name: str = ""
    value: str = ""


@dataclass(frozen=True)
class Form:
    """A form that takes one step (``action``) with what the person types in :attr:`fields`."""

    action: str
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = (Button("Verify"),)
    hidden: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Option:
    """One entry of a list to choose from: a button that takes ``action`` with the :attr:`hidden` values."""

    title: str
    detail: str
    hidden: Mapping[str, str]


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Resend:
    """ "Haven't received …? Send again": the prompt and the button that sends it again."""

    prompt: str
    label: str


@dataclass(frozen=True)
class Shown:
    """What a page shows besides the sign-in's step: the list the person asked to see (``view``), and for a refused
    form Okta's message (at the top, or on the fields by name) and what they had typed."""

    view: str | None = None
    message: str | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    typed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageInput:
    """What every step's page is built from: the sign-in, the org's address and settings, and :class:`Shown`."""

    transaction: Transaction
    base_url: str
    poll_ms: int
    identifier_first: bool
    okta_verify_id: str
    org: Policy
    """The org's configuration: what the identify page offers besides signing in (recovery, unlock, sign-up), the
    password requirements, the sign-up form's attributes."""
    shown: Shown = Shown()

    def url(self, **extra: str) -> str:
        return signin_url(self.base_url, self.transaction.state_handle, **extra)

    def typed(self, name: str, default: str = "") -> str:
        return self.shown.typed.get(name, default)


@dataclass
class PageView:
    """One page: its template, its heading and what the template shows (see the templates for the keys)."""

    template: str
    heading: str
    context: dict[str, Any] = field(default_factory=dict)


def form_page(
    heading: str,
    form: Form | None,
    *,
    intro: tuple[str, ...] = (),
    switch: Link | None = None,
    resend: Resend | None = None,
    links: tuple[Link, ...] = (),
    steps: tuple[Button, ...] = (),
    **extra: Any,
) -> PageView:
    """A page that asks for something (``signin_form.html``): ``intro`` paragraphs, the form, "send again", more
    links, buttons that each take a step of their own (``steps``: a button's ``value`` is its action, "Forgot
    password?"), then the way to another authenticator (``switch``) and "Back to sign in"."""
    context = {
        "intro": intro,
        "form": form,
        "switch": switch,
        "resend": resend,
        "links": links,
        "steps": steps,
        **extra,
    }
    return PageView(FORM_TEMPLATE, heading, context)


def options_page(
    heading: str,
    action: str,
    options: list[Option],
    *,
    subtitle: str | None = None,
    section: str | None = None,
    after: tuple[Button, ...] = (),
    switch: Link | None = None,
) -> PageView:
    """A list to choose from (``signin_options.html``): each option a button of its own form; ``after`` are step
    buttons below the list (a button's ``value`` is the action it takes)."""
    context = {
        "subtitle": subtitle,
        "section": section,
        "action": action,
        "options": options,
        "after": after,
        "switch": switch,
    }
    return PageView(OPTIONS_TEMPLATE, heading, context)


AUTHENTICATOR_TITLES = {
    AuthenticatorKey.PASSWORD: "Password",
    AuthenticatorKey.OKTA_VERIFY: "Okta Verify",
    AuthenticatorKey.EMAIL: "Email",
    AuthenticatorKey.PHONE: "Phone",
    AuthenticatorKey.GOOGLE: "Google Authenticator",
    AuthenticatorKey.SECURITY_QUESTION: "Security Question",
}
"""Each authenticator's name on the lists, as the Sign-In Widget shows it (Okta's ``displayName``)."""


def poll_view(page: PageInput, *, reload_without_script: bool) -> dict[str, Any]:
    """A waiting page's poll: signin.js asks ``url`` every ``ms``; without scripts a meta refresh reloads ``url``
    (whole seconds only), unless the page has a field the reload would wipe (the email's code)."""
    return {
        "url": page.url(poll="1"),
        "page_url": page.url(),
        "ms": page.poll_ms,
        "seconds": max(1, math.ceil(page.poll_ms / 1000)),
        "refresh": reload_without_script,
    }
