"""``python -m mock_idx.schema``: rewrite the shipped scenario JSON Schema after changing the models."""
