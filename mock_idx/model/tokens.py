"""Signing keys and the tokens minted with them (RS256 JWTs through PyJWT; no hand-made crypto).

The key id is the key's RFC 7638 thumbprint, so a regenerated key always gets a new ``kid``: SDKs cache JWKS for a day
and would otherwise check a new signature against an old key.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .clock import Instant
from .directory import User
from .ids import okta_id, secret_token
from .user_states import still_signed_in

if TYPE_CHECKING:
    from .store import OrgStore

# PyJWT is imported where a token is signed or read, not here: with the parts of ``cryptography`` it loads (x509) it is
# about 40 ms of ``mock-idx serve``'s start-up, and the first answers (discovery, the key set) need none of it.

ALGORITHM = "RS256"
SIGNING_THREADS = 2
"""Threads that sign tokens, off the event loop: an RS256 signature with a 2048-bit key takes about 0.3 ms of CPU,
two per token answer, and ``cryptography`` releases the GIL while it signs, so on two cores the loop keeps serving
other requests meanwhile."""


class KeyFileError(ValueError):
    """A key file that cannot serve as the signing key; the message names the file and the problem on one line."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"key file {path}: {problem}")
        self.path = path


class SigningKey:
    def __init__(self, private_key: rsa.RSAPrivateKey | Callable[[], rsa.RSAPrivateKey]) -> None:
        """``private_key``, or what gives it once it is first needed: a key still being made on a thread
        (:mod:`mock_idx.key_in_advance`), so the server answers what needs no key (discovery) without waiting for it."""
        self._key_source = private_key if callable(private_key) else lambda: private_key

    @cached_property
    def _private_key(self) -> rsa.RSAPrivateKey:
        return self._key_source()

    @cached_property
    def _public_jwk(self) -> dict[str, Any]:
        return _public_jwk(self._private_key.public_key())

    @cached_property
    def kid(self) -> str:
        return _thumbprint(self._public_jwk)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKey:
        """Keys kept in a PEM file survive restarts, so tokens issued before a restart still verify.

        Any file that cannot be that key (a directory, unreadable, not PEM, password-protected, not RSA) raises
        :class:`KeyFileError`, so the CLI can print one line instead of a traceback.
        """
        if path.exists():
            return cls(_read_private_key(path))
        key = cls.generate()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(key.pem())
            path.chmod(0o600)
        except OSError as error:
            raise KeyFileError(path, f"cannot be written ({error.strerror or error})") from None
        return key

    @classmethod
    def from_pem(cls, pem: str) -> SigningKey:
        """The key another replica stored for the org (:class:`~mock_idx.model.store.OrgIdentity`)."""
        private_key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError("the org's stored signing key is not an RSA key")
        return cls(private_key)

    def pem(self) -> str:
        """PKCS#8 PEM, unencrypted: what a key file holds and what the org's store keeps for the other replicas."""
        return self._private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    def public_jwk(self) -> dict[str, str]:
        return {**self._public_jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}

    def sign(self, claims: dict[str, Any]) -> str:
        import jwt

        return jwt.encode(claims, self._private_key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def verify(self, token: str) -> dict[str, Any]:
        """Signature check only: expiry is judged by the engine on its virtual clock, not by PyJWT on wall time."""
        import jwt

        return jwt.decode(
            token,
            self._private_key.public_key(),
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False},
        )


def _read_private_key(path: Path) -> rsa.RSAPrivateKey:
    if path.is_dir():
        raise KeyFileError(path, "is a directory, not a PEM file")
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise KeyFileError(path, f"cannot be read ({error.strerror or error})") from None
    try:
        private_key = serialization.load_pem_private_key(pem, password=None)
    except TypeError:  # cryptography's way of saying "this one needs a password"
        raise KeyFileError(path, "is encrypted; mock-idx needs an unencrypted PEM private key") from None
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(path, "is not a PEM private key") from None
    if not isinstance(private_key, rsa.RSAPrivateKey):
        kind = type(private_key).__name__.removesuffix("PrivateKey")
        raise KeyFileError(path, f"holds a non-RSA key ({kind}); mock-idx signs with RS256")
    return private_key


