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

import asyncio
import base64
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any

from .activation import Activations, OktaVerifyActivation, parse_activation_uri
from .authenticator_steps import AuthenticatorSteps, Delivery, EmailLink
from .authenticators import AuthenticatorIds, AuthenticatorKey
from .authorize import (
    AuthorizationCode,
    AuthorizeRequest,
    ClientRedirect,
    Prompt,
    RedirectedError,
    ResponseMode,
    error_redirect,
)
from .authorize import check as check_authorize
from .clients import AUTHENTICATION_FAILED, GrantType, PresentedCredentials, authenticate
from .clock import Instant
from .directory import OktaVerifyEnrollment, User, VerifyMethod
from .errors import ControlError, IdxError, NotFound, OAuthError, Reason
from .faults import FaultRule
from .ids import okta_id, secret_token, stable_id
from .org_header import HeaderReads
from .outbox import Channel, Message, Outbox
from .policy import DEFAULT_POLICY, OIDC_SCOPES, Client, Policy
from .push import PushAlreadyAnswered, PushChallenge, PushState, SignInContext
from .servers import POLICY_FAILED, TokenKind, claims_for, client_claims
from .sessions import Session
from .store import Handle, OrgHeader, OrgIdentity, OrgStore, RecordKind
from .tokens import (
    AuthorizationServer,
    Grant,
    Lifetimes,
    SigningKey,
    TokenPlan,
    TokenService,
    TokenSet,
    userinfo_claims,
)
from .totp import TotpCode, TotpVerifier, current_code
from .transaction import PUSH_RESENDABLE, Interaction, Step, Transaction

log = logging.getLogger("mock_idx")
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


