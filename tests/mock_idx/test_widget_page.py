"""The Sign-In Widget host page (``/_mock/widget``) without Node or a browser: which widget it finds (7.x or 6.x, told
apart by the files of fake dist folders), what it says at start-up, what it serves, and the configuration the real
widget needs from it (checked against the real bundles in e2e/compat)."""

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
from mock_idx.web.widget_dist import (
    ENV_VAR,
    GEN2,
    GEN3,
    PACKAGE_DIST,
    describe_widget,
    find_widget,
    read_widget_dist,
)

SCRIPT = "/* widget bundle stand-in */"
VERSIONS = {7: "7.49.0", 6: "6.9.0"}


def make_dist(root: Path, major: int = 7, manifest: str | bytes | None = "") -> Path:
    """A stand-in for the npm package's dist/: the files the page links to (no Gen3 bundle before 7.x), and the
    package's package.json beside it (``manifest``: its text; "" for the widget's own, ``None`` for none)."""
    for bundle in (GEN2, GEN3) if major >= 7 else (GEN2,):
        for name in (bundle.script, bundle.stylesheet):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(SCRIPT)
    if manifest == "":
        manifest = json.dumps({"name": "@okta/okta-signin-widget", "version": VERSIONS[major]})
    if manifest is not None:
        (root.parent / "package.json").write_bytes(manifest.encode() if isinstance(manifest, str) else manifest)
    return root


