"""The scenario's authorization servers, as an Okta admin sets them up: scopes, claims, access policies and rules.

Each spec checks what Okta's admin console would refuse (a rule granting a scope the server does not have, a claim
expression outside the modelled subset, a regex that does not compile) and maps to the model's
:class:`~mock_idx.model.servers.ServerConfig`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..model.clients import GrantType
from ..model.policy import MAX_LIFETIME
from ..model.servers import (
    OIDC_SCOPES,
    AccessPolicy,
    Claim,
    GroupFilter,
    GroupMatch,
    Rule,
    ServerConfig,
    TokenKind,
    UnsupportedExpression,
    parse_expression,
)

MAX_ITEMS = 200
MAX_REGEX_SIZE = 1000
"""How large a group filter regex may grow once its counted repeats (``{m,n}``) are unrolled, as compiling unrolls
them (:func:`unrolled_size`). ``a{10000000}``, 13 characters, takes the regex module 15 seconds and 2.7 GB to
compile, ``a{1000000000}`` would take all the server's memory, and nested capturing groups cost more still; a group
name has at most 255 characters, so no useful pattern comes near the bound."""
ServerId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]
ScopeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:/-]{1,100}$")]
ClaimName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
GroupName = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Lifetime = Annotated[float, Field(gt=0, le=MAX_LIFETIME)]
GrantName = Literal["authorization_code", "refresh_token", "interaction_code", "client_credentials", "implicit"]

RESERVED_CLAIMS = frozenset(
    {"sub", "iss", "aud", "exp", "iat", "nbf", "jti", "cid", "uid", "scp", "ver", "auth_time", "amr", "idp", "nonce"}
    | {"at_hash", "c_hash"}
)
"""Claims Okta sets itself and refuses to let a custom claim replace."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScopeSpec(_Strict):
    name: ScopeName
    default: bool = Field(False, description="Granted to client_credentials requests that name no scope")
    description: Annotated[str, StringConstraints(max_length=1000)] = ""


class GroupFilterSpec(_Strict):
    """Exactly one of the four, as Okta's groups claim filter."""

    starts_with: Name | None = None
    equals: Name | None = None
    contains: Name | None = None
    regex: Name | None = None

    @model_validator(mode="after")
    def _one(self) -> GroupFilterSpec:
        given = [name for name in ("starts_with", "equals", "contains", "regex") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("a group filter is exactly one of starts_with, equals, contains, regex")
        if self.regex is not None:
            if (size := unrolled_size(self.regex)) > MAX_REGEX_SIZE:
                raise ValueError(
                    f"the regex is too large once its repeats are unrolled ({size} nodes, at most {MAX_REGEX_SIZE})"
                )
            import regex  # the regex module (about 9 ms to import) only for a scenario that has a regex filter

            try:
                regex.compile(self.regex)
            except regex.error as error:
                raise ValueError(f"the regex does not compile: {error}") from None
        return self

    def to_model(self) -> GroupFilter:
        for match in GroupMatch:
            value = getattr(self, match.value)
            if value is not None:
                return GroupFilter(match, value)
        raise AssertionError("checked: exactly one is set")


_COUNTED_REPEAT = re.compile(r"\{(\d*)(?:,(\d*))?\}")


def unrolled_size(pattern: str) -> int:
    """About how many nodes ``pattern`` compiles to: its atoms and groups, with counted repeats unrolled (nested ones
    multiplying). It errs high, never low: a set is read as ending at its first ``]`` (a nested set of the regex
    module's version 1 ends later), and braces after an escape (``\\x{41}``) count as a repeat."""
    sizes = [0]  # the size so far of each group open here, the outermost (the whole pattern) first
    last = 0  # the size of the last atom or group: what a quantifier repeats
    at = 0
    while at < len(pattern):
        repeat = _COUNTED_REPEAT.match(pattern, at)
        if repeat and (repeat[1] or repeat[2]):
            count = max(int(repeat[1] or 0), int(repeat[2] or 0))
            sizes[-1] += last * (count - 1)
            last *= count
            at = repeat.end()
            continue
        char = pattern[at]
        if char == "(":
            sizes.append(0)
            at += 1
            continue
        if char == ")" and len(sizes) > 1:
            last = sizes.pop() + 1  # the group's own node, and what it holds
            sizes[-1] += last
            at += 1
            continue
        if char == "\\":
            at += 2
        elif char == "[":
            at = _set_end(pattern, at)
        else:
            at += 1
        last = 1
        sizes[-1] += 1
    return sum(sizes)


def _set_end(pattern: str, at: int) -> int:
    """Just past the ``]`` closing the set that opens at ``at`` (``[]…]`` and ``[^]…]`` hold a literal ``]``)."""
    at += 1
    if pattern.startswith("^", at):
        at += 1
    if pattern.startswith("]", at):
        at += 1
    while at < len(pattern) and pattern[at] != "]":
        at += 2 if pattern[at] == "\\" else 1
    return at + 1


class ClaimSpec(_Strict):
    """A custom claim: ``value`` (an expression) or ``groups`` (a filter of the user's groups)."""

    name: ClaimName
    token: Literal["access", "id"] = Field("access", description="access: access tokens; id: ID tokens and userinfo")
    value: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        None,
        description='user.<attr>, appuser.<attr>, "constant", isMemberOfGroupName("G"), '
        'Groups.startsWith/endsWith/contains("OKTA", "text", N)',
    )
    groups: GroupFilterSpec | None = None
    scopes: list[ScopeName] = Field(default_factory=list, max_length=MAX_ITEMS, description="Only with these scopes")
    always_in_id_token: bool = True

    @model_validator(mode="after")
    def _checked(self) -> ClaimSpec:
        if self.name in RESERVED_CLAIMS:
            raise ValueError(f"{self.name!r} is a claim Okta sets itself")
        if (self.value is None) == (self.groups is None):
            raise ValueError("a claim has either a value (an expression) or groups (a group filter)")
        if self.value is not None:
            try:
                parse_expression(self.value)
            except UnsupportedExpression as error:
                raise ValueError(str(error)) from None
        return self

    def to_model(self) -> Claim:
        return Claim(
            name=self.name,
            token=TokenKind(self.token),
            expression=self.value,
            groups=self.groups.to_model() if self.groups else None,
            scopes=tuple(self.scopes),
            always_in_id_token=self.always_in_id_token,
        )


