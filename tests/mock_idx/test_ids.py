"""Okta-shaped object ids (:func:`mock_idx.model.ids.okta_id`): twenty characters, the prefix then alphanumerics,
each drawn without bias from the OS's randomness."""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator

import pytest

from mock_idx.model import ids

ALPHANUMERIC = string.ascii_letters + string.digits


def bytes_from(chunks: list[bytes]) -> Iterator[bytes]:
    yield from chunks


@pytest.mark.parametrize("prefix", ["00u", "102", "AT.", "ID."])
def test_an_id_is_its_prefix_and_seventeen_alphanumerics(prefix: str) -> None:
    for _ in range(200):
        minted = ids.okta_id(prefix)
        assert len(minted) == 20 and minted.startswith(prefix)
        assert set(minted[len(prefix) :]) <= set(ALPHANUMERIC)


def test_byte_b_is_character_b_mod_62(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = bytes([0, 1, 25, 26, 51, 52, 61, 62, 63, 123, 124, 185, 186, 247, 61, 100, 200])
    monkeypatch.setattr(secrets, "token_bytes", lambda n: drawn + bytes(n - len(drawn)))
    assert ids.okta_id("00u") == "00u" + "".join(ALPHANUMERIC[b % 62] for b in drawn)


def test_bytes_that_would_bias_the_id_are_dropped_and_more_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    """248 to 255 would make the first eight characters likelier than the rest: they are skipped, and when too
    few bytes are left the OS is asked again."""
    chunks = bytes_from([bytes(range(248, 256)) * 3 + b"\x05" * 10, b"\x07" * 34])
    monkeypatch.setattr(secrets, "token_bytes", lambda n: next(chunks))
    assert ids.okta_id("00u") == "00u" + "f" * 10 + "h" * 7


def test_ids_differ() -> None:
    assert len({ids.okta_id("00u") for _ in range(1000)}) == 1000
