"""Release hygiene: what a wheel carries, where the version comes from, and what ``mock_idx`` exports.

The wheel is built (once per module, about two seconds) from a copy of exactly what the build reads, so the shared
checkout never gets a ``build/`` folder, and offline: ``--no-build-isolation`` uses the setuptools the ``test`` extra
installs.
"""

from __future__ import annotations

import email
import importlib
import importlib.metadata
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

import mock_idx
import reference_client
from mock_idx import ControlClient, scenario
from mock_idx.testing import BackgroundServer
from reference_client.idx.transport import Transport

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mock_idx", "reference_client")
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", *PACKAGES)
PACKAGE_DATA = {
    "mock_idx": ("templates", "static", "schema", "scenarios"),
    "reference_client": ("templates", "static"),
}
VERSION = importlib.metadata.version("mock-idx")


def files_under(folder: Path) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
        else:
            shutil.copy2(ROOT / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), "."]
    built = subprocess.run(command, cwd=source, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = out.glob("mock_idx-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def metadata(wheel: zipfile.ZipFile) -> Message:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return email.message_from_bytes(wheel.read(name))


class TestWheel:
    def test_carries_every_data_file_of_both_packages(self, wheel: zipfile.ZipFile) -> None:
        expected = {f"{package}/py.typed" for package in PACKAGES}
        for package, folders in PACKAGE_DATA.items():
            for folder in folders:
                found = files_under(ROOT / package / folder)
                assert found, f"{package}/{folder} is empty or missing in the checkout"
                expected |= found
        assert expected <= set(wheel.namelist()), sorted(expected - set(wheel.namelist()))
        assert {f"mock_idx/scenarios/{name}.yaml" for name in scenario.builtin_names()} <= expected

    def test_has_no_symlinks(self, wheel: zipfile.ZipFile) -> None:
        links = [info.filename for info in wheel.infolist() if stat.S_ISLNK(info.external_attr >> 16)]
        assert links == []

    def test_metadata_names_the_license_version_and_project(self, wheel: zipfile.ZipFile) -> None:
        meta = metadata(wheel)
        assert meta["Version"] == VERSION
        assert meta["License-Expression"] == "Apache-2.0"
        assert meta.get_all("License-File") == ["LICENSE"]
        assert "Typing :: Typed" in meta.get_all("Classifier", [])
        urls = dict(url.split(", ", 1) for url in meta.get_all("Project-URL", []))
        assert set(urls) == {"Homepage", "Issues", "Changelog"}
        license_text = wheel.read(f"mock_idx-{VERSION}.dist-info/licenses/LICENSE").decode()
        assert license_text == (ROOT / "LICENSE").read_text(encoding="utf-8")


class TestSourceTree:
    def test_no_symlink_inside_either_package(self) -> None:
        links = [
            str(Path(folder, name).relative_to(ROOT))
            for package in PACKAGES
            for folder, dirs, files in os.walk(ROOT / package)
            for name in dirs + files
            if Path(folder, name).is_symlink()
        ]
        assert links == []

    def test_builtin_scenarios_are_package_files(self) -> None:
        for name in scenario.builtin_names():
            path = scenario.builtin_path(name)
            assert path.parent == Path(mock_idx.__file__).parent / "scenarios"
            assert path.is_file() and not path.is_symlink()

    def test_top_level_scenarios_readme_links_every_shipped_file(self) -> None:
        readme = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
        for name in scenario.builtin_names():
            link = f"../mock_idx/scenarios/{name}.yaml"
            assert f"({link})" in readme and (ROOT / "scenarios" / link).is_file()

    def test_license_is_the_apache_2_text_with_our_copyright(self) -> None:
        text = (ROOT / "LICENSE").read_text(encoding="utf-8")
        assert text.lstrip().startswith("Apache License\n                           Version 2.0, January 2004")
        assert "END OF TERMS AND CONDITIONS" in text
        assert "Copyright 2026 the mock-idx authors" in text and "[yyyy]" not in text

    def test_changelog_keeps_a_changelog(self) -> None:
        text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
        assert "## [Unreleased]" in text
        assert f"## [{VERSION}] - " in text, "the version in pyproject.toml has no CHANGELOG entry"
        assert "[Unreleased]: " in text and f"[{VERSION}]: " in text


class TestVersion:
    def test_packages_report_the_installed_distribution(self) -> None:
        assert mock_idx.__version__ == VERSION
        assert reference_client.__version__ == VERSION

    def test_fallback_when_not_installed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def not_installed(name: str) -> str:
            raise importlib.metadata.PackageNotFoundError(name)

        monkeypatch.setattr(importlib.metadata, "version", not_installed)
        assert mock_idx.installed_version() == mock_idx.UNKNOWN_VERSION == "0+unknown"

    def test_cli_prints_it(self) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "mock_idx", "--version"], capture_output=True, text=True, timeout=60
        )
        assert (done.returncode, done.stdout) == (0, f"mock-idx {VERSION}\n")


