"""``python -m mock_idx.schema``: rewrite the shipped scenario JSON Schema after changing the models."""

from . import write

print(f"wrote {write()}")  # noqa: T201 (a command)
