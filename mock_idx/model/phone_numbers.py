"""Phone numbers as Okta's phone authenticator takes them: any common way of writing a number in, E.164 out, and the
masked form Okta shows back in ``profile.phoneNumber``.

Failures, for the error table (``mock_idx/idx/messages.py``):

* :class:`InvalidPhoneNumber` -> HTTP 400, a form-level message (``messages`` at the top of the document, not on the
  field), the ``authenticator-enrollment-data`` form again::

      key  "api.factors.error.sms.invalid_phone"
      text "Invalid Phone Number."

  As the Sign-In Widget's ``error-authenticator-enroll-phone-invalid-number.json`` (served 400 by its
  ``SelectAuthenticatorForEnroll_spec``); the widget's own bundle maps that key to ``oie.phone.invalid``, the same
  text. A blank ``phoneNumber`` is not this error but the form's required-field one (``Reason.FIELD_REQUIRED``):
  the engine checks for blank before calling :func:`normalise`.

Validation is Google's libphonenumber (the ``phonenumbers`` package), strict: the number must be *valid* for its
region, not merely of a possible length, so ``+1 555-555-5555`` (no such area code) is refused while the fictional
``+1 201-555-0123`` range works. Tests should use such 555-01XX numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import phonenumbers

DEFAULT_REGION = "US"
"""The region a number written without ``+`` and a country code is read in (Okta's widget always sends ``+``)."""

MAX_INPUT_LENGTH = 64
"""Longer input is refused before parsing: a phone number written out with spaces and brackets is about 20
characters, an E.164 number at most 16, so this only ever turns away junk, and keeps hostile input cheap."""

_PLUS_SIGNS = frozenset("+\uff0b")
_SEPARATORS = frozenset(" \u00a0-().")
"""What may stand between the digits, besides one leading plus sign. Letters (vanity numbers, ``ext.``, ``tel:``) and
control characters are refused: an SMS cannot go to an extension, and nothing else a person types for a phone number
needs them."""

MASK = "X"
VISIBLE_DIGITS = 4
"""Okta shows the last four digits of the national number and the country code, nothing else."""


class InvalidPhoneNumber(ValueError):
    """The text is not a phone number Okta would send a code to. ``detail`` says why, for logs; the wire message is
    always Okta's one text (see the module docstring)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def normalise(raw: str, default_region: str = DEFAULT_REGION) -> str:
    """``raw`` as E.164 (``+14155550100``), or :class:`InvalidPhoneNumber`.

    Accepts what people type: spaces, dashes, dots, brackets, a leading ``+``, digits in any script (fullwidth,
    Arabic-Indic); a number without ``+`` is read in ``default_region``.
    """
    import phonenumbers  # here, not at the top: see _parse

    number = _parse(raw, default_region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def masked(e164: str) -> str:
    """The number as Okta shows it back, e.g. ``+1 XXX-XXX-2342``: the international format with every digit of the
    national number masked but the last four.

    The captures only show North American numbers (``+1 XXX-XXX-2241``); other countries keep their own grouping in
    the same way (``+44 XX XXXX 0958``), which is this mock's reading, not a captured shape.
    """
    import phonenumbers  # here, not at the top: see _parse

    number = _parse(e164, DEFAULT_REGION)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    country_prefix = f"+{number.country_code}"
    national = international.removeprefix(country_prefix)
    digits_to_mask = sum(character.isdigit() for character in national) - VISIBLE_DIGITS
    masked_national: list[str] = []
    for character in national:
        if character.isdigit() and digits_to_mask > 0:
            masked_national.append(MASK)
            digits_to_mask -= 1
        else:
            masked_national.append(character)
    return country_prefix + "".join(masked_national)


def _parse(raw: str, default_region: str) -> phonenumbers.PhoneNumber:
    """``raw`` checked and parsed. libphonenumber is imported on the first number, not with this module: its tables
    cost ``mock-idx serve`` about 35 ms of start-up (``python -X importtime``) for orgs that may never see a phone."""
    import phonenumbers

    text = raw.strip()
    if not text:
        raise InvalidPhoneNumber("empty")
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidPhoneNumber(f"longer than {MAX_INPUT_LENGTH} characters")
    body = text[1:] if text[0] in _PLUS_SIGNS else text
    if any(not (character.isdecimal() or character in _SEPARATORS) for character in body):
        raise InvalidPhoneNumber("contains characters a phone number does not have")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber(str(error)) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber("not a valid number for its region")
    return number
