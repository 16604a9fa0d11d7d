"""Every route the server answers, in one place: each path to its handler in a ``*_routes`` module.

Handler modules are named for the area they serve (``idx_routes``, ``oauth_routes``, ``token_routes``,
``authorize_routes``, ``hosted_routes``, ``session_routes``, ``control_routes``, ``page_routes``,
``widget_routes``); everything else in this package is a helper they share.

``oauth_routes`` (discovery and the key set: what a client asks for first) and the small ``widget_routes`` are imported
with this module; every other handler module is imported by the first request to one of its routes
(:class:`LazyRoutes`), so ``mock-idx serve`` answers its first request without importing the hosted page, the IDX
documents or the control API (about 40 ms of its start-up)."""

from __future__ import annotations

import importlib
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler

from . import oauth_routes, widget_routes
from .static_files import serve_from

STATIC_DIR = Path(__file__).parent.parent / "static"

OAUTH_PREFIXES = ("/oauth2/{server_id}", "/oauth2")


class LazyHandler:
    """The handler ``name`` of the module ``module``, imported on the first request that needs it."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self._handler: Handler | None = None

    def resolve(self) -> Handler:
        """The handler itself (importing its module the first time)."""
        if self._handler is None:
            handler: Handler = getattr(importlib.import_module(self.module), self.name)
            self._handler = handler
        return self._handler

    async def handle(self, request: web.Request) -> web.StreamResponse:
        return await (self._handler or self.resolve())(request)


class LazyRoutes:
    """A handler module not imported yet: ``idx_routes.introspect`` is a handler that imports ``idx_routes`` when
    its first request comes, so the routes below read as if the module were imported."""

    def __init__(self, name: str) -> None:
        self._module = f"{__package__}.{name}"

    def __getattr__(self, name: str) -> Handler:
        return LazyHandler(self._module, name).handle


authorize_routes = LazyRoutes("authorize_routes")
control_routes = LazyRoutes("control_routes")
email_link_routes = LazyRoutes("email_link_routes")
hosted_routes = LazyRoutes("hosted_routes")
idx_routes = LazyRoutes("idx_routes")
lifecycle_routes = LazyRoutes("lifecycle_routes")
page_routes = LazyRoutes("page_routes")
session_routes = LazyRoutes("session_routes")
token_routes = LazyRoutes("token_routes")
welcome_routes = LazyRoutes("welcome_routes")

WELCOME_DONE_PATH = "/welcome/done"
"""Where an activation link's sign-in ends (the hosted page's "Account activated")."""


def add_routes(app: web.Application) -> None:
    _add_oauth(app)
    _add_hosted(app)
    _add_idx(app)
    _add_control(app)
    _add_pages(app)
    _add_widget(app)


def _add_oauth(app: web.Application) -> None:
    router = app.router
    router.add_get("/.well-known/openid-configuration", oauth_routes.openid_configuration)
    router.add_get("/.well-known/oauth-authorization-server", oauth_routes.openid_configuration)
    router.add_get("/oauth2/{server_id}/.well-known/openid-configuration", oauth_routes.openid_configuration)
    router.add_get("/oauth2/{server_id}/.well-known/oauth-authorization-server", oauth_routes.openid_configuration)
    for prefix in OAUTH_PREFIXES:
        router.add_get(f"{prefix}/v1/keys", oauth_routes.jwks)
        router.add_route("GET", f"{prefix}/v1/authorize", authorize_routes.authorize)
        router.add_route("POST", f"{prefix}/v1/authorize", authorize_routes.authorize)
        router.add_post(f"{prefix}/v1/interact", oauth_routes.interact)
        router.add_post(f"{prefix}/v1/token", token_routes.token)
        router.add_route("GET", f"{prefix}/v1/userinfo", oauth_routes.userinfo)
        router.add_route("POST", f"{prefix}/v1/userinfo", oauth_routes.userinfo)
        router.add_post(f"{prefix}/v1/introspect", oauth_routes.introspect)
        router.add_post(f"{prefix}/v1/revoke", oauth_routes.revoke)
        router.add_get(f"{prefix}/v1/logout", oauth_routes.logout)


def _add_hosted(app: web.Application) -> None:
    """Okta's hosted sign-in page (where ``/v1/authorize`` sends a browser) and the browser's session."""
    router = app.router
    router.add_get("/signin", hosted_routes.signin_page)
    router.add_post("/signin", hosted_routes.signin_step)
    router.add_get("/login/token/redirect", hosted_routes.token_redirect)
    router.add_get("/email/verify/{transaction}", email_link_routes.email_link)
    router.add_get(WELCOME_DONE_PATH, welcome_routes.done)  # before /welcome/{token}, which would take it
    router.add_get("/welcome/{token}", welcome_routes.welcome)
    router.add_get("/api/v1/sessions/me", session_routes.current_session)
    router.add_delete("/api/v1/sessions/me", session_routes.end_current_session)


def _add_idx(app: web.Application) -> None:
    router = app.router
    router.add_post("/idp/idx/introspect", idx_routes.introspect)
    router.add_post("/idp/idx/identify", idx_routes.identify)
    router.add_post("/idp/idx/challenge", idx_routes.challenge)
    router.add_post("/idp/idx/challenge/answer", idx_routes.answer)
    router.add_post("/idp/idx/challenge/resend", idx_routes.resend)
    router.add_post("/idp/idx/challenge/send", idx_routes.send)
    router.add_post("/idp/idx/challenge/poll", idx_routes.poll)
    router.add_post("/idp/idx/authenticators/poll", idx_routes.poll)
    router.add_post("/idp/idx/credential/enroll", idx_routes.enroll)
    router.add_post("/idp/idx/skip", idx_routes.skip)
    router.add_post("/idp/idx/cancel", idx_routes.cancel)
    router.add_post("/idp/idx/unlock-account", idx_routes.unlock_account)
    router.add_post("/idp/idx/recover", idx_routes.recover)
    router.add_post("/idp/idx/enroll", idx_routes.enroll_profile)
    router.add_post("/idp/idx/enroll/new", idx_routes.enroll_new)
    router.add_post("/idp/idx/identify/select", idx_routes.select_identify)


def _add_control(app: web.Application) -> None:
    router = app.router
    api = "/_mock/v1"
    router.add_post(f"{api}/reset", control_routes.reset)
    router.add_put(f"{api}/scenario", control_routes.put_scenario)
    router.add_get(f"{api}/users", control_routes.list_users)
    router.add_put(f"{api}/users/{{login}}", control_routes.put_user)
    router.add_get(f"{api}/users/{{login}}", control_routes.get_user)
    router.add_put(f"{api}/users/{{login}}/groups", control_routes.put_groups)
    router.add_post(f"{api}/users/{{login}}/lock", control_routes.lock_user)
    router.add_post(f"{api}/users/{{login}}/unlock", control_routes.unlock_user)
    router.add_get(f"{api}/users/{{login}}/pushes", control_routes.pending_pushes)
    router.add_post(f"{api}/users/{{login}}/push/approve", control_routes.approve_push)
    router.add_post(f"{api}/users/{{login}}/push/deny", control_routes.deny_push)
    router.add_get(f"{api}/users/{{login}}/totp", control_routes.totp)
    router.add_post(f"{api}/users/{{login}}/okta-verify/activate", control_routes.activate_okta_verify)
    router.add_post(f"{api}/users/{{login}}/lifecycle/activate", lifecycle_routes.activate)
    router.add_post(f"{api}/users/{{login}}/lifecycle/suspend", lifecycle_routes.suspend)
    router.add_post(f"{api}/users/{{login}}/lifecycle/unsuspend", lifecycle_routes.unsuspend)
    router.add_post(f"{api}/users/{{login}}/lifecycle/deactivate", lifecycle_routes.deactivate)
    router.add_post(f"{api}/users/{{login}}/lifecycle/unlock", control_routes.unlock_user)  # Okta's name for /unlock
    router.add_post(f"{api}/users/{{login}}/lifecycle/expire_password", control_routes.expire_password)
    router.add_put(f"{api}/users/{{login}}/status", lifecycle_routes.put_status)
    router.add_get(f"{api}/users/{{login}}/messages", control_routes.messages)
    router.add_post(f"{api}/users/{{login}}/expire-password", control_routes.expire_password)
    router.add_get(f"{api}/clock", control_routes.clock)
    router.add_post(f"{api}/clock/advance", control_routes.advance_clock)
    router.add_get(f"{api}/journal", control_routes.journal)
    router.add_post(f"{api}/faults", control_routes.add_fault)
    router.add_get(f"{api}/faults", control_routes.list_faults)
    router.add_delete(f"{api}/faults", control_routes.clear_faults)
    router.add_delete(f"{api}/faults/{{fault_id}}", control_routes.delete_fault)
    router.add_get(f"{api}/openapi.json", control_routes.openapi_description)


def _add_pages(app: web.Application) -> None:
    router = app.router
    router.add_get("/_mock/device", page_routes.device_index)
    router.add_get("/_mock/device/{login}", page_routes.device_page)
    router.add_get("/_mock/device/{login}/state", page_routes.device_state_json)
    router.add_get("/_mock/inbox/{login}", page_routes.inbox_page)
    router.add_get("/_mock/inbox/{login}/state", page_routes.inbox_state_json)
    router.add_get("/_mock/journal", page_routes.journal_page)
    router.add_get("/_mock/static/{path:.+}", serve_from(STATIC_DIR))


def _add_widget(app: web.Application) -> None:
    router = app.router
    router.add_get("/_mock/widget", widget_routes.widget_page)
    router.add_get(f"{widget_routes.STATIC_PREFIX}/{{path:.+}}", widget_routes.widget_static)
