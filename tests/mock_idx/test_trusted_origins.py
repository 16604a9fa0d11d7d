"""CORS like a real org (issue #13 item 11): once the scenario lists Trusted Origins, only they get a CORS grant on
the IDX and OAuth APIs, so the most common production failure of an SPA (its origin not trusted) shows in CI too.
With none listed every origin is granted, so quick starts work. ``/_mock`` never gets CORS (tests/security).

Source: Okta's Trusted Origins API (type CORS): a browser request from another origin is answered without
``Access-Control-Allow-Origin``, which the browser then blocks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_idx.config import Settings
from tests.support.fixtures import app_in_loop

TRUSTED = "http://localhost:3000"
SCENARIO = f"""\
settings:
  trusted_origins: ["{TRUSTED}", "https://app.example.com"]
"""
APIS = [
    ("GET", "/oauth2/default/.well-known/openid-configuration"),
    ("GET", "/oauth2/default/v1/keys"),
    ("POST", "/oauth2/default/v1/token"),
    ("POST", "/idp/idx/introspect"),
]


@pytest.fixture
def trusting(tmp_path: Path, store_setting: str) -> Settings:
    path = tmp_path / "origins.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return Settings(scenario=str(path), store=store_setting)


async def preflight(client: Any, path: str, origin: str) -> Any:
    return await client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


@pytest.mark.parametrize(("method", "path"), APIS)
async def test_a_trusted_origin_is_granted_and_any_other_is_not(trusting: Settings, method: str, path: str) -> None:
    async with app_in_loop(trusting) as client:
        for origin, granted in ((TRUSTED, True), ("https://APP.example.com:443", True), ("http://evil.test", False)):
            answer = await client.request(method, path, headers={"Origin": origin}, json={})
            assert ("Access-Control-Allow-Origin" in answer.headers) is granted, (origin, answer.headers)
            before = await preflight(client, path, origin)
            assert ("Access-Control-Allow-Origin" in before.headers) is granted, origin
        granted_to = (await client.request(method, path, headers={"Origin": TRUSTED}, json={})).headers
        assert granted_to["Access-Control-Allow-Origin"] == TRUSTED
        assert granted_to["Access-Control-Allow-Credentials"] == "true"


async def test_with_no_trusted_origins_listed_every_origin_is_granted(client: Any) -> None:
    answer = await client.get("/oauth2/default/v1/keys", headers={"Origin": "http://anywhere.test:8000"})
    assert answer.headers["Access-Control-Allow-Origin"] == "http://anywhere.test:8000"


async def test_a_trusted_origin_is_also_where_an_ad_hoc_client_may_be_sent(trusting: Settings) -> None:
    async with app_in_loop(trusting) as client:
        params = {
            "client_id": "spa",
            "response_type": "code",
            "scope": "openid",
            "state": "s",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        }
        trusted = await client.get(
            "/oauth2/default/v1/authorize",
            params={**params, "redirect_uri": "https://app.example.com/callback"},
            allow_redirects=False,
        )
        assert trusted.status == 302 and "/signin?stateToken=" in trusted.headers["Location"]
        other = await client.get(
            "/oauth2/default/v1/authorize",
            params={**params, "redirect_uri": "https://other.example.com/callback"},
            allow_redirects=False,
        )
        assert other.status == 400 and "Location" not in other.headers


@pytest.mark.parametrize("origin", ["localhost:3000", "ftp://x.test", "http://a.test/path", "http://"])
async def test_a_trusted_origin_that_is_no_origin_is_refused_with_its_line(tmp_path: Path, origin: str) -> None:
    from mock_idx import scenario

    path = tmp_path / "bad.yaml"
    path.write_text(f'settings:\n  trusted_origins: ["{origin}"]\n', encoding="utf-8")
    with pytest.raises(scenario.ScenarioError) as refused:
        scenario.load(str(path))
    assert "trusted_origins" in str(refused.value)