def _public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, Any]:
    """The public key as a JWK, member for member what PyJWT's ``RSAAlgorithm.to_jwk`` writes (RFC 7518 6.3.1)."""
    numbers = public_key.public_numbers()
    return {"kty": "RSA", "key_ops": ["verify"], "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}


def _b64url_uint(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def _thumbprint(jwk: dict[str, str]) -> str:
    canonical = json.dumps({"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def at_hash(access_token: str) -> str:
    """OIDC ``at_hash``: the left half of SHA-256 of the access token, base64url without padding."""
    return _b64url(hashlib.sha256(access_token.encode()).digest()[:16])


@dataclass(frozen=True)
class AuthorizationServer:
    """The authorization server a request reached: ``id`` is ``None`` for the org server.

    A token belongs to the server whose issuer it names, and is worth nothing at any other (Okta keeps the org server
    and each custom server apart: their tokens are not interchangeable).
    """

    id: str | None
    issuer: str
    audience: str


@dataclass(frozen=True)
class Grant:
    """Who signed in, to which client, with what, at which authorization server: everything a token says."""

    server: AuthorizationServer
    client_id: str
    user: User
    scopes: tuple[str, ...]
    auth_time: float
    amr: tuple[str, ...]
    nonce: str | None = None
    acr: str | None = None
    """The ACR value the app asked for and the sign-in met (``acr_values``): both tokens' ``acr``, kept by refreshes,
    as Okta documents; no claim when none was asked for (as in Okta's captures)."""


@dataclass(frozen=True)
class Lifetimes:
    access: float
    id: float
    refresh: float
    refresh_allowed: bool = True
    """Whether the access policy rule lets a refresh token be issued (it includes the ``refresh_token`` grant)."""


@dataclass(frozen=True)
class TokenPlan:
    """What the server's access policy and claims decided for one issuance: lifetimes and the custom claims."""

    lifetimes: Lifetimes
    access_claims: dict[str, Any] = field(default_factory=dict)
    id_claims: dict[str, Any] = field(default_factory=dict)
    """For an ID token issued with an access token (Okta's thin ID token)."""
    id_claims_alone: dict[str, Any] = field(default_factory=dict)
    """For an ID token issued alone (implicit ``id_token``)."""


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    expires_in: int
    scope: str
    id_token: str | None = None
    refresh_token: str | None = None

    def as_oauth_response(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "access_token": self.access_token,
            "scope": self.scope,
        }
        if self.id_token:
            body["id_token"] = self.id_token
        if self.refresh_token:
            body["refresh_token"] = self.refresh_token
        return body


@dataclass(frozen=True)
class MintedToken:
    """What the store keeps of a JWT it minted (by its ``jti``), on the virtual clock, and whose it is: the token
    itself says only whole wall-clock seconds, too coarse to tell whether it came before or after its user was signed
    out everywhere (:attr:`~.directory.User.signed_out_at`)."""

    issued_at: float
    expires_at: float
    login: str = ""
    """The user it is about; empty for a client's own token (``client_credentials``)."""

    @classmethod
    def parse(cls, text: str) -> MintedToken:
        """What :meth:`__str__` wrote (a login may hold spaces: it comes last). A record of an earlier mock-idx (its
        expiry alone, in a Redis kept across an upgrade) reads as issued at the epoch, and one that is not a record at
        all as revoked: a store's leftovers never make a request fail."""
        parts = text.split(" ", 2)
        try:
            if len(parts) == 1:
                return cls(0.0, float(parts[0]))
            return cls(float(parts[0]), float(parts[1]), parts[2] if len(parts) > 2 else "")
        except ValueError:
            return REVOKED

    def __str__(self) -> str:
        return f"{self.issued_at!r} {self.expires_at!r} {self.login}".rstrip(" ")


REVOKED = MintedToken(0.0, 0.0)
"""What a revoked JWT's record becomes: dead since the epoch."""


INACTIVE: dict[str, Any] = {"active": False}
"""RFC 7662's whole answer about a token the caller may not know about: expired, revoked, forged or someone else's."""


@dataclass(frozen=True)
class RefreshRecord:
    """What a refresh token stands for: the sign-in, until when (virtual time)."""

    grant: Grant
    expires_at: float


class TokenService:
    """Mints, refreshes, introspects and revokes tokens, and decides whose they are.

    Tokens are read by real clients that check ``iat`` and ``exp`` against their own (real) clock, so the times written
    into a JWT are wall-clock times; whether a token is still alive is judged here on the virtual clock, from the
    expiry the store recorded when it was minted. Advancing the clock therefore expires tokens without making new ones
    look "issued in the future" to an SDK.

    Every question is asked on behalf of an authorization server (and, but for userinfo and logout's ID token hint, a
    client): a token minted by another server, or another client's refresh or ID token, is treated exactly like one
    that does not exist.
    """

    def __init__(self, key: SigningKey, store: OrgStore, idp_id: str) -> None:
        self.key = key
        self._store = store
        self._idp_id = idp_id
        """The org's own identity provider (``00o…``), in every ID token's ``idp``: one per org, as at Okta."""
        self._started = time.time()
        self._signer: ThreadPoolExecutor | None = None
        """Made on the first signature (an org that never mints starts no threads); shut down by :meth:`close`."""

    def close(self) -> None:
        """Stop the signing threads (the app calls this when it stops); a later signature starts them again."""
        signer, self._signer = self._signer, None
        if signer is not None:
            signer.shutdown(wait=True, cancel_futures=True)

    async def _signed(
        self, access_claims: dict[str, Any], id_claims: dict[str, Any] | None, *, hash_access_token: bool
    ) -> tuple[str, str | None]:
        """The access token and (when ``id_claims`` are given) the ID token, signed in one hop to a signing thread;
        ``hash_access_token``: the ID token's ``at_hash`` is filled in there, once the access token it hashes exists."""
        if self._signer is None:
            self._signer = ThreadPoolExecutor(SIGNING_THREADS, thread_name_prefix="mock-idx-signing")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._signer, _sign_both, self.key, access_claims, id_claims, hash_access_token
        )

    async def mint(self, grant: Grant, plan: TokenPlan, at: Instant, *, id_token_only: bool = False) -> TokenSet:
        """Tokens for a fresh sign-in; a refresh token only when ``offline_access`` was granted. ``id_token_only``:
        the implicit ``response_type=id_token``, whose ID token carries every claim its scopes release (there is no
        access token to call userinfo with) and no ``at_hash``."""
        refresh = None
        if "offline_access" in grant.scopes and plan.lifetimes.refresh_allowed and not id_token_only:
            refresh = RefreshRecord(grant, at.now + plan.lifetimes.refresh)
        return await self._mint(grant, plan, refresh, at, id_token_only=id_token_only)

    async def mint_for_client(
        self, client_id: str, scopes: tuple[str, ...], server: AuthorizationServer, plan: TokenPlan, at: Instant
    ) -> TokenSet:
        """``client_credentials``: an access token about the client itself (``sub`` is its id, as at Okta), and
        nothing else: no ID token, no refresh token."""
        jti = okta_id("AT.")
        lifetime = plan.lifetimes.access
        claims: dict[str, Any] = {
            **plan.access_claims,
            "ver": 1,
            "jti": jti,
            "iss": server.issuer,
            "aud": server.audience,
            "iat": int(at.wall),
            "exp": int(at.wall + lifetime),
            "cid": client_id,
            "scp": list(scopes),
            "sub": client_id,
        }
        access_token, _ = await self._signed(claims, None, hash_access_token=False)
        await self._store.record_token(jti, MintedToken(at.now, at.now + lifetime), lifetime)
        return TokenSet(access_token=access_token, expires_in=int(lifetime), scope=" ".join(scopes))

    async def rotate(
        self, refresh_token: str, scopes: tuple[str, ...], plan: TokenPlan, at: Instant, *, rotation: bool = True
    ) -> TokenSet | None:
        """Spend a refresh token (see :meth:`refresh_grant`): new access and ID tokens for ``scopes``, and a new
        refresh token for the same sign-in that dies when the spent one would have. The spent one is dead at once,
        as with Okta's refresh token rotation and a grace period of 0; of two requests racing with one token, one gets
        tokens and the other ``None``."""
        if not rotation:  # the client keeps its refresh token: new access and ID tokens only
            kept = await self._store.refresh_token(refresh_token)
            if kept is None:
                return None
            tokens = await self._mint(replace(kept.grant, scopes=scopes), plan, None, at)
            return replace(tokens, refresh_token=refresh_token)
        record = await self._store.take_refresh_token(refresh_token)
        if record is None:
            return None
        return await self._mint(replace(record.grant, scopes=scopes), plan, record, at)

    async def _mint(
        self, grant: Grant, plan: TokenPlan, refresh: RefreshRecord | None, at: Instant, *, id_token_only: bool = False
    ) -> TokenSet:
        lifetimes = plan.lifetimes
        auth_time = min(grant.auth_time - at.offset, at.wall)
        access_claims = {**plan.access_claims, **_access_claims(grant, lifetimes.access, at.wall, auth_time)}
        id_claims = None
        if "openid" in grant.scopes:
            custom = plan.id_claims_alone if id_token_only else plan.id_claims
            id_claims = {
                **custom,
                **_id_claims(
                    grant, lifetimes.id, at.wall, auth_time, self._idp_id, with_access_token=not id_token_only
                ),
            }
        access_token, id_token = await self._signed(access_claims, id_claims, hash_access_token=not id_token_only)
        login = grant.user.login
        access = MintedToken(at.now, at.now + lifetimes.access, login)
        await self._store.record_token(access_claims["jti"], access, lifetimes.access)
        if id_claims is not None:
            id_token_record = MintedToken(at.now, at.now + lifetimes.id, login)
            await self._store.record_token(id_claims["jti"], id_token_record, lifetimes.id)
        refresh_token = None
        if refresh is not None:
            refresh_token = secret_token(32)
            await self._store.put_refresh_token(refresh_token, refresh, refresh.expires_at - at.now)
        return TokenSet(
            access_token=access_token,
            expires_in=int(lifetimes.access),
            scope=" ".join(grant.scopes),
            id_token=id_token,
            refresh_token=refresh_token,
        )

    async def refresh_grant(self, token: str, client_id: str, server: AuthorizationServer, at: Instant) -> Grant | None:
        """The sign-in a live refresh token stands for, if it was issued to this client by this server."""
        record = await self._live_refresh(token, client_id, server, at)
        return record.grant if record else None

    async def access_claims(self, token: str, server: AuthorizationServer, at: Instant) -> dict[str, Any] | None:
        """The claims of a live access token minted by this server (what userinfo and resource servers accept)."""
        claims = await self._live_claims(token, server, at)
        return claims if claims is not None and _is_access_token(claims) else None

    def id_token_hint(self, token: str, server: AuthorizationServer) -> dict[str, Any] | None:
        """The claims of an ID token this server signed, expired or not (OIDC RP-initiated logout takes old ones)."""
        import jwt  # loaded by the key's verify already: a name lookup

        try:
            claims = self.key.verify(token)
        except (jwt.PyJWTError, ValueError):
            return None
        if claims.get("iss") != server.issuer or _is_access_token(claims) or not isinstance(claims.get("aud"), str):
            return None
        return claims

    async def introspect(self, token: str, client_id: str, server: AuthorizationServer, at: Instant) -> dict[str, Any]:
        """RFC 7662's answer for ``client_id`` at ``server``.

        An access token is active for any client of its server: Okta lets a resource server, registered as a client of
        its own, introspect the access tokens apps send it. An ID or refresh token is active only for the client it
        was issued to.
        """
        claims = await self._live_claims(token, server, at)
        if claims is not None and (_is_access_token(claims) or claims.get("aud") == client_id):
            return _jwt_introspection(claims)
        record = await self._live_refresh(token, client_id, server, at)
        if record is not None:
            return _refresh_introspection(record)
        return INACTIVE

    async def revoke(self, token: str, client_id: str, server: AuthorizationServer, at: Instant) -> str | None:
        """Revoke a token this client holds from this server; returns the login it belonged to.

        Anything else (unknown, malformed, expired, another client's, another server's) is left alone, silently: RFC
        7009 answers 200 either way, and Okta documents that a client may only revoke its own tokens.
        """
        if await self._live_refresh(token, client_id, server, at) is not None:
            record = await self._store.take_refresh_token(token)
            return record.grant.user.login if record else None
        claims = await self._live_claims(token, server, at)
        if claims is None or _client_of(claims) != client_id:
            return None
        await self._store.revoke_token(claims["jti"], max(0.0, claims["exp"] - at.wall))
        return str(claims.get("preferred_username") or claims.get("sub"))

    async def _live_refresh(
        self, token: str, client_id: str, server: AuthorizationServer, at: Instant
    ) -> RefreshRecord | None:
        record = await self._store.refresh_token(token)
        if record is None or record.expires_at <= at.now:
            return None
        grant = record.grant
        if grant.client_id != client_id or grant.server.issuer != server.issuer:
            return None
        if not still_signed_in(await self._store.user(grant.user.login), grant.auth_time):
            return None
        return record

    async def _live_claims(self, token: str, server: AuthorizationServer, at: Instant) -> dict[str, Any] | None:
        """The claims of a JWT this server signed that is neither expired nor revoked; ``None`` otherwise."""
        import jwt  # loaded by the key's verify already: a name lookup

        try:
            claims = self.key.verify(token)
        except (jwt.PyJWTError, ValueError):  # ValueError: text that cannot even be encoded (fuzzing found it)
            return None
        jti = claims.get("jti")
        if not isinstance(jti, str) or claims.get("iss") != server.issuer:
            return None
        minted = await self._store.minted_token(jti)
        if minted is None:
            # Minted by this org and forgotten: it expired. Minted before a restart (same key file): its own times.
            if claims.get("iat", 0) >= int(self._started):
                return None
            minted = MintedToken(claims.get("iat", 0) + at.offset, claims.get("exp", 0) + at.offset, _login_of(claims))
        if at.now >= minted.expires_at:
            return None
        if minted.login and not still_signed_in(await self._store.user(minted.login), minted.issued_at):
            return None
        return claims


def _is_access_token(claims: dict[str, Any]) -> bool:
    """Access tokens name their client in ``cid``; ID tokens name it as their audience."""
    return "cid" in claims


def _login_of(claims: dict[str, Any]) -> str:
    """The login a token names, when it names one (an ID token does only with the ``profile`` scope); empty for a
    client's own access token, whose ``sub`` is the client."""
    if _is_access_token(claims):
        return str(claims.get("sub", "")) if "uid" in claims else ""
    return str(claims.get("preferred_username", ""))


def _client_of(claims: dict[str, Any]) -> Any:
    return claims["cid"] if _is_access_token(claims) else claims.get("aud")


def _jwt_introspection(claims: dict[str, Any]) -> dict[str, Any]:
    access = _is_access_token(claims)
    return {
        "active": True,
        "token_type": "Bearer",
        "scope": " ".join(claims.get("scp", [])),
        "client_id": _client_of(claims),
        "username": claims.get("sub") if access else claims.get("preferred_username"),
        "exp": claims["exp"],
        "iat": claims["iat"],
        "sub": claims["sub"],
        "aud": claims["aud"],
        "iss": claims["iss"],
        "jti": claims["jti"],
        "uid": claims.get("uid"),
    }


def _refresh_introspection(record: RefreshRecord) -> dict[str, Any]:
    grant = record.grant
    return {
        "active": True,
        "token_type": "refresh_token",
        "scope": " ".join(grant.scopes),
        "client_id": grant.client_id,
        "username": grant.user.login,
        "sub": grant.user.login,
        "uid": grant.user.id,
        "iss": grant.server.issuer,
    }


def userinfo_claims(user: User, scopes: tuple[str, ...]) -> dict[str, Any]:
    """``/v1/userinfo``'s answer: the subject, and the standard claims the access token's scopes release."""
    return {"sub": user.id, **profile_claims(user, scopes)}


def _access_claims(grant: Grant, lifetime: float, now: float, auth_time: float) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "ver": 1,
        "jti": okta_id("AT."),
        "iss": grant.server.issuer,
        "aud": grant.server.audience,
        "iat": int(now),
        "exp": int(now + lifetime),
        "cid": grant.client_id,
        "uid": grant.user.id,
        "scp": list(grant.scopes),
        "auth_time": int(auth_time),
        "sub": grant.user.login,
    }
    if grant.acr:
        claims["acr"] = grant.acr
    return claims


def _sign_both(
    key: SigningKey, access_claims: dict[str, Any], id_claims: dict[str, Any] | None, hash_access_token: bool
) -> tuple[str, str | None]:
    """In a signing thread: the access token, then the ID token (with the access token's ``at_hash`` if asked)."""
    access_token = key.sign(access_claims)
    if id_claims is None:
        return access_token, None
    if hash_access_token:
        id_claims["at_hash"] = at_hash(access_token)
    return access_token, key.sign(id_claims)


def _id_claims(
    grant: Grant, lifetime: float, now: float, auth_time: float, idp_id: str, *, with_access_token: bool
) -> dict[str, Any]:
    """Okta's ID token. Issued with an access token it is Okta's "thin" token: of the profile only ``name`` and
    ``preferred_username`` (``profile`` scope) and ``email`` (``email`` scope), the rest is for ``/v1/userinfo``;
    issued alone it carries every claim its scopes release. Issued with an access token, its ``at_hash`` is left
    empty here and filled in by :func:`_sign_both`, once the access token is signed."""
    claims: dict[str, Any] = {
        "sub": grant.user.id,
        "ver": 1,
        "iss": grant.server.issuer,
        "aud": grant.client_id,
        "iat": int(now),
        "exp": int(now + lifetime),
        "jti": okta_id("ID."),
        "amr": list(grant.amr),
        "idp": idp_id,
        "auth_time": int(auth_time),
    }
    if with_access_token:
        claims["at_hash"] = ""
    if grant.nonce:
        claims["nonce"] = grant.nonce
    if grant.acr:
        claims["acr"] = grant.acr
    released = profile_claims(grant.user, grant.scopes)
    if with_access_token:
        released = {name: value for name, value in released.items() if name in THIN_ID_TOKEN_CLAIMS}
    claims.update(released)
    return claims


THIN_ID_TOKEN_CLAIMS = frozenset({"name", "preferred_username", "email"})
"""What of the user's profile Okta puts in an ID token issued with an access token."""


def profile_claims(user: User, scopes: tuple[str, ...]) -> dict[str, Any]:
    """The standard claims each OIDC scope releases (used by the id_token and ``/v1/userinfo``)."""
    profile = user.profile
    claims: dict[str, Any] = {}
    if "profile" in scopes:
        claims.update(
            {
                "name": user.display_name,
                "preferred_username": user.login,
                "given_name": profile.get("firstName"),
                "family_name": profile.get("lastName"),
                "locale": profile.get("locale"),
                "zoneinfo": profile.get("timeZone"),
            }
        )
    if "email" in scopes:
        claims.update({"email": profile.get("email"), "email_verified": True})
    return {k: v for k, v in claims.items() if v is not None}
