"""PKCE with S256 (RFC 7636), as every client of the fake sends it."""

from __future__ import annotations

import base64
import hashlib
import secrets


def new_verifier() -> str:
    """A fresh ``code_verifier``: 43 characters of the unreserved alphabet, the shortest RFC 7636 allows."""
    return secrets.token_urlsafe(32)


def challenge(verifier: str) -> str:
    """The S256 ``code_challenge`` for ``verifier``: base64url of its SHA-256, unpadded."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
