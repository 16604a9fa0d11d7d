"""The identity engine: the one object that answers every question the HTTP layer asks about the org.

Handlers call these methods and render what comes back; the control API and the device page call the same methods a
phone or an admin would use. The org's state lives in its store (:mod:`.store`), shared by every replica: each method
reads what it needs, decides with the model's classes, and writes back what changed, so no request relies on what a
previous one left in this process. The services inside (store, TOTP, tokens, key) are the engine's own business: the
web layer reads only its plain values (``policy``, ``policy_generation``, ``authenticators``, ``idp_id``,
``clock_offset_seen``) and asks
everything else through a method here. Nothing here knows about requests, status codes or JSON documents.
"""

from __future__ import annotations

from .account_admin import AccountAdmin
from .oauth_front_door import (
    CodeExchange,
    CodeRedemption,
    HostedSignIn,
    LogoutRequest,
    OAuthFrontDoor,
    Redemption,
    RefreshRequest,
    UserInfo,
)
from .org_admin import OrgAdmin
from .sign_in_steps import SignInSteps
from .sign_up_steps import SignUpSteps

__all__ = [
    "CodeExchange",
    "CodeRedemption",
    "Engine",
    "HostedSignIn",
    "LogoutRequest",
    "Redemption",
    "RefreshRequest",
    "UserInfo",
]


class Engine(OAuthFrontDoor, SignInSteps, SignUpSteps, OrgAdmin, AccountAdmin):
    """One org, over its store. Make one with :meth:`join` (the store may already hold an org other replicas serve).

    Its methods come in three parts over one core (:class:`~.engine_core.EngineCore`: the store, the services, the
    policy and clock read first): OAuth (:class:`~.oauth_front_door.OAuthFrontDoor`), IDX steps
    (:class:`~.sign_in_steps.SignInSteps`), self-service registration (:class:`~.sign_up_steps.SignUpSteps`), the
    phone and the admin (:class:`~.org_admin.OrgAdmin`) and accounts' lifecycle
    (:class:`~.account_admin.AccountAdmin`)."""
