"""The engine's OAuth side: ``/v1/interact`` and the grants, the hosted sign-in's ``/v1/authorize`` and its
sessions, and the endpoints apps call with tokens (introspect, revoke, userinfo, logout).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .assurance import UNMET, requested_assurance, too_old
from .authenticators import NeedKind, next_need
from .authorize import (
    AuthorizationCode,
    AuthorizeRequest,
    ClientRedirect,
    ErrorPage,
    Prompt,
    RedirectedError,
    ResponseMode,
    error_redirect,
)
from .authorize import check as check_authorize
from .clients import AUTHENTICATION_FAILED, GrantType, PresentedCredentials, authenticate
from .clock import Instant
from .directory import User
from .engine_core import EngineCore
from .errors import IdxError, OAuthError, Reason
from .ids import secret_token
from .policy import OIDC_SCOPES, Client
from .servers import POLICY_FAILED, TokenKind, claims_for, client_claims
from .sessions import Session
from .store import Handle, RecordKind
from .tokens import (
    AuthorizationServer,
    Grant,
    Lifetimes,
    TokenPlan,
    TokenSet,
    userinfo_claims,
)
from .transaction import Interaction, Step, Transaction
from .user_lifecycle import TokenVerdict
from .user_states import still_signed_in

END_USER_APP = "okta_enduser"
END_USER_APP_LABEL = "Okta Dashboard"
"""Okta's own end-user app, which an activation link signs the user into (its name and label in Okta's documents)."""
INVALID_ACTIVATION_LINK = (
    "This can happen if you have already activated your account, or if the URL you are trying to use is invalid. "
    "Contact your administrator for further assistance."
)
"""The widget's ``idx.missing.activation.token`` text, for an activation link that opens nothing."""
ACCESS_DENIED = "You do not have permission to perform the requested action."
"""Okta's words for a sign-in the app's authentication policy denies (its IDX message, ``security.access_denied``)."""
NOT_A_LOGOUT_REDIRECT = (
    "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings."
)


@dataclass(frozen=True)
class CodeExchange:
    """``grant_type=interaction_code``, from a client the token endpoint has authenticated."""

    client: Client
    redirect_uri: str | None
    """Optional, as at Okta: the interaction-code grant needs none (Okta's Java IDX SDK sends none); if sent, it
    must match the one given at /v1/interact."""
    interaction_code: str
    code_verifier: str
    server: AuthorizationServer


@dataclass(frozen=True)
class RefreshRequest:
    """``grant_type=refresh_token``, from a client the token endpoint has authenticated."""

    client: Client
    refresh_token: str
    scope: str | None
    server: AuthorizationServer


@dataclass(frozen=True)
class LogoutRequest:
    id_token_hint: str | None
    post_logout_redirect_uri: str | None
    server: AuthorizationServer
    session_id: str | None = None
    """The browser's ``sid`` cookie: the session sign-out ends."""


@dataclass(frozen=True)
class CodeRedemption:
    """``grant_type=authorization_code``: the code, the redirect URI it was issued for, and the PKCE verifier."""

    client: Client
    code: str
    redirect_uri: str | None
    code_verifier: str | None
    server: AuthorizationServer


@dataclass(frozen=True)
class HostedSignIn:
    """A hosted sign-in that succeeded: where the browser goes back to the app, and the session it now has."""

    redirect: ClientRedirect
    session: Session


@dataclass(frozen=True)
class UserInfo:
    """What ``/v1/userinfo`` tells about the bearer of an access token."""

    login: str
    claims: dict[str, Any]


@dataclass(frozen=True)
class Redemption:
    """What an interaction code was exchanged for, and the sign-in it came from."""

    transaction: Transaction
    tokens: TokenSet


