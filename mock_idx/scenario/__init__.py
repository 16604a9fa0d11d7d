"""Scenarios: the org a server starts with (settings, clients, users and how their phones behave), as YAML.

- :mod:`.models`: the schema (pydantic), each spec beside its mapping to and from the engine's model objects;
- :mod:`.loading`: built-in scenarios, files and texts, validated with every problem on its line;
- :mod:`.generation`: made-up people (Faker) for ``generate`` groups and the control client.

Callers import from here; the modules are how the package is organised, not separate APIs.
"""

from __future__ import annotations

from ..default_org import DEFAULT_SCENARIO
from .generation import login_for
from .loading import (
    BUILTIN_DIR,
    ScenarioError,
    UnknownScenario,
    builtin_names,
    builtin_path,
    load,
    parse,
    policy_for,
    referenced_name,
    resolve,
    validate_file,
    validate_text,
)
from .models import (
    MAX_LIST,
    MAX_LOGIN,
    MAX_TEXT,
    MAX_URI,
    MAX_USERS,
    AuthenticatorsSpec,
    ClientSpec,
    FaultSpec,
    GenerateSpec,
    OktaVerifySpec,
    PushSpec,
    Scenario,
    SettingsSpec,
    TotpSpec,
    UserBody,
    UserSpec,
    user_json,
)

__all__ = [
    "BUILTIN_DIR",
    "DEFAULT_SCENARIO",
    "MAX_LIST",
    "MAX_LOGIN",
    "MAX_TEXT",
    "MAX_URI",
    "MAX_USERS",
    "AuthenticatorsSpec",
    "ClientSpec",
    "FaultSpec",
    "GenerateSpec",
    "OktaVerifySpec",
    "PushSpec",
    "Scenario",
    "ScenarioError",
    "SettingsSpec",
    "TotpSpec",
    "UnknownScenario",
    "UserBody",
    "UserSpec",
    "builtin_names",
    "builtin_path",
    "load",
    "login_for",
    "parse",
    "policy_for",
    "referenced_name",
    "resolve",
    "user_json",
    "validate_file",
    "validate_text",
]
