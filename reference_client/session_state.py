"""What the app keeps in the (server-side, see `session_store`) session, behind small named helpers.

Keys: the IDX context of a sign-in in progress, the signed-in user (verified claims + tokens to revoke), one-shot
notices for the next page, where to go after sign-in, and the CSRF token (see `security`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp_session import Session, get_session, new_session

from .idx import IdxContext, TokenSet
from .security import rotate_csrf_token, safe_local_path

IDX_KEY = "idx"
USER_KEY = "user"
NOTICES_KEY = "notices"
RETURN_TO_KEY = "return_to"


def idx_context(session: Session) -> IdxContext | None:
    return IdxContext.from_dict(session.get(IDX_KEY))


def keep_idx_context(session: Session, context: IdxContext | None) -> None:
    """Store the context of the sign-in in progress (None: there is none any more)."""
    if context is None:
        forget_idx_context(session)
    else:
        session[IDX_KEY] = context.to_dict()


def forget_idx_context(session: Session) -> None:
    session.pop(IDX_KEY, None)


async def renewed_session(request: web.Request) -> Session:
    """The request's session data under a new id; the old id is forgotten when the session is saved.

    For privilege changes (sign-in): an id someone saw or planted before must not carry the signed-in session.
    """
    data = dict(await get_session(request))
    session = await new_session(request)
    session.update(data)
    return session


def sign_in(session: Session, tokens: TokenSet) -> str:
    """Record the signed-in user and return where to send them.

    Keeps the claims (for the home page) and the tokens to revoke at sign-out; the session is stored server-side,
    so however large the claims are, the cookie stays a session id. The id_token itself is not kept.
    """
    forget_idx_context(session)
    session[USER_KEY] = {
        "claims": tokens.claims,
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
    }
    rotate_csrf_token(session)
    return safe_local_path(session.pop(RETURN_TO_KEY, None))


def signed_in_user(session: Session) -> dict[str, Any] | None:
    user = session.get(USER_KEY)
    return user if isinstance(user, dict) and isinstance(user.get("claims"), dict) else None


def remember_return_to(session: Session, target: object) -> None:
    """Where to land after sign-in; only local paths are kept."""
    path = safe_local_path(target, default="")
    if path:
        session[RETURN_TO_KEY] = path


def add_notices(session: Session, texts: list[str]) -> None:
    session[NOTICES_KEY] = [*session.get(NOTICES_KEY, []), *texts]


def take_notices(session: Session) -> list[str]:
    return list(session.pop(NOTICES_KEY, []))