class Engine:
    """One org, over its store. Make one with :meth:`join` (the store may already hold an org other replicas serve)."""

    def __init__(self, store: OrgStore, key: SigningKey, identity: OrgIdentity) -> None:
        self.store = store
        self.header_reads = HeaderReads(store)
        """The org's header, read once per request within :meth:`one_header_read` (the web layer opens it)."""
        self.key = key
        self.identity = identity
        self.authenticators = AuthenticatorIds.derive(identity.password_id, identity.okta_verify_id)
        self.restore_org: Callable[[], Awaitable[None]] | None = None
        """Puts this replica's starting org back in force (the app sets it): called when the store turns out to have
        lost the org, say a Redis restarted without persistence."""
        self._restoring = False
        self.idp_id = stable_id("00o", f"{identity.password_id}:{identity.okta_verify_id}")
        """The org's own identity provider (``00o…``): ID tokens' ``idp`` and the session's, alike on every replica."""
        self.tokens = TokenService(key, store, self.idp_id)
        self.totp = TotpVerifier(store)
        self.outbox = Outbox(store)
        """The fake inbox and phone: the IDX steps send codes and links through it; the control API reads them."""
        self.activations = Activations(store)
        """Okta Verify activations: the enroll step starts them, the phone completes them, the poll reads them."""
        self.steps = AuthenticatorSteps(store, self.totp, self.outbox, self.activations)
        self.sweep_interval = 5.0
        """Expired state is invisible at once; the store frees it at most this often (virtual seconds)."""
        self._policy = DEFAULT_POLICY
        self._policy_generation = -1
        self._last_sweep = 0.0
        self.clock_offset_seen = 0.0
        """The clock's offset as the last engine call read it: for stamping the journal without another read."""

    @classmethod
    async def join(cls, store: OrgStore, key: SigningKey | None = None) -> Engine:
        """The org in ``store``: its signing key and authenticator ids, made here if this is the first replica.

        ``key`` (from ``--key-file``) is used as it is and not stored; without one the org's stored key is used, or a
        new one is made and stored for the replicas that join later."""
        made = None if key else await asyncio.to_thread(SigningKey.generate)  # 20-250 ms: the loop serves meanwhile
        proposed = OrgIdentity(
            password_id=okta_id("aut"),
            okta_verify_id=okta_id("aut"),
            signing_key_pem=made.pem() if made else None,
        )
        identity = await store.claim_identity(proposed)
        if key is None:
            if identity.signing_key_pem is None:
                raise ValueError("this org's replicas sign with a --key-file: give this one the same key file")
            if made is not None and identity.signing_key_pem == proposed.signing_key_pem:
                key = made  # ours won: used as made (parsing its PEM would check the key again, 20-60 ms)
            else:
                key = SigningKey.from_pem(identity.signing_key_pem)
        return cls(store, key, identity)

    @property
    def policy(self) -> Policy:
        """The policy in force, as the last engine call read it (every call reads it first)."""
        return self._policy

    def close(self) -> None:
        """Stop the engine's threads (token signing); the store is its owner's to close."""
        self.tokens.close()

    @property
    def policy_generation(self) -> int:
        """The configuration generation :attr:`policy` was read at: what documents made from it are valid for."""
        return self._policy_generation

    async def now(self) -> float:
        return (await self._instant()).now

    def one_header_read(self) -> AbstractContextManager[None]:
        """Within the block (one request), every engine call decides with the header its first call read: one store
        round trip per request instead of one per call (see :mod:`.org_header`)."""
        return self.header_reads.scope()

    async def header(self) -> OrgHeader:
        """The org's header, as this request read it (the fault rules check it too)."""
        return await self.header_reads.read()

    def read_header_again(self) -> None:
        """Time passed within the request (an injected delay): the next call reads the header from the store."""
        self.header_reads.forget()

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
        return await self._open(replace(request, client_label=client.label), at)

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
        assert transaction.auth_time is not None
        user = await self._current(transaction.user)
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
        )
        session = await self._live_session(session_id, at)
        user = await self.store.user(session.login) if session else None
        too_old = session is not None and checked.max_age is not None and at.now - session.auth_time > checked.max_age
        if session and user and checked.prompt is not Prompt.LOGIN and not too_old:
            return await self._back_to_app(interaction, user, session.auth_time, session.amr, server, at)
        if checked.prompt is Prompt.NONE:
            return error_redirect(
                checked.redirect_uri,
                checked.response_mode,
                checked.state,
                "login_required",
                "The client specified not to prompt, but the user is not logged in.",
            )
        return await self._open(interaction, at)

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
        session = Session.start(user.login, user.id, at.now, transaction.auth_time, transaction.amr)
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
        if user is None:
            raise invalid
        scopes = record.scopes
        if not client.allows_grant(GrantType.REFRESH_TOKEN):
            scopes = tuple(s for s in scopes if s != "offline_access")
        plan, server = self._plan(redemption.server, client.client_id, GrantType.AUTHORIZATION_CODE, user, scopes)
        grant = Grant(server, client.client_id, user, scopes, record.auth_time, record.amr, record.nonce)
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
            )
            await self.store.put_record(RecordKind.AUTHORIZATION_CODE, code, record, lifetime)
            params["code"] = code
        else:
            scopes = tuple(s for s in interaction.scopes if s != "offline_access")
            plan, minting = self._plan(server, interaction.client_id, GrantType.IMPLICIT, user, scopes)
            grant = Grant(minting, interaction.client_id, user, scopes, auth_time, amr, interaction.nonce)
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

    # --- IDX: moving a sign-in along ---------------------------------------------------------------------------

    async def by_interaction_handle(self, handle: str) -> Transaction:
        return await self._alive(Handle.INTERACTION_HANDLE, handle)

    async def by_state_handle(self, handle: str) -> Transaction:
        return await self._alive(Handle.STATE_HANDLE, handle)

    async def up_to_date(self, transaction: Transaction) -> Transaction:
        """The transaction brought up to date without a step (IDX introspect): a phone that answered between two
        polls, or a push that expired, shows now."""
        at = await self._instant()
        if transaction.step is Step.PUSH_WAITING:
            await self._catch_up_push(transaction, at.now)
        return await self._commit(transaction, at)

    async def find_transaction(
        self,
        *,
        state_handle: str | None = None,
        interaction_handle: str | None = None,
        interaction_code: str | None = None,
    ) -> Transaction | None:
        """The live transaction one of its handles names, or ``None``; unlike a step it neither raises nor keeps the
        transaction alive (the fault middleware only wants to know whose request it is)."""
        for handle, value in (
            (Handle.STATE_HANDLE, state_handle),
            (Handle.INTERACTION_HANDLE, interaction_handle),
            (Handle.INTERACTION_CODE, interaction_code),
        ):
            if value:
                transaction = await self.store.transaction(handle, value)
                return transaction if transaction and transaction.is_alive(await self.now()) else None
        return None

    async def identify(self, transaction: Transaction, identifier: str, password: str | None) -> Transaction:
        """The identify form: with the password (one form), or without it in an identifier-first org, where the
        password challenge comes next whoever the username names."""
        at = await self._instant()
        policy = self.policy.authenticators
        if password is None and not policy.identifier_first:
            raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("credentials", "passcode"),))
        user = await self.store.user(identifier)
        transaction.identify(user, password, at.now, policy)
        if password is None:
            transaction.name_identifier(identifier)
        return await self._commit(transaction, at)

    async def choose_authenticator(
        self,
        transaction: Transaction,
        authenticator_id: str,
        method: str | None,
        sign_in: SignInContext,
        delivery: Delivery,
        auto_challenge: bool | None = None,
    ) -> Transaction:
        """An authenticator chosen to verify with, with a method or not (Okta takes the ``aut…`` id, never an
        enrollment's). For Okta Verify, ``auto_challenge`` is the "Send push automatically" box, sent with a push
        (remembered for the user's next sign-ins when ticked, forgotten when not); email and phone get their code."""
        at = await self._instant()
        key = self.authenticators.key_of(authenticator_id)
        if key is None:
            raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "unknown authenticator")
        previous = transaction.push  # withdrawn from the phone once another choice is taken
        if key is not AuthenticatorKey.OKTA_VERIFY:
            transaction.choose(key, method)
            if previous is not None:
                await self.store.discard_push(previous)
            await self.steps.challenge_started(transaction, at.now, self.policy.authenticators, delivery)
            return await self._commit(transaction, at)
        verify_method = _parse_method(method, transaction)
        verify_method = transaction.choose_okta_verify(verify_method)
        if previous is not None:
            await self.store.discard_push(previous)
        if verify_method is VerifyMethod.PUSH:
            await self._remember_auto_challenge(transaction, auto_challenge)
            await self._send_push(transaction, sign_in, at)
        return await self._commit(transaction, at)

    async def answer(self, transaction: Transaction, credentials: dict[str, Any]) -> Transaction:
        """``/idp/idx/challenge/answer`` on any step but Okta Verify's code page (:meth:`answer_totp`): a password,
        a code sent by email or phone, a Google Authenticator code, a security question's answer, or the proof of a
        new enrollment."""
        at = await self._instant()
        policy = self.policy.authenticators
        if transaction.step is Step.CHALLENGE and transaction.current is AuthenticatorKey.PASSWORD:
            password = credentials.get("passcode")
            if not isinstance(password, str) or not password:
                raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("credentials", "passcode"),))
            user = await self.store.user(transaction.identifier) if transaction.identifier else None
            transaction.answer_password(user, password, at.now, policy)
        else:
            await self.steps.answer(transaction, credentials, at.now, policy)
        return await self._commit(transaction, at)

    async def enroll(self, transaction: Transaction, fields: dict[str, Any], delivery: Delivery) -> Transaction:
        """``/idp/idx/credential/enroll``: an authenticator chosen to set up (``authenticator.id``), the phone number
        to enroll (``authenticator.phoneNumber`` with ``methodType``), Okta Verify's activation channel
        (``authenticator.channel``), or the address or number its link goes to (``email`` / ``phoneNumber``)."""
        at = await self._instant()
        policy = self.policy.authenticators
        authenticator = fields.get("authenticator")
        if transaction.step is Step.OV_ENROLL_CHANNEL_DATA and authenticator is None:
            target = fields.get("email", fields.get("phoneNumber"))
            if not isinstance(target, str) or not target.strip():
                raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("email",),))
            await self.steps.activation_channel_target(transaction, target.strip(), at.now, policy, delivery)
            return await self._commit(transaction, at)
        if not isinstance(authenticator, dict):
            raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("authenticator",),))
        key = self.authenticators.key_of(str(authenticator.get("id", "")))
        if key is None:
            raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "unknown authenticator")
        channel = authenticator.get("channel")
        if (
            transaction.step is Step.ENROLLMENT_DATA
            and key is AuthenticatorKey.PHONE
            and "phoneNumber" in authenticator
        ):
            method = authenticator.get("methodType")
            number = authenticator.get("phoneNumber")
            if not isinstance(number, str) or not number.strip():
                raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("authenticator", "phoneNumber"),))
            method_text = method if isinstance(method, str) else None
            await self.steps.phone_number(transaction, number, method_text, at.now, policy, delivery)
        elif isinstance(channel, str) and key is AuthenticatorKey.OKTA_VERIFY and transaction.current is key:
            transaction.choose_channel(channel)
            if channel == "qrcode":
                await self.steps.enrollment_started(transaction, at.now, policy, delivery)
        else:
            transaction.choose_enrollment(key)
            await self.steps.enrollment_started(transaction, at.now, policy, delivery)
        return await self._commit(transaction, at)

    async def skip(self, transaction: Transaction) -> Transaction:
        """ "Set up later": optional authenticators are left for another sign-in."""
        at = await self._instant()
        transaction.skip(self.policy.authenticators)
        return await self._commit(transaction, at)

    async def email_link(self, token: str) -> EmailLink | None:
        """The live magic link a token names (which sign-in it is for, and the code its email carries)."""
        at = await self._instant()
        return await self.steps.email_link(token, at.now)

    async def open_email_link(self, token: str) -> bool:
        """An email's magic link opened in the browser of the sign-in it is for: whether it was good. The tab that
        waits for it moves on at its next poll."""
        at = await self._instant()
        return await self.steps.open_email_link(token, at.now) is not None

    async def _remember_auto_challenge(self, transaction: Transaction, auto_challenge: bool | None) -> None:
        """The user's "Send push automatically" choice, kept on their enrollment (in the directory and on this
        sign-in), as Okta keeps it per user."""
        user = transaction.user
        if auto_challenge is None or user is None or user.okta_verify is None:
            return
        if user.okta_verify.auto_challenge != auto_challenge:
            user.okta_verify.auto_challenge = auto_challenge
            stored = await self.store.user(user.login)
            if stored is not None and stored.okta_verify is not None:
                stored.okta_verify.auto_challenge = auto_challenge
                await self.store.put_user(stored)

    async def resend(self, transaction: Transaction, sign_in: SignInContext, delivery: Delivery) -> Transaction:
        """ "Send again": Okta Verify's push, the email or phone code, or Okta Verify's activation link."""
        at = await self._instant()
        if transaction.step in PUSH_RESENDABLE:
            await self._discard_push(transaction)
            await self._send_push(transaction, sign_in, at)
        else:
            await self.steps.resend(transaction, at.now, self.policy.authenticators, delivery)
        return await self._commit(transaction, at)

    async def send_code(self, transaction: Transaction) -> Transaction:
        """``currentAuthenticator.send`` on the Okta Verify code page (``/idp/idx/challenge/send``)."""
        at = await self._instant()
        transaction.send_code()
        return await self._commit(transaction, at)

    async def poll(self, transaction: Transaction, auto_challenge: bool | None = None) -> Transaction:
        """The app asks whether the phone has answered (a scripted phone may answer at this poll); the waiting page's
        "Send push automatically" box comes with it."""
        at = await self._instant()
        if transaction.step is not Step.PUSH_WAITING:  # Okta Verify's activation, an email's magic link
            await self.steps.poll(transaction, at.now, self.policy.authenticators)
            return await self._commit(transaction, at)
        transaction.require(Step.PUSH_WAITING)
        if transaction.push is None:  # never so: a waiting step always has its push
            raise IdxError(Reason.STEP_UNAVAILABLE, transaction)
        await self._remember_auto_challenge(transaction, auto_challenge)
        transaction.push.polls += 1
        await self._catch_up_push(transaction, at.now)
        return await self._commit(transaction, at)

    async def answer_totp(self, transaction: Transaction, code: str) -> Transaction:
        at = await self._instant()
        secret = transaction.totp_secret()
        transaction.answer_totp(await self.totp.verify(secret, code, at.now))
        return await self._commit(transaction, at)

    async def cancel(self, transaction: Transaction) -> Transaction:
        """Ends this sign-in and opens a fresh one for the same app, with a new stateHandle. The interaction handle
        stays, as at Okta: it names the app's interaction, which Okta's Java IDX SDK keeps across a cancel and
        introspects with."""
        at = await self._instant()
        await self._discard_push(transaction)
        await self.store.delete_transaction(transaction)
        return await self._open(transaction.interaction, at, interaction_handle=transaction.interaction_handle)

    # --- the phone and the admin (control API, device page) ----------------------------------------------------

    async def put_user(self, user: User) -> User:
        """Add or replace a user. A new TOTP secret starts with no used codes; the same secret keeps them spent."""
        previous = await self.store.user(user.login)
        if previous and previous.okta_verify:
            same_secret = (
                user.okta_verify is not None and user.okta_verify.totp_secret == previous.okta_verify.totp_secret
            )
            if not same_secret:
                await self.totp.forget(previous.okta_verify.totp_secret)
        await self.store.put_user(user)
        return user

    async def set_groups(self, login: str, groups: list[str] | tuple[str, ...]) -> User:
        """Move a user between groups, as an admin does: password, phone and ids stay; the next token they get
        carries the new groups."""
        user = replace(await self.user(login), groups=tuple(dict.fromkeys(groups)))
        await self.store.put_user(user)
        return user

    async def users(self) -> list[User]:
        return await self.store.users()

    async def find_user(self, login: str) -> User | None:
        return await self.store.user(login)

    async def user(self, login: str) -> User:
        user = await self.store.user(login)
        if user is None:
            raise NotFound(f"no user {login!r}")
        return user

    async def pending_pushes(self, login: str) -> list[PushChallenge]:
        """The pushes waiting on the user's phone, oldest first; answered and expired ones are forgotten on the way."""
        await self.user(login)
        now = await self.now()
        pending = []
        for push in await self.store.pushes_for(login):
            due = push.due_state(now)
            if due is not None:
                push = await self._settle(push, due)
            if push.is_pending:
                pending.append(push)
            else:
                await self.store.discard_push(push)
        return pending

    async def approve_push(self, login: str, answer: int | None = None, push_id: str | None = None) -> PushChallenge:
        push = await self._pending_push(login, push_id)
        return await self._answer(push, push.approval(answer))

    async def deny_push(self, login: str, push_id: str | None = None) -> PushChallenge:
        return await self._answer(await self._pending_push(login, push_id), PushState.DENIED)

    async def messages(self, login: str, channel: Channel | None = None) -> list[Message]:
        """The emails, texts and calls the user was sent (all, or one channel's), newest first, expired ones left
        out."""
        await self.user(login)
        return await self.outbox.messages(login, await self.now(), channel)

    async def totp_code(self, login: str) -> TotpCode:
        enrollment = (await self.user(login)).okta_verify
        if enrollment is None or not enrollment.supports(VerifyMethod.TOTP):
            raise NotFound(f"{login!r} has no Okta Verify code")
        return current_code(enrollment.totp_secret, await self.now())

    async def pending_activations(self, login: str) -> list[OktaVerifyActivation]:
        """The Okta Verify activations (QR codes, links) the user's phone can still use, oldest first."""
        await self.user(login)
        return await self.activations.pending(login, await self.now())

    async def activate_okta_verify(self, login: str, uri: str | None = None) -> User:
        """The user's phone scans a QR code or opens a link: the activation ``uri`` names (an ``oktaverify://`` URI,
        an activation link or a bare token; ``None``: the user's newest pending one) is used, and the user gets a
        fresh Okta Verify enrollment (push and code, a new secret, pushes answered by hand), replacing any earlier
        one. The first activation wins; a used, expired or unknown one is refused and changes nothing."""
        at = await self._instant()
        user = await self.user(login)
        token = None if uri is None else parse_activation_uri(uri)
        if uri is not None and token is None:
            raise ControlError("uri must be an oktaverify:// activation URI, an activation link or its token")
        await self.activations.activate(user.login, token, at.now, keep_for=self.policy.transaction_lifetime)
        return await self.put_user(replace(user, okta_verify=OktaVerifyEnrollment()))

    async def clock_offset(self) -> float:
        """How far the virtual clock is ahead of wall time, in seconds."""
        return (await self.store.header()).clock_offset

    async def advance_clock(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        offset = await self.store.advance_clock(seconds)
        self.header_reads.forget()
        now = Instant.current(offset).now
        await self.sweep(now)
        return now

    async def sweep(self, now: float | None = None) -> None:
        """Let the store free what has expired."""
        self._last_sweep = await self.now() if now is None else now
        await self.store.collect_garbage()

    async def is_configured(self) -> bool:
        """Whether a replica has already put a scenario in force in this org's store."""
        return await self.store.is_configured()

    async def reset(
        self,
        policy: Policy | None = None,
        users: list[User] | tuple[User, ...] = (),
        faults: list[FaultRule] | tuple[FaultRule, ...] = (),
    ) -> None:
        """Forget every sign-in, push, token, message, Okta Verify activation, user and fault rule, and put ``policy``
        (or the one in force), ``users`` and ``faults`` in force; the signing key, the clock and the journal stay."""
        await self._instant()
        await self.store.replace_org(policy or self.policy, list(users), list(faults))
        self.header_reads.forget()

    # --- internals ---------------------------------------------------------------------------------------------

    async def _instant(self) -> Instant:
        """Read the clock and, when another request changed it, the policy: what every method decides with."""
        header = await self.header_reads.read()
        if header.generation == 0 and self._policy_generation > 0 and not self._restoring:
            header = await self._restore_lost_org()
        if header.generation != self._policy_generation:
            self._policy = await self.store.policy() or DEFAULT_POLICY
            self._policy_generation = header.generation
        self.clock_offset_seen = header.clock_offset
        return Instant.current(header.clock_offset)

    async def _restore_lost_org(self) -> OrgHeader:
        """The store forgot the org this replica served (generation 0 after it was configured): claim the identity
        again, with this replica's key and ids, so tokens it signed keep verifying, and put the starting org back.
        Two replicas noticing at once both restore the same scenario; the identity's first claim wins for both."""
        self._restoring = True
        try:
            log.warning("the org's store lost its data (was Redis restarted without persistence?): restoring the org")
            await self.store.claim_identity(self.identity)
            if self.restore_org is not None:
                await self.restore_org()
        finally:
            self._restoring = False
        self.header_reads.forget()
        return await self.header_reads.read()

    async def _open(self, interaction: Interaction, at: Instant, interaction_handle: str | None = None) -> Transaction:
        if at.now - self._last_sweep >= self.sweep_interval:
            await self.sweep(at.now)
        transaction = Transaction(
            interaction=interaction, created_at=at.now, expires_at=at.now + self.policy.transaction_lifetime
        )
        if interaction_handle is not None:
            transaction.interaction_handle = interaction_handle
        await self.store.save_transaction(transaction, self.policy.transaction_lifetime)
        return transaction

    async def _alive(self, handle: Handle, value: str) -> Transaction:
        at = await self._instant()
        transaction = await self.store.transaction(handle, value)
        if transaction is None or not transaction.is_alive(at.now):
            raise IdxError(Reason.SESSION_EXPIRED)
        transaction.touch(at.now, self.policy.transaction_lifetime)
        return transaction

    async def _commit(self, transaction: Transaction, at: Instant) -> Transaction:
        """After a step: a successful transaction gets its interaction code (findable at the token endpoint), and the
        transaction is written back."""
        if transaction.step is Step.SUCCESS and transaction.interaction_code is None:
            lifetime = self.policy.interaction_code_lifetime
            code = await self.store.claim_interaction_code(transaction.id, secret_token(), lifetime)
            transaction.record_interaction_code(code, at.now + lifetime)
        await self.store.save_transaction(transaction, max(0.0, transaction.expires_at - at.now))
        return transaction

    async def _send_push(self, transaction: Transaction, sign_in: SignInContext, at: Instant) -> None:
        user = transaction.user
        assert user is not None and user.okta_verify is not None
        context = replace(
            sign_in, app_label=transaction.interaction.client_label, client_id=transaction.interaction.client_id
        )
        push = PushChallenge.send(
            transaction_id=transaction.id,
            login=user.login,
            now=at.now,
            lifetime=self.policy.push_lifetime,
            behaviour=user.okta_verify.push,
            context=context,
        )
        await self.store.save_push(push, self.policy.push_lifetime)
        transaction.start_push(push)

    async def _catch_up_push(self, transaction: Transaction, now: float) -> None:
        """Bring the waiting push up to date from the store (a tap on any replica), let it expire or the scripted
        phone answer, and show the outcome on the transaction."""
        push = transaction.push
        assert push is not None
        push.state = await self.store.push_state(push.id)
        due = push.due_state(now)
        if due is not None:
            transaction.push = push = await self._settle(push, due)
        transaction.apply_push_state()

    async def _settle(self, push: PushChallenge, state: PushState) -> PushChallenge:
        """The push with the outcome that won: ``state``, or whatever a racing tap or expiry decided first."""
        _, winner = await self.store.settle_push(push.id, state, self.policy.push_lifetime)
        return replace(push, state=winner)

    async def _answer(self, push: PushChallenge, state: PushState) -> PushChallenge:
        won, winner = await self.store.settle_push(push.id, state, self.policy.push_lifetime)
        if not won:
            raise PushAlreadyAnswered(winner)
        return replace(push, state=winner)

    async def _discard_push(self, transaction: Transaction) -> None:
        if transaction.push is not None:
            await self.store.discard_push(transaction.push)

    async def _pending_push(self, login: str, push_id: str | None) -> PushChallenge:
        pending = await self.pending_pushes(login)
        if push_id is not None:
            pending = [p for p in pending if p.id == push_id]
        if not pending:
            raise NotFound(f"no pending push for {login!r}")
        return pending[-1]

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

    async def _current(self, user: User | None) -> User:
        """The user as the directory has them now (groups and profile may have changed since the sign-in began)."""
        assert user is not None
        return await self.store.user(user.login) or user


def _parse_method(method: str | None, transaction: Transaction) -> VerifyMethod | None:
    if method is None:
        return None
    try:
        return VerifyMethod(method)
    except ValueError:
        raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, f"unknown method {method!r}") from None


def _pkce_matches(verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(expected, challenge)
