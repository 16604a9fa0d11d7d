"""A small async IDX client (aiohttp) for Okta Identity Engine and mock-idx.

Layers: `transport` (HTTP + JSON), `document` (the IDX format), `interpret` (status and choices), `client` (the
flow), with `oauth` and `tokens` for PKCE, the code exchanges and id_token checks, and `redirect` for signing in
through the org's hosted page instead (the authorization-code flow).
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
from .redirect import RedirectSignIn
from .results import (
    AuthenticationStatus,
    AuthenticatorOption,
    AuthResponse,
    ContextualData,
    CredentialInput,
    MethodOption,
    PasswordPolicy,
    QuestionChoice,
    TokenSet,
)

__all__ = [
    "AuthResponse",
    "AuthenticationStatus",
    "AuthenticatorOption",
    "ContextualData",
    "CredentialInput",
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
    "PasswordPolicy",
    "QuestionChoice",
    "RedirectSignIn",
    "TokenSet",
    "TokenValidationError",
]
