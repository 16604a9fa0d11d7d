"""The redirect sign-in's callback against a tiny identity provider of the test's own, so each answer can be wrong in
exactly one way: the token request as the app sends it (client_secret_basic, PKCE), and the id_token held to the
embedded flow's checks (signature, issuer, audience, nonce, expiry) before anyone is signed in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import aiohttp
import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from yarl import URL

from reference_client.app import create_app
from reference_client.config import AppConfig
from reference_client.idx import IdxClientConfig
from tests.reference_client.browser_stand_in import Browser, Page

CLIENT_ID = "token-checks-client"
SECRET = "s3cret:with/odd+chars"
KID = "test-key"
ERROR_PAGE = "<h1>Something went wrong</h1>"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def foreign_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


TokenAnswer = Callable[["FakeIdp"], web.Response]


@dataclass
class FakeIdp:
    """Serves discovery, JWKS, an authorize endpoint that signs in at once, and a token endpoint answering
    `answer`; remembers what the app sent."""

    key: rsa.RSAPrivateKey
    answer: TokenAnswer
    issuer: str = ""
    nonce: str = ""
    challenge: str = ""
    token_requests: list[tuple[dict[str, str], str | None]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        base = "/oauth2/default"
        app.router.add_get(f"{base}/.well-known/openid-configuration", self.discovery)
        app.router.add_get(f"{base}/v1/keys", self.keys)
        app.router.add_get(f"{base}/v1/authorize", self.authorize)
        app.router.add_post(f"{base}/v1/token", self.token)
        return app

    async def discovery(self, request: web.Request) -> web.Response:
        endpoints = {name: f"{self.issuer}/v1/{name}" for name in ("authorize", "token", "keys", "revoke")}
        return web.json_response(
            {
                "issuer": self.issuer,
                "authorization_endpoint": endpoints["authorize"],
                "token_endpoint": endpoints["token"],
                "jwks_uri": endpoints["keys"],
                "revocation_endpoint": endpoints["revoke"],
            }
        )

    async def keys(self, request: web.Request) -> web.Response:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return web.json_response({"keys": [public | {"kid": KID, "alg": "RS256", "use": "sig"}]})

    async def authorize(self, request: web.Request) -> web.Response:
        self.nonce, self.challenge = request.query["nonce"], request.query["code_challenge"]
        back = URL(request.query["redirect_uri"]).with_query(code="the-code", state=request.query["state"])
        raise web.HTTPFound(str(back))

    async def token(self, request: web.Request) -> web.Response:
        form = {name: str(value) for name, value in (await request.post()).items()}
        self.token_requests.append((form, request.headers.get("Authorization")))
        return self.answer(self)

    def id_token(self, key: rsa.RSAPrivateKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "00u-test",
            "name": "Tess Tokens",
            "iat": now,
            "exp": now + 3600,
            "nonce": self.nonce,
            **claims,
        }
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": KID})


def tokens(**id_token_claims: Any) -> TokenAnswer:
    def answer(idp: FakeIdp) -> web.Response:
        id_token = idp.id_token(**id_token_claims)
        return web.json_response({"access_token": "at", "id_token": id_token, "token_type": "Bearer"})

    return answer


async def walk(answer: TokenAnswer, key: rsa.RSAPrivateKey) -> tuple[Page, FakeIdp, Page]:
    """Click the redirect button against a fake IdP answering the token request with `answer`; the page the browser
    ends on, the IdP, and the app's home page afterwards."""
    idp = FakeIdp(key, answer)
    async with TestServer(idp.app(), host="127.0.0.1") as idp_server:
        idp.issuer = str(idp_server.make_url("/oauth2/default"))
        config = IdxClientConfig(
            issuer=idp.issuer, client_id=CLIENT_ID, redirect_uri="http://127.0.0.1/login/callback", client_secret=SECRET
        )
        async with (
            TestServer(create_app(AppConfig(idx=config)), host="127.0.0.1") as app_server,
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session,
        ):
            browser = Browser(session)
            page = await browser.open(app_server.make_url("/login/redirect"))
            home = await browser.open(app_server.make_url("/"))
    return page, idp, home


async def test_good_tokens_sign_in_and_the_request_is_a_confidential_clients_with_pkce(signing_key):
    page, idp, _ = await walk(tokens(), signing_key)
    assert page.status == 200 and "<h1>Welcome, Tess Tokens</h1>" in page.text
    [(form, authorization)] = idp.token_requests
    assert form.keys() == {"grant_type", "code", "redirect_uri", "code_verifier"}  # no client_id, no secret
    assert form["grant_type"] == "authorization_code" and form["code"] == "the-code"
    assert form["redirect_uri"].endswith("/authorization-code/callback")
    digest = hashlib.sha256(form["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == idp.challenge
    assert authorization is not None and authorization.startswith("Basic ")
    client_id, _, secret = base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
    assert (unquote_plus(client_id), unquote_plus(secret)) == (CLIENT_ID, SECRET)


def other_key_tokens(foreign: rsa.RSAPrivateKey) -> TokenAnswer:
    def answer(idp: FakeIdp) -> web.Response:
        return web.json_response({"access_token": "at", "id_token": idp.id_token(foreign), "token_type": "Bearer"})

    return answer


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(tokens(nonce="another-sign-ins-nonce"), id="nonce"),
        pytest.param(tokens(aud="another-client"), id="audience"),
        pytest.param(tokens(iss="https://elsewhere.example/oauth2/default"), id="issuer"),
        pytest.param(tokens(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(lambda idp: web.json_response({"access_token": "at"}), id="no-id-token"),
        pytest.param(lambda idp: web.Response(text="<html>not json</html>"), id="not-json"),
    ],
)
async def test_tokens_that_fail_the_checks_sign_nobody_in(answer, signing_key):
    page, _, home = await walk(answer, signing_key)
    assert page.status == 502 and ERROR_PAGE in page.text
    assert "You are not signed in." in home.text


async def test_an_id_token_signed_with_another_key_signs_nobody_in(signing_key, foreign_key):
    page, _, home = await walk(other_key_tokens(foreign_key), signing_key)
    assert page.status == 502 and ERROR_PAGE in page.text
    assert "You are not signed in." in home.text


async def test_a_token_endpoint_refusal_shows_its_error(signing_key):
    def refuse(idp: FakeIdp) -> web.Response:
        body = {"error": "invalid_grant", "error_description": "The authorization code is invalid or has expired."}
        return web.json_response(body, status=400)

    page, _, home = await walk(refuse, signing_key)
    assert page.status == 502 and ERROR_PAGE in page.text
    assert "The authorization code is invalid or has expired. (invalid_grant)" in page.text
    assert "You are not signed in." in home.text
