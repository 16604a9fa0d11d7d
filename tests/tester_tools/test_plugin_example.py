"""The pytest examples in docs/pytest-example.md run as written, so they cannot rot. (The README's own example is run
by tests/docs/test_readme.py.)

Their ``myapp`` is the suite's small IDX app (tests/support/idx_app.py), standing in for the reader's own code, and
the page's one YAML block is the ``orders.yaml`` scenario its groups example loads. The authenticators example signs
in with email codes and enrolls Okta Verify through the same app.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "pytest-example.md"


def code_blocks(markdown: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_documented_examples_pass(pytester: pytest.Pytester) -> None:
    markdown = EXAMPLE.read_text(encoding="utf-8")
    blocks = code_blocks(markdown, "python")
    assert [block.count("\ndef test_") for block in blocks] == [2, 2, 1]
    (scenario,) = code_blocks(markdown, "yaml")
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makefile(".yaml", orders=scenario)
    pytester.makepyfile(
        myapp="from tests.support.idx_app import sign_in\n",
        test_example=blocks[0],
        test_authenticators_example=blocks[1],
        test_groups_example=blocks[2],
    )
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
