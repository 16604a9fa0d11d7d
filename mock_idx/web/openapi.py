"""The control API described in OpenAPI 3.1, for people, client generators and schemathesis (tests/fuzz drives the
API from it); ``GET /_mock/v1/openapi.json`` serves it.

The description is the shipped file ``mock_idx/schema/control-openapi.json``. The request bodies that pydantic models
validate (users, fault rules, scenarios) are those models' own JSON Schemas, copied into ``components.schemas`` by
:func:`write` (``python -m mock_idx.web.openapi``), and a test fails when the file and the models disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..scenario import FaultSpec, Scenario, UserBody

OPENAPI_FILE = Path(__file__).resolve().parent.parent / "schema" / "control-openapi.json"
MODELS = (UserBody, FaultSpec, Scenario)
VALIDATORS: dict[str, dict[str, Any]] = {
    "FaultSpec": {
        "properties": {
            "status": {"anyOf": [{"const": 429}, {"type": "integer", "minimum": 500, "maximum": 599}, {"type": "null"}]}
        },
        "anyOf": [
            {"required": ["status"], "properties": {"status": {"type": "integer"}}},
            {"required": ["drop"], "properties": {"drop": {"const": True}}},
            {"required": ["delay_ms"], "properties": {"delay_ms": {"minimum": 1}}},
        ],
        "not": {"required": ["drop", "status"], "properties": {"drop": {"const": True}, "status": {"type": "integer"}}},
    },
}
"""What the models' validators check beyond their fields, which pydantic cannot put in a JSON Schema: a fault rule
answers 429 or a 5xx, and does something (a status, a delay or a drop) but not both a status and a drop."""


def model_schemas() -> dict[str, Any]:
    """Each model's JSON Schema, its nested models hoisted beside it as OpenAPI components."""
    schemas: dict[str, Any] = {}
    for model in MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    for name, rules in VALIDATORS.items():
        schemas[name] = _merged(schemas[name], rules)
    return schemas


def _merged(schema: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    merged = {**schema, **{k: v for k, v in rules.items() if k != "properties"}}
    merged["properties"] = {
        name: {**field, **rules.get("properties", {}).get(name, {})} for name, field in schema["properties"].items()
    }
    return merged


def write(path: Path = OPENAPI_FILE) -> Path:
    """Copy the models' current schemas into the shipped description."""
    document = json.loads(path.read_text(encoding="utf-8"))
    document["components"]["schemas"].update(model_schemas())
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write()}")  # noqa: T201 (a command)
