"""Discovery documents and the JWKS, kept as the bytes that go on the wire.

They are the same for every request naming the same authorization server at the same base URL, until the org's
configuration (its generation: the policy, hence the custom scopes and claims) or the signing key changes, and they
are asked for far more often than anything else (an SDK fetches both before every sign-in). Building and encoding
them cost more than the rest of such a request, so each is made once and kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

MAX_KEPT = 64
"""Documents kept per configuration. The base URL comes from the ``Host`` header (one of the names the server answers
to, with any port), so the set is small but not closed: past this many, everything is made again."""


class PublishedDocuments:
    """One app's documents, by what they depend on; all forgotten when the configuration generation changes."""

    def __init__(self) -> None:
        self._generation: int | None = None
        self._kept: dict[Hashable, bytes] = {}

    def get(self, generation: int, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The document ``key`` names under configuration ``generation``; ``make`` builds it when it is not kept.
        ``key`` must name everything the document depends on besides the generation (base URL, server, key id)."""
        if generation != self._generation:
            self._kept.clear()
            self._generation = generation
        body = self._kept.get(key)
        if body is None:
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            body = self._kept[key] = make()
        return body
