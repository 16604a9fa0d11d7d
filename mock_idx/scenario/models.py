"""The scenario schema: pydantic models that validate scenario files and the control API's user and fault bodies,
and generate the JSON Schema shipped for editors.

Each spec translates into the engine's plain model objects (``to_model``, ``to_rule``, ``to_policy``) and never
reaches the engine itself; where the control API writes a model object back out (a user), the inverse mapping
(``from_model``) stands beside it, so the two directions cannot drift apart.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from ..model.clients import (
    DEFAULT_AUTH_METHODS,
    DEFAULT_GRANTS,
    AuthMethod,
    Client,
    ClientType,
    GrantType,
    origin_of,
)
from ..model.directory import (
    DEFAULT_DEVICE_NAME,
    ExpiredPushAnswer,
    NumberAnswer,
    OktaVerifyEnrollment,
    PushBehaviour,
    PushOutcome,
    User,
    UserStatus,
    VerifyMethod,
)
from ..model.faults import FaultRule
from ..model.policy import DEFAULT_CLIENT_LABEL, MAX_LIFETIME, POLL_REFRESH_MS_RANGE, Policy
from .authenticator_specs import (
    AuthenticatorPolicySpec,
    EmailSpec,
    GoogleAuthenticatorSpec,
    PhoneSpec,
    SecurityQuestionSpec,
)
from .generation import Fakers, is_known_locale, made_up_people
from .lockout_spec import LockoutSpec
from .password_policy_spec import PasswordPolicySpec
from .registration_spec import RegistrationSpec
from .server_specs import OrgServerSpec, ServerId, ServerSpec

# Bounds: whatever the schema accepts, the server must be able to serve, and no scenario may stall it.
MAX_USERS = 10_000
"""Listed and generated users together, counted after YAML aliases are expanded."""
MAX_LOGIN = 100
"""Okta's own limit on a login."""
MAX_TEXT = 1024
MAX_URI = 2048
MAX_LIST = 1000
MAX_GROUPS_PER_USER = 1000