class OAuthFrontDoor(EngineCore):
    """Everything an app or a browser asks of the org over OAuth and OIDC."""

    # --- OAuth: opening and closing a sign-in ------------------------------------------------------------------

    async def interact(self, request: Interaction) -> Transaction:
        """Opens a transaction for a valid request, labelled with its client's name (what the phone shows)."""
        at = await self._instant()
        client = self.policy.find_client(request.client_id)
        if client is None:
            raise OAuthError("invalid_client", "Invalid value for 'client_id' parameter.")
        if not client.allows_redirect(request.redirect_uri):
            raise OAuthError(
                "invalid_request",
                "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
            )
        if not request.code_challenge:
            raise OAuthError(
                "invalid_request",
                "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.",
            )
        if request.code_challenge_method != "S256":
            raise OAuthError("invalid_request", "'code_challenge_method' must be 'S256'.")
        config = self.policy.server_config(request.authorization_server)
        if not all(config.knows(scope) for scope in request.scopes):
            raise OAuthError(
                "invalid_scope", "One or more scopes are not configured for the authorization server resource."
            )
        if config.policy_for(client.client_id) is None:
            raise OAuthError("access_denied", POLICY_FAILED)
        start = None
        if request.activation_token is not None:
            start = await self._activation_start(request.activation_token, at)
        assurance = requested_assurance(request.acr_values)
        if assurance is not None and not self.policy.authenticators.can_meet(assurance):
            raise OAuthError("unmet_authentication_requirements", UNMET)
        chosen = assurance.value if assurance else None
        return await self._open(replace(request, client_label=client.label, acr_values=chosen), at, start=start)

    async def _activation_start(self, token: str, at: Instant) -> Callable[[Transaction], None]:
        """How a sign-in opened with an activation token begins: the user's enrollments (a password first) for a
        good token, Okta's terminal answer for an expired one or a suspended user; a token that is unknown, used or
        superseded is refused here, as Okta's ``/v1/interact`` refuses it (the Sign-In Widget knows this error)."""
        redeemed = await self.account_activations.redeem(token, at.now)
        if redeemed is None:
            raise OAuthError("invalid_request", "The activation token is invalid")
        if redeemed.outcome is TokenVerdict.EXPIRED:
            return lambda transaction: transaction.end(Reason.ACTIVATION_TOKEN_EXPIRED)
        if redeemed.outcome is TokenVerdict.USER_INACTIVE:
            return lambda transaction: transaction.end(Reason.ACTIVATING_USER_INACTIVE)
        policy = self.policy.authenticators
        return lambda transaction: transaction.start_activation(redeemed.user, at.now, policy)

    async def exchange_interaction_code(self, exchange: CodeExchange) -> Redemption:
        """Single use: the transaction is gone once its code has been presented, right or wrong; of two requests
        presenting one code at once (on two replicas, say), exactly one gets tokens."""
        at = await self._instant()
        code = exchange.interaction_code
        transaction = await self.store.transaction(Handle.INTERACTION_CODE, code)
        if transaction is None or await self.store.take_interaction_code(code) is None:
            raise OAuthError("invalid_grant", "The interaction code is invalid or has expired.")
        await self.store.delete_transaction(transaction)
        if transaction.code_expires_at <= at.now or not transaction.is_alive(at.now):
            raise OAuthError("invalid_grant", "The interaction code is invalid or has expired.")
        interaction = transaction.interaction
        if interaction.hosted:  # a hosted sign-in ends in an authorization code, never in an interaction code grant
            raise OAuthError("invalid_grant", "The interaction code is invalid or has expired.")
        if interaction.client_id != exchange.client.client_id or interaction.authorization_server != exchange.server.id:
            raise OAuthError("invalid_grant", "The interaction code is invalid or has expired.")
        if exchange.redirect_uri is not None and interaction.redirect_uri != exchange.redirect_uri:
            raise OAuthError("invalid_grant", "The redirect URI does not match the one used in the authorize request.")
        if not _pkce_matches(exchange.code_verifier, interaction.code_challenge):
            raise OAuthError("invalid_grant", "PKCE verification failed.")
        assert transaction.auth_time is not None and transaction.user is not None
        user = await self.store.user(transaction.user.login)
        if user is None or not still_signed_in(user, transaction.auth_time):
            # deleted, suspended or deactivated after the sign-in succeeded
            raise OAuthError("invalid_grant", "The interaction code is invalid or has expired.")
        plan, server = self._plan(
            exchange.server, interaction.client_id, GrantType.INTERACTION_CODE, user, interaction.scopes
        )
        grant = Grant(
            server=server,
            client_id=interaction.client_id,
            user=user,
            scopes=interaction.scopes,
            auth_time=transaction.auth_time,
            amr=transaction.amr,
            nonce=interaction.nonce,
            acr=interaction.acr_values,
        )
        return Redemption(transaction, await self.tokens.mint(grant, plan, at))

    async def refresh_tokens(self, request: RefreshRequest) -> TokenSet:
        """With the client's refresh token rotation on (Okta's default), the presented refresh token is spent and a
        new one comes back; off, it stays good and comes back as it was. Refused requests spend nothing. A token of
        another client or another authorization server is as good as unknown."""
        at = await self._instant()
        client = request.client
        grant = await self.tokens.refresh_grant(request.refresh_token, client.client_id, request.server, at)
        if grant is None:
            raise OAuthError("invalid_grant", "The refresh token is invalid or expired.")
        scopes = tuple(request.scope.split()) if request.scope else grant.scopes
        if not scopes or not set(scopes) <= set(grant.scopes):
            raise OAuthError("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
        user = await self.store.user(grant.user.login)
        if user is None:  # the user is gone: so is what the refresh token stood for
            raise OAuthError("invalid_grant", "The refresh token is invalid or expired.")
        plan, _ = self._plan(request.server, client.client_id, GrantType.REFRESH_TOKEN, user, scopes)
        tokens = await self.tokens.rotate(
            request.refresh_token, scopes, plan, at, rotation=client.refresh_token_rotation
        )
        if tokens is None:  # spent by a request that raced this one (or revoked meanwhile)
            raise OAuthError("invalid_grant", "The refresh token is invalid or expired.")
        return tokens

    # --- OAuth: the hosted sign-in (``/v1/authorize``), sessions, and the other grants -------------------------

    async def authenticate_client(self, presented: PresentedCredentials, endpoint: str) -> Client:
        """The registered client that presented these credentials at ``endpoint``, checked as Okta checks them
        (:func:`~.clients.authenticate`); a ``private_key_jwt`` assertion is good once."""
        at = await self._instant()
        client = self.policy.find_client(presented.client_id)
        if client is None:
            raise OAuthError("invalid_client", AUTHENTICATION_FAILED)
        assertion = authenticate(client, presented, endpoint, at.wall)
        if assertion is not None:
            key = f"{client.client_id} {assertion.jti}"
            if not await self.store.claim_once(RecordKind.SPENT_ASSERTION, key, assertion.expires_at - at.wall):
                raise OAuthError("invalid_client", "The client_assertion token has already been used.")
        return client

    async def authorize(
        self, request: AuthorizeRequest, server: AuthorizationServer, session_id: str | None
    ) -> Transaction | ClientRedirect:
        """``/v1/authorize``: straight back to the app when the browser's session may sign it in (or when the request
        is refused), else a hosted sign-in transaction for the sign-in page. Raises :class:`ErrorPage` when there is
        no safe way back to the app."""
        at = await self._instant()
        try:
            checked = check_authorize(request, self.policy)
        except RedirectedError as refused:
            return refused.redirect
        interaction = Interaction(
            client_id=checked.client.client_id,
            redirect_uri=checked.redirect_uri,
            scope=" ".join(checked.scopes),
            code_challenge=checked.code_challenge,
            code_challenge_method=checked.code_challenge_method,
            state=checked.state,
            nonce=checked.nonce,
            authorization_server=server.id,
            client_label=checked.client.label,
            hosted=True,
            response_type=" ".join(sorted(checked.response_types)),
            response_mode=checked.response_mode.value,
            login_hint=checked.login_hint,
            acr_values=checked.assurance.value if checked.assurance else None,
        )
        session = await self._live_session(session_id, at)
        user = await self.store.user(session.login) if session else None
        login_required = error_redirect(
            checked.redirect_uri,
            checked.response_mode,
            checked.state,
            "login_required",
            "The client specified not to prompt, but the user is not logged in.",
        )
        forced = checked.prompt is Prompt.LOGIN or (
            session is not None and too_old(session.auth_time, at.now, checked.max_age)
        )
        if session and user and not forced:
            if self.policy.authenticators.denies(interaction.client_id, user.groups):
                return error_redirect(
                    checked.redirect_uri, checked.response_mode, checked.state, "access_denied", ACCESS_DENIED
                )
            if self._session_meets(session, user, interaction):
                return await self._back_to_app(interaction, user, session.auth_time, session.amr, server, at)
            if checked.prompt is Prompt.NONE:
                return login_required
            return await self._step_up(interaction, session, user, at)
        if checked.prompt is Prompt.NONE:
            return login_required
        return await self._open(interaction, at)

    async def welcome(self, token: str, done_url: str) -> Transaction:
        """``/welcome/{token}``, the activation email's link: a hosted sign-in for Okta's own end-user app (what a
        real org's link signs the user into), opened with the token as ``/v1/interact`` opens one, that goes back to
        ``done_url`` once the user set their password. An invalid token is Okta's message on an error page."""
        at = await self._instant()
        try:
            start = await self._activation_start(token, at)
        except OAuthError:
            raise ErrorPage("invalid_request", INVALID_ACTIVATION_LINK) from None
        interaction = Interaction(
            client_id=END_USER_APP,
            redirect_uri=done_url,
            scope="openid",
            code_challenge="",
            code_challenge_method="",
            state="",
            nonce=None,
            authorization_server=None,
            client_label=END_USER_APP_LABEL,
            hosted=True,
            activation_token=token,
        )
        return await self._open(interaction, at, start=start)

    def _session_meets(self, session: Session, user: User, interaction: Interaction) -> bool:
        """Whether the browser's session meets the level the app asks for (none asked: any live session does)."""
        if interaction.assurance is None:
            return True
        policy = self.policy.authenticators
        need = next_need(policy, user.enrolled(), session.verified, (), True, interaction.assurance)
        return need.kind is NeedKind.DONE

    async def _step_up(self, interaction: Interaction, session: Session, user: User, at: Instant) -> Transaction:
        """A hosted sign-in that starts from the session's factors and asks only for what the app's level adds."""
        transaction = await self._open(interaction, at)
        transaction.step_up(user, session.verified, session.amr, session.auth_time, self.policy.authenticators)
        return await self._commit(transaction, at)

    async def complete_hosted_sign_in(self, transaction: Transaction, server: AuthorizationServer) -> HostedSignIn:
        """The hosted page's sign-in succeeded: end the transaction (once, however many tabs ask), start the
        browser's session, and send it back to the app with a code or tokens."""
        at = await self._instant()
        if not transaction.interaction.hosted or transaction.step is not Step.SUCCESS:
            raise IdxError(Reason.STEP_UNAVAILABLE, transaction)
        code = transaction.interaction_code
        if code is None or await self.store.take_interaction_code(code) is None:
            raise IdxError(Reason.SESSION_EXPIRED)
        await self.store.delete_transaction(transaction)
        user = transaction.user
        assert user is not None and transaction.auth_time is not None
        session = Session.start(
            user.login, user.id, at.now, transaction.auth_time, transaction.amr, transaction.verified
        )
        await self.store.put_record(RecordKind.SESSION, session.id, session, self.policy.session_lifetime)
        redirect = await self._back_to_app(
            transaction.interaction, user, transaction.auth_time, transaction.amr, server, at
        )
        return HostedSignIn(redirect, session)

    async def redeem_authorization_code(self, redemption: CodeRedemption) -> TokenSet:
        """``grant_type=authorization_code``: a code is good once, for the client and redirect URI it was issued to,
        with the PKCE verifier of its challenge (a code issued without a challenge takes no verifier)."""
        at = await self._instant()
        client = redemption.client
        if not client.allows_grant(GrantType.AUTHORIZATION_CODE):
            raise OAuthError("unauthorized_client", "The client is not authorized to use the provided grant type.")
        record = await self.store.take_record(RecordKind.AUTHORIZATION_CODE, redemption.code)
        invalid = OAuthError("invalid_grant", "The authorization code is invalid or has expired.")
        if not isinstance(record, AuthorizationCode) or record.expires_at <= at.now:
            raise invalid
        if record.client_id != client.client_id or record.authorization_server != redemption.server.id:
            raise invalid
        if redemption.redirect_uri != record.redirect_uri:
            raise OAuthError(
                "invalid_grant",
                "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
            )
        if record.code_challenge:
            if not redemption.code_verifier:
                raise OAuthError("invalid_request", "PKCE verification failed: 'code_verifier' is required.")
            if not _pkce_matches(redemption.code_verifier, record.code_challenge):
                raise OAuthError("invalid_grant", "PKCE verification failed.")
        elif redemption.code_verifier:
            raise OAuthError(
                "invalid_request", "A 'code_verifier' was sent but no 'code_challenge' was in the request."
            )
        user = await self.store.user(record.login)
        if user is None or not still_signed_in(user, record.auth_time):
            raise invalid
        scopes = record.scopes
        if not client.allows_grant(GrantType.REFRESH_TOKEN):
            scopes = tuple(s for s in scopes if s != "offline_access")
        plan, server = self._plan(redemption.server, client.client_id, GrantType.AUTHORIZATION_CODE, user, scopes)
        grant = Grant(server, client.client_id, user, scopes, record.auth_time, record.amr, record.nonce, record.acr)
        return await self.tokens.mint(grant, plan, at)

    async def client_credentials(self, client: Client, scope: str | None, server: AuthorizationServer) -> TokenSet:
        """``grant_type=client_credentials``: a service's own access token, for custom scopes only (Okta refuses the
        OIDC ones here: there is no user to identify)."""
        at = await self._instant()
        if not client.allows_grant(GrantType.CLIENT_CREDENTIALS) or client.is_public:
            raise OAuthError("unauthorized_client", "The client is not authorized to use the provided grant type.")
        config = self.policy.server_config(server.id)
        scopes = tuple((scope or "").split()) or config.default_scopes
        if not scopes:
            raise OAuthError(
                "invalid_scope",
                "The authorization server resource does not have any configured default scopes, 'scope' must be "
                "provided.",
            )
        if any(s in OIDC_SCOPES for s in scopes):
            raise OAuthError(
                "invalid_scope",
                "The following scopes are not allowed for the client_credentials grant: "
                + ", ".join(s for s in scopes if s in OIDC_SCOPES)
                + ".",
            )
        if not all(config.knows(s) for s in scopes):
            raise OAuthError(
                "invalid_scope", "One or more scopes are not configured for the authorization server resource."
            )
        plan, server = self._plan(server, client.client_id, GrantType.CLIENT_CREDENTIALS, None, scopes)
        return await self.tokens.mint_for_client(client.client_id, scopes, server, plan, at)

    async def session(self, session_id: str | None) -> Session | None:
        """The browser's live session (using it keeps it alive, up to the session lifetime)."""
        return await self._live_session(session_id, await self._instant())

    async def end_session(self, session_id: str | None) -> bool:
        """Sign the browser out; whether it had a live session."""
        at = await self._instant()
        session = await self._live_session(session_id, at)
        if session_id:
            await self.store.delete_record(RecordKind.SESSION, session_id)
        return session is not None

    def session_expires_at(self, session: Session) -> float:
        return session.expires_at(self.policy.session_lifetime, self.policy.session_idle_timeout)

    async def _live_session(self, session_id: str | None, at: Instant) -> Session | None:
        if not session_id:
            return None
        session = await self.store.record(RecordKind.SESSION, session_id)
        if not isinstance(session, Session):
            return None
        policy = self.policy
        if not session.is_alive(at.now, policy.session_lifetime, policy.session_idle_timeout):
            await self.store.delete_record(RecordKind.SESSION, session_id)
            return None
        if not still_signed_in(await self.store.user(session.login), session.created_at):
            return None  # kept, unused: a status put back outright (not by a lifecycle operation) revives it
        session = session.used(at.now)
        keep_for = session.expires_at(policy.session_lifetime, policy.session_idle_timeout) - at.now
        await self.store.put_record(RecordKind.SESSION, session_id, session, keep_for)
        return session

    async def _back_to_app(
        self,
        interaction: Interaction,
        user: User,
        auth_time: float,
        amr: tuple[str, ...],
        server: AuthorizationServer,
        at: Instant,
    ) -> ClientRedirect:
        """A code (or, for the implicit grant, tokens) for the app, in its response mode, with its state."""
        mode = ResponseMode(interaction.response_mode)
        params: dict[str, str] = {}
        types = set(interaction.response_type.split())
        grant_type = GrantType.AUTHORIZATION_CODE if "code" in types else GrantType.IMPLICIT
        config = self.policy.server_config(server.id)
        if config.rule_for(interaction.client_id, grant_type, user, interaction.scopes) is None:
            state = interaction.state
            return error_redirect(interaction.redirect_uri, mode, state, "access_denied", POLICY_FAILED)
        if "code" in types:
            code = secret_token(32)
            lifetime = self.policy.authorization_code_lifetime
            record = AuthorizationCode(
                client_id=interaction.client_id,
                redirect_uri=interaction.redirect_uri,
                scopes=interaction.scopes,
                nonce=interaction.nonce,
                code_challenge=interaction.code_challenge,
                authorization_server=interaction.authorization_server,
                login=user.login,
                auth_time=auth_time,
                amr=amr,
                expires_at=at.now + lifetime,
                acr=interaction.acr_values,
            )
            await self.store.put_record(RecordKind.AUTHORIZATION_CODE, code, record, lifetime)
            params["code"] = code
        else:
            scopes = tuple(s for s in interaction.scopes if s != "offline_access")
            plan, minting = self._plan(server, interaction.client_id, GrantType.IMPLICIT, user, scopes)
            grant = Grant(
                minting, interaction.client_id, user, scopes, auth_time, amr, interaction.nonce, interaction.acr_values
            )
            tokens = await self.tokens.mint(grant, plan, at, id_token_only="token" not in types)
            params.update(token_type="Bearer", expires_in=str(tokens.expires_in), scope=tokens.scope)
            if "token" in types:
                params["access_token"] = tokens.access_token
            if "id_token" in types and tokens.id_token:
                params["id_token"] = tokens.id_token
        if interaction.state:
            params["state"] = interaction.state
        return ClientRedirect(interaction.redirect_uri, mode, params)

    async def introspect(self, token: str, client: Client, server: AuthorizationServer) -> dict[str, Any]:
        """RFC 7662's answer, as :meth:`TokenService.introspect` decides it for this (authenticated) client."""
        at = await self._instant()
        return await self.tokens.introspect(token, client.client_id, server, at)

    async def revoke(self, token: str, client: Client, server: AuthorizationServer) -> str | None:
        """Revoke a token of this (authenticated) client's, anything else is silently kept; the login it belonged
        to, if any."""
        at = await self._instant()
        return await self.tokens.revoke(token, client.client_id, server, at)

    async def userinfo(self, access_token: str | None, server: AuthorizationServer) -> UserInfo:
        """The claims a live access token from this server releases about a user who still exists."""
        at = await self._instant()
        claims = await self.tokens.access_claims(access_token, server, at) if access_token else None
        user = await self.store.user(claims["sub"]) if claims else None
        if claims is None or user is None:
            raise OAuthError("invalid_token", "The access token is invalid.")
        scopes = tuple(claims.get("scp", ()))
        custom = claims_for(self.policy.server_config(server.id), user, scopes, TokenKind.ID)
        return UserInfo(user.login, {**custom, **userinfo_claims(user, scopes)})

    async def logout(self, request: LogoutRequest) -> str | None:
        """Where to send a signed-out browser (``None``: nowhere, show the signed-out page).

        Redirecting needs an ``id_token_hint`` this server signed (expired is fine, as in Okta), and then only to a
        Logout redirect URI of the client that token was issued to; anything else is refused, never followed.
        """
        await self._instant()
        target = request.post_logout_redirect_uri
        if request.id_token_hint is None:
            if target is not None:
                raise OAuthError(
                    "invalid_request", "The 'id_token_hint' parameter is required with 'post_logout_redirect_uri'."
                )
        else:
            claims = self.tokens.id_token_hint(request.id_token_hint, request.server)
            if claims is None:
                raise OAuthError("invalid_request", "The 'id_token_hint' parameter is not a valid ID token.")
            client = self.policy.find_client(claims["aud"]) if target is not None else None
            if target is not None and (client is None or not client.allows_logout_redirect(target)):
                raise OAuthError("invalid_request", NOT_A_LOGOUT_REDIRECT)
        if request.session_id:  # only a request that was not refused signs the browser out
            await self.store.delete_record(RecordKind.SESSION, request.session_id)
        return target

    async def trusts_origin(self, origin: str) -> bool:
        """Whether the org grants CORS to a page on ``origin`` (its Trusted Origins; all, when none are listed)."""
        await self._instant()
        return self.policy.trusts_origin(origin)

    async def serves_authorization_server(self, server_id: str | None) -> bool:
        await self._instant()
        return self.policy.serves_authorization_server(server_id)

    def jwks(self) -> dict[str, Any]:
        """The public signing keys, as ``/v1/keys`` publishes them."""
        return {"keys": [self.key.public_jwk()]}

    def _plan(
        self,
        server: AuthorizationServer,
        client_id: str,
        grant_type: GrantType,
        user: User | None,
        scopes: tuple[str, ...],
    ) -> tuple[TokenPlan, AuthorizationServer]:
        """What the server's access policy lets this issuance have (``access_denied`` when no rule does, as Okta
        answers it) and the claims its tokens carry; and the server as the tokens name it (its audience)."""
        config = self.policy.server_config(server.id)
        rule = config.rule_for(client_id, grant_type, user, scopes)
        if rule is None:
            raise OAuthError("access_denied", POLICY_FAILED)
        policy = self.policy
        lifetimes = Lifetimes(
            access=rule.access_token_lifetime or policy.access_token_lifetime,
            id=policy.id_token_lifetime,
            refresh=rule.refresh_token_lifetime or policy.refresh_token_lifetime,
            refresh_allowed=rule.allows_refresh,
        )
        if user is None:  # client_credentials: a service's own token
            plan = TokenPlan(lifetimes, access_claims=client_claims(config, scopes))
        else:
            plan = TokenPlan(
                lifetimes,
                access_claims=claims_for(config, user, scopes, TokenKind.ACCESS),
                id_claims=claims_for(config, user, scopes, TokenKind.ID, in_thin_id_token=True),
                id_claims_alone=claims_for(config, user, scopes, TokenKind.ID),
            )
        return plan, replace(server, audience=config.audience) if config.audience else server


def _pkce_matches(verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(expected, challenge)
