"""Unguessable identifiers.

Handles and codes are bearer secrets: anyone holding one can continue a sign-in, so they come from :mod:`secrets` with
at least 128 bits of entropy. Object ids imitate Okta's 20-character ids (``00u…`` users, ``aut…`` authenticators).
"""

from __future__ import annotations

import hashlib
import secrets
import string

_ALPHANUMERIC = string.ascii_letters + string.digits
_UNBIASED = 248
"""The largest multiple of 62 a byte can reach: bytes from here up are dropped, so each character stays equally
likely."""
_AS_ALPHANUMERIC = bytes(ord(_ALPHANUMERIC[b % 62]) for b in range(_UNBIASED)) + bytes(256 - _UNBIASED)
_BIASED = bytes(range(_UNBIASED, 256))


def secret_token(nbytes: int = 24) -> str:
    """A URL-safe random token (192 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def okta_id(prefix: str) -> str:
    """An id shaped like Okta's: a three-letter prefix and 17 random alphanumerics.

    One call to the OS for the randomness (ids are minted on every step), turned into characters by one
    ``bytes.translate`` (byte ``b`` becomes character ``b % 62``, bytes from 248 up are dropped so that each of the
    62 characters stays equally likely): the same ids, drawn the same way, as a loop over the bytes made them.
    """
    length = 20 - len(prefix)
    characters = b""
    while len(characters) < length:
        characters += secrets.token_bytes(2 * length).translate(_AS_ALPHANUMERIC, _BIASED)
    return prefix + characters[:length].decode("ascii")


def stable_id(prefix: str, seed: str) -> str:
    """An id shaped like :func:`okta_id`, the same for the same seed (on every replica, after every restart): for
    things an org has exactly one of, such as its own identity provider."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    characters = []
    for _ in range(20 - len(prefix)):
        number, index = divmod(number, len(_ALPHANUMERIC))
        characters.append(_ALPHANUMERIC[index])
    return prefix + "".join(characters)