@pytest.fixture
def user_agents() -> Iterator[tuple[str, list[str]]]:
    """A server that answers ``{}`` to anything and remembers each request's User-Agent."""
    seen: list[str] = []

    async def remember(request: web.Request) -> web.Response:
        seen.append(request.headers.get("User-Agent", ""))
        return web.json_response({"users": []})

    def app() -> web.Application:
        application = web.Application()
        application.router.add_route("*", "/{tail:.*}", remember)
        return application

    with BackgroundServer(app) as server:
        yield server.url, seen


class TestUserAgent:
    def test_control_client_names_mock_idx_and_its_version(self, user_agents: tuple[str, list[str]]) -> None:
        url, seen = user_agents
        assert ControlClient(url).users() == []
        assert seen == [f"mock-idx/{VERSION}"]

    async def test_reference_client_names_itself_and_its_version(self, user_agents: tuple[str, list[str]]) -> None:
        url, seen = user_agents
        async with aiohttp.ClientSession() as session:
            reply = await Transport(session).get_json(f"{url}/.well-known/openid-configuration")
        assert reply.status == 200
        assert seen == [f"mock-idx-reference-client/{VERSION}"]


class TestPublicApi:
    def test_every_exported_name_is_the_object_of_its_home_module(self) -> None:
        homes = {
            "create_app": "mock_idx.app",
            "Settings": "mock_idx.config",
            "ControlApiError": "mock_idx.control_client",
            "ControlClient": "mock_idx.control_client",
            "MockIdxError": "mock_idx.control_client",
            "NoMessage": "mock_idx.control_client",
            "MockUser": "mock_idx.control_client",
            "MockIdx": "mock_idx.pytest_plugin",
            "ScenarioError": "mock_idx.scenario",
            "MockIdxServer": "mock_idx.testing",
            "start_mock_idx": "mock_idx.testing",
        }
        assert sorted(mock_idx.__all__) == sorted([*homes, "__version__"])
        for name, home in homes.items():
            assert getattr(mock_idx, name) is getattr(importlib.import_module(home), name)
        assert set(mock_idx.__all__) <= set(dir(mock_idx))

    def test_unknown_names_are_attribute_errors(self) -> None:
        with pytest.raises(AttributeError, match="no attribute 'NotAThing'"):
            _ = mock_idx.NotAThing

    def test_plain_import_loads_no_server_code(self) -> None:
        heavy = ("aiohttp", "pydantic", "jwt", "cryptography", "mock_idx.app")
        probe = f"import sys, mock_idx; print(sorted(m for m in {heavy!r} if m in sys.modules))"
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr

    def test_start_mock_idx_works_with_a_with_block(self) -> None:
        with mock_idx.start_mock_idx(scenario="totp") as server:
            assert [user["login"] for user in ControlClient(server.url).users()] == ["totp@example.com"]
