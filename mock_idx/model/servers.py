"""Authorization servers as an Okta admin configures them: scopes, claims, access policies and their rules.

Each server (the org server, ``/oauth2/{id}``) has its own audience, scopes, claims and access policies. A server the
scenario does not configure behaves as Okta's ``default`` server does out of the box: the OIDC scopes (plus the
scenario's ``custom_scopes``), no custom claims, and one policy whose one rule lets every client and every user ask
for any of its scopes with any grant. What the engine asks here: which scopes exist (:meth:`ServerConfig.knows`),
which rule lets a request through (:meth:`ServerConfig.rule_for`), and which claims a token carries
(:func:`claims_for`).

Claim values are Okta's expression language, in a documented subset (:func:`parse_expression`): ``user.<attr>`` and
``appuser.<attr>`` (a profile attribute), a quoted constant, ``isMemberOfGroupName("…")``, and
``Groups.startsWith/endsWith/contains("OKTA", "…", N)``. Anything else is refused when the scenario is loaded.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .clients import GrantType
from .directory import User

OIDC_SCOPES = frozenset({"openid", "profile", "email", "address", "phone", "offline_access", "device_sso"})
"""The scopes an Okta authorization server has out of the box."""
MAX_GROUPS = 100
"""Okta's cap on the groups one claim carries."""
REGEX_TIMEOUT_SECONDS = 0.05
"""How long one group filter regex may take on one group name: far more than any sane pattern needs."""
REGEX_BUDGET_SECONDS = 0.1
"""How long the group filter regexes of one token's claims may take together, however many groups the user has and
however many claims filter them. A pattern that backtracks catastrophically times out on every group, and a user may
have a thousand: a thousand timeouts, on the event loop, would stall the server for minutes. A sane pattern takes
microseconds a group, so only such a pattern ever meets this bound."""
POLICY_FAILED = "Policy evaluation failed for this request, please check the policy configurations."


class TokenKind(str, Enum):
    """Okta's claim types: ``RESOURCE`` claims go in access tokens, ``IDENTITY`` claims in ID tokens (and userinfo)."""

    ACCESS = "access"
    ID = "id"


class GroupMatch(str, Enum):
    """How a groups claim filters the user's groups (Okta's ``group_filter_type``)."""

    STARTS_WITH = "starts_with"
    EQUALS = "equals"
    CONTAINS = "contains"
    REGEX = "regex"


@dataclass(frozen=True)
class GroupFilter:
    match: GroupMatch
    value: str

    def keeps(self, group: str, timeout: float = REGEX_TIMEOUT_SECONDS) -> bool:
        """Whether the filter keeps ``group`` (a regex gets ``timeout`` seconds to say, and keeps nothing after)."""
        if self.match is GroupMatch.STARTS_WITH:
            return group.startswith(self.value)
        if self.match is GroupMatch.EQUALS:
            return group == self.value
        if self.match is GroupMatch.CONTAINS:
            return self.value in group
        import regex  # imported here, once a regex filter runs: about 9 ms of start-up otherwise

        try:  # the regex module, with a timeout: a scenario's regex must never stall the server
            return regex.fullmatch(self.value, group, timeout=timeout) is not None
        except TimeoutError:
            return False


@dataclass(frozen=True)
class Claim:
    """One custom claim: its value is an expression (:func:`parse_expression`), or the user's groups through a
    filter. It is put in ``token`` tokens, always or only when one of ``scopes`` was granted."""

    name: str
    token: TokenKind = TokenKind.ACCESS
    expression: str | None = None
    groups: GroupFilter | None = None
    scopes: tuple[str, ...] = ()
    """Put in only when one of these scopes was granted; empty: always."""
    always_in_id_token: bool = True
    """For an ID-token claim: also in an ID token issued with an access token; off, only in userinfo (and an ID
    token issued alone), as Okta's "Include in token type: ID Token, Userinfo / id_token request"."""


