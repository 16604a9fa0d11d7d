"""The pytest example in docs/pytest-example.md runs as written, so it cannot rot. (The README's own example is run
by tests/docs/test_readme.py.)

Its ``myapp`` is the suite's small IDX app (tests/support/idx_app.py), standing in for the reader's own code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "pytest-example.md"


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_documented_example_passes(pytester: pytest.Pytester) -> None:
    blocks = python_blocks(EXAMPLE.read_text(encoding="utf-8"))
    assert len(blocks) == 1 and blocks[0].count("\ndef test_") == 2
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(myapp="from tests.support.idx_app import sign_in\n", test_example=blocks[0])
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
