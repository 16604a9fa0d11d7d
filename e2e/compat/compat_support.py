"""Shared pieces of the Okta SDK / widget compatibility tests: where the npm packages are, and a mock_idx tuned
for them (fast polling, a push lifetime short enough to time out without expiring the whole transaction)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from mock_idx.config import Settings
from mock_idx.pytest_plugin import MockIdx, running

COMPAT_DIR = Path(__file__).resolve().parent
NODE_MODULES = COMPAT_DIR / "node_modules"
INSTALL_HINT = "npm ci --prefix e2e/compat"
FAST_POLL_MS = 200
NODE_TIMEOUT_S = 120
PUSH_LIFETIME = 60.0
"""Shorter than the transaction lifetime, so advancing the clock past it times out the push, not the sign-in."""
COMPAT_SETTINGS: dict[str, Any] = {
    "poll_refresh_ms": FAST_POLL_MS,
    "push_lifetime": PUSH_LIFETIME,
    "widget_dist": NODE_MODULES / "@okta/okta-signin-widget/dist",
}


@contextmanager
def compat_server(key_file: Path) -> Iterator[MockIdx]:
    """A running mock_idx with the compat settings, scripted through its control API, stopped when the block ends."""
    with running(Settings(key_file=key_file, **COMPAT_SETTINGS)) as mock:
        yield mock


@contextmanager
def compat_org(key_file: Path, folder: Path, scenario: dict[str, Any]) -> Iterator[MockIdx]:
    """:func:`compat_server` with ``scenario`` (a scenario document, written to ``folder`` as JSON, which is YAML)
    loaded: the org an SDK suite's flows run against."""
    path = folder / "org.yaml"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    with compat_server(key_file) as server:
        server.load_scenario(path)
        yield server


def step(result: dict[str, Any], label: str, occurrence: int = 0) -> dict[str, Any]:
    """The ``occurrence``-th step labelled ``label`` in an SDK driver's report of one flow (the Node and Java drivers
    report steps alike: ``{"label", ...}`` in order)."""
    matching: list[dict[str, Any]] = [s for s in result["steps"] if s["label"] == label]
    assert len(matching) > occurrence, f"no step {label!r} #{occurrence}: {[s['label'] for s in result['steps']]}"
    return matching[occurrence]


def succeeded(results: dict[str, Any], flow: str) -> dict[str, Any]:
    """The report of ``flow`` from :func:`run_sdk_flows`'s ``results``, failing the test (with the error and the steps
    the SDK got through) when the flow threw."""
    result: dict[str, Any] = results[flow]
    if not result["ok"]:
        error = result.get("error") or {}
        steps = json.dumps(result.get("steps"), indent=1)[:4000]
        pytest.fail(
            f"{flow} threw {error.get('name')}: {error.get('message')}\nsteps: {steps}\n{error.get('stack', '')}",
            pytrace=False,
        )
    return result


def reported_messages(summary: dict[str, Any]) -> list[tuple[str | None, str]]:
    """The messages okta-auth-js reports for a refused form (Okta's field messages, gathered by the SDK), as (i18n
    key, text)."""
    return [(m["key"], m["message"]) for m in summary["messages"]]


def run_sdk_flows(plan: list[dict[str, Any]]) -> dict[str, Any]:
    """Runs okta-auth-js flows (``run_sdk_flows.mjs``: one spec per flow, see its header) at once in one Node process;
    each flow's report by its ``id``."""
    return run_node_script("run_sdk_flows.mjs", {"flows": plan})


def run_node_script(script: str, payload: dict[str, Any]) -> dict[str, Any]:
    """One of this folder's Node runners, given ``payload`` as JSON on stdin: the ``results`` it prints. Fails the
    test when Node is missing or the runner itself breaks."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH, but e2e/compat/node_modules is installed", pytrace=False)
    proc = subprocess.run(
        [node, script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=COMPAT_DIR,
        timeout=NODE_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"{script} exited {proc.returncode}\n{proc.stderr[-4000:]}", pytrace=False)
    results: dict[str, Any] = json.loads(proc.stdout)["results"]
    return results