Login = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LOGIN)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Uri = Annotated[str, StringConstraints(min_length=1, max_length=MAX_URI)]
Lifetime = Annotated[float, Field(gt=0, le=MAX_LIFETIME)]
GroupName = Annotated[str, StringConstraints(min_length=1, max_length=255)]
ServerEntry = Annotated[
    Annotated[ServerId, Tag("id")] | Annotated[ServerSpec, Tag("server")],
    Discriminator(lambda value: "id" if isinstance(value, str) else "server"),
]
"""An authorization server as an id (a string) or configured (an object): told apart by type, so a broken object is
reported as that object's problems, not also as "should be a valid string"."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PushSpec(_Strict):
    outcome: Literal["manual", "approve", "deny", "timeout"] = "manual"
    after_polls: int = Field(0, ge=0, le=1_000_000, description="Scripted answers come after this many polls")
    after_seconds: float | None = Field(None, ge=0, le=MAX_LIFETIME, description="...or after this many seconds")
    number_challenge: bool = False
    number_answer: Literal["correct", "wrong"] = "correct"
    when_expired: Literal["resend", "terminal"] = Field(
        "resend",
        description="After an unanswered push expires: resend (200, resend and select-authenticator-authenticate, as "
        "Okta's captures show) or terminal (404 core.system.transaction_resource_not_found on every step)",
    )

    def to_model(self) -> PushBehaviour:
        return PushBehaviour(
            outcome=PushOutcome(self.outcome),
            after_polls=self.after_polls,
            after_seconds=self.after_seconds,
            number_challenge=self.number_challenge,
            number_answer=NumberAnswer(self.number_answer),
            when_expired=ExpiredPushAnswer(self.when_expired),
        )

    @classmethod
    def from_model(cls, behaviour: PushBehaviour) -> PushSpec:
        return cls.model_construct(
            outcome=behaviour.outcome.value,
            after_polls=behaviour.after_polls,
            after_seconds=behaviour.after_seconds,
            number_challenge=behaviour.number_challenge,
            number_answer=behaviour.number_answer.value,
            when_expired=behaviour.when_expired.value,
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
    device_name: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        DEFAULT_DEVICE_NAME, description="The phone's name, shown as the enrollment's profile.deviceName"
    )
    auto_challenge: bool = Field(
        False,
        description='Okta\'s "Send push automatically", already ticked: choosing Okta Verify sends the push at once',
    )

    def to_model(self, totp_secret: str | None = None) -> OktaVerifyEnrollment:
        """``totp_secret`` is the fallback when the spec names none (generated users get reproducible ones)."""
        secret = self.totp.secret or totp_secret
        return OktaVerifyEnrollment(
            methods=tuple(VerifyMethod(m) for m in self.methods),
            push=self.push.to_model(),
            device_name=self.device_name,
            auto_challenge=self.auto_challenge,
            **({"totp_secret": secret} if secret else {}),
        )

    @classmethod
    def from_model(cls, enrollment: OktaVerifyEnrollment) -> OktaVerifySpec:
        return cls.model_construct(
            methods=[method.value for method in enrollment.methods],
            push=PushSpec.from_model(enrollment.push),
            totp=TotpSpec.model_construct(secret=enrollment.totp_secret),
            device_name=enrollment.device_name,
            auto_challenge=enrollment.auto_challenge,
        )


class AuthenticatorsSpec(_Strict):
    """What the user has enrolled (the password aside): each one present is enrolled."""

    okta_verify: OktaVerifySpec | None = None
    email: EmailSpec | None = Field(None, description="The profile's email as an authenticator: {} to enroll it")
    phone: PhoneSpec | None = None
    google_authenticator: GoogleAuthenticatorSpec | None = None
    security_question: SecurityQuestionSpec | None = None


class UserBody(_Strict):
    """A user as the control API's ``PUT /_mock/v1/users/{login}`` takes it."""

    password: str | None = Field(
        min_length=1,
        max_length=MAX_TEXT,
        description="null: no password yet (identifier-first orgs: the user signs in with their email, then sets one)",
    )
    profile: dict[Annotated[str, StringConstraints(min_length=1, max_length=100)], Text] = Field(
        default_factory=dict, max_length=100, description="Okta's profile attributes, custom ones included"
    )
    groups: list[GroupName] = Field(
        default_factory=list, max_length=MAX_GROUPS_PER_USER, description="The names of the user's groups"
    )
    authenticators: AuthenticatorsSpec = Field(default_factory=lambda: AuthenticatorsSpec(okta_verify=OktaVerifySpec()))
    status: UserStatus = Field(
        UserStatus.ACTIVE,
        description="Okta's user status: STAGED and PROVISIONED users have not activated yet, LOCKED_OUT and "
        "PASSWORD_EXPIRED users must unlock or change their password, SUSPENDED and DEPROVISIONED cannot sign in",
    )

    def to_model(self, login: str) -> User:
        enrolled = self.authenticators
        return User(
            login=login,
            password=self.password,
            profile=dict(self.profile),
            okta_verify=enrolled.okta_verify.to_model() if enrolled.okta_verify else None,
            groups=tuple(dict.fromkeys(self.groups)),
            email=enrolled.email.to_model() if enrolled.email else None,
            phone=enrolled.phone.to_model() if enrolled.phone else None,
            google=enrolled.google_authenticator.to_model() if enrolled.google_authenticator else None,
            security_question=enrolled.security_question.to_model() if enrolled.security_question else None,
            status=self.status,
        )


def user_json(user: User) -> dict[str, Any]:
    """A user as the control API shows it: :class:`UserBody`'s fields without the password, plus the ids the server
    gave. The TOTP secret is here (and only here) so tests can compute codes."""
    body: dict[str, Any] = {
        "id": user.id,
        "login": user.login,
        "profile": user.profile,
        "groups": list(user.groups),
        "status": user.status.value,
        "failed_password_count": len(user.failed_passwords),
        "authenticators": {},
    }
    enrolled = body["authenticators"]
    if user.okta_verify is not None:
        enrolled["okta_verify"] = {
            "enrollment_id": user.okta_verify.enrollment_id,
            **OktaVerifySpec.from_model(user.okta_verify).model_dump(),
        }
    if user.email is not None:
        enrolled["email"] = {"enrollment_id": user.email.enrollment_id, "address": user.email_address}
    if user.phone is not None:
        enrolled["phone"] = {"enrollment_id": user.phone.enrollment_id, "number": user.phone.number}
    if user.google is not None:  # the secret is here so tests can compute codes, as Okta Verify's
        enrolled["google_authenticator"] = {"enrollment_id": user.google.enrollment_id, "secret": user.google.secret}
    if user.security_question is not None:
        question = user.security_question
        enrolled["security_question"] = {
            "enrollment_id": question.enrollment_id,
            "question_key": question.question_key,
            "question": question.question,
        }
    return body


