"""Scenarios: the org a server starts with (settings, clients, users and how their phones behave), as YAML.

The pydantic models here are the schema: they validate files, the control API's user bodies, and generate the JSON
Schema shipped for editors. They translate into the engine's plain model objects and never reach the engine itself.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .model.directory import NumberAnswer, OktaVerifyEnrollment, PushBehaviour, PushOutcome, User, VerifyMethod
from .config import Settings
from .model.policy import Client, Policy

BUILTIN_DIR = Path(__file__).parent / "scenarios"
DEFAULT_SCENARIO = "manual-tap"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PushSpec(_Strict):
    outcome: Literal["manual", "approve", "deny", "timeout"] = "manual"
    after_polls: int = Field(0, ge=0, description="Scripted answers come after this many polls")
    after_seconds: float | None = Field(None, ge=0, description="...or after this many seconds")
    number_challenge: bool = False
    number_answer: Literal["correct", "wrong"] = "correct"

    def to_model(self) -> PushBehaviour:
        return PushBehaviour(outcome=PushOutcome(self.outcome), after_polls=self.after_polls,
                             after_seconds=self.after_seconds, number_challenge=self.number_challenge,
                             number_answer=NumberAnswer(self.number_answer))


class TotpSpec(_Strict):
    secret: str | None = Field(None, pattern=r"^[A-Z2-7]{16,}=*$", description="Base32; generated when absent")


class OktaVerifySpec(_Strict):
    methods: list[Literal["push", "totp"]] = Field(default_factory=lambda: ["push", "totp"], min_length=1)
    push: PushSpec = Field(default_factory=PushSpec)
    totp: TotpSpec = Field(default_factory=TotpSpec)

    def to_model(self) -> OktaVerifyEnrollment:
        enrollment = OktaVerifyEnrollment(methods=tuple(VerifyMethod(m) for m in self.methods),
                                          push=self.push.to_model())
        if self.totp.secret:
            enrollment.totp_secret = self.totp.secret
        return enrollment


class AuthenticatorsSpec(_Strict):
    okta_verify: OktaVerifySpec | None = None


class UserBody(_Strict):
    """A user as the control API's ``PUT /_mock/v1/users/{login}`` takes it."""

    password: str = Field(min_length=1)
    profile: dict[str, str] = Field(default_factory=dict)
    authenticators: AuthenticatorsSpec = Field(default_factory=lambda: AuthenticatorsSpec(okta_verify=OktaVerifySpec()))

    def to_model(self, login: str) -> User:
        okta_verify = self.authenticators.okta_verify
        return User(login=login, password=self.password, profile=dict(self.profile),
                    okta_verify=okta_verify.to_model() if okta_verify else None)


class UserSpec(UserBody):
    login: str = Field(min_length=1)


class ClientSpec(_Strict):
    client_id: str = Field(min_length=1)
    redirect_uris: list[str] = Field(default_factory=list)
    label: str = "mock-idx app"


class SettingsSpec(_Strict):
    poll_refresh_ms: int = Field(4000, ge=50)
    push_lifetime: float = Field(300, gt=0)
    transaction_lifetime: float = Field(600, gt=0)
    interaction_code_lifetime: float = Field(60, gt=0)
    access_token_lifetime: float = Field(3600, gt=0)
    id_token_lifetime: float = Field(3600, gt=0)
    refresh_token_lifetime: float = Field(30 * 24 * 3600, gt=0)
    authorization_servers: list[str] = Field(default_factory=list)
    clients: list[ClientSpec] = Field(default_factory=list)

    def to_policy(self) -> Policy:
        values = self.model_dump(exclude={"clients", "authorization_servers"})
        return Policy(**values, authorization_servers=tuple(self.authorization_servers),
                      clients=tuple(Client(client_id=c.client_id, redirect_uris=tuple(c.redirect_uris),
                                           label=c.label) for c in self.clients))


class Scenario(_Strict):
    description: str = ""
    settings: SettingsSpec = Field(default_factory=SettingsSpec)
    users: list[UserSpec] = Field(default_factory=list)

    def to_policy(self) -> Policy:
        return self.settings.to_policy()

    def to_users(self) -> list[User]:
        return [spec.to_model(spec.login) for spec in self.users]


def resolve(name_or_path: str) -> Path:
    """A path to a YAML file, or the name of a built-in scenario."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    return BUILTIN_DIR / f"{name_or_path}.yaml"


def load(name_or_path: str | None = None) -> Scenario:
    path = resolve(name_or_path or DEFAULT_SCENARIO)
    return parse(path.read_text(encoding="utf-8"))


def parse(text: str) -> Scenario:
    return Scenario.model_validate(yaml.safe_load(text) or {})


def validate_file(path: Path) -> list[str]:
    """Every problem in a scenario file as ``LINE: field: message``; an empty list means the file is valid."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return [f"0: cannot read: {error.strerror}"]
    return validate_text(text)


def validate_text(text: str) -> list[str]:
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [f"{mark.line + 1 if mark else 0}: not valid YAML: {getattr(error, 'problem', error)}"]
    try:
        Scenario.model_validate(data)
    except ValidationError as error:
        return [_describe(root, issue) for issue in error.errors()]
    return []


def _describe(root: yaml.Node | None, issue: dict) -> str:
    location = ".".join(str(part) for part in issue["loc"]) or "(top level)"
    return f"{_line_of(root, issue['loc'])}: {location}: {issue['msg']}"


def _line_of(node: yaml.Node | None, path: tuple) -> int:
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


def policy_for(loaded: Scenario, settings: Settings) -> Policy:
    """The scenario's policy, with the few knobs the command line may override (fast polling in tests)."""
    overrides = {name: value for name in ("poll_refresh_ms", "push_lifetime")
                 if (value := getattr(settings, name)) is not None}
    return replace(loaded.to_policy(), **overrides)
