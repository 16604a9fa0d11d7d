"""Putting a scenario (or the default org, :mod:`mock_idx.default_org`) in force on the org: at start-up (when the
store holds no org yet), and from the control API's ``reset`` and ``PUT /scenario``."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ..default_org import StartingOrg, policy_in_force
from .app_keys import ENGINE, SETTINGS


async def apply_scenario(app: web.Application, loaded: StartingOrg) -> None:
    """Everything the scenario sets: the policy, the users and the fault rules (sign-ins in flight are forgotten),
    for the whole org, whichever replica was asked. Faker makes the generated users in a worker thread (up to
    ``MAX_USERS`` of them), so the loop keeps serving."""
    users = await asyncio.to_thread(loaded.to_users)
    policy = policy_in_force(loaded, app[SETTINGS])
    await app[ENGINE].reset(policy=policy, users=users, faults=loaded.to_fault_rules())
