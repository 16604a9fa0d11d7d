"""Self-service password recovery: which authenticators may prove who someone is, and what follows the new password.

Okta keeps this in the password policy's recovery rule ("Users can initiate recovery with": email, phone; "After
password reset": sign the user in or send them back to sign in). :func:`recovery_choices` reads it against the org's
authenticators, since Okta only offers an authenticator the org has enabled.

Recovery never tells whether a username exists (Okta's "user enumeration prevention" for recovery, on in new orgs):
whoever is named, the list offers every recovery authenticator of the org, and the challenge pages look alike. Only a
user who exists and has the authenticator is sent anything, so a code typed for anyone else is simply wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .authenticators import AuthenticatorKey, AuthenticatorPolicy

RECOVERY_AUTHENTICATORS = (AuthenticatorKey.EMAIL, AuthenticatorKey.PHONE)
"""What Okta lets a password policy name for recovery (Okta Verify push aside, which mock-idx does not model here)."""


class AfterReset(str, Enum):
    """What the sign-in does once the new password is set."""

    SIGN_IN = "sign_in"
    """On with the sign-in: the rest of the org's policy (a second factor, enrollments), then the app gets its code."""
    TERMINAL = "terminal"
    """Okta's ``idx.recovery.completed``: "You can now sign in with your existing username and new password." The
    sign-in ends there; the user signs in again."""


@dataclass(frozen=True)
class RecoveryPolicy:
    authenticators: tuple[AuthenticatorKey, ...] = (AuthenticatorKey.EMAIL,)
    """Which authenticators may start a recovery, in the order the list shows them (Okta's default: email). Empty:
    no self-service recovery (no "Forgot password?")."""
    after_reset: AfterReset = AfterReset.SIGN_IN


DEFAULT_RECOVERY_POLICY = RecoveryPolicy()


def recovery_choices(recovery: RecoveryPolicy, authenticators: AuthenticatorPolicy) -> tuple[AuthenticatorKey, ...]:
    """The recovery authenticators the org has enabled: what the recovery list offers (empty: recovery is off)."""
    return tuple(key for key in recovery.authenticators if authenticators.has(key))
