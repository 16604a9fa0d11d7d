"""The signing key the CLI begins making at its start (mock_idx.key_in_advance) is the one the org signs with, and
only where the org would otherwise make its own: a key file still wins."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from mock_idx.app import create_app
from mock_idx.config import Settings
from mock_idx.key_in_advance import KeyInAdvance
from mock_idx.model.tokens import SigningKey

JWKS = "/oauth2/default/v1/keys"


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
