"""The README's pytest example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"

pytest_plugins = ["pytester"]


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- readme-example -->\s*```python\n(.*?)```", text, re.DOTALL)
    assert match, "the README lost its marked pytest example"
    return match.group(1)


def test_the_readme_example_passes(pytester):
    pytester.makepyfile(test_readme_example=readme_example())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
