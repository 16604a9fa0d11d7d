"""What an app may ask of a sign-in beyond the org's policy: Okta's ACR values (``acr_values`` on ``/v1/authorize``
and ``/v1/interact``), and the OIDC ``max_age`` that says how old a sign-in may be.

Okta evaluates the app's authentication policy first and the requested level after it, so a level only ever adds to
what the policy asks (``1fa`` never lowers a two-factor policy). Okta documents that unsupported values are ignored
and that, of several, it picks one and names it in the tokens' ``acr``: here the first supported one. A level nothing
in the org can meet is ``unmet_authentication_requirements`` (OIDC's error for it, which Okta documents). Nothing here
knows HTTP.
"""

from __future__ import annotations

from enum import Enum

from .errors import OAuthError


class Assurance(str, Enum):
    """Okta's predefined ACR values (developer.okta.com, "Step-up authentication using ACR values")."""

    ANY_ONE_FACTOR = "urn:okta:loa:1fa:any"
    PASSWORD = "urn:okta:loa:1fa:pwd"
    ANY_TWO_FACTORS = "urn:okta:loa:2fa:any"
    TWO_FACTORS_IF_POSSIBLE = "urn:okta:loa:2fa:any:ifpossible"
    """Two factors when the user has a second one enrolled; one otherwise (nothing is enrolled for it)."""
    PHISHING_RESISTANT = "phr"
    """Met only by FIDO2 WebAuthn, which mock-idx does not model: never met here."""
    PHISHING_RESISTANT_HARDWARE = "phrh"
    """Met only by Okta Verify FastPass (keys in secure hardware), which mock-idx does not model: never met here."""


NEVER_MET = frozenset({Assurance.PHISHING_RESISTANT, Assurance.PHISHING_RESISTANT_HARDWARE})
"""Levels only authenticators mock-idx does not model could meet."""

MAX_ACR_VALUES = 512
"""The longest ``acr_values`` taken: the predefined values together are under 120 characters, and a longer one is
an attack or a bug, refused rather than scanned."""
MAX_MAX_AGE_DIGITS = 10
"""``max_age`` up to 9,999,999,999 seconds (three centuries): longer is no age any session has."""

INVALID_ACR_VALUES = "The 'acr_values' parameter is invalid."
INVALID_MAX_AGE = "The 'max_age' parameter must be a non-negative integer."
UNMET = "The requested authentication requirements could not be met."
"""A guess (README, "Where mock-idx guesses"): Okta documents the error code for a level it cannot meet, not its text,
nor that it is raised before the sign-in starts, as here for levels no one in the org could reach."""


def requested_assurance(acr_values: str | None) -> Assurance | None:
    """The level asked for: the first of the space-separated values Okta supports, or ``None`` (none asked, or only
    unsupported ones, which Okta ignores). Text no client sends (control characters, over :data:`MAX_ACR_VALUES`
    characters) is ``invalid_request``."""
    if acr_values is None or acr_values == "":
        return None
    if len(acr_values) > MAX_ACR_VALUES or not acr_values.isprintable() or not acr_values.isascii():
        raise OAuthError("invalid_request", INVALID_ACR_VALUES)
    for value in acr_values.split(" "):
        try:
            return Assurance(value)
        except ValueError:
            continue
    return None


def requested_max_age(value: str | None) -> int | None:
    """OIDC's ``max_age``: whole seconds, 0 or more (``0``: always sign in again); anything else is
    ``invalid_request``."""
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or len(value) > MAX_MAX_AGE_DIGITS:
        raise OAuthError("invalid_request", INVALID_MAX_AGE)
    return int(value)


def too_old(auth_time: float, now: float, max_age: int | None) -> bool:
    """Whether a sign-in made at ``auth_time`` is older than ``max_age`` allows (``max_age=0``: always)."""
    return max_age is not None and (max_age == 0 or now - auth_time > max_age)
