"""A parsed IDX document: remediations, their forms and fields, `relatesTo` links and messages.

This layer knows the IDX *format*, not any flow: it never decides what a document means for sign-in (that is
`interpret.py`) and never talks to the network (`transport.py`). Parsing is lenient, because a client that must
work against a real Okta org should not break on a field it does not need.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
MAX_REFRESH_MS = 60_000
"""Okta asks for 4000; a server asking for minutes (or for more than a browser timer holds) is capped to a minute."""


@dataclass(frozen=True)
class Message:
    """A server message: global (`field` None) or attached to a form field (`field` is its dotted name)."""

    text: str
    key: str | None = None
    level: str = "ERROR"
    field: str | None = None

    @property
    def is_error(self) -> bool:
        return self.level.upper() == "ERROR"


@dataclass(frozen=True)
class Option:
    """One choice of a field: a scalar `value`, or a sub-`form` (authenticator choices), plus what it relates to."""

    label: str
    value: Any
    form: tuple[Field, ...] | None
    relates_to: Any

    def form_field(self, name: str) -> Field | None:
        return _find(self.form or (), name)

    def fixed_values(self) -> dict[str, Any]:
        """The immutable values of the option's form: what the SDKs send to pick this option."""
        return {f.name: f.fixed_value() for f in self.form or () if not f.mutable}


@dataclass(frozen=True)
class Field:
    """A form field; `form` holds the sub-fields of an object field such as `credentials` or `authenticator`;
    `type` is the server's (`boolean` for a checkbox such as `revokeSessions`), None when it names none."""

    name: str
    label: str | None = None
    type: str | None = None
    value: Any = None
    mutable: bool = True
    required: bool = False
    secret: bool = False
    options: tuple[Option, ...] = ()
    form: tuple[Field, ...] | None = None
    messages: tuple[Message, ...] = ()

    def sub_field(self, name: str) -> Field | None:
        return _find(self.form or (), name)

    def fixed_value(self) -> Any:
        """What an immutable field always contributes to a request body (`""` when it has no value, as auth-js)."""
        return "" if self.value is None else self.value