@dataclass(frozen=True)
class Rule:
    """One rule of an access policy: which grants, users and scopes it lets through, and the tokens it issues."""

    name: str
    grant_types: tuple[GrantType, ...] = tuple(GrantType)
    users: tuple[str, ...] = ()
    """Logins the rule is for (with :attr:`groups`: either matches); both empty: everyone."""
    groups: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ("*",)
    """The scopes it grants; ``*``: any scope the server has."""
    access_token_lifetime: float | None = None
    refresh_token_lifetime: float | None = None
    """``None``: the org's lifetimes (the scenario's settings)."""

    def lets(self, grant: GrantType, user: User | None, scopes: tuple[str, ...]) -> bool:
        if grant not in self.grant_types:
            return False
        if user is not None and (self.users or self.groups):
            named = user.login.lower() in {login.lower() for login in self.users}
            if not named and not set(self.groups) & set(user.groups):
                return False
        return "*" in self.scopes or set(scopes) <= set(self.scopes)

    @property
    def allows_refresh(self) -> bool:
        return GrantType.REFRESH_TOKEN in self.grant_types


@dataclass(frozen=True)
class AccessPolicy:
    """Which clients the policy is for (``()``: all), and its rules, the first that matches deciding."""

    name: str
    clients: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = (Rule(name="Default Policy Rule"),)

    def covers(self, client_id: str) -> bool:
        return not self.clients or client_id in self.clients


DEFAULT_ACCESS_POLICIES = (AccessPolicy(name="Default Policy"),)
"""What a new Okta authorization server ships with: every client, everyone, every scope, every grant."""


@dataclass(frozen=True)
class ServerConfig:
    """One authorization server's configuration. ``id`` is ``None`` for the org server."""

    id: str | None = None
    audience: str | None = None
    """``aud`` of its access tokens; ``None``: Okta's default (``api://{id}``, or the org's URL)."""
    scopes: tuple[str, ...] = ()
    """Its custom scopes (the OIDC ones it always has)."""
    default_scopes: tuple[str, ...] = ()
    """What a ``client_credentials`` request with no ``scope`` gets (Okta's "default scope")."""
    claims: tuple[Claim, ...] = ()
    access_policies: tuple[AccessPolicy, ...] = DEFAULT_ACCESS_POLICIES

    def knows(self, scope: str) -> bool:
        return scope in OIDC_SCOPES or scope in self.scopes

    @property
    def all_scopes(self) -> tuple[str, ...]:
        return (*sorted(OIDC_SCOPES), *self.scopes)

    def policy_for(self, client_id: str) -> AccessPolicy | None:
        """The first policy that covers the client (Okta evaluates them in priority order)."""
        return next((p for p in self.access_policies if p.covers(client_id)), None)

    def rule_for(self, client_id: str, grant: GrantType, user: User | None, scopes: tuple[str, ...]) -> Rule | None:
        """The rule that lets this request through: the first matching rule of the client's policy."""
        policy = self.policy_for(client_id)
        if policy is None:
            return None
        return next((rule for rule in policy.rules if rule.lets(grant, user, scopes)), None)


def claims_for(
    config: ServerConfig, user: User, scopes: tuple[str, ...], kind: TokenKind, *, in_thin_id_token: bool = False
) -> dict[str, Any]:
    """The custom claims a token of ``kind`` carries for ``user`` with ``scopes`` granted (``in_thin_id_token``: an
    ID token issued with an access token, which leaves out claims marked for userinfo only)."""
    claims: dict[str, Any] = {}
    deadline = time.monotonic() + REGEX_BUDGET_SECONDS  # shared by every claim's group filter regex
    for claim in config.claims:
        if claim.token is not kind or (claim.scopes and not set(claim.scopes) & set(scopes)):
            continue
        if in_thin_id_token and not claim.always_in_id_token:
            continue
        value = claim_value(claim, user, deadline)
        if value is not None:
            claims[claim.name] = value
    return claims


