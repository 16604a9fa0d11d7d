"""Complete sign-ins per second: ``/v1/interact`` through ``/v1/token``, by push and by TOTP, as one operation."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from .http import Pool
from .idx import LoadSignIn
from .load import Measured, Operation, closed_loop
from .users import APPROVE_AFTER_POLLS, PUSH_USERS, login, totp_secret

KINDS = {"push": f"push, approved after {APPROVE_AFTER_POLLS} polls", "totp": "TOTP code"}


@dataclass(frozen=True)
class SignInResult:
    kind: str
    users: int
    measured: Measured


async def measure(url: str, kind: str, users: int, seconds: float, totp_users: count[int]) -> SignInResult:
    """``users`` people signing in one after another; a TOTP user signs in once (codes are single use), so each
    TOTP sign-in takes the next unused user from ``totp_users``."""
    assert users <= PUSH_USERS
    with Pool(url, users) as pool:
        sign_in = operation(pool, kind, totp_users)
        await closed_loop(sign_in, users, seconds / 5, 10**9)  # warm up connections
        return SignInResult(kind, users, await closed_loop(sign_in, users, seconds, 10**9))


def operation(pool: Pool, kind: str, totp_users: count[int]) -> Operation:
    """One complete sign-in of ``kind`` by client ``number`` of ``pool`` (push: the client's own push user)."""

    async def push(number: int) -> None:
        await LoadSignIn(pool[number]).push_sign_in(login("push", number))

    async def totp(number: int) -> None:
        name = login("totp", next(totp_users))
        await LoadSignIn(pool[number]).totp_sign_in(name, totp_secret(name))

    return push if kind == "push" else totp
