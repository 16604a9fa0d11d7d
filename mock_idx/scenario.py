"""Scenarios: the org a server starts with (settings, clients, users and how their phones behave), as YAML.

The pydantic models here are the schema: they validate files, the control API's user bodies, and generate the JSON
Schema shipped for editors. They translate into the engine's plain model objects and never reach the engine itself.
"""

from __future__ import annotations

import base64
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from .config import Settings
from .model.directory import (
    NumberAnswer,
    OktaVerifyEnrollment,
    PushBehaviour,
    PushOutcome,
    User,
    VerifyMethod,
)
from .model.faults import FaultRule
from .model.policy import DEFAULT_CLIENT_LABEL, MAX_LIFETIME, POLL_REFRESH_MS_RANGE, Client, Policy
from .yaml_check import Problem, check_yaml

BUILTIN_DIR = Path(__file__).parent / "scenarios"
DEFAULT_SCENARIO = "manual-tap"
BUILTIN_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# Bounds: whatever the schema accepts, the server must be able to serve, and no scenario may stall it.
MAX_USERS = 10_000
"""Listed and generated users together, counted after YAML aliases are expanded."""
MAX_LOGIN = 100
"""Okta's own limit on a login."""
MAX_TEXT = 1024
MAX_URI = 2048
MAX_LIST = 1000

Login = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LOGIN)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Uri = Annotated[str, StringConstraints(min_length=1, max_length=MAX_URI)]
Lifetime = Annotated[float, Field(gt=0, le=MAX_LIFETIME)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PushSpec(_Strict):
    outcome: Literal["manual", "approve", "deny", "timeout"] = "manual"
    after_polls: int = Field(0, ge=0, le=1_000_000, description="Scripted answers come after this many polls")
    after_seconds: float | None = Field(None, ge=0, le=MAX_LIFETIME, description="...or after this many seconds")
    number_challenge: bool = False
    number_answer: Literal["correct", "wrong"] = "correct"

    def to_model(self) -> PushBehaviour:
        return PushBehaviour(
            outcome=PushOutcome(self.outcome),
            after_polls=self.after_polls,
            after_seconds=self.after_seconds,
            number_challenge=self.number_challenge,
            number_answer=NumberAnswer(self.number_answer),
        )


class TotpSpec(_Strict):
    secret: str | None = Field(
        None,
        pattern=r"^[A-Z2-7]{23,}=*$",
        description="Base32, at least 23 characters (112 bits, as authenticator apps require); generated when absent",
    )


Methods = list[Literal["push", "totp"]]


def _both_methods() -> Methods:
    return ["push", "totp"]


class OktaVerifySpec(_Strict):
    methods: Methods = Field(default_factory=_both_methods, min_length=1)
    push: PushSpec = Field(default_factory=PushSpec)
    totp: TotpSpec = Field(default_factory=TotpSpec)

    def to_model(self, totp_secret: str | None = None) -> OktaVerifyEnrollment:
        """``totp_secret`` is the fallback when the spec names none (generated users get reproducible ones)."""
        secret = self.totp.secret or totp_secret
        return OktaVerifyEnrollment(
            methods=tuple(VerifyMethod(m) for m in self.methods),
            push=self.push.to_model(),
            **({"totp_secret": secret} if secret else {}),
        )


class AuthenticatorsSpec(_Strict):
    okta_verify: OktaVerifySpec | None = None


class UserBody(_Strict):
    """A user as the control API's ``PUT /_mock/v1/users/{login}`` takes it."""

    password: str = Field(min_length=1, max_length=MAX_TEXT)
    profile: dict[Annotated[str, StringConstraints(min_length=1, max_length=100)], Text] = Field(
        default_factory=dict, max_length=100
    )
    authenticators: AuthenticatorsSpec = Field(default_factory=lambda: AuthenticatorsSpec(okta_verify=OktaVerifySpec()))

    def to_model(self, login: str) -> User:
        okta_verify = self.authenticators.okta_verify
        return User(
            login=login,
            password=self.password,
            profile=dict(self.profile),
            okta_verify=okta_verify.to_model() if okta_verify else None,
        )


class UserSpec(UserBody):
    login: Login


class ClientSpec(_Strict):
    client_id: str = Field(min_length=1, max_length=MAX_TEXT)
    redirect_uris: list[Uri] = Field(default_factory=list, max_length=MAX_LIST)
    label: Text = DEFAULT_CLIENT_LABEL
    post_logout_redirect_uris: list[Uri] = Field(
        max_length=MAX_LIST,
        default_factory=list,
        description="Where /v1/logout may send the browser after sign-out; a client with no URIs at all accepts any",
    )

    def to_client(self) -> Client:
        return Client(
            client_id=self.client_id,
            redirect_uris=tuple(self.redirect_uris),
            label=self.label,
            post_logout_redirect_uris=tuple(self.post_logout_redirect_uris),
        )


class SettingsSpec(_Strict):
    poll_refresh_ms: int = Field(4000, ge=POLL_REFRESH_MS_RANGE[0], le=POLL_REFRESH_MS_RANGE[1])
    push_lifetime: Lifetime = 300
    transaction_lifetime: Lifetime = 600
    interaction_code_lifetime: Lifetime = 60
    access_token_lifetime: Lifetime = 3600
    id_token_lifetime: Lifetime = 3600
    refresh_token_lifetime: Lifetime = 30 * 24 * 3600
    authorization_servers: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]] = Field(
        default_factory=list, max_length=MAX_LIST
    )
    clients: list[ClientSpec] = Field(default_factory=list, max_length=MAX_LIST)

    def to_policy(self) -> Policy:
        values = self.model_dump(exclude={"clients", "authorization_servers"})
        return Policy(
            **values,
            authorization_servers=tuple(self.authorization_servers),
            clients=tuple(c.to_client() for c in self.clients),
        )


