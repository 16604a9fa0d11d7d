"""``/api/v1/sessions/me``: the browser's Okta session, as okta-auth-js reads and ends it.

The browser names its session only by the ``sid`` cookie, which the hosted sign-in page set on the org's origin; an
app on another origin calls these with ``credentials: include`` (``session.exists()``, ``session.get()``,
``closeSession()``), which the CORS middleware allows. No session, or a dead one, is Okta's classic ``E0000007``: what
okta-auth-js's ``closeSession()`` reads as "already signed out".
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..model.clock import isoformat
from ..model.directory import User
from ..model.engine import Engine
from ..model.sessions import Session
from .app_keys import ENGINE, USER
from .request_parsing import base_url
from .responses import classic_error
from .session_cookie import forget_session_cookie, session_id

NO_SESSION = "Not found: Resource not found: me (Session)"
ME = "/api/v1/sessions/me"


async def current_session(request: web.Request) -> web.Response:
    """``GET``: the live session as Okta's Sessions API shows it (using it keeps it alive, as at Okta)."""
    engine = request.app[ENGINE]
    session = await engine.session(session_id(request))
    if session is None:
        return no_session()
    request[USER] = session.login
    user = await engine.find_user(session.login)
    return web.json_response(session_document(request, engine, session, user))


async def end_current_session(request: web.Request) -> web.Response:
    """``DELETE``: sign the browser out (okta-auth-js ``closeSession()``); 204, or 404 when it had no session."""
    engine = request.app[ENGINE]
    sid = session_id(request)
    session = await engine.session(sid)
    if session is None or not await engine.end_session(sid):
        return no_session()
    request[USER] = session.login
    response = web.Response(status=204)
    forget_session_cookie(request, response)
    return response


def no_session() -> web.Response:
    return classic_error(404, "E0000007", NO_SESSION)


def session_document(request: web.Request, engine: Engine, session: Session, user: User | None) -> dict[str, Any]:
    """Okta's Session object (Sessions API, "Retrieve the current Session"), its times on the org's clock."""
    base = base_url(request)
    mfa = "mfa" in session.amr
    return {
        "id": session.okta_id,
        "userId": session.user_id,
        "login": session.login,
        "createdAt": isoformat(session.created_at),
        "expiresAt": isoformat(engine.session_expires_at(session)),
        "status": "ACTIVE",
        "lastPasswordVerification": isoformat(session.auth_time),
        "lastFactorVerification": isoformat(session.auth_time) if mfa else None,
        "amr": list(session.amr),
        "idp": {"id": engine.idp_id, "type": "OKTA"},
        "mfaActive": user is not None and user.okta_verify is not None,
        "_links": {
            "self": {"href": f"{base}{ME}", "hints": {"allow": ["GET", "DELETE"]}},
            "refresh": {"href": f"{base}{ME}/lifecycle/refresh", "hints": {"allow": ["POST"]}},
            "user": {
                "name": user.display_name if user else session.login,
                "href": f"{base}/api/v1/users/me",
                "hints": {"allow": ["GET"]},
            },
        },
    }
