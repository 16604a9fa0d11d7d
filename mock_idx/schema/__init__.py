"""The JSON Schema of scenario files, generated from the pydantic models in :mod:`mock_idx.scenario.models`.

It is shipped as a file so editors (the YAML language server) can complete and check scenarios; a test fails when
the file and the models disagree. Regenerate it with ``python -m mock_idx.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..scenario import Scenario

SCHEMA_FILE = Path(__file__).parent / "scenario.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scenario_schema() -> dict[str, Any]:
    return {"$schema": DIALECT, **Scenario.model_json_schema(), "title": "mock-idx scenario"}


def render() -> str:
    return json.dumps(scenario_schema(), indent=2, sort_keys=True) + "\n"


def write(path: Path = SCHEMA_FILE) -> Path:
    path.write_text(render(), encoding="utf-8")
    return path
