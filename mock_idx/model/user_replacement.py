"""What replacing a user record keeps of the stored one: the control API's ``PUT /_mock/v1/users/{login}`` (and the
pytest plugin's and ``ControlClient``'s ``add_user`` of a login that exists) for a user already in the directory.

The body says who the user is: password, profile, groups, authenticators, status. What the server has learned about
the account since it was made is state, not profile, and a replacement is no way to erase it: Okta's own
``PUT /api/v1/users/{id}`` replaces a profile and leaves the account's id, its revoked tokens, its lockout count and
its pending activation alone. So each such field is decided here, field by field, and the rest comes from the body.
The password's dates and history are decided with the clock, by :meth:`.org_admin.OrgAdmin.put_user`.

Pure model: no store, no clock, no HTTP.
"""

from __future__ import annotations

from dataclasses import replace

from .directory import User, UserStatus
from .lockout import is_locked

STILL_ACTIVATING = frozenset({UserStatus.STAGED, UserStatus.PROVISIONED})
"""The statuses in which an activation token can still be used (:meth:`.user_lifecycle.AccountActivations.redeem`)."""


def replacing(stored: User | None, replacement: User) -> User:
    """``replacement`` as it is stored over ``stored`` (``None``: a new user, stored as given).

    - ``id``: the stored one. Okta's user id is the person's for life; tokens' ``sub``, the sessions API's
      ``userId`` and an app's own records name it, so a replaced record is still the same user to them.
    - ``signed_out_at``: the stored one. A suspension or deactivation revoked every token and session the user held,
      and Okta's revocation is permanent: a new body, even one that makes the user ``ACTIVE`` again, revives none of
      them (:func:`.user_states.still_signed_in`); new sign-ins work.
    - ``failed_passwords`` and ``locked_at``: the stored ones while the replacement stays ``LOCKED_OUT`` (auto-unlock
      still counts from the real lock) or was not locked (a count of wrong passwords is not reset by editing the
      profile; a right password resets it). A replacement that lifts a lock is an unlock: a fresh count and no lock
      time, as Okta's ``lifecycle/unlock`` (:func:`.lockout.unlocked`). A status made ``LOCKED_OUT`` by the body has
      no lock time, as a scenario's has, so auto-unlock never lifts it.
    - ``activation_token``: the stored one while the replacement is still activating (``STAGED``, ``PROVISIONED``),
      so the link already emailed keeps working; otherwise none, as activating or deactivating ends it
      (:func:`.user_lifecycle.transition`), so a later status set back to ``PROVISIONED`` does not revive an old link.
    """
    if stored is None:
        return replacement
    stays_locked = is_locked(replacement)
    unlocks = is_locked(stored) and not stays_locked
    return replace(
        replacement,
        id=stored.id,
        signed_out_at=stored.signed_out_at,
        failed_passwords=() if unlocks else stored.failed_passwords,
        locked_at=stored.locked_at if stays_locked else None,
        activation_token=stored.activation_token if replacement.status in STILL_ACTIVATING else None,
    )