class GenerateSpec(_Strict):
    """Many made-up users at once (names by Faker). The same ``seed`` gives the same people, logins and TOTP secrets
    on every run with the same Faker version, so a load test or a screenshot can name them."""

    count: int = Field(ge=1, le=MAX_USERS, description="How many users to make")
    seed: int = Field(0, ge=-(2**63), lt=2**63, description="Same seed, same users")
    password: str = Field(min_length=1, max_length=MAX_TEXT, description="Every generated user's password")
    domain: str = Field("example.com", pattern=r"^[A-Za-z0-9.-]{1,60}$", description="Logins are first.last@domain")
    locale: str = Field("en_US", description="Faker locale for the names")
    methods: Methods = Field(default_factory=_both_methods, min_length=1, description="Okta Verify methods")
    push: PushSpec = Field(default_factory=PushSpec)

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        # Faker is slow to import: only scenarios that generate users pay for it.
        from faker.config import AVAILABLE_LOCALES

        if value not in AVAILABLE_LOCALES:
            raise ValueError(f"unknown Faker locale {value!r}")
        return value

    def to_users(self, taken: set[str]) -> list[User]:
        """The users, skipping logins in ``taken`` (which grows), so generated people never replace listed ones."""
        from faker import Faker

        fake = Faker(self.locale)
        fake.seed_instance(self.seed)
        secrets = random.Random(self.seed)
        okta_verify = OktaVerifySpec(methods=self.methods, push=self.push)
        users = []
        for _ in range(self.count):
            first, last = fake.first_name(), fake.last_name()
            login = login_for(first, last, self.domain, taken)
            secret = base64.b32encode(secrets.randbytes(20)).decode()
            users.append(
                User(
                    login=login,
                    password=self.password,
                    profile={"firstName": first, "lastName": last, "name": f"{first} {last}"},
                    okta_verify=okta_verify.to_model(totp_secret=secret),
                )
            )
        return users


