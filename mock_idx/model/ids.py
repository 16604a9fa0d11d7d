"""Unguessable identifiers.

Handles and codes are bearer secrets: anyone holding one can continue a sign-in, so they come from :mod:`secrets` with
at least 128 bits of entropy. Object ids imitate Okta's 20-character ids (``00u…`` users, ``aut…`` authenticators).
"""

from __future__ import annotations

import secrets
import string

_ALPHANUMERIC = string.ascii_letters + string.digits


def secret_token(nbytes: int = 24) -> str:
    """A URL-safe random token (192 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def okta_id(prefix: str) -> str:
    """An id shaped like Okta's: a three-letter prefix and 17 random alphanumerics."""
    return prefix + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(20 - len(prefix)))