@dataclass(frozen=True)
class Remediation:
    """A submittable form: a remediation, the `cancel` object, or an action such as `currentAuthenticator.resend`."""

    name: str
    href: str
    method: str = "POST"
    accepts: str | None = None
    refresh: int | None = None
    relates_to: Any = None
    fields: tuple[Field, ...] = ()

    def field(self, name: str) -> Field | None:
        return _find(self.fields, name)

    def body(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The request body: the caller's values with every immutable value (stateHandle, ids) forced in."""
        return _merge_fixed(self.fields, values)


@dataclass(frozen=True)
class IdxDocument:
    """One IDX response, with helpers to find remediations and resolve `relatesTo` paths."""

    raw: Mapping[str, Any]
    remediations: tuple[Remediation, ...] = field(default=())

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> IdxDocument:
        items = _wrapped(raw.get("remediation"))
        return cls(raw, tuple(_parse_form(item, raw) for item in items if isinstance(item, Mapping)))

    @property
    def state_handle(self) -> str | None:
        return self.raw.get("stateHandle")

    def remediation(self, name: str) -> Remediation | None:
        return next((r for r in self.remediations if r.name == name), None)

    def has(self, name: str) -> bool:
        return self.remediation(name) is not None

    @property
    def cancel(self) -> Remediation | None:
        return self._top_level_form("cancel")

    @property
    def success(self) -> Remediation | None:
        return self._top_level_form("successWithInteractionCode")

    @property
    def interaction_code(self) -> str | None:
        form = self.success
        code = form.field("interaction_code") if form else None
        return code.value if code and code.value else None

    @property
    def current_authenticator(self) -> Mapping[str, Any] | None:
        """The authenticator in play: `currentAuthenticator` (Okta Verify, any enrollment), else the user's enrollment
        being verified (`currentAuthenticatorEnrollment`: email, phone, security question...)."""
        for key in ("currentAuthenticator", "currentAuthenticatorEnrollment"):
            current = unwrap(self.raw.get(key))
            if isinstance(current, Mapping):
                return current
        return None

    def current_authenticator_action(self, name: str) -> Remediation | None:
        """An action form inside the current authenticator (`resend` while a push is pending or a code was sent)."""
        action = (self.current_authenticator or {}).get(name)
        return _parse_form(action, self.raw) if isinstance(action, Mapping) and "href" in action else None

    @property
    def messages(self) -> tuple[Message, ...]:
        """Global messages first, then every field message of every remediation (de-duplicated)."""
        found = [_message(m) for m in _wrapped(self.raw.get("messages")) if isinstance(m, Mapping)]
        for remediation in self.remediations:
            found.extend(m for f in _walk(remediation.fields) for m in f.messages)
        return tuple(dict.fromkeys(found))

    def resolve(self, path: Any) -> Any:
        return resolve(self.raw, path)

    def _top_level_form(self, key: str) -> Remediation | None:
        value = self.raw.get(key)
        return _parse_form(value, self.raw) if isinstance(value, Mapping) else None


def resolve(raw: Mapping[str, Any], path: Any) -> Any:
    """Resolve a `relatesTo` path (`"$.authenticators.value[0]"` or `["$.currentAuthenticator"]`), None if absent."""
    if isinstance(path, list):
        path = path[0] if path else None
    if not isinstance(path, str) or not path.startswith("$"):
        return None
    node: Any = raw
    for name, index in _PATH_STEP.findall(path[1:]):
        try:
            node = node[int(index)] if index else node[name]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def unwrap(node: Any) -> Any:
    """`{"type": "object", "value": {...}}` -> the inner object; anything else unchanged."""
    if isinstance(node, Mapping) and node.get("type") == "object" and isinstance(node.get("value"), Mapping):
        return node["value"]
    return node


def _wrapped(node: Any) -> list[Any]:
    """The list inside an ion collection `{"type": "array", "value": [...]}` (or a bare list)."""
    value = node.get("value") if isinstance(node, Mapping) else node
    return value if isinstance(value, list) else []


def _parse_form(item: Mapping[str, Any], raw: Mapping[str, Any]) -> Remediation:
    accepts = item.get("accepts")
    return Remediation(
        name=str(item.get("name", "")),
        href=str(item.get("href", "")),
        method=str(item.get("method") or "POST").upper(),
        accepts=accepts if isinstance(accepts, str) else None,
        refresh=_refresh_ms(item.get("refresh")),
        relates_to=resolve(raw, item.get("relatesTo")),
        fields=_parse_fields(item.get("value", []), raw, ""),
    )


def _refresh_ms(value: Any) -> int | None:
    """A poll interval in ms: a positive finite number, capped at MAX_REFRESH_MS; None (use the default) otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        return None
    return min(int(value), MAX_REFRESH_MS)


def _parse_fields(items: Any, raw: Mapping[str, Any], prefix: str) -> tuple[Field, ...]:
    return (
        tuple(_parse_field(item, raw, prefix) for item in items if isinstance(item, Mapping))
        if isinstance(items, list)
        else ()
    )


def _parse_field(item: Mapping[str, Any], raw: Mapping[str, Any], prefix: str) -> Field:
    name = str(item.get("name", ""))
    dotted = f"{prefix}.{name}" if prefix else name
    value, form = item.get("value"), item.get("form")
    if form is None and isinstance(value, Mapping) and "form" in value:
        # e.g. the rejected push's `resend` remediation: `value: {form: {value: [...]}}`
        form = value["form"]
        value = None
    return Field(
        name=name,
        label=item.get("label"),
        type=item["type"] if isinstance(item.get("type"), str) else None,
        value=value,
        mutable=item.get("mutable", True) is not False,
        required=bool(item.get("required", False)),
        secret=bool(item.get("secret", False)),
        options=tuple(_parse_option(o, raw, dotted) for o in item.get("options") or () if isinstance(o, Mapping)),
        form=_parse_fields(form.get("value", []), raw, dotted) if isinstance(form, Mapping) else None,
        messages=tuple(_message(m, dotted) for m in _wrapped(item.get("messages")) if isinstance(m, Mapping)),
    )


def _parse_option(item: Mapping[str, Any], raw: Mapping[str, Any], prefix: str) -> Option:
    value = item.get("value")
    form = value.get("form") if isinstance(value, Mapping) else None
    return Option(
        label=str(item.get("label") or ""),
        value=None if form is not None else value,
        form=_parse_fields(form.get("value", []), raw, prefix) if isinstance(form, Mapping) else None,
        relates_to=resolve(raw, item.get("relatesTo")),
    )


def _message(item: Mapping[str, Any], field_name: str | None = None) -> Message:
    i18n = item.get("i18n")
    return Message(
        text=str(item.get("message", "")),
        key=i18n.get("key") if isinstance(i18n, Mapping) else None,
        level=str(item.get("class") or "ERROR"),
        field=field_name,
    )


def _find(fields: tuple[Field, ...], name: str) -> Field | None:
    return next((f for f in fields if f.name == name), None)


def _walk(fields: tuple[Field, ...]) -> Iterator[Field]:
    """Every field, nested ones included: sub-forms, and the forms of options (a security question enrollment's
    `credentials` is a choice of two forms, and Okta puts its messages on the answer inside them)."""
    for f in fields:
        yield f
        yield from _walk(f.form or ())
        for option in f.options:
            yield from _walk(option.form or ())


def _merge_fixed(fields: tuple[Field, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    body = dict(values)
    for f in fields:
        if f.form is not None:
            given = body.get(f.name)
            nested = _merge_fixed(f.form, given if isinstance(given, Mapping) else {})
            if nested:
                body[f.name] = nested
        elif not f.mutable:
            body[f.name] = f.fixed_value()
    return body
