"""Builders for the pieces every IDX document is made of: forms, fields and ``{type, value}`` wrappers.

Each form carries the immutable ``stateHandle`` field: the SDKs copy immutable fields into the request body, and
without it they post no stateHandle at all (the top-level one is not enough).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ION_CONTENT_TYPE = "application/ion+json; okta-version=1.0.0"
"""What Okta answers IDX requests with, and what each form says it produces."""
ACCEPTS = "application/json; okta-version=1.0.0"
PRODUCES = ION_CONTENT_TYPE

Field = dict[str, Any]
Form = dict[str, Any]


def state_handle_field(state_handle: str) -> Field:
    return {"name": "stateHandle", "required": True, "value": state_handle, "visible": False, "mutable": False}


def form(
    name: str,
    href: str,
    state_handle: str,
    fields: Sequence[Field] = (),
    *,
    relates_to: str | None = None,
    refresh: int | None = None,
) -> Form:
    """A submittable remediation or action (``rel: create-form``) posting JSON to ``href``."""
    built: Form = {"rel": ["create-form"], "name": name}
    if relates_to:
        built["relatesTo"] = [relates_to]
    built["href"] = href
    built["method"] = "POST"
    built["produces"] = PRODUCES
    if refresh is not None:
        built["refresh"] = refresh
    built["value"] = [*fields, state_handle_field(state_handle)]
    built["accepts"] = ACCEPTS
    return built


def field(name: str, **attributes: Any) -> Field:
    return {"name": name, **attributes}


def fixed(name: str, value: Any) -> Field:
    """A field the client must send back unchanged."""
    return {"name": name, "required": True, "value": value, "mutable": False}


def nested(name: str, fields: list[Field], **attributes: Any) -> Field:
    """An object-valued field such as ``credentials`` or ``authenticator``, its fields under ``form``."""
    return {"name": name, "type": "object", **attributes, "form": {"value": fields}}


def option(label: str, value: Any, relates_to: str | None = None) -> dict[str, Any]:
    built: dict[str, Any] = {"label": label, "value": value}
    if relates_to:
        built["relatesTo"] = relates_to
    return built


def as_object(value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "value": value}


def as_array(values: list[Any]) -> dict[str, Any]:
    return {"type": "array", "value": values}
