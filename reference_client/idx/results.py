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
    `AwaitingIdentification`, `Canceled` and `Terminal` for states the .NET SDK reports by throwing, and the Java SDK's
    `AwaitingPollEnrollment` (Okta Verify being set up: `enroll-poll`) and `AwaitingChannelDataEnrollment` (where to
    send its setup link: `enrollment-channel-data`), which the .NET SDK folds into other statuses.
    Passwords: `AwaitingPasswordReset` (the new password after "Forgot password?": `reset-authenticator`) and
    `PasswordExpired` (`reenroll-authenticator`) are the .NET SDK's; `AwaitingRecoveryIdentification` (the username
    to recover: `identify-recovery`, which the .NET SDK submits inside `RecoverPasswordAsync`) and
    `PasswordExpiryWarning` (it expires soon, "Remind me later" offered: `reenroll-authenticator-warning`) are ours.
    `AwaitingAuthenticatorVerification` covers both a challenge and a new authenticator's first code or answer
    (`challenge-authenticator` and `enroll-authenticator`), as in the .NET SDK.
    """

    AwaitingIdentification = "AwaitingIdentification"
    AwaitingAuthenticatorSelection = "AwaitingAuthenticatorSelection"
    AwaitingChallengeAuthenticatorData = "AwaitingChallengeAuthenticatorData"
    AwaitingAuthenticatorVerification = "AwaitingAuthenticatorVerification"
    AwaitingChallengeAuthenticatorPollResponse = "AwaitingChallengeAuthenticatorPollResponse"
    PushChallengeFailed = "PushChallengeFailed"
    AwaitingAuthenticatorEnrollment = "AwaitingAuthenticatorEnrollment"
    AwaitingAuthenticatorEnrollmentData = "AwaitingAuthenticatorEnrollmentData"
    AwaitingPollEnrollment = "AwaitingPollEnrollment"
    AwaitingChannelDataEnrollment = "AwaitingChannelDataEnrollment"
    AwaitingRecoveryIdentification = "AwaitingRecoveryIdentification"
    AwaitingPasswordReset = "AwaitingPasswordReset"
    PasswordExpired = "PasswordExpired"
    PasswordExpiryWarning = "PasswordExpiryWarning"
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
class CredentialInput:
    """A field the user fills in to answer a challenge or an enrollment: `passcode`, `totp`, `answer`, `question`...

    `name` is the key under `credentials` in the request; `label` is the server's ("Enter code", "Answer");
    `checkbox` marks a yes/no choice (a new password's `revokeSessions`, "Sign me out of all other devices").
    """

    name: str
    label: str
    secret: bool = False
    checkbox: bool = False


@dataclass(frozen=True)
class PasswordPolicy:
    """What a new password must be, from the password authenticator's `settings` on the page that asks for one.

    `min_length` .. `min_symbol` and the exclusions are `settings.complexity`; `history_count` and
    `min_age_minutes` are `settings.age`; `days_to_expiry` is the expiry warning's `settings.daysToExpiry`. A rule
    the server leaves out (or sets to 0) is absent here too, so a page lists only what the org asks for.
    """

    min_length: int = 0
    min_lower_case: int = 0
    min_upper_case: int = 0
    min_number: int = 0
    min_symbol: int = 0
    exclude_username: bool = False
    exclude_attributes: tuple[str, ...] = ()
    history_count: int = 0
    min_age_minutes: int = 0
    days_to_expiry: int | None = None


@dataclass(frozen=True)
class QuestionChoice:
    """A predefined security question the user may pick when enrolling one (`key` is its `questionKey`)."""

    key: str
    text: str


@dataclass(frozen=True)
class ContextualData:
    """What `currentAuthenticator(Enrollment).contextualData` tells a page to show.

    `qr_code` is a `data:image/png;base64,...` URI to scan (Okta Verify, Google Authenticator); `shared_secret` is the
    key to type in instead; `selected_channel` is how Okta Verify is being set up (`qrcode`, `email`, `sms`) and
    `sent_to` the address or number its link or a code went to; `question` is the enrolled security question to answer.
    """

    qr_code: str | None = None
    shared_secret: str | None = None
    selected_channel: str | None = None
    sent_to: str | None = None
    question: str | None = None


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

    For enrollment: `enroll_authenticators` are the authenticators `select-authenticator-enroll` offers and `can_skip`
    says whether "Set up later" (`skip`) is offered; `enrollment_channels` are the ways Okta Verify can be set up
    instead (`select-enrollment-channel`). `credential_inputs` are what the answer form asks for (empty when the form
    offers a choice of question, see `question_choices`); `channel_input` is what `enrollment-channel-data` asks for
    (`email` or `phoneNumber`); `contextual` holds the QR code, secret or question to show.

    For a new password (reset, expired, expiring): `credential_inputs` are the reset form's fields and
    `password_policy` the requirements to show. `recovering` says the transaction is a password recovery (the
    document carries `recoveryAuthenticator`), so a page can say so.
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
    enroll_authenticators: tuple[AuthenticatorOption, ...] = ()
    can_skip: bool = False
    enrollment_channels: tuple[MethodOption, ...] = ()
    credential_inputs: tuple[CredentialInput, ...] = ()
    question_choices: tuple[QuestionChoice, ...] = ()
    channel_input: CredentialInput | None = None
    contextual: ContextualData = ContextualData()
    password_policy: PasswordPolicy | None = None
    recovering: bool = False

    @property
    def errors(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.is_error)

    @property
    def continue_polling(self) -> bool:
        """True while a push waits for the user (also after a `backoff`)."""
        return self.status is AuthenticationStatus.AwaitingChallengeAuthenticatorPollResponse

    @property
    def continue_enrollment_polling(self) -> bool:
        """True while Okta Verify is being set up (the `enroll-poll` page keeps polling)."""
        return self.status is AuthenticationStatus.AwaitingPollEnrollment

    @property
    def authenticator_key(self) -> str | None:
        """The key of the authenticator in play (`okta_verify`, `okta_email`, `phone_number`...), if any."""
        return self.current_authenticator.key if self.current_authenticator else None

    @property
    def poll_refresh_ms(self) -> int:
        return self.refresh_ms or DEFAULT_POLL_REFRESH_MS
