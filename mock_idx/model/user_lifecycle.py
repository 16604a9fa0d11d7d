"""An account's lifecycle as Okta's ``/api/v1/users/{id}/lifecycle/*`` moves it, and the activation token that lets
a user with no password yet finish activating.

Okta's rules (Users API, "User lifecycle operations"): ``activate`` takes a ``STAGED``, ``PROVISIONED`` (Okta calls
that one ``reactivate``) or ``DEPROVISIONED`` user; one with a password becomes ``ACTIVE`` at once, one without gets
an activation token (and, with ``sendEmail``, an email carrying ``/welcome/{token}``) and is ``PROVISIONED`` until the
token's sign-in sets a password. ``suspend`` takes only ``ACTIVE`` users, ``unsuspend`` only ``SUSPENDED`` ones,
``deactivate`` anyone not yet ``DEPROVISIONED``. A refused transition changes nothing.

Nothing here knows about HTTP: :class:`IllegalTransition` carries Okta's ``E0000…`` code for the web layer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from .directory import User, UserStatus
from .ids import secret_token
from .store import OrgStore, RecordKind

ACTIVATION_TOKEN_LIFETIME = 7 * 86400.0
"""Okta's default for activation emails: seven days (an org setting there, fixed here), on the virtual clock."""
KEEP_EXPIRED_FOR = 30 * 86400.0
"""How long an expired token is still recognised as one that expired (Okta's "no longer valid" page) rather than as
one that never existed."""
MAX_TOKEN_LENGTH = 200
"""A token longer than any this server issues is refused before it reaches the store."""


class Transition(str, Enum):
    """The lifecycle operations, named as in Okta's paths."""

    ACTIVATE = "activate"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    DEACTIVATE = "deactivate"


SIGNS_OUT_EVERYWHERE = frozenset({Transition.SUSPEND, Transition.DEACTIVATE})
"""The operations that end the user's sessions and revoke their tokens, as Okta's do; for good: unsuspending or
reactivating brings none back (new sign-ins work)."""


class IllegalTransition(Exception):
    """A lifecycle operation the user's status does not allow: Okta's ``code`` (``E0000016`` for activating an
    active user, ``E0000001`` otherwise) and ``status``."""

    def __init__(self, code: str, status: int, summary: str) -> None:
        super().__init__(summary)
        self.code = code
        self.status = status
        self.summary = summary


ACTIVATABLE = frozenset({UserStatus.STAGED, UserStatus.PROVISIONED, UserStatus.DEPROVISIONED})


def transition(user: User, operation: Transition) -> User:
    """The user after ``operation`` (an activation's token is the caller's to issue), or :class:`IllegalTransition`.
    Deactivating ends any pending activation; activating a user with a password needs no token."""
    status = user.status
    if operation is Transition.ACTIVATE:
        if status not in ACTIVATABLE:
            raise IllegalTransition("E0000016", 403, "Activation failed because the user is already active")
        if user.password is not None:
            return replace(user, status=UserStatus.ACTIVE, activation_token=None)
        return replace(user, status=UserStatus.PROVISIONED)
    if operation is Transition.SUSPEND:
        if status is not UserStatus.ACTIVE:
            raise IllegalTransition("E0000001", 400, "Api validation failed: Cannot suspend a user that is not active")
        return replace(user, status=UserStatus.SUSPENDED)
    if operation is Transition.UNSUSPEND:
        if status is not UserStatus.SUSPENDED:
            raise IllegalTransition(
                "E0000001", 400, "Api validation failed: Cannot unsuspend a user that is not suspended"
            )
        return replace(user, status=UserStatus.ACTIVE)
    if status is UserStatus.DEPROVISIONED:
        raise IllegalTransition("E0000001", 400, "Api validation failed: The user is already deactivated")
    return replace(user, status=UserStatus.DEPROVISIONED, activation_token=None)


