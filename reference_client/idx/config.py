"""What the IDX client needs to know about the org and the app: nothing about mock_idx."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SCOPES = ("openid", "profile", "email")


@dataclass(frozen=True)
class IdxClientConfig:
    """An OIDC app registered with an Okta (or mock-idx) authorization server.

    `issuer` is the authorization server (`https://org/oauth2/default`) or the org itself (`https://org`).
    `clock_skew_seconds` is the leeway for id_token time claims (auth-js uses 300).
    """

    issuer: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    client_secret: str | None = None
    clock_skew_seconds: int = 300

    def __post_init__(self) -> None:
        if not self.issuer.startswith(("http://", "https://")):
            raise ValueError(f"issuer must be an http(s) URL, got {self.issuer!r}")
        object.__setattr__(self, "issuer", self.issuer.rstrip("/"))

    @property
    def oauth_base(self) -> str:
        """Where `/v1/interact`, `/v1/token`... live: the issuer itself, or `{org}/oauth2` for the org server."""
        return self.issuer if "/oauth2" in self.issuer else f"{self.issuer}/oauth2"

    @property
    def idx_base(self) -> str:
        """The org root that serves `/idp/idx/introspect` (every later IDX URL comes from response hrefs)."""
        return self.issuer.split("/oauth2")[0]
