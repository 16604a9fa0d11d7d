"""What the app keeps in the (server-side, see `session_store`) session, behind small named helpers.

Keys: the IDX context of a sign-in in progress, the redirect sign-ins sent to the org's hosted page and not back yet,
the signed-in user (verified claims + tokens to revoke), one-shot notices for the next page, the words a sign-in
ended with (for the page that shows them), where to go after sign-in, and the CSRF token (see `security`).
"""

from __future__ import annotations

import hmac
from typing import Any

from aiohttp import web
from aiohttp_session import Session, get_session, new_session

from .idx import IdxContext, RedirectSignIn, TokenSet
from .security import rotate_csrf_token, safe_local_path

IDX_KEY = "idx"
USER_KEY = "user"
NOTICES_KEY = "notices"
RETURN_TO_KEY = "return_to"
REDIRECTS_KEY = "redirect_sign_ins"
ENDING_KEY = "ending"
MAX_REDIRECT_SIGN_INS = 3
"""Redirect sign-ins kept at once: a visitor may start one in a second tab before the first comes back, but
someone triggering the start page over and over must not grow the session without bound (oldest go first)."""


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


def remember_ending(session: Session, messages: list[tuple[str | None, str]]) -> None:
    """Keep what the server said when the sign-in ended (its i18n key and text), for the page that says it."""
    session[ENDING_KEY] = [[key, text] for key, text in messages]


def take_ending(session: Session) -> list[tuple[str | None, str]]:
    """What `remember_ending` kept, forgotten now; empty if nothing (or something this app did not write) is kept."""
    kept = session.pop(ENDING_KEY, None)
    entries = kept if isinstance(kept, list) else []
    return [
        (key if isinstance(key, str) else None, text)
        for entry in entries
        if isinstance(entry, list) and len(entry) == 2
        for key, text in [entry]
        if isinstance(text, str)
    ]


def remember_redirect_sign_in(session: Session, sign_in: RedirectSignIn) -> None:
    """Keep a redirect sign-in until the browser comes back with its `state`."""
    kept = [kept.to_dict() for kept in _redirect_sign_ins(session)]
    session[REDIRECTS_KEY] = [*kept, sign_in.to_dict()][-MAX_REDIRECT_SIGN_INS:]


def take_redirect_sign_in(session: Session, state: str) -> RedirectSignIn | None:
    """The redirect sign-in this session started with `state`, forgotten now (a state is good for one return);
    None if it started none such: a callback from someone else's sign-in, a replay, or a session that expired."""
    pending = _redirect_sign_ins(session)
    found = next((s for s in pending if hmac.compare_digest(s.state.encode(), state.encode())), None)
    if found is not None:
        rest = [s.to_dict() for s in pending if s is not found]
        if rest:
            session[REDIRECTS_KEY] = rest
        else:
            session.pop(REDIRECTS_KEY, None)
    return found


def _redirect_sign_ins(session: Session) -> list[RedirectSignIn]:
    kept = session.get(REDIRECTS_KEY)
    found = map(RedirectSignIn.from_dict, kept if isinstance(kept, list) else [])
    return [sign_in for sign_in in found if sign_in is not None]