class RuleSpec(_Strict):
    name: Name
    grant_types: list[GrantName] = Field(default_factory=lambda: [g.value for g in GrantType], min_length=1)
    users: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=MAX_ITEMS
    )
    groups: list[GroupName] = Field(default_factory=list, max_length=MAX_ITEMS)
    scopes: list[ScopeName | Literal["*"]] = Field(default_factory=lambda: ["*"], min_length=1, max_length=MAX_ITEMS)
    access_token_lifetime: Lifetime | None = None
    refresh_token_lifetime: Lifetime | None = None

    def to_model(self) -> Rule:
        return Rule(
            name=self.name,
            grant_types=tuple(GrantType(g) for g in self.grant_types),
            users=tuple(self.users),
            groups=tuple(self.groups),
            scopes=tuple(self.scopes),
            access_token_lifetime=self.access_token_lifetime,
            refresh_token_lifetime=self.refresh_token_lifetime,
        )


class PolicySpec(_Strict):
    name: Name
    clients: list[Annotated[str, StringConstraints(min_length=1, max_length=1024)]] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Client ids; empty: all clients"
    )
    rules: list[RuleSpec] = Field(min_length=1, max_length=MAX_ITEMS)

    def to_model(self) -> AccessPolicy:
        return AccessPolicy(name=self.name, clients=tuple(self.clients), rules=tuple(r.to_model() for r in self.rules))


class OrgServerSpec(_Strict):
    """The org authorization server's settings (it has no id)."""

    audience: Annotated[str, StringConstraints(min_length=1, max_length=1024)] | None = None
    scopes: list[ScopeSpec] = Field(default_factory=list, max_length=MAX_ITEMS)
    claims: list[ClaimSpec] = Field(default_factory=list, max_length=MAX_ITEMS)
    access_policies: list[PolicySpec] | None = Field(
        None, max_length=MAX_ITEMS, description="In priority order; none given: one policy letting everything through"
    )

    @model_validator(mode="after")
    def _scopes_exist(self) -> OrgServerSpec:
        known = OIDC_SCOPES | {scope.name for scope in self.scopes}
        for claim in self.claims:
            if unknown := set(claim.scopes) - known:
                raise ValueError(f"claim {claim.name!r} names scopes the server does not have: {sorted(unknown)}")
        for policy in self.access_policies or ():
            for rule in policy.rules:
                if unknown := set(rule.scopes) - known - {"*"}:
                    raise ValueError(f"rule {rule.name!r} grants scopes the server does not have: {sorted(unknown)}")
        return self

    def to_config(self, server_id: str | None) -> ServerConfig:
        policies = tuple(p.to_model() for p in self.access_policies) if self.access_policies is not None else None
        return ServerConfig(
            id=server_id,
            audience=self.audience,
            scopes=tuple(scope.name for scope in self.scopes),
            default_scopes=tuple(scope.name for scope in self.scopes if scope.default),
            claims=tuple(claim.to_model() for claim in self.claims),
            **({"access_policies": policies} if policies is not None else {}),
        )


class ServerSpec(OrgServerSpec):
    """A custom authorization server (``/oauth2/{id}``)."""

    id: ServerId
