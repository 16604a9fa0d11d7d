"""The signing key the CLI begins making at its start (mock_idx.key_in_advance) is the one the org signs with, and
only where the org would otherwise make its own: a key file still wins. Discovery does not wait for it; the key set
does; on one core it is begun only when the org opens."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mock_idx.app import create_app
from mock_idx.config import Settings
from mock_idx.key_in_advance import KeyInAdvance
from mock_idx.model.tokens import SigningKey

JWKS = "/oauth2/default/v1/keys"
DISCOVERY = "/oauth2/default/.well-known/openid-configuration"


async def _served_kid(app_settings: Settings, key_in_advance: KeyInAdvance) -> str:
    async with TestClient(TestServer(create_app(app_settings, key_in_advance))) as client:
        answer = await client.get(JWKS)
        assert answer.status == 200
        keys = (await answer.json())["keys"]
        assert len(keys) == 1
        kid: str = keys[0]["kid"]
        return kid


async def test_an_in_memory_org_signs_with_the_key_made_in_advance() -> None:
    early = KeyInAdvance()
    expected = (await early.key()).kid
    assert await _served_kid(Settings(), early) == expected


async def test_a_key_file_wins_over_the_key_made_in_advance(tmp_path: Path) -> None:
    key_file = tmp_path / "key.pem"
    from_file = SigningKey.load_or_create(key_file).kid
    early = KeyInAdvance()
    assert (await early.key()).kid != from_file
    assert await _served_kid(Settings(key_file=key_file), early) == from_file


class HeldKey:
    """A key maker that makes its key only once released: the key "still being made" for as long as a test likes."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, **options: Any) -> Any:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.calls += 1
        assert self.release.wait(30)
        return rsa.generate_private_key(**options)


async def test_discovery_is_answered_while_the_key_is_still_being_made() -> None:
    held = HeldKey()
    early = KeyInAdvance(start_now=False)
    early._generate = held
    async with TestClient(TestServer(create_app(Settings(), early))) as client:
        assert (await client.get(DISCOVERY)).status == 200
        assert held.calls == 1  # begun when the org opened, not finished
        threading.Timer(0.05, held.release.set).start()
        keys = await client.get(JWKS)  # waits for the key (the event loop with it: a one-off, at the first use)
        assert keys.status == 200
        assert (await keys.json())["keys"][0]["kid"] == early.signing_key().kid


@pytest.mark.parametrize(("cores", "begun"), [({0}, False), ({0, 1}, True)])
def test_the_key_is_begun_at_once_only_with_a_core_to_spare(
    monkeypatch: pytest.MonkeyPatch, cores: set[int], begun: bool
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: cores, raising=False)
    starts: list[KeyInAdvance] = []
    monkeypatch.setattr(KeyInAdvance, "start", lambda self: starts.append(self))
    KeyInAdvance()
    assert bool(starts) is begun


def test_a_key_given_by_what_makes_it_is_made_on_first_use_and_once() -> None:
    made = SigningKey.generate()
    calls: list[int] = []

    def source() -> Any:
        calls.append(1)
        return made._private_key

    lazy = SigningKey(source)
    assert calls == []
    assert lazy.kid == made.kid and lazy.public_jwk() == made.public_jwk()
    assert made.verify(lazy.sign({"sub": "x"})) == {"sub": "x"}
    assert calls == [1]
