"""The org a server starts with: a scenario, or, when none is named, the default org built from the model directly.

The default org is the built-in ``manual-tap`` scenario (:data:`DEFAULT_SCENARIO`). Reading it through the scenario
machinery costs ``mock-idx serve`` pydantic, PyYAML and the scenario schema's models (about a fifth of the start on
a quiet machine), none of which answering discovery needs; so :class:`DefaultOrg` builds the same policy and user
from the model's own classes. ``tests/mock_idx/test_default_org.py`` checks it against ``manual-tap.yaml``, so the
file stays the one description of the default (edit both together).

This module imports nothing of :mod:`mock_idx.scenario`; a named scenario is loaded through it only when one is named.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from .model.directory import OktaVerifyEnrollment, PushBehaviour, PushOutcome, User, VerifyMethod
from .model.policy import Policy

if TYPE_CHECKING:
    from .config import Settings
    from .model.faults import FaultRule

DEFAULT_SCENARIO = "manual-tap"
"""The built-in scenario :class:`DefaultOrg` is."""


class StartingOrg(Protocol):
    """What a server puts in force when its store holds no org yet, and again on every ``reset``: a
    :class:`~mock_idx.scenario.Scenario` or the :class:`DefaultOrg`. Each call makes new objects (new ids, new
    TOTP secrets where none is given), as every reset of a scenario does."""

    def to_policy(self) -> Policy: ...

    def to_users(self) -> list[User]: ...

    def to_fault_rules(self) -> list[FaultRule]: ...


class DefaultOrg:
    """``manual-tap``: Okta's default settings, and one user whose pushes wait for a person to answer them on the
    device page (or through the control API), who can also sign in with a TOTP code."""

    def to_policy(self) -> Policy:
        return Policy(poll_refresh_ms=4000, push_lifetime=300.0)

    def to_users(self) -> list[User]:
        return [
            User(
                login="demo@example.com",
                password="demo1234",
                profile={"firstName": "Demo", "lastName": "User", "name": "Demo User"},
                okta_verify=OktaVerifyEnrollment(
                    methods=(VerifyMethod.PUSH, VerifyMethod.TOTP),
                    push=PushBehaviour(outcome=PushOutcome.MANUAL),
                ),
            )
        ]

    def to_fault_rules(self) -> list[FaultRule]:
        return []


def starting_org(name_or_path: str | None) -> StartingOrg:
    """The scenario named (a built-in name or a YAML path), checked now, or the :class:`DefaultOrg` when none is;
    a broken scenario raises :class:`~mock_idx.scenario.ScenarioError` (a ``ValueError``)."""
    if name_or_path is None:
        return DefaultOrg()
    from . import scenario

    return scenario.load(name_or_path)


def policy_in_force(org: StartingOrg, settings: Settings) -> Policy:
    """The org's policy, with the few knobs the command line may override (fast polling in tests)."""
    overrides = {
        name: value for name in ("poll_refresh_ms", "push_lifetime") if (value := getattr(settings, name)) is not None
    }
    return replace(org.to_policy(), **overrides)
