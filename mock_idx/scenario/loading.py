"""Finding, reading and checking scenarios: the built-in ones by name, files by path, texts from the control API,
each refused with every problem on its line (:class:`ScenarioError`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..config import Settings
from ..default_org import DEFAULT_SCENARIO, policy_in_force
from ..model.policy import Policy
from ..yaml_check import Problem, check_yaml
from .models import Scenario

BUILTIN_DIR = Path(__file__).parent.parent / "scenarios"
BUILTIN_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ScenarioError(ValueError):
    """A scenario that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem], source: str = "scenario") -> None:
        super().__init__(f"{source} is invalid:\n" + "\n".join(f"  line {p}" for p in problems))
        self.problems = problems


class UnknownScenario(ValueError):
    """No built-in scenario has that name."""


def builtin_names() -> list[str]:
    return sorted(path.stem for path in BUILTIN_DIR.glob("*.yaml"))


def builtin_path(name: str) -> Path:
    """The file of a built-in scenario; only plain names, so a request can never reach other files."""
    path = BUILTIN_DIR / f"{name}.yaml"
    if not BUILTIN_NAME.match(name) or not path.is_file():
        raise UnknownScenario(f"no built-in scenario {name!r}; there are: {', '.join(builtin_names())}")
    return path


def resolve(name_or_path: str) -> Path:
    """A path to a YAML file, or the name of a built-in scenario."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    return builtin_path(name_or_path)


def referenced_name(text: str) -> str | None:
    """The name in a ``{"name": "push-denied"}`` document: how the control API is asked for a built-in scenario."""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return None
    if isinstance(data, dict) and list(data) == ["name"] and isinstance(data["name"], str):
        return data["name"]
    return None


def load(name_or_path: str | None = None) -> Scenario:
    path = resolve(name_or_path or DEFAULT_SCENARIO)
    return parse(path.read_text(encoding="utf-8"), source=str(path))


def parse(text: str, source: str = "scenario") -> Scenario:
    """The scenario in ``text``, or :class:`ScenarioError` listing every problem with its line."""
    loaded, problems = check_yaml(text, Scenario, _duplicate_logins)
    if loaded is None or problems:
        raise ScenarioError(problems, source)
    return loaded


def validate_file(path: Path) -> list[Problem]:
    """Every problem in a scenario file; an empty list means the file is valid."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return [Problem(0, "(file)", f"cannot read: {error.strerror}")]
    return validate_text(text)


def validate_text(text: str) -> list[Problem]:
    return check_yaml(text, Scenario, _duplicate_logins)[1]


def _duplicate_logins(data: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """What the schema cannot see: the same login listed twice (logins are case-insensitive). Read from the raw
    data, so it is reported alongside the schema's own complaints."""
    users = data.get("users") if isinstance(data, dict) else None
    first_seen: dict[str, int] = {}
    for index, user in enumerate(users if isinstance(users, list) else []):
        login = user.get("login") if isinstance(user, dict) else None
        if isinstance(login, str) and first_seen.setdefault(login.lower(), index) != index:
            yield ("users", index, "login"), f"{login!r} is already users.{first_seen[login.lower()]}"


def policy_for(loaded: Scenario, settings: Settings) -> Policy:
    """The scenario's policy, with the few knobs the command line may override (fast polling in tests)."""
    return policy_in_force(loaded, settings)