LOCKABLE = frozenset({UserStatus.ACTIVE, UserStatus.RECOVERY, UserStatus.PASSWORD_EXPIRED, UserStatus.LOCKED_OUT})
"""Whom a lock (the control API's, standing in for the lockout policy) can reach: only users who can sign in, since
wrong passwords are all that locks at Okta. Locking a suspended or deactivated user would make them ``LOCKED_OUT``,
a status that signs in once unlocked."""
PASSWORD_EXPIRABLE = frozenset({UserStatus.ACTIVE, UserStatus.RECOVERY, UserStatus.PASSWORD_EXPIRED})
"""Whose password ``expire_password`` may expire: users who sign in with one. Not a suspended, deactivated or
not-yet-activated user (``PASSWORD_EXPIRED`` signs in, so it would lift the suspension), nor a locked one (it would
unlock them: an admin unlocks first)."""


def check_status_allows(user: User, allowed: frozenset[UserStatus], operation: str) -> None:
    """:class:`IllegalTransition` (Okta's ``E0000001``, as for its other refused lifecycle operations) when the
    user's status is not in ``allowed``."""
    if user.status not in allowed:
        raise IllegalTransition(
            "E0000001", 400, f"Api validation failed: Cannot {operation} a user whose status is {user.status.value}"
        )


@dataclass(frozen=True)
class AccountActivation:
    """One activation token, found by itself; it is good while it is the user's current one and not expired."""

    token: str
    login: str
    created_at: float
    expires_at: float


class TokenVerdict(str, Enum):
    """What a sign-in opened with an activation token finds."""

    VALID = "valid"
    """The user sets a password (and enrolls what the org requires), then is ``ACTIVE``."""
    EXPIRED = "expired"
    """Okta's "activation link is no longer valid" terminal answer."""
    USER_INACTIVE = "user_inactive"
    """The user was suspended since: Okta's "account has been temporarily suspended" terminal answer."""


@dataclass(frozen=True)
class Redeemed:
    outcome: TokenVerdict
    user: User


class AccountActivations:
    """Activation tokens in the org's store (one current per user: a new one, a completed activation or a
    deactivation makes the earlier one invalid)."""

    def __init__(self, store: OrgStore) -> None:
        self._store = store

    async def issue(self, user: User, now: float) -> tuple[User, AccountActivation]:
        """A new token for ``user`` (``PROVISIONED`` by :func:`transition`): the user carrying it, and the token."""
        activation = AccountActivation(secret_token(), user.login, now, now + ACTIVATION_TOKEN_LIFETIME)
        await self._store.put_record(
            RecordKind.ACCOUNT_ACTIVATION, activation.token, activation, ACTIVATION_TOKEN_LIFETIME + KEEP_EXPIRED_FOR
        )
        return replace(user, activation_token=activation.token), activation

    async def redeem(self, token: str, now: float) -> Redeemed | None:
        """What ``token`` opens; ``None`` for a token that is unknown, used, superseded, or whose user is gone or no
        longer activating (Okta's "The activation token is invalid")."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        activation = await self._store.record(RecordKind.ACCOUNT_ACTIVATION, token)
        if not isinstance(activation, AccountActivation):
            return None
        user = await self._store.user(activation.login)
        if user is None or user.activation_token != token:
            return None
        if user.status is UserStatus.SUSPENDED:
            return Redeemed(TokenVerdict.USER_INACTIVE, user)
        if user.status not in (UserStatus.STAGED, UserStatus.PROVISIONED):
            return None
        if activation.expires_at <= now:
            return Redeemed(TokenVerdict.EXPIRED, user)
        return Redeemed(TokenVerdict.VALID, user)

    async def complete(self, login: str, token: str) -> None:
        """The token's sign-in succeeded: the user is ``ACTIVE`` and the token spent. A user whose token changed
        meanwhile (a new activation) or who is no longer activating is left as they are."""
        user = await self._store.user(login)
        if user is None or user.activation_token != token:
            return
        if user.status in (UserStatus.STAGED, UserStatus.PROVISIONED):
            await self._store.put_user(replace(user, status=UserStatus.ACTIVE, activation_token=None))
        await self._store.delete_record(RecordKind.ACCOUNT_ACTIVATION, token)


def activation_url(org_url: str, token: str) -> str:
    """The link Okta's activation email carries (and its API answers as ``activationUrl``)."""
    return f"{org_url.rstrip('/')}/welcome/{token}"