def client_claims(config: ServerConfig, scopes: tuple[str, ...]) -> dict[str, Any]:
    """The access-token claims of a ``client_credentials`` token: those whose value needs no user (constants), as
    Okta puts them in a service's token; user attributes and groups have nobody to come from."""
    claims: dict[str, Any] = {}
    for claim in config.claims:
        if claim.token is not TokenKind.ACCESS or claim.expression is None:
            continue
        if claim.scopes and not set(claim.scopes) & set(scopes):
            continue
        expression = parse_expression(claim.expression)
        if expression.form == "constant":
            claims[claim.name] = expression.argument
    return claims


def claim_value(claim: Claim, user: User, deadline: float | None = None) -> Any:
    """The claim's value for ``user``; a group filter regex stops at ``deadline`` (``time.monotonic()``; ``None``:
    :data:`REGEX_BUDGET_SECONDS` from now)."""
    if claim.groups is not None:
        if deadline is None:
            deadline = time.monotonic() + REGEX_BUDGET_SECONDS
        return kept_groups(claim.groups, user.groups, deadline)
    if claim.expression is not None:
        return parse_expression(claim.expression).evaluate(user)
    return None


def kept_groups(group_filter: GroupFilter, groups: tuple[str, ...], deadline: float) -> list[str]:
    """The groups the filter keeps, in the user's order, at most :data:`MAX_GROUPS`. A regex filter that runs out of
    time (``deadline``) keeps none of the groups it has not looked at yet, as a regex that times out on a group keeps
    that group out: a hostile pattern costs a bounded moment, never a stalled server."""
    kept: list[str] = []
    for group in groups:
        if len(kept) == MAX_GROUPS:
            break
        timeout = REGEX_TIMEOUT_SECONDS
        if group_filter.match is GroupMatch.REGEX:
            timeout = min(timeout, deadline - time.monotonic())
            if timeout <= 0:
                break
        if group_filter.keeps(group, timeout):
            kept.append(group)
    return kept


# --- the expression subset ------------------------------------------------------------------------------------------

SUPPORTED = (
    'user.<attribute>, appuser.<attribute>, a "quoted constant", isMemberOfGroupName("Group"), '
    'Groups.startsWith("OKTA", "prefix", N), Groups.endsWith("OKTA", "suffix", N), Groups.contains("OKTA", "text", N)'
)
_ATTRIBUTE = re.compile(r"(?:user|appuser)\.([A-Za-z_][A-Za-z0-9_]*)")
_CONSTANT = re.compile(r'"([^"\\]*)"')
_MEMBER = re.compile(r'isMemberOfGroupName\(\s*"([^"\\]*)"\s*\)')
_GROUPS = re.compile(r'Groups\.(startsWith|endsWith|contains)\(\s*"OKTA"\s*,\s*"([^"\\]*)"\s*,\s*(\d{1,3})\s*\)')


class UnsupportedExpression(ValueError):
    def __init__(self, expression: str) -> None:
        super().__init__(f"unsupported expression {expression[:100]!r}: mock-idx models {SUPPORTED}")


@dataclass(frozen=True)
class Expression:
    """A parsed claim expression: one of the supported forms, evaluated against a user."""

    form: str
    argument: str = ""
    limit: int = MAX_GROUPS

    def evaluate(self, user: User) -> Any:
        if self.form == "attribute":
            if self.argument == "login":
                return user.login
            return user.profile.get(self.argument)
        if self.form == "constant":
            return self.argument
        if self.form == "member":
            return self.argument in user.groups
        keep = {
            "startsWith": str.startswith,
            "endsWith": str.endswith,
            "contains": str.__contains__,
        }[self.form]
        return [group for group in user.groups if keep(group, self.argument)][: self.limit]


def parse_expression(text: str) -> Expression:
    """One of the supported forms, or :class:`UnsupportedExpression` naming them all."""
    text = text.strip()
    if match := _ATTRIBUTE.fullmatch(text):
        return Expression("attribute", match[1])
    if match := _CONSTANT.fullmatch(text):
        return Expression("constant", match[1])
    if match := _MEMBER.fullmatch(text):
        return Expression("member", match[1])
    if match := _GROUPS.fullmatch(text):
        return Expression(match[1], match[2], min(int(match[3]), MAX_GROUPS))
    raise UnsupportedExpression(text)
