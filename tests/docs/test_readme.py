"""The README's examples run as written: the pytest one through pytester, the plain Python one as a script."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"

pytest_plugins = ["pytester"]


def readme_example(marker: str = "readme-example") -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\s*```python\n(.*?)```", text, re.DOTALL)
    assert match, f"the README lost its example marked {marker}"
    return match.group(1)


def test_the_readme_example_passes(pytester):
    pytester.makepyfile(test_readme_example=readme_example())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_readme_python_api_example_runs(tmp_path):
    script = tmp_path / "example.py"
    script.write_text(readme_example("readme-api-example"), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"\S+@\S+ signs in at http://127\.0\.0\.1:\d+/oauth2/default with \S+ and \d{6}\n", done.stdout)
