"""Signing keys and the tokens minted with them (RS256 JWTs through PyJWT; no hand-made crypto).

The key id is the key's RFC 7638 thumbprint, so a regenerated key always gets a new ``kid``: SDKs cache JWKS for a day
and would otherwise check a new signature against an old key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from .clock import VirtualClock
from .directory import User
from .ids import okta_id, secret_token

ALGORITHM = "RS256"


class SigningKey:
    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        self._private_key = private_key
        self._public_jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
        self.kid = _thumbprint(self._public_jwk)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKey:
        """Keys kept in a PEM file survive restarts, so tokens issued before a restart still verify."""
        if path.exists():
            private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(private_key, rsa.RSAPrivateKey):
                raise ValueError(f"{path} does not hold an RSA private key")
            return cls(private_key)
        key = cls.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            key._private_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        path.chmod(0o600)
        return key

    def public_jwk(self) -> dict[str, str]:
        return {**self._public_jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._private_key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def verify(self, token: str) -> dict[str, Any]:
        """Signature check only: expiry is judged by the engine on its virtual clock, not by PyJWT on wall time."""
        return jwt.decode(
            token,
            self._private_key.public_key(),
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False},
        )


def _thumbprint(jwk: dict[str, str]) -> str:
    canonical = json.dumps({"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def at_hash(access_token: str) -> str:
    """OIDC ``at_hash``: the left half of SHA-256 of the access token, base64url without padding."""
    return _b64url(hashlib.sha256(access_token.encode()).digest()[:16])


@dataclass(frozen=True)
class Grant:
    """Who signed in, to which client, with what: everything a token says about a sign-in."""

    issuer: str
    audience: str
    client_id: str
    user: User
    scopes: tuple[str, ...]
    auth_time: float
    amr: tuple[str, ...]
    nonce: str | None = None


@dataclass(frozen=True)
class Lifetimes:
    access: float
    id: float
    refresh: float


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


@dataclass
class _RefreshRecord:
    grant: Grant
    expires_at: float


@dataclass
class TokenService:
    """Mints, refreshes, introspects and revokes tokens.

    Tokens are read by real clients that check ``iat`` and ``exp`` against their own (real) clock, so the times written
    into a JWT are wall-clock times; whether a token is still alive is judged here on the virtual clock, from the
    expiry recorded when it was minted. Advancing the clock therefore expires tokens without making new ones look
    "issued in the future" to an SDK.
    """

    key: SigningKey
    clock: VirtualClock
    _refresh: dict[str, _RefreshRecord] = field(default_factory=dict)
    _expires_at: dict[str, float] = field(default_factory=dict)
    _revoked: set[str] = field(default_factory=set)
    _started: float = field(default_factory=time.time)

    def mint(self, grant: Grant, lifetimes: Lifetimes) -> TokenSet:
        now = self.clock.now()
        wall = now - self.clock.offset
        auth_time = min(grant.auth_time - self.clock.offset, wall)
        access_claims = _access_claims(grant, lifetimes.access, wall, auth_time)
        access_token = self.key.sign(access_claims)
        self._expires_at[access_claims["jti"]] = now + lifetimes.access
        id_token = None
        if "openid" in grant.scopes:
            id_claims = _id_claims(grant, lifetimes.id, wall, auth_time, access_token)
            id_token = self.key.sign(id_claims)
            self._expires_at[id_claims["jti"]] = now + lifetimes.id
        refresh_token = None
        if "offline_access" in grant.scopes:
            refresh_token = secret_token(32)
            self._refresh[refresh_token] = _RefreshRecord(grant, now + lifetimes.refresh)
        return TokenSet(
            access_token=access_token,
            expires_in=int(lifetimes.access),
            scope=" ".join(grant.scopes),
            id_token=id_token,
            refresh_token=refresh_token,
        )

    def active_claims(self, token: str) -> dict[str, Any] | None:
        """The claims of a token this server signed that is neither expired nor revoked; ``None`` otherwise."""
        try:
            claims = self.key.verify(token)
        except (jwt.PyJWTError, ValueError):  # ValueError: text that cannot even be encoded (fuzzing found it)
            return None
        jti = claims.get("jti")
        if jti in self._revoked:
            return None
        expires_at = self._expires_at.get(jti)
        if expires_at is None:
            # Minted by this process and forgotten: it expired. Minted before a restart (same key file): its own exp.
            if claims.get("iat", 0) >= int(self._started):
                return None
            expires_at = claims.get("exp", 0) + self.clock.offset
        return claims if self.clock.now() < expires_at else None

    def refresh_grant(self, token: str) -> Grant | None:
        """The sign-in a live refresh token stands for."""
        record = self._refresh.get(token)
        return record.grant if record and record.expires_at > self.clock.now() else None

    def revoke(self, token: str) -> str | None:
        """Revoking an unknown or malformed token is not an error (RFC 7009). Returns the login it belonged to."""
        record = self._refresh.pop(token, None)
        if record is not None:
            return record.grant.user.login
        claims = self.active_claims(token)
        if claims and "jti" in claims:
            self._revoked.add(claims["jti"])
            return claims.get("preferred_username") or claims.get("sub")
        return None

    def forget_expired(self) -> None:
        now = self.clock.now()
        self._refresh = {t: r for t, r in self._refresh.items() if r.expires_at > now}
        self._expires_at = {j: exp for j, exp in self._expires_at.items() if exp > now}
        self._revoked &= self._expires_at.keys()

    def clear(self) -> None:
        self._refresh.clear()
        self._expires_at.clear()
        self._revoked.clear()


def _access_claims(grant: Grant, lifetime: float, now: float, auth_time: float) -> dict[str, Any]:
    return {
        "ver": 1,
        "jti": okta_id("AT."),
        "iss": grant.issuer,
        "aud": grant.audience,
        "iat": int(now),
        "exp": int(now + lifetime),
        "cid": grant.client_id,
        "uid": grant.user.id,
        "scp": list(grant.scopes),
        "auth_time": int(auth_time),
        "sub": grant.user.login,
    }


def _id_claims(grant: Grant, lifetime: float, now: float, auth_time: float, access_token: str) -> dict[str, Any]:
    profile = grant.user.profile
    claims: dict[str, Any] = {
        "sub": grant.user.id,
        "ver": 1,
        "iss": grant.issuer,
        "aud": grant.client_id,
        "iat": int(now),
        "exp": int(now + lifetime),
        "jti": okta_id("ID."),
        "amr": list(grant.amr),
        "idp": okta_id("00o"),
        "auth_time": int(auth_time),
        "at_hash": at_hash(access_token),
    }
    if grant.nonce:
        claims["nonce"] = grant.nonce
    claims.update(profile_claims(grant.user, grant.scopes))
    # The identity a test asserts on is always in the id_token, whatever scopes the app asked for.
    claims.setdefault("name", grant.user.display_name)
    claims.setdefault("preferred_username", grant.user.login)
    claims.setdefault("email", profile.get("email"))
    return claims


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
