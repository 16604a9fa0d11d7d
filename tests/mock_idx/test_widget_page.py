"""The Sign-In Widget host page (``/_mock/widget``) without Node or a browser: where it finds the widget, what it
serves, and the configuration the real widget needs from it (checked against the real bundles in e2e/compat)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from yarl import URL

from mock_idx.config import Settings
from mock_idx.web.widget_dist import ENV_VAR, GEN2, GEN3, PACKAGE_DIST, find_widget_dist

SCRIPT = "/* widget bundle stand-in */"


def make_dist(root: Path) -> Path:
    """A stand-in for the npm package's dist/: the files the page links to."""
    for bundle in (GEN2, GEN3):
        for name in (bundle.script, bundle.stylesheet):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(SCRIPT)
    return root


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    return make_dist(tmp_path / "dist")


@pytest.fixture
def settings(dist: Path) -> Settings:
    return Settings(widget_dist=dist)


async def get_verbatim(client: TestClient[Any, Any], path: str) -> ClientResponse:
    """GET with the path sent exactly as written (no client-side normalisation of ``..`` or ``%2F``)."""
    return await client.session.get(URL(str(client.make_url("")).rstrip("/") + path, encoded=True))


def page_config(html: str) -> dict[str, str]:
    found = re.search(r"const config = (\{.*?\});", html)
    assert found is not None, html
    config: dict[str, str] = json.loads(found.group(1))
    return config


def test_an_explicit_setting_wins_and_is_never_silently_replaced(tmp_path: Path, dist: Path) -> None:
    elsewhere = make_dist(tmp_path / "cwd" / PACKAGE_DIST)
    assert find_widget_dist(dist, environ={ENV_VAR: str(elsewhere)}, cwd=tmp_path / "cwd") == dist
    assert find_widget_dist(tmp_path / "typo", environ={}, cwd=tmp_path / "cwd") is None


def test_environment_variable_then_node_modules_are_searched(tmp_path: Path, dist: Path) -> None:
    assert find_widget_dist(None, environ={ENV_VAR: str(dist)}, cwd=tmp_path) == dist
    compat = make_dist(tmp_path / PACKAGE_DIST)
    assert find_widget_dist(None, environ={}, cwd=tmp_path) == compat.resolve()
    assert find_widget_dist(None, environ={}, cwd=tmp_path / "nowhere") is None


async def test_gen2_page_loads_the_installed_bundle_with_issuer_and_client(client: TestClient[Any, Any]) -> None:
    response = await client.get("/_mock/widget")
    html = await response.text()
    origin = str(client.make_url("")).rstrip("/")
    assert response.status == 200
    assert f'src="{origin}/_mock/widget/static/{GEN2.script}"' in html
    assert f'href="{origin}/_mock/widget/static/{GEN2.stylesheet}"' in html
    assert page_config(html) == {
        "issuer": f"{origin}/oauth2/default",
        "clientId": "mock-widget-client",
        "redirectUri": f"{origin}/_mock/widget/callback",
    }
    assert "authScheme: 'oauth2'" in html  # Gen3 exchanges the interaction code only with it
    assert "exchangeCodeForTokens = false" not in html
    assert "showSignInToGetTokens()" in html and "window.__widgetResult" in html


async def test_gen3_page_loads_the_next_bundle_with_its_poll_workaround(client: TestClient[Any, Any]) -> None:
    html = await (await client.get("/_mock/widget", params={"gen": "3"})).text()
    assert GEN3.script in html and GEN3.stylesheet in html and GEN2.script not in html
    assert "signIn.authClient.options.idx.exchangeCodeForTokens = false;" in html
    unpatched = await (await client.get("/_mock/widget", params={"gen": "3", "workarounds": "off"})).text()
    assert "exchangeCodeForTokens = false" not in unpatched


async def test_issuer_and_client_id_can_be_chosen(client: TestClient[Any, Any]) -> None:
    html = await (
        await client.get("/_mock/widget", params={"issuer": "http://127.0.0.1:1/oauth2/custom", "client_id": "0oaSPA"})
    ).text()
    config = page_config(html)
    assert (config["issuer"], config["clientId"]) == ("http://127.0.0.1:1/oauth2/custom", "0oaSPA")


async def test_static_files_come_from_dist_and_nothing_outside_it(client: TestClient[Any, Any], dist: Path) -> None:
    (dist.parent / "secret.txt").write_text("not yours")
    served = await client.get(f"/_mock/widget/static/{GEN2.script}")
    assert served.status == 200 and await served.text() == SCRIPT
    assert (await client.get("/_mock/widget/static/js/missing.js")).status == 404
    script = GEN2.script.replace("/", "%2F")
    assert (await get_verbatim(client, f"/_mock/widget/static/{script}")).status == 200  # %2F reaches the handler
    assert (await get_verbatim(client, "/_mock/widget/static/..%2Fsecret.txt")).status == 404


@pytest.mark.parametrize("settings", [Settings(widget_dist=Path("/nonexistent/dist"))])
async def test_without_the_package_the_page_says_how_to_install_it(client: TestClient[Any, Any]) -> None:
    response = await client.get("/_mock/widget")
    html = await response.text()
    assert response.status == 503
    assert "npm install @okta/okta-signin-widget" in html and ENV_VAR in html
    assert "<script src=" not in html
    assert (await client.get(f"/_mock/widget/static/{GEN2.script}")).status == 404
