"""Okta Verify enrollment, the phone's side: the activation a sign-in starts and the phone completes.

When a user enrolls Okta Verify, Okta shows a QR code (or sends a link by email or SMS) that carries an *activation*:
a one-time token naming the user and the org. The phone app reads it, registers itself, and the sign-in that waits on
``enroll-poll`` sees the enrollment done. Here the simulated phone (device page, control API, pytest plugin) plays the
app: it activates with the token, the first activation wins, and an expired or used one is refused.

The QR payload is what a real org encodes, as decoded from Okta's own capture::

    oktaverify://tester2@test.com/?t=<token>&f=<authenticator id>&s=https://org.okta.com&issuer=org.okta.com&isIdxEnabled=true

Nothing here knows about HTTP; the engine owns the instance of :class:`Activations` (``engine.activations``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from .errors import Conflict, NotFound
from .store import OrgStore, RecordKind

ACTIVATION_LIFETIME = 300.0
"""How long a QR code or link can be used, in seconds: Okta's enrollment poll gives up after five minutes."""
KEEP_ACTIVATED_FOR = 600.0
"""How long an activation stays readable once used, so the sign-in polling for it sees it done (engines pass their
transaction lifetime instead)."""
LISTED_PER_USER = 10
"""The newest activations remembered per user (what the device page lists and "the newest pending" is chosen from)."""
MAX_URI_LENGTH = 2048
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,128}")
"""What an activation token looks like (a pasted one is checked before it reaches the store)."""
QR_TARGET_PIXELS = 240
"""Okta's QR images are 200 to 225 pixels wide; the widget shows them at their own size."""
URI_SCHEME = "oktaverify"
LINK_PARAMETER = "activate"
"""The query parameter of the device-page link that email and SMS deliver (:func:`activation_link`)."""


class ActivationChannel(str, Enum):
    """How the activation reached the phone: Okta's ``selectedChannel`` values."""

    QRCODE = "qrcode"
    EMAIL = "email"
    SMS = "sms"


@dataclass(frozen=True)
class OktaVerifyActivation:
    """One activation, found by its token; ``activated_at`` is set once (by the phone that won)."""

    token: str
    login: str
    transaction_id: str
    """The sign-in that started it, whose ``enroll-poll`` waits for it."""
    channel: ActivationChannel
    created_at: float
    expires_at: float
    activated_at: float | None = None

    @property
    def is_activated(self) -> bool:
        return self.activated_at is not None

    def is_pending(self, now: float) -> bool:
        """Still waiting for the phone: not used, not expired."""
        return not self.is_activated and now < self.expires_at

    def belongs_to(self, login: str) -> bool:
        return self.login.lower() == login.lower()


@dataclass(frozen=True)
class ActivationIndex:
    """A user's newest activations, oldest first, by token (the per-login pointer record)."""

    tokens: tuple[str, ...] = ()

    def with_token(self, token: str) -> ActivationIndex:
        return ActivationIndex((*self.tokens, token)[-LISTED_PER_USER:])


class ActivationAlreadyUsed(Conflict):
    """The activation was already completed (by another tap, another replica, an earlier call)."""


class ActivationExpired(NotFound):
    """The activation's QR code or link is past its lifetime: nothing is pending any more."""


# --- what the phone reads --------------------------------------------------------------------------------------------


def activation_uri(org_url: str, token: str, login: str, authenticator_id: str = "") -> str:
    """The ``oktaverify://`` URI a real org puts in the QR code: ``t`` the token, ``f`` the Okta Verify authenticator
    (``aut…``, left out when not given), ``s`` the org's URL and ``issuer`` its host."""
    org_url = org_url.rstrip("/")
    query = [("t", token)]
    if authenticator_id:
        query.append(("f", authenticator_id))
    query += [("s", org_url), ("issuer", urlsplit(org_url).netloc), ("isIdxEnabled", "true")]
    return f"{URI_SCHEME}://{quote(login, safe='@')}/?{urlencode(query, safe=':/')}"


def activation_link(base_url: str, token: str, login: str) -> str:
    """The https link sent by email or SMS: it opens the user's simulated phone with this activation to add."""
    return f"{base_url.rstrip('/')}/_mock/device/{quote(login, safe='@')}?{urlencode({LINK_PARAMETER: token})}"


