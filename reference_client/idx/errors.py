"""Exceptions raised by the IDX client.

Everything the server *says* (wrong password, bad code, rejected push, expired transaction) comes back as a typed
result with messages; exceptions are kept for what a caller cannot treat as a normal step: the network failing,
the server answering something that is not IDX, or a caller asking for a step the current state does not offer.
"""

from __future__ import annotations

from typing import Any


class IdxError(Exception):
    """Base class of every error raised by `reference_client.idx`."""


class IdxTransientError(IdxError):
    """The server could not answer now (network, 5xx, 429); trying again later may work.

    `retry_after_ms` carries the server's own pacing hint when it gave one (Retry-After or X-Rate-Limit-Reset).
    """

    def __init__(self, message: str, retry_after_ms: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_ms = retry_after_ms


class IdxRateLimitedError(IdxTransientError):
    """HTTP 429: the org's rate limit was hit, or a step's own limit (a code resent too soon).

    `body` is the reply's JSON object, if any: Okta answers a step's own limit as an IDX document whose message says
    when to try again, which the client shows as a refusal of that step rather than as an outage.
    """

    def __init__(self, message: str, retry_after_ms: int | None = None, body: dict[str, Any] | None = None) -> None:
        super().__init__(message, retry_after_ms)
        self.body = body


class IdxProtocolError(IdxError):
    """The server answered something that is not a usable IDX or OAuth reply."""


class IdxStepUnavailableError(IdxError):
    """The caller asked for a remediation or choice that the current IDX state does not offer."""


class OAuthError(IdxError):
    """An OAuth endpoint answered with `{error, error_description}`."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description


class TokenValidationError(IdxError):
    """The id_token failed signature or claim checks."""
