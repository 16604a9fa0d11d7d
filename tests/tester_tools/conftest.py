"""Fixtures for the tester-tools tests: the ``mock_idx`` fixture comes from mock-idx's own pytest plugin (the one users
get), and ``app`` is a small IDX app signed up with that server's issuer."""

from __future__ import annotations

import pytest

from mock_idx.pytest_plugin import MockIdx
from tests.support.idx_app import IdxApp


@pytest.fixture
def app(mock_idx: MockIdx) -> IdxApp:
    return IdxApp(mock_idx.issuer)
