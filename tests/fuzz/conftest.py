"""One live mock_idx server for the whole fuzz suite (in a background thread, on a loopback port), and the checks
every fuzzed answer must pass."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mock_idx.testing import MockIdxServer
from tests.fuzz.invariants import FUZZ_SETTINGS


@pytest.fixture(scope="session")
def server() -> Iterator[MockIdxServer]:
    with MockIdxServer(FUZZ_SETTINGS) as running:
        yield running


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
