"""Settings of the reference web app (the IDX client's own settings live in `idx.config`)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet

from .idx import IdxClientConfig


@dataclass(frozen=True)
class AppConfig:
    """Everything `create_app` needs.

    `session_secret` is a Fernet key (urlsafe base64 of 32 bytes) for the encrypted session cookie; without one a
    key is generated per process, so sessions end when the process does. `secure_cookies` adds the Secure flag
    (turn it on whenever the app is served over https).
    """

    idx: IdxClientConfig
    session_secret: str | None = None
    secure_cookies: bool = False
    http_timeout_seconds: float = 15.0

    def __post_init__(self) -> None:
        if self.session_secret is not None:
            self.session_fernet()  # a malformed secret fails here, at startup, not on the first request

    def session_fernet(self) -> Fernet:
        """The cookie cipher: from `session_secret`, or a fresh key for this process."""
        if self.session_secret is None:
            return Fernet(Fernet.generate_key())
        try:
            return Fernet(self.session_secret.encode("ascii"))
        except ValueError as exc:
            raise ValueError("session secret must be a Fernet key: urlsafe base64 of 32 random bytes") from exc
