"""The engine's lifecycle side: what an Okta admin does to an account (activate, suspend, unsuspend, deactivate, or
a test setting a status outright), through the control API and the pytest plugin.

The rules are :mod:`.user_lifecycle`'s; how each status then answers sign-in is :mod:`.user_states`'.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .authenticator_steps import Delivery
from .directory import User, UserStatus
from .engine_core import EngineCore
from .outbox import account_activation_email
from .user_lifecycle import ACTIVATION_TOKEN_LIFETIME, SIGNS_OUT_EVERYWHERE, Transition, activation_url, transition


@dataclass(frozen=True)
class Activated:
    """What ``activate`` did: the user as they are now, and the token and link of a pending activation (``None``
    when the user had a password and is ``ACTIVE`` already)."""

    user: User
    token: str | None
    url: str | None


class AccountAdmin(EngineCore):
    """Account lifecycle operations, each refused (:class:`~.user_lifecycle.IllegalTransition`) without a change
    when the user's status does not allow it."""

    async def activate_user(self, login: str, send_email: bool, delivery: Delivery) -> Activated:
        """Okta's ``lifecycle/activate``: a user without a password gets a new activation token (any earlier one is
        invalid from now), emailed as a ``/welcome/{token}`` link when ``send_email``; one with a password is
        ``ACTIVE`` at once."""
        at = await self._instant()
        user = transition(await self._existing_user(login), Transition.ACTIVATE)
        if user.status is UserStatus.ACTIVE:
            await self.store.put_user(user)
            return Activated(user, None, None)
        user, activation = await self.account_activations.issue(user, at.now)
        await self.store.put_user(user)
        url = activation_url(delivery.org_url, activation.token)
        if send_email:
            message = account_activation_email(
                user.login, user.email_address, url, at.now, ACTIVATION_TOKEN_LIFETIME, delivery.org_name
            )
            await self.outbox.send(message)
        return Activated(user, activation.token, url)

    async def change_lifecycle(self, login: str, operation: Transition) -> User:
        """``suspend``, ``unsuspend`` or ``deactivate`` (``activate``: :meth:`activate_user`). Suspending and
        deactivating sign the user out everywhere: every session and token from their earlier sign-ins is dead for
        good (:func:`~.user_states.still_signed_in`)."""
        at = await self._instant()
        user = transition(await self._existing_user(login), operation)
        if operation in SIGNS_OUT_EVERYWHERE:
            user = replace(user, signed_out_at=at.now)
        await self.store.put_user(user)
        return user

    async def set_status(self, login: str, status: UserStatus) -> User:
        """Any status, whatever the user's was (for tests): no lifecycle rule is checked and nothing else changes."""
        await self._instant()
        user = replace(await self._existing_user(login), status=status)
        await self.store.put_user(user)
        return user
