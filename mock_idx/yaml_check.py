"""Checking YAML text against a pydantic model, with every problem placed on its line.

Why: a person editing a scenario needs "line 12: users.1.password: Field required", not a pydantic traceback, and
needs all the problems at once rather than one per try. Knows nothing about scenarios: the model and any extra checks
come from the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it: a scenario loads with every test's server, so speed counts."""
ExtraCheck = Callable[[Any], Iterable[tuple[tuple[Any, ...], str]]]
"""Given the raw data, yields ``(location, message)`` for problems the model cannot see."""
MAX_VALUES = 200_000
"""How many values a document may hold once its aliases are expanded. YAML aliases let a few kilobytes stand for
billions of values ("billion laughs"); the loader shares them, but validation walks every one."""


class TooLarge(Exception):
    pass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, where a person can find it."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.field}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


def check_yaml(text: str, model: type[M], extra: ExtraCheck | None = None) -> tuple[M | None, list[Problem]]:
    """The validated model (``None`` if the schema refused the text) and every problem found, in line order. An
    empty document is an empty mapping."""
    try:
        root, data = _load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [
            Problem(
                mark.line + 1 if mark else 0, "(yaml)", f"not valid YAML: {getattr(error, 'problem', None) or error}"
            )
        ]
    except RecursionError:
        return None, [Problem(1, "(yaml)", "nested too deeply")]
    data = {} if data is None else data
    try:
        _count_values(data, MAX_VALUES)
    except TooLarge:
        return None, [Problem(1, "(yaml)", f"expands to more than {MAX_VALUES} values (are aliases repeating it?)")]
    problems = [_problem(root, loc, message) for loc, message in (extra(data) if extra else ())]
    try:
        validated = model.model_validate(data)
    except ValidationError as error:
        problems += [_problem(root, issue["loc"], issue["msg"]) for issue in error.errors()]
        return None, sorted(problems, key=lambda problem: problem.line)
    return validated, problems


def _load(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (which knows lines) and the data built from it, in one parse."""
    loader = SafeLoader(text)
    try:
        root = loader.get_single_node()
        return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


def _count_values(data: Any, budget: int) -> int:
    """Values in ``data`` as validation will see them (each alias counted again); :class:`TooLarge` past
    ``budget``. Iterative, so it also stops once the budget runs out however deep or wide the expansion would be."""
    stack, seen = [data], 0
    while stack:
        value = stack.pop()
        seen += 1
        if seen > budget:
            raise TooLarge
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return seen


def _problem(root: yaml.Node | None, loc: tuple[Any, ...], message: str) -> Problem:
    return Problem(line_of(root, loc), ".".join(str(part) for part in loc) or "(top level)", message)


def line_of(node: yaml.Node | None, path: tuple[Any, ...]) -> int:
    """The line of the deepest YAML node that ``path`` reaches (1-based), for messages people can act on."""
    line = node.start_mark.line + 1 if node is not None else 0
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line
