"""The bench's users, known to both the server (which seeds them) and the load (which signs them in).

Logins and TOTP secrets are derived from a kind and a number, so the load process can compute any user's codes
without asking the server.
"""

from __future__ import annotations

import base64
import hashlib

from mock_idx.model.directory import OktaVerifyEnrollment, PushBehaviour, PushOutcome, User, VerifyMethod

PASSWORD = "bench-Passw0rd"
APPROVE_AFTER_POLLS = 2
"""The scripted phone approves once the app has polled this many times (the next poll succeeds)."""
KINDS = ("tap", "push", "totp", "pwd")
"""``tap``: push left pending (step benchmarks); ``push``: approved after polls; ``totp``: signs in with a code;
``pwd``: no Okta Verify, so the password alone succeeds (token-endpoint setup)."""
PUSH_USERS = 50
"""Push and tap users: a user may have any number of sign-ins in flight at once."""


def login(kind: str, number: int) -> str:
    return f"{kind}{number}@bench.test"


def totp_secret(login_name: str) -> str:
    return base64.b32encode(hashlib.sha256(login_name.encode()).digest()[:20]).decode()


def bench_users(totp_users: int) -> list[User]:
    """``PUSH_USERS`` each of tap and push, one pwd user, and ``totp_users`` TOTP users (each signs in once per run,
    since a TOTP code is single use)."""
    users = [User(login=login("pwd", 0), password=PASSWORD)]
    for number in range(PUSH_USERS):
        users.append(_verify_user(login("tap", number), PushBehaviour(PushOutcome.MANUAL)))
        users.append(
            _verify_user(login("push", number), PushBehaviour(PushOutcome.APPROVE, after_polls=APPROVE_AFTER_POLLS))
        )
    for number in range(totp_users):
        name = login("totp", number)
        users.append(_verify_user(name, PushBehaviour(), secret=totp_secret(name)))
    return users


def _verify_user(name: str, push: PushBehaviour, secret: str | None = None) -> User:
    enrollment = OktaVerifyEnrollment(methods=(VerifyMethod.PUSH, VerifyMethod.TOTP), push=push)
    if secret:
        enrollment.totp_secret = secret
    return User(login=name, password=PASSWORD, okta_verify=enrollment)
