"""Run by ``bench.startup`` as ``pytest fixture_probe.py``: two tests that take the ``mock_idx`` fixture and make
their first request. The first pays for the session's signing key, the second shows what every later test pays.
Not part of the test suite (its name does not start with ``test_``)."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from pathlib import Path

import pytest


@pytest.fixture
def setup_began() -> float:
    """Requested before ``mock_idx``, so it runs first: the moment the fixture's setup starts."""
    return time.time()


@pytest.mark.parametrize("test", ["first", "second"])
def test_first_request(test, setup_began, mock_idx) -> None:
    with urllib.request.urlopen(mock_idx.issuer + "/.well-known/openid-configuration") as response:
        assert response.status == 200
    answered = time.time()
    path = os.environ["BENCH_PROBE_REPORT"]
    report = json.loads(Path(path).read_text(encoding="utf-8")) if os.path.exists(path) else {}
    report[test] = {"setup": setup_began, "answered": answered}
    with open(path, "w", encoding="utf-8") as out:
        json.dump(report, out)
