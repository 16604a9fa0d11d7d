"""The identity engine: one object that owns the org's state and answers every question the HTTP layer asks.

Handlers call these methods and render what comes back; the control API and the device page call the same methods a
phone or an admin would use. The services inside (store, directory, pushes, TOTP, tokens, clock, key) are the
engine's own business: the web layer reads only its plain values (``policy``, ``authenticators``) and asks everything
else through a method here. Nothing here knows about requests, status codes or JSON documents.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field, replace
from typing import Any

from .clock import VirtualClock
from .directory import Directory, OrgAuthenticators, User, VerifyMethod
from .errors import IdxError, NotFound, OAuthError, Reason
from .policy import DEFAULT_POLICY, OIDC_SCOPES, Client, Policy
from .push import PushChallenge, PushRegistry, SignInContext
from .store import InMemoryTransactionStore, TransactionStore
from .tokens import AuthorizationServer, Grant, Lifetimes, SigningKey, TokenService, TokenSet, userinfo_claims
from .totp import TotpCode, TotpVerifier, current_code
from .transaction import PUSH_RESENDABLE, Interaction, Step, Transaction


@dataclass(frozen=True)
class CodeExchange:
    client_id: str
    redirect_uri: str | None
    """Optional, as at Okta: the interaction-code grant needs none (Okta's Java IDX SDK sends none); if sent, it
    must match the one given at /v1/interact."""
    interaction_code: str
    code_verifier: str
    server: AuthorizationServer


@dataclass(frozen=True)
class RefreshRequest:
    client_id: str
    refresh_token: str
    scope: str | None
    server: AuthorizationServer


@dataclass(frozen=True)
class LogoutRequest:
    id_token_hint: str | None
    post_logout_redirect_uri: str | None
    server: AuthorizationServer


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


@dataclass
class Engine:
    key: SigningKey
    policy: Policy = DEFAULT_POLICY
    clock: VirtualClock = field(default_factory=VirtualClock)
    directory: Directory = field(default_factory=Directory)
    store: TransactionStore = field(default_factory=InMemoryTransactionStore)
    authenticators: OrgAuthenticators = field(default_factory=OrgAuthenticators)
    pushes: PushRegistry = field(default_factory=PushRegistry)
    totp: TotpVerifier = field(default_factory=TotpVerifier)
    sweep_interval: float = 5.0
    """Expired state is invisible at once; it is freed in sweeps at most this often (virtual seconds)."""
    tokens: TokenService = field(init=False)
    _last_sweep: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.tokens = TokenService(self.key, self.clock)

    def now(self) -> float:
        return self.clock.now()

    # --- OAuth: opening and closing a sign-in ------------------------------------------------------------------

    def interact(self, request: Interaction) -> Transaction:
        """Opens a transaction for a valid request, labelled with its client's name (what the phone shows)."""
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
        if not set(request.scopes) <= OIDC_SCOPES:
            raise OAuthError(
                "invalid_scope", "One or more scopes are not configured for the authorization server resource."
            )
        return self._open(replace(request, client_label=client.label))

    def exchange_interaction_code(self, exchange: CodeExchange) -> Redemption:
        """Single use: the transaction is gone once its code has been presented, right or wrong."""
        self._registered_client(exchange.client_id)
        now = self.now()
        transaction = self.store.by_interaction_code(exchange.interaction_code, now)
        if transaction is None or transaction.code_expires_at <= now:
            raise OAuthError("invalid_grant", "The interaction code is invalid or has expired.")
        self.store.remove(transaction)
        interaction = transaction.interaction
        if interaction.client_id != exchange.client_id or interaction.authorization_server != exchange.server.id:
            raise OAuthError("invalid_grant", "The interaction code is invalid or has expired.")
        if exchange.redirect_uri is not None and interaction.redirect_uri != exchange.redirect_uri:
            raise OAuthError("invalid_grant", "The redirect URI does not match the one used in the authorize request.")
        if not _pkce_matches(exchange.code_verifier, interaction.code_challenge):
            raise OAuthError("invalid_grant", "PKCE verification failed.")
        assert transaction.user is not None and transaction.auth_time is not None
        grant = Grant(
            server=exchange.server,
            client_id=interaction.client_id,
            user=transaction.user,
            scopes=interaction.scopes,
            auth_time=transaction.auth_time,
            amr=transaction.amr,
            nonce=interaction.nonce,
        )
        return Redemption(transaction, self.tokens.mint(grant, self._lifetimes()))

    def refresh_tokens(self, request: RefreshRequest) -> TokenSet:
        """Rotates on every use: the presented refresh token is spent and a new one comes back (refused requests
        spend nothing). A token of another client or another authorization server is as good as unknown."""
        self._registered_client(request.client_id)
        grant = self.tokens.refresh_grant(request.refresh_token, request.client_id, request.server)
        if grant is None:
            raise OAuthError("invalid_grant", "The refresh token is invalid or expired.")
        scopes = tuple(request.scope.split()) if request.scope else grant.scopes
        if not scopes or not set(scopes) <= set(grant.scopes):
            raise OAuthError("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
        return self.tokens.rotate(request.refresh_token, scopes, self._lifetimes())

    def introspect(self, token: str, client_id: str, server: AuthorizationServer) -> dict[str, Any]:
        """RFC 7662's answer, as :meth:`TokenService.introspect` decides it for this client."""
        self._registered_client(client_id)
        return self.tokens.introspect(token, client_id, server)

    def revoke(self, token: str, client_id: str, server: AuthorizationServer) -> str | None:
        """Revoke a token of this client's (anything else is silently kept); the login it belonged to, if any."""
        self._registered_client(client_id)
        return self.tokens.revoke(token, client_id, server)

    def userinfo(self, access_token: str | None, server: AuthorizationServer) -> UserInfo:
        """The claims a live access token from this server releases about a user who still exists."""
        claims = self.tokens.access_claims(access_token, server) if access_token else None
        user = self.directory.get(claims["sub"]) if claims else None
        if claims is None or user is None:
            raise OAuthError("invalid_token", "The access token is invalid.")
        return UserInfo(user.login, userinfo_claims(user, tuple(claims.get("scp", ()))))

    def logout(self, request: LogoutRequest) -> str | None:
        """Where to send a signed-out browser (``None``: nowhere, show the signed-out page).

        Redirecting needs an ``id_token_hint`` this server signed (expired is fine, as in Okta), and then only to a
        Logout redirect URI of the client that token was issued to; anything else is refused, never followed.
        """
        target = request.post_logout_redirect_uri
        if request.id_token_hint is None:
            if target is not None:
                raise OAuthError(
                    "invalid_request", "The 'id_token_hint' parameter is required with 'post_logout_redirect_uri'."
                )
            return None
        claims = self.tokens.id_token_hint(request.id_token_hint, request.server)
        if claims is None:
            raise OAuthError("invalid_request", "The 'id_token_hint' parameter is not a valid ID token.")
        if target is None:
            return None
        client = self.policy.find_client(claims["aud"])
        if client is None or not client.allows_logout_redirect(target):
            raise OAuthError(
                "invalid_request",
                "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.",
            )
        return target

    def serves_authorization_server(self, server_id: str | None) -> bool:
        return self.policy.serves_authorization_server(server_id)

    def jwks(self) -> dict[str, Any]:
        """The public signing keys, as ``/v1/keys`` publishes them."""
        return {"keys": [self.key.public_jwk()]}

    def _registered_client(self, client_id: str) -> Client:
        client = self.policy.find_client(client_id)
        if client is None:
            raise OAuthError(
                "invalid_client",
                "Client authentication failed. Either the client or the client credentials are invalid.",
            )
        return client

    # --- IDX: moving a sign-in along ---------------------------------------------------------------------------

    def by_interaction_handle(self, handle: str) -> Transaction:
        return self._alive(self.store.by_interaction_handle(handle, self.now()))

    def by_state_handle(self, handle: str) -> Transaction:
        return self._alive(self.store.by_state_handle(handle, self.now()))

    def up_to_date(self, transaction: Transaction) -> Transaction:
        """The transaction brought up to date without a step (IDX introspect): a phone that answered between two
        polls, or a push that expired, shows now. (It was ``current_state``, which hid that it changes anything.)"""
        transaction.refresh(self.now())
        return self._issue_code_if_succeeded(transaction)

    def find_transaction(
        self,
        *,
        state_handle: str | None = None,
        interaction_handle: str | None = None,
        interaction_code: str | None = None,
    ) -> Transaction | None:
        """The live transaction one of its handles names, or ``None``; unlike a step it neither raises nor keeps the
        transaction alive (the fault middleware only wants to know whose request it is)."""
        now = self.now()
        if state_handle:
            return self.store.by_state_handle(state_handle, now)
        if interaction_handle:
            return self.store.by_interaction_handle(interaction_handle, now)
        if interaction_code:
            return self.store.by_interaction_code(interaction_code, now)
        return None

    def identify(self, transaction: Transaction, identifier: str, password: str) -> Transaction:
        transaction.identify(self.directory.get(identifier), password, self.now())
        return self._issue_code_if_succeeded(transaction)

    def choose_authenticator(
        self, transaction: Transaction, authenticator_id: str, method: str | None, sign_in: SignInContext
    ) -> Transaction:
        if authenticator_id != self.authenticators.okta_verify_id:  # Okta takes the aut... id, never an enrollment's
            raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "unknown authenticator")
        verify_method = _parse_method(method, transaction)
        self._discard_push(transaction)
        transaction.choose_okta_verify(verify_method)
        if verify_method is VerifyMethod.PUSH:
            self._send_push(transaction, sign_in)
        return self._issue_code_if_succeeded(transaction)

    def resend_push(self, transaction: Transaction, sign_in: SignInContext) -> Transaction:
        transaction.require(*PUSH_RESENDABLE)
        self._discard_push(transaction)
        self._send_push(transaction, sign_in)
        return self._issue_code_if_succeeded(transaction)

    def send_code(self, transaction: Transaction) -> Transaction:
        """``currentAuthenticator.send`` on the Okta Verify code page (``/idp/idx/challenge/send``)."""
        transaction.send_code()
        return transaction

    def poll(self, transaction: Transaction) -> Transaction:
        transaction.poll(self.now())
        return self._issue_code_if_succeeded(transaction)

    def answer_totp(self, transaction: Transaction, code: str) -> Transaction:
        transaction.answer_totp(code, self.totp, self.now())
        return self._issue_code_if_succeeded(transaction)

    def cancel(self, transaction: Transaction) -> Transaction:
        """Ends this sign-in and opens a fresh one for the same app, with a new stateHandle. The interaction handle
        stays, as at Okta: it names the app's interaction, which Okta's Java IDX SDK keeps across a cancel and
        introspects with."""
        self._discard_push(transaction)
        self.store.remove(transaction)
        return self._open(transaction.interaction, interaction_handle=transaction.interaction_handle)

    # --- the phone and the admin (control API, device page) ----------------------------------------------------

    def put_user(self, user: User) -> User:
        previous = self.directory.get(user.login)
        if previous and previous.okta_verify:
            self.totp.forget(previous.okta_verify.totp_secret)
        return self.directory.put(user)

    def users(self) -> list[User]:
        return list(self.directory)

    def find_user(self, login: str) -> User | None:
        return self.directory.get(login)

    def user(self, login: str) -> User:
        user = self.directory.get(login)
        if user is None:
            raise NotFound(f"no user {login!r}")
        return user

    def pending_pushes(self, login: str) -> list[PushChallenge]:
        self.user(login)
        return self.pushes.pending_for(login, self.now())

    def approve_push(self, login: str, answer: int | None = None, push_id: str | None = None) -> PushChallenge:
        push = self._pending_push(login, push_id)
        push.approve(answer)
        return push

    def deny_push(self, login: str, push_id: str | None = None) -> PushChallenge:
        push = self._pending_push(login, push_id)
        push.deny()
        return push

    def totp_code(self, login: str) -> TotpCode:
        enrollment = self.user(login).okta_verify
        if enrollment is None or not enrollment.supports(VerifyMethod.TOTP):
            raise NotFound(f"{login!r} has no Okta Verify code")
        return current_code(enrollment.totp_secret, self.now())

    def clock_offset(self) -> float:
        """How far the virtual clock is ahead of wall time, in seconds."""
        return self.clock.offset

    def advance_clock(self, seconds: float) -> float:
        now = self.clock.advance(seconds)
        self.sweep(now)
        return now

    def sweep(self, now: float | None = None) -> None:
        """Free expired transactions, settled pushes, expired refresh tokens and revocations."""
        now = self.now() if now is None else now
        self._last_sweep = now
        self.store.evict_expired(now)
        self.pushes.forget_settled(now)
        self.tokens.forget_expired()

    def reset(self, policy: Policy | None = None, users: list[User] | tuple[User, ...] = ()) -> None:
        """Forget every sign-in, push, token and user; the signing key and the clock stay."""
        self.store.clear()
        self.pushes.clear()
        self.totp.clear()
        self.tokens.clear()
        self.directory.clear()
        if policy is not None:
            self.policy = policy
        for user in users:
            self.directory.put(user)

    # --- internals ---------------------------------------------------------------------------------------------

    def _open(self, interaction: Interaction, interaction_handle: str | None = None) -> Transaction:
        now = self.now()
        if now - self._last_sweep >= self.sweep_interval:
            self.sweep(now)
        transaction = Transaction(
            interaction=interaction, created_at=now, expires_at=now + self.policy.transaction_lifetime
        )
        if interaction_handle is not None:
            transaction.interaction_handle = interaction_handle
        self.store.add(transaction)
        return transaction

    def _alive(self, transaction: Transaction | None) -> Transaction:
        if transaction is None:
            raise IdxError(Reason.SESSION_EXPIRED)
        transaction.touch(self.now(), self.policy.transaction_lifetime)
        return transaction

    def _issue_code_if_succeeded(self, transaction: Transaction) -> Transaction:
        """After a step: a successful transaction gets its interaction code, findable at the token endpoint."""
        if transaction.step is Step.SUCCESS and transaction.interaction_code is None:
            transaction.issue_code(self.now(), self.policy.interaction_code_lifetime)
            self.store.index_interaction_code(transaction)
        return transaction

    def _send_push(self, transaction: Transaction, sign_in: SignInContext) -> None:
        user = transaction.user
        assert user is not None and user.okta_verify is not None
        context = replace(
            sign_in, app_label=transaction.interaction.client_label, client_id=transaction.interaction.client_id
        )
        push = PushChallenge.send(
            transaction_id=transaction.id,
            login=user.login,
            now=self.now(),
            lifetime=self.policy.push_lifetime,
            behaviour=user.okta_verify.push,
            context=context,
        )
        self.pushes.add(push)
        transaction.start_push(push)

    def _discard_push(self, transaction: Transaction) -> None:
        if transaction.push is not None:
            self.pushes.discard(transaction.push)

    def _pending_push(self, login: str, push_id: str | None) -> PushChallenge:
        pending = self.pending_pushes(login)
        if push_id is not None:
            pending = [p for p in pending if p.id == push_id]
        if not pending:
            raise NotFound(f"no pending push for {login!r}")
        return pending[-1]

    def _lifetimes(self) -> Lifetimes:
        return Lifetimes(
            access=self.policy.access_token_lifetime,
            id=self.policy.id_token_lifetime,
            refresh=self.policy.refresh_token_lifetime,
        )


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