def parse_activation_uri(text: str) -> str | None:
    """The token an ``oktaverify://`` URI, an activation link (:func:`activation_link`) or a bare token carries;
    ``None`` for anything else. Never raises: the text comes from people and tests alike."""
    text = text.strip()
    if not text or len(text) > MAX_URI_LENGTH:
        return None
    if TOKEN_PATTERN.fullmatch(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    scheme = parts.scheme.lower()
    parameter = {URI_SCHEME: "t", "http": LINK_PARAMETER, "https": LINK_PARAMETER}.get(scheme)
    if parameter is None:
        return None
    values = parse_qs(parts.query).get(parameter, [])
    token = values[0] if len(values) == 1 else ""
    return token if TOKEN_PATTERN.fullmatch(token) else None


@lru_cache(maxsize=256)
def qr_png_data_uri(payload: str) -> str:
    """``data:image/png;base64,…``: the QR code as Okta embeds it in ``contextualData.qrcode.href``. Drawn once per
    payload (a pure function of it): the enrollment page shows the same QR code at every poll and introspect, and
    drawing it is the slowest part of that answer. segno is imported here, on the first QR code, not at start-up."""
    import segno

    code = segno.make(payload, error="m")
    modules, _ = code.symbol_size(scale=1)
    data_uri: str = code.png_data_uri(scale=max(2, round(QR_TARGET_PIXELS / modules)))
    return data_uri


def new_activation_token() -> str:
    """34 URL-safe characters, as Okta's own tokens look (200 bits: the token alone enrolls a phone)."""
    return secrets.token_urlsafe(25)


# --- the service -----------------------------------------------------------------------------------------------------


class Activations:
    """Activations in the org's store: by token (:attr:`RecordKind.OKTA_VERIFY_ACTIVATION`), the newest per user
    (:attr:`RecordKind.OKTA_VERIFY_ACTIVATIONS_OF_USER`), and which were used (a first-wins claim)."""

    def __init__(self, store: OrgStore) -> None:
        self.store = store

    async def start(
        self,
        login: str,
        transaction_id: str,
        channel: ActivationChannel | str,
        now: float,
        lifetime: float = ACTIVATION_LIFETIME,
    ) -> OktaVerifyActivation:
        """A new activation for ``login``'s phone, good for ``lifetime`` seconds. (Two sign-ins of one user starting
        activations at the same instant may leave one off the user's list; its token still activates.)"""
        activation = OktaVerifyActivation(
            token=new_activation_token(),
            login=login,
            transaction_id=transaction_id,
            channel=ActivationChannel(channel),
            created_at=now,
            expires_at=now + lifetime,
        )
        await self.store.put_record(RecordKind.OKTA_VERIFY_ACTIVATION, activation.token, activation, lifetime)
        index = (await self._index(login)).with_token(activation.token)
        await self.store.put_record(RecordKind.OKTA_VERIFY_ACTIVATIONS_OF_USER, login.lower(), index, lifetime)
        return activation

    async def get(self, token: str) -> OktaVerifyActivation | None:
        """The activation a token names (pending, used or expired: the caller judges by ``now``), or ``None``."""
        record = await self.store.record(RecordKind.OKTA_VERIFY_ACTIVATION, token)
        return record if isinstance(record, OktaVerifyActivation) else None

    async def of_user(self, login: str) -> list[OktaVerifyActivation]:
        """The user's newest activations still stored, oldest first, whatever their state."""
        found = [await self.get(token) for token in (await self._index(login)).tokens]
        return [a for a in found if a is not None and a.belongs_to(login)]

    async def pending(self, login: str, now: float) -> list[OktaVerifyActivation]:
        """The user's activations a phone can still use, oldest first."""
        return [a for a in await self.of_user(login) if a.is_pending(now)]

    async def activate(
        self, login: str, token: str | None, now: float, keep_for: float = KEEP_ACTIVATED_FOR
    ) -> OktaVerifyActivation:
        """The phone of ``login`` uses the activation ``token`` names (``None``: the user's newest pending one).

        Raises :class:`NotFound` when there is no such activation of this user, :class:`ActivationExpired` when it
        is past its lifetime, :class:`ActivationAlreadyUsed` when it was used before (of racing phones, exactly one
        wins). Nothing is changed by a refusal."""
        activation = await self._chosen(login, token, now)
        if activation.is_activated:
            raise ActivationAlreadyUsed("this Okta Verify activation was already used")
        if not activation.is_pending(now):
            raise ActivationExpired("this Okta Verify activation has expired")
        if not await self.store.claim_once(RecordKind.OKTA_VERIFY_ACTIVATED, activation.token, keep_for):
            raise ActivationAlreadyUsed("this Okta Verify activation was already used")
        activated = replace(activation, activated_at=now)
        await self.store.put_record(RecordKind.OKTA_VERIFY_ACTIVATION, activation.token, activated, keep_for)
        return activated

    async def _chosen(self, login: str, token: str | None, now: float) -> OktaVerifyActivation:
        if token is not None:
            activation = await self.get(token)
            if activation is None or not activation.belongs_to(login):
                raise NotFound(f"no such Okta Verify activation for {login!r}")
            return activation
        known = await self.of_user(login)
        pending = [a for a in known if a.is_pending(now)]
        if pending:
            return pending[-1]
        if known and known[-1].is_activated:
            return known[-1]  # refused as used: the newest one was, and nothing newer waits
        raise NotFound(f"no pending Okta Verify activation for {login!r}")

    async def _index(self, login: str) -> ActivationIndex:
        record = await self.store.record(RecordKind.OKTA_VERIFY_ACTIVATIONS_OF_USER, login.lower())
        return record if isinstance(record, ActivationIndex) else ActivationIndex()
