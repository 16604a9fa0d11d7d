"""Putting a scenario in force on an app: at start-up (:func:`set_scenario`), and from the control API's ``reset``
and ``PUT /scenario`` (:func:`apply_scenario`)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from .. import scenario
from ..model.directory import User
from .app_keys import ENGINE, FAULTS, SETTINGS


async def apply_scenario(app: web.Application, loaded: scenario.Scenario) -> None:
    """Everything the scenario sets: the policy, the users and the fault rules (sign-ins in flight are forgotten).
    Faker makes the generated users in a worker thread (up to ``MAX_USERS`` of them), so the loop keeps serving."""
    users = await asyncio.to_thread(loaded.to_users)
    set_scenario(app, loaded, users)


def set_scenario(app: web.Application, loaded: scenario.Scenario, users: list[User]) -> None:
    app[ENGINE].reset(policy=scenario.policy_for(loaded, app[SETTINGS]), users=users)
    app[FAULTS].replace(loaded.to_fault_rules())