class FaultSpec(_Strict):
    """A fault or latency rule, in a scenario's ``faults`` list or as the body of ``POST /_mock/v1/faults``."""

    route: str = Field(
        pattern=r"^/",
        max_length=MAX_URI,
        description="Request path, e.g. /idp/idx/authenticators/poll; * is a wildcard",
    )
    user: Login | None = Field(None, description="Only this user's requests (default: everyone's)")
    status: int | None = Field(None, description="Answer 429 (Okta's rate-limit body) or a 5xx instead")
    delay_ms: int = Field(0, ge=0, le=120_000, description="Wait this long first")
    drop: bool = Field(False, description="Close the connection without an answer")
    times: int | None = Field(None, ge=1, description="Only the next N matching requests (default: all)")
    fraction: float | None = Field(None, gt=0, le=1, description="Only about this share of them")
    seed: int = Field(
        0, ge=-(2**63), lt=2**63, description="Seed of the rule's own random generator, used with fraction"
    )

    @field_validator("status")
    @classmethod
    def _failure_status(cls, value: int | None) -> int | None:
        if value is not None and value != 429 and not 500 <= value <= 599:
            raise ValueError("status must be 429 or a 5xx")
        return value

    @model_validator(mode="after")
    def _does_something(self) -> FaultSpec:
        if self.drop and self.status is not None:
            raise ValueError("a dropped connection has no status: set drop or status, not both")
        if not (self.drop or self.status is not None or self.delay_ms):
            raise ValueError("a rule needs status, delay_ms or drop")
        return self

    def to_rule(self) -> FaultRule:
        return FaultRule(**self.model_dump())


class Scenario(_Strict):
    """A mock-idx scenario: the org's settings, its users and how their phones answer, and faults to inject."""

    description: str = Field("", max_length=10_000, description="What this scenario demonstrates")
    settings: SettingsSpec = Field(default_factory=SettingsSpec)
    users: list[UserSpec] = Field(default_factory=list, max_length=MAX_USERS)
    generate: list[GenerateSpec] = Field(
        default_factory=list, max_length=MAX_LIST, description="Groups of Faker-made users"
    )
    faults: list[FaultSpec] = Field(
        default_factory=list, max_length=MAX_LIST, description="Fault rules in force from the start"
    )

    @model_validator(mode="after")
    def _bounded_population(self) -> Scenario:
        """Generating users is the one costly thing a scenario asks for: capped in total, aliases included."""
        total = len(self.users) + sum(group.count for group in self.generate)
        if total > MAX_USERS:
            raise ValueError(f"the scenario has {total} users with those it generates; at most {MAX_USERS}")
        return self

    def to_policy(self) -> Policy:
        return self.settings.to_policy()

    def to_users(self) -> list[User]:
        users = [spec.to_model(spec.login) for spec in self.users]
        taken = {user.login.lower() for user in users}
        for group in self.generate:
            users.extend(group.to_users(taken))
        return users

    def to_fault_rules(self) -> list[FaultRule]:
        return [spec.to_rule() for spec in self.faults]


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


def login_for(first: str, last: str, domain: str, taken: set[str]) -> str:
    """``José``, ``Núñez`` -> ``jose.nunez@domain`` (a login people can type), numbered when already in ``taken``,
    which it joins."""
    local = ".".join(_ascii(part) for part in (first, last)).lower()
    candidate, number = f"{local}@{domain}", 1
    while candidate in taken:
        number += 1
        candidate = f"{local}{number}@{domain}"
    taken.add(candidate)
    return candidate


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded) or "user"


def policy_for(loaded: Scenario, settings: Settings) -> Policy:
    """The scenario's policy, with the few knobs the command line may override (fast polling in tests)."""
    overrides = {
        name: value for name in ("poll_refresh_ms", "push_lifetime") if (value := getattr(settings, name)) is not None
    }
    return replace(loaded.to_policy(), **overrides)
