"""A small async IDX client (aiohttp) for Okta Identity Engine and mock-idx.

Layers: `transport` (HTTP + JSON), `document` (the IDX format), `interpret` (status and choices), `client` (the
flow), with `oauth` and `tokens` for PKCE, the code exchange and id_token checks.
"""

from .client import IdxClient
from .config import IdxClientConfig
from .context import IdxContext
from .document import IdxDocument, Message
from .errors import (
    IdxError,
    IdxProtocolError,
    IdxRateLimitedError,
    IdxStepUnavailableError,
    IdxTransientError,
    OAuthError,
    TokenValidationError,
)
from .results import (
    AuthenticationStatus,
    AuthenticatorOption,
    AuthResponse,
    MethodOption,
    TokenSet,
)

__all__ = [
    "AuthResponse",
    "AuthenticationStatus",
    "AuthenticatorOption",
    "IdxClient",
    "IdxClientConfig",
    "IdxContext",
    "IdxDocument",
    "IdxError",
    "IdxProtocolError",
    "IdxRateLimitedError",
    "IdxStepUnavailableError",
    "IdxTransientError",
    "Message",
    "MethodOption",
    "OAuthError",
    "TokenSet",
    "TokenValidationError",
]
