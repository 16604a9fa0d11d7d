"""Hypothesis strategies for what a hostile or broken client sends: any JSON, the right keys with the wrong types,
bytes that are not JSON or not UTF-8, bodies past the size limit, and content types that lie."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MAX_BODY = 64 * 1024
"""``Settings.max_body_bytes``: anything larger must be refused with 413, not read."""
IDX_KEYS = (
    "stateHandle",
    "interactionHandle",
    "stateToken",
    "identifier",
    "credentials",
    "authenticator",
    "passcode",
    "totp",
    "id",
    "methodType",
    "rememberMe",
    "answer",
    "questionKey",
    "question",
    "phoneNumber",
    "channel",
    "email",
    "autoChallenge",
)
CONTENT_TYPES = (
    "application/json",
    "application/ion+json; okta-version=1.0.0",
    "text/plain",
    "",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "application/json; charset=bogus",
    "application/json; charset=utf-16",
    "application/x-www-form-urlencoded; charset=bogus",
)

NESTING_DEPTH = 40_000
"""Deeper than Python's recursion limit (and, past about 32,000, than the body size limit)."""
BASIC_ALPHABET = st.characters(max_codepoint=255)
"""``Authorization: Basic`` text, Latin-1 included (non-ASCII once crashed the client-id parsing)."""

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(["", "0", "-1", "null", "true", "0" * 600, "💥", "\x00"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10) | st.sampled_from(IDX_KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)


def objects_with(
    keys: tuple[str, ...], values: st.SearchStrategy[Any] = json_values
) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects using the keys an endpoint reads, each holding anything, plus stray keys."""
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), values, max_size=len(keys) + 2)


nested_bytes = st.integers(min_value=1, max_value=NESTING_DEPTH).map(lambda depth: b"[" * depth + b"]" * depth)
raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [b"", b"{", b"[]", b"null", b'"text"', b"\xff\xfe\x00", b'{"a": 1e99999}', b"NaN", b"x" * (MAX_BODY + 1)]
    ),
    nested_bytes,
)
content_types = st.sampled_from(CONTENT_TYPES)
