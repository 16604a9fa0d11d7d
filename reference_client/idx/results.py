"""Typed results of the IDX client, modelled on the .NET SDK's `AuthenticationResponse`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .context import IdxContext
from .document import Message

DEFAULT_POLL_REFRESH_MS = 4000


class AuthenticationStatus(StrEnum):
    """Where a sign-in stands after a call.

    Names and values follow the .NET SDK's `AuthenticationStatus` (so the ASP.NET guide reads the same), plus
    `AwaitingIdentification`, `Canceled` and `Terminal` for states the .NET SDK reports by throwing.
    """

    AwaitingIdentification = "AwaitingIdentification"
    AwaitingAuthenticatorSelection = "AwaitingAuthenticatorSelection"
    AwaitingChallengeAuthenticatorData = "AwaitingChallengeAuthenticatorData"
    AwaitingAuthenticatorVerification = "AwaitingAuthenticatorVerification"
    AwaitingChallengeAuthenticatorPollResponse = "AwaitingChallengeAuthenticatorPollResponse"
    PushChallengeFailed = "PushChallengeFailed"
    AwaitingAuthenticatorEnrollment = "AwaitingAuthenticatorEnrollment"
    PasswordExpired = "PasswordExpired"
    Unsupported = "Unsupported"
    Canceled = "Canceled"
    Terminal = "Terminal"
    Success = "Success"


@dataclass(frozen=True)
class MethodOption:
    """A way to use an authenticator, e.g. `push` "Get a push notification"."""

    value: str
    label: str


@dataclass(frozen=True)
class AuthenticatorOption:
    """An authenticator the user may pick, with the methods it offers."""

    id: str
    label: str
    key: str | None = None
    methods: tuple[MethodOption, ...] = ()


@dataclass(frozen=True)
class TokenSet:
    """Tokens from the interaction-code exchange; `claims` are the verified id_token claims."""

    access_token: str
    id_token: str
    claims: dict[str, Any]
    token_type: str = "Bearer"
    expires_in: int | None = None
    scope: str | None = None
    refresh_token: str | None = None


@dataclass(frozen=True)
class AuthResponse:
    """The outcome of one client call.

    `context` is what to keep for the next call (None once the transaction is over). `remediations` lists the raw
    step names, for callers that want to offer a step the status does not name. `backoff` marks a poll that hit
    a 429, a 5xx or the network and asks the caller to wait `refresh_ms` (longer than usual) before the next.
    """

    status: AuthenticationStatus
    context: IdxContext | None
    messages: tuple[Message, ...] = ()
    authenticators: tuple[AuthenticatorOption, ...] = ()
    current_authenticator: AuthenticatorOption | None = None
    method_types: tuple[MethodOption, ...] = ()
    correct_answer: str | None = None
    refresh_ms: int | None = None
    can_resend: bool = False
    backoff: bool = False
    tokens: TokenSet | None = None
    remediations: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.is_error)

    @property
    def continue_polling(self) -> bool:
        """True while a push waits for the user (also after a `backoff`)."""
        return self.status is AuthenticationStatus.AwaitingChallengeAuthenticatorPollResponse

    @property
    def poll_refresh_ms(self) -> int:
        return self.refresh_ms or DEFAULT_POLL_REFRESH_MS
