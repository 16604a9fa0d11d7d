"""``--store`` and ``--workers``: every value the server could not serve is refused before anything starts, with one
line on stderr and exit code 2 (never a traceback), from ``mock-idx serve``, from :class:`Settings` and from the pytest
plugin; a store that cannot be reached is refused the same way, with its password masked.

Argument problems go through ``main`` in this process; an unreachable store through a real process, because only a
real process shows what a user sees (and ``--workers`` starts processes of its own).
"""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import pytest

from mock_idx import cli
from mock_idx.config import Settings
from tests.support.net import free_port

pytest_plugins = ["pytester"]

HANG_GUARD = 60.0


def refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """``mock-idx ARGV`` run in this process: exit code 2 and a single line on stderr, which is returned."""
    code: str | int | None
    try:
        code = cli.main(list(argv))
    except SystemExit as exit:
        code = exit.code
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == "" and "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def run_serve(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mock_idx", "serve", "--port", "0", *options],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )


@pytest.mark.parametrize(
    ("store", "problem"),
    [
        ("postgres://db/0", "is not a store mock-idx knows"),
        ("redis://h:6379/0?prefix=a:b", "prefix other than"),
        ("redis://h:6379/0?pefix=typo", "query key 'pefix'"),
        ("redis://h:99999/0", "is not a URL"),
        ("redis://h:6379/0\nFLUSHALL", "printable ASCII"),
    ],
)
def test_serve_refuses_a_store_it_cannot_use(capsys, store, problem):
    line = refusal(capsys, "serve", "--store", store)
    assert line.startswith("mock-idx: --store ") and problem in line


def test_demo_refuses_a_bad_store_too(capsys):
    assert "is not a store mock-idx knows" in refusal(capsys, "demo", "--store", "mongodb://x")


def test_a_refused_store_url_never_shows_its_password(capsys):
    line = refusal(capsys, "serve", "--store", "redis://ci:hunter2@10.1.2.3:6379/0?bogus=1")
    assert "hunter2" not in line and "ci:***@10.1.2.3" in line


@pytest.mark.parametrize("store", [[], ["--store", "memory"]])
def test_workers_need_a_shared_store(capsys, store):
    line = refusal(capsys, "serve", "--workers", "2", *store)
    assert line.startswith("mock-idx: --workers 2 needs a shared store: add --store redis://HOST:6379/0")


@pytest.mark.parametrize("count", ["0", "65", "-1", "1000000"])
def test_workers_are_one_to_sixty_four(capsys, count):
    line = refusal(capsys, "serve", "--workers", count, "--store", "redis://127.0.0.1:6379/0")
    assert line == f"mock-idx: --workers must be a whole number from 1 to 64, not {count}"


@pytest.mark.parametrize("count", ["two", "1.5", "", "0x2"])
def test_workers_must_be_a_number(capsys, count):
    line = refusal(capsys, "serve", "--workers", count)
    assert "argument --workers" in line and "is not a number of worker processes" in line


def test_the_demo_is_one_process(capsys):
    assert "unrecognized arguments: --workers 2" in refusal(capsys, "demo", "--workers", "2")


def test_settings_check_store_and_workers_as_the_cli_does():
    assert Settings().store_url.kind == "memory" and Settings().workers == 1
    shared = Settings(store="redis://127.0.0.1:6379/0?prefix=ci-42", workers=64)
    assert (shared.store_url.redis_url, shared.store_url.prefix, shared.store_url.shared) == (
        "redis://127.0.0.1:6379/0",
        "ci-42",
        True,
    )
    refused: list[tuple[dict[str, Any], str]] = [
        ({"workers": 2}, "--workers 2 needs a shared store"),
        ({"workers": True, "store": "redis://h/0"}, "--workers must be a whole number"),
        ({"workers": 65, "store": "redis://h/0"}, "--workers must be a whole number"),
        ({"store": "redis://h/0?x=1"}, "query key 'x'"),
    ]
    for options, message in refused:
        with pytest.raises(ValueError, match="--") as refusal:
            Settings(**options)
        assert message in str(refusal.value) and "\n" not in str(refusal.value)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_store_that_cannot_be_reached_stops_serve_with_one_line(workers):
    nobody = free_port()
    result = run_serve("--workers", workers, "--store", f"redis://ci:hunter2@127.0.0.1:{nobody}/0?prefix=gone")
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""  # no banner: nothing was served
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"mock-idx: cannot use --store redis://ci:***@127.0.0.1:{nobody}/0 (prefix gone): ")
    assert "hunter2" not in result.stderr


def test_workers_refuse_a_port_in_use_before_starting_any():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_serve("--port", str(port), "--workers", "2", "--store", "redis://127.0.0.1:1/0")
    assert result.returncode == 2 and result.stderr == f"mock-idx: port {port} on 127.0.0.1 is already in use\n"


def test_the_plugin_takes_store_and_refuses_workers(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.mock_idx(store="memory")
        def test_memory_store(mock_idx):
            assert mock_idx.settings.store_url.kind == "memory"

        @pytest.mark.mock_idx(workers=2, store="redis://127.0.0.1:6379/0")
        def test_workers(mock_idx):
            pass

        @pytest.mark.parametrize("mock_idx", [{"workers": 1}], indirect=True)
        def test_even_one_worker(mock_idx):
            pass

        @pytest.mark.mock_idx(store="redis://127.0.0.1:6379/0?prefix=a b")
        def test_bad_store(mock_idx):
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=3)
    result.stdout.fnmatch_lines(["*mock_idx: the fixture serves from the test's own process, so it takes no workers;*"])
    result.stdout.fnmatch_lines(["*--store 'redis://127.0.0.1:6379/0?prefix=a b' may hold only printable ASCII*"])