class UserSpec(UserBody):
    login: Login


class ClientSpec(_Strict):
    """An OAuth client as an Okta admin registers it (Applications > Create App Integration)."""

    client_id: str = Field(min_length=1, max_length=MAX_TEXT)
    type: Literal["spa", "web", "native", "service"] = Field(
        "spa", description="spa and native are public clients; web and service authenticate with a secret or key"
    )
    client_secret: str | None = Field(None, min_length=1, max_length=MAX_TEXT)
    token_endpoint_auth_method: (
        Literal["none", "client_secret_basic", "client_secret_post", "private_key_jwt"] | None
    ) = Field(None, description="Default: none for spa and native, client_secret_basic for web and service")
    jwks: dict[str, Any] | None = Field(None, description="The public keys (a JWKS) of a private_key_jwt client")
    grant_types: (
        list[Literal["authorization_code", "refresh_token", "interaction_code", "client_credentials", "implicit"]]
        | None
    ) = Field(
        None,
        description="Default: authorization_code, refresh_token and interaction_code; client_credentials for service",
    )
    refresh_token_rotation: bool = True
    redirect_uris: list[Uri] = Field(default_factory=list, max_length=MAX_LIST)
    label: Text = DEFAULT_CLIENT_LABEL
    post_logout_redirect_uris: list[Uri] = Field(
        max_length=MAX_LIST,
        default_factory=list,
        description="Where /v1/logout may send the browser after sign-out",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ClientSpec:
        method = self._auth_method()
        if method in (AuthMethod.CLIENT_SECRET_BASIC, AuthMethod.CLIENT_SECRET_POST) and not self.client_secret:
            raise ValueError(f"a client authenticating with {method.value} needs a client_secret")
        if method is AuthMethod.PRIVATE_KEY_JWT:
            import jwt  # only for such clients: PyJWT is tens of milliseconds of start-up (mock_idx.model.tokens)

            try:
                keys = jwt.PyJWKSet.from_dict(self.jwks or {}).keys
            except (jwt.PyJWTError, ValueError, TypeError, KeyError):
                keys = []
            if not keys:
                raise ValueError("a private_key_jwt client needs jwks: a JWKS with at least one public key")
        if method is AuthMethod.NONE and self.type in ("web", "service"):
            raise ValueError(f"a {self.type} client is confidential: give it a client_secret or private_key_jwt")
        if method is not AuthMethod.NONE and "implicit" in (self.grant_types or ()):
            raise ValueError("the implicit grant is for public clients (spa)")
        return self

    def _auth_method(self) -> AuthMethod:
        if self.token_endpoint_auth_method is not None:
            return AuthMethod(self.token_endpoint_auth_method)
        return DEFAULT_AUTH_METHODS[ClientType(self.type)]

    def to_client(self) -> Client:
        kind = ClientType(self.type)
        grants = tuple(GrantType(g) for g in self.grant_types) if self.grant_types else DEFAULT_GRANTS[kind]
        return Client(
            client_id=self.client_id,
            redirect_uris=tuple(self.redirect_uris),
            label=self.label,
            client_secret=self.client_secret,
            post_logout_redirect_uris=tuple(self.post_logout_redirect_uris),
            type=kind,
            token_endpoint_auth_method=self._auth_method(),
            grant_types=grants,
            jwks=self.jwks,
            refresh_token_rotation=self.refresh_token_rotation,
        )


class SettingsSpec(_Strict):
    poll_refresh_ms: int = Field(4000, ge=POLL_REFRESH_MS_RANGE[0], le=POLL_REFRESH_MS_RANGE[1])
    push_lifetime: Lifetime = 300
    transaction_lifetime: Lifetime = 600
    interaction_code_lifetime: Lifetime = 60
    access_token_lifetime: Lifetime = 3600
    id_token_lifetime: Lifetime = 3600
    refresh_token_lifetime: Lifetime = 30 * 24 * 3600
    authorization_servers: list[ServerEntry] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Custom authorization servers: an id (as Okta ships a new server), or its scopes, claims and "
        "access policies; none listed: every id after /oauth2/ is served",
    )
    org_authorization_server: OrgServerSpec | None = Field(
        None, description="The org authorization server's scopes, claims and access policies"
    )
    authorization_code_lifetime: Lifetime = 60
    session_lifetime: Lifetime = Field(2 * 3600, description="An Okta session (sid cookie) lasts at most this long")
    session_idle_timeout: Lifetime = Field(2 * 3600, description="...and ends after this long unused")
    custom_scopes: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:/-]{1,100}$")]] = Field(
        default_factory=list, max_length=MAX_LIST, description="Scopes besides the OIDC ones (for client_credentials)"
    )
    trusted_hosts: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.-]{1,253}$")]] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Hosts besides loopback that apps may be redirected to when no clients are registered",
    )
    trusted_origins: list[Annotated[str, StringConstraints(pattern=r"^https?://[A-Za-z0-9.\-\[\]:]{1,260}$")]] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Okta's Trusted Origins (scheme://host[:port]): once any are listed, only they get CORS",
    )
    clients: list[ClientSpec] = Field(default_factory=list, max_length=MAX_LIST)
    authenticators: AuthenticatorPolicySpec = Field(
        default_factory=AuthenticatorPolicySpec,
        description="The org's authenticators, which ones users enroll, and what a sign-in needs",
    )
    password_policy: PasswordPolicySpec = Field(
        default_factory=PasswordPolicySpec, description="What a new password must be, and when one expires"
    )
    lockout: LockoutSpec = Field(
        default_factory=LockoutSpec,
        description="When wrong passwords lock an account, when it unlocks itself, and how users unlock it",
    )
    registration: RegistrationSpec = Field(
        default_factory=RegistrationSpec,
        description="Self-service registration: whether people may sign up, what the form asks, the group they join",
    )

    @field_validator("trusted_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        normalised = [origin_of(origin) for origin in origins]
        if not all(normalised):
            raise ValueError("each trusted origin is scheme://host[:port], like http://localhost:3000")
        return normalised

    @model_validator(mode="after")
    def _servers_once(self) -> SettingsSpec:
        ids = [server if isinstance(server, str) else server.id for server in self.authorization_servers]
        if repeated := sorted({server_id for server_id in ids if ids.count(server_id) > 1}):
            raise ValueError(f"authorization servers listed twice: {repeated}")
        return self

    def to_policy(self) -> Policy:
        values = self.model_dump(
            exclude={
                "clients",
                "authorization_servers",
                "org_authorization_server",
                "custom_scopes",
                "trusted_hosts",
                "trusted_origins",
                "authenticators",
                "password_policy",
                "lockout",
                "registration",
            }
        )
        configured = [server for server in self.authorization_servers if isinstance(server, ServerSpec)]
        servers = [server.to_config(server.id) for server in configured]
        if self.org_authorization_server is not None:
            servers.append(self.org_authorization_server.to_config(None))
        return Policy(
            **values,
            authorization_servers=tuple(s if isinstance(s, str) else s.id for s in self.authorization_servers),
            servers=tuple(servers),
            custom_scopes=tuple(self.custom_scopes),
            trusted_hosts=tuple(self.trusted_hosts),
            trusted_origins=tuple(self.trusted_origins),
            clients=tuple(c.to_client() for c in self.clients),
            authenticators=self.authenticators.to_model(),
            password_policy=self.password_policy.to_policy(),
            lockout=self.lockout.to_policy(),
            registration=self.registration.to_model(),
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
    groups: list[GroupName] = Field(
        default_factory=list, max_length=MAX_GROUPS_PER_USER, description="Every one's groups"
    )

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if not is_known_locale(value):
            raise ValueError(f"unknown Faker locale {value!r}")
        return value

    def to_users(self, taken: set[str], fakers: Fakers | None = None) -> list[User]:
        """The users, skipping logins in ``taken`` (which grows), so generated people never replace listed ones."""
        okta_verify = OktaVerifySpec(methods=self.methods, push=self.push)
        return [
            User(
                login=person.login,
                password=self.password,
                profile=person.profile,
                okta_verify=okta_verify.to_model(totp_secret=person.totp_secret),
                groups=tuple(dict.fromkeys(self.groups)),
            )
            for person in made_up_people(self.count, self.seed, self.locale, self.domain, taken, fakers)
        ]


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
    times: int | None = Field(
        None, ge=1, le=1_000_000_000, description="Only the next N matching requests (default: all)"
    )
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
        default_factory=list, max_length=100, description="Groups of Faker-made users (at most 100)"
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
        fakers = Fakers()
        for group in self.generate:
            users.extend(group.to_users(taken, fakers))
        return users

    def to_fault_rules(self) -> list[FaultRule]:
        return [spec.to_rule() for spec in self.faults]