@pytest.fixture
def dist(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A 7.x dist, or the major version given by indirect parametrisation."""
    return make_dist(tmp_path / "dist", major=getattr(request, "param", 7))


@pytest.fixture
def settings(dist: Path) -> Settings:
    return Settings(widget_dist=dist)


async def get_verbatim(client: TestClient[Any, Any], path: str) -> ClientResponse:
    """GET with the path sent exactly as written (no client-side normalisation of ``..`` or ``%2F``)."""
    return await client.session.get(URL(str(client.make_url("")).rstrip("/") + path, encoded=True))


def page_config(html: str) -> dict[str, Any]:
    found = re.search(r"const config = (\{.*?\});", html)
    assert found is not None, html
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def test_a_dist_with_the_gen3_bundle_is_widget_7_with_its_version(dist: Path) -> None:
    widget = read_widget_dist(dist)
    assert widget is not None
    assert (widget.path, widget.major, widget.version) == (dist, 7, "7.49.0")
    assert widget.bundles == (GEN2, GEN3) and not widget.needs_interaction_code_flag
    assert widget.name == "Sign-In Widget 7.49.0"


def test_a_dist_with_only_the_gen2_bundle_is_widget_6_and_needs_the_interaction_code_flag(tmp_path: Path) -> None:
    widget = read_widget_dist(make_dist(tmp_path / "dist", major=6))
    assert widget is not None
    assert (widget.major, widget.version, widget.bundles) == (6, "6.9.0", (GEN2,))
    assert widget.needs_interaction_code_flag and widget.name == "Sign-In Widget 6.9.0"


@pytest.mark.parametrize("major", [6, 7])
def test_the_files_decide_the_major_version_not_package_json(tmp_path: Path, major: int) -> None:
    """What the page must do depends on the bundles really there; a stale or hand-edited package.json cannot change
    that, it is only reported."""
    other = VERSIONS[6 if major == 7 else 7]
    manifest = json.dumps({"name": "@okta/okta-signin-widget", "version": other})
    widget = read_widget_dist(make_dist(tmp_path / "dist", major=major, manifest=manifest))
    assert widget is not None and (widget.major, widget.version) == (major, other)


def test_folders_without_the_gen2_script_and_stylesheet_are_not_a_widget(tmp_path: Path) -> None:
    assert read_widget_dist(tmp_path / "missing") is None
    (tmp_path / "empty").mkdir()
    assert read_widget_dist(tmp_path / "empty") is None
    only_manifest = tmp_path / "only-manifest" / "dist"
    only_manifest.mkdir(parents=True)
    (only_manifest.parent / "package.json").write_text('{"name": "@okta/okta-signin-widget", "version": "7.49.0"}')
    assert read_widget_dist(only_manifest) is None
    no_stylesheet = make_dist(tmp_path / "no-css" / "dist", major=6)
    (no_stylesheet / GEN2.stylesheet).unlink()
    assert read_widget_dist(no_stylesheet) is None
    gen3_alone = make_dist(tmp_path / "gen3-alone" / "dist")
    (gen3_alone / GEN2.script).unlink()
    assert read_widget_dist(gen3_alone) is None


@pytest.mark.parametrize(
    "manifest",
    [
        None,
        "{ not json",
        b"\xff\xfe{",
        "[]",
        '{"name": "some-other-package", "version": "1.0.0"}',
        '{"name": "@okta/okta-signin-widget"}',
        '{"name": "@okta/okta-signin-widget", "version": 7}',
        '{"name": "@okta/okta-signin-widget", "version": " "}',
    ],
    ids=["missing", "not-json", "not-utf8", "not-an-object", "another-package", "no-version", "number", "blank"],
)
@pytest.mark.parametrize("major", [6, 7])
def test_a_missing_or_broken_package_json_leaves_the_widget_usable_without_a_version(
    tmp_path: Path, manifest: str | bytes | None, major: int
) -> None:
    widget = read_widget_dist(make_dist(tmp_path / "dist", major=major, manifest=manifest))
    assert widget is not None and (widget.major, widget.version) == (major, None)
    assert widget.name == f"Sign-In Widget {major}.x"


def test_an_unreadable_package_json_leaves_the_widget_usable(tmp_path: Path) -> None:
    dist = make_dist(tmp_path / "dist", manifest=None)
    (dist.parent / "package.json").mkdir()  # reading it fails with an OSError
    widget = read_widget_dist(dist)
    assert widget is not None and widget.version is None


def test_an_explicit_setting_wins_and_is_never_silently_replaced(tmp_path: Path, dist: Path) -> None:
    elsewhere = make_dist(tmp_path / "cwd" / PACKAGE_DIST)
    found = find_widget(dist, environ={ENV_VAR: str(elsewhere)}, cwd=tmp_path / "cwd")
    assert found is not None and found.path == dist
    assert find_widget(tmp_path / "typo", environ={}, cwd=tmp_path / "cwd") is None


def test_environment_variable_then_node_modules_are_searched(tmp_path: Path, dist: Path) -> None:
    from_env = find_widget(None, environ={ENV_VAR: str(dist)}, cwd=tmp_path)
    assert from_env is not None and from_env.path == dist
    compat = make_dist(tmp_path / PACKAGE_DIST, major=6)
    from_cwd = find_widget(None, environ={}, cwd=tmp_path)
    assert from_cwd is not None and (from_cwd.path, from_cwd.major) == (compat.resolve(), 6)
    assert find_widget(None, environ={}, cwd=tmp_path / "nowhere") is None


@pytest.mark.parametrize("major", [6, 7])
def test_start_up_line_names_the_widget_found_and_its_page(tmp_path: Path, major: int) -> None:
    dist = make_dist(tmp_path / "dist", major=major)
    line = describe_widget(Settings(widget_dist=dist, port=9123), environ={})
    assert line == f"Sign-In Widget {VERSIONS[major]} at http://127.0.0.1:9123/_mock/widget (from {dist})"


def test_start_up_line_uses_the_address_clients_reach(tmp_path: Path) -> None:
    dist = make_dist(tmp_path / "dist", manifest=None)
    wildcard = describe_widget(Settings(widget_dist=dist, host="0.0.0.0", port=8080), environ={})
    assert wildcard.startswith("Sign-In Widget 7.x at http://127.0.0.1:8080/_mock/widget ")
    public = describe_widget(Settings(widget_dist=dist, public_url="https://okta.test/"), environ={})
    assert public.startswith("Sign-In Widget 7.x at https://okta.test/_mock/widget ")
    given = describe_widget(Settings(widget_dist=dist), base_url="http://127.0.0.1:4000", environ={})
    assert given.startswith("Sign-In Widget 7.x at http://127.0.0.1:4000/_mock/widget ")


def test_start_up_line_says_how_to_install_a_widget_when_none_is_found(tmp_path: Path) -> None:
    line = describe_widget(Settings(), environ={}, cwd=tmp_path)
    assert line.startswith("Sign-In Widget not found (no js/okta-sign-in.min.js in ")
    assert str(tmp_path / PACKAGE_DIST) in line and "`npm install @okta/okta-signin-widget`" in line
    assert "--widget-dist" in line and f"${ENV_VAR}" in line


def test_start_up_line_names_a_wrong_explicit_folder_and_what_named_it(tmp_path: Path) -> None:
    make_dist(tmp_path / PACKAGE_DIST)  # an install in the working directory does not stand in for a typo
    typo = tmp_path / "dsit"
    by_setting = describe_widget(Settings(widget_dist=typo), environ={}, cwd=tmp_path)
    assert by_setting.startswith(f"Sign-In Widget not found at {typo} (named by --widget-dist): ")
    by_env = describe_widget(Settings(), environ={ENV_VAR: str(typo)}, cwd=tmp_path)
    assert by_env.startswith(f"Sign-In Widget not found at {typo} (named by ${ENV_VAR}): ")
    assert "npm install @okta/okta-signin-widget" in by_env


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
    assert '<span id="widget-name">Sign-In Widget 7.49.0</span>' in html
    assert '<a href="?gen=2">Gen2</a> / <a href="?gen=3">Gen3</a>' in html


async def test_gen3_page_loads_the_next_bundle_with_its_poll_workaround(client: TestClient[Any, Any]) -> None:
    html = await (await client.get("/_mock/widget", params={"gen": "3"})).text()
    assert GEN3.script in html and GEN3.stylesheet in html and GEN2.script not in html
    assert "signIn.authClient.options.idx.exchangeCodeForTokens = false;" in html
    unpatched = await (await client.get("/_mock/widget", params={"gen": "3", "workarounds": "off"})).text()
    assert "exchangeCodeForTokens = false" not in unpatched


@pytest.mark.parametrize("dist", [6], indirect=True)
async def test_widget_6_page_loads_its_bundle_with_the_interaction_code_flow(client: TestClient[Any, Any]) -> None:
    """6.x starts the Identity Engine flow only with ``useInteractionCodeFlow: true``; without it, it would post to the
    Classic /api/v1/authn."""
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
        "useInteractionCodeFlow": True,
    }
    assert "authScheme: 'oauth2'" in html and "showSignInToGetTokens()" in html
    assert '<span id="widget-name">Sign-In Widget 6.9.0</span>' in html
    assert "?gen=3" not in html  # no Gen3 bundle to switch to


@pytest.mark.parametrize("dist", [6], indirect=True)
async def test_widget_6_has_no_gen3_page_and_points_to_its_own(client: TestClient[Any, Any]) -> None:
    response = await client.get("/_mock/widget", params={"gen": "3"})
    html = await response.text()
    assert response.status == 404
    assert "Sign-In Widget 6.9.0 has no Gen3 bundle" in html and '<a href="?gen=2">Gen2 page</a>' in html
    assert "<script" not in html and GEN3.stylesheet not in html


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
