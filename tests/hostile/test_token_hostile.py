"""Hostile client authentication at ``/v1/token``, ``/v1/introspect`` and ``/v1/revoke``, on the org authorization
server and a custom one, on both stores.

Each case is what an attacker or a confused client library could send: Basic headers that are not base64, not UTF-8,
without a colon or with an empty or huge id; credentials given twice or in two ways; repeated parameters; client
assertions that are not JWTs, have no object for a payload, a number for ``iss``, an unknown ``kid``, an ``exp`` that
is text or NaN; grants with garbage codes. Each must get Okta's 4xx in OAuth's ``{error, error_description}`` shape
(``WWW-Authenticate`` on a 401), never a 500 or a traceback, and must spend nothing: a valid client assertion made
before the case, which some cases carry along wrongly, still gets a token afterwards, exactly once.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from mock_idx.config import Settings

HOMES = ("/oauth2/default", "/oauth2")
SECRET = "service-secret"
KID = "hostile-test-key"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LEAKS = ("Traceback", 'File "', "site-packages", "mock_idx/")
REDIRECT_URI = "http://localhost:7777/callback"


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def settings(store_setting: str, tmp_path: Path, private_key: rsa.RSAPrivateKey) -> Settings:
    """A service by secret, a service by key, a web app and a public SPA (``client`` comes from the conftest)."""
    jwk = {**json.loads(RSAAlgorithm.to_jwk(private_key.public_key())), "kid": KID}
    clients = [
        {"client_id": "svc-basic", "type": "service", "client_secret": SECRET},
        {
            "client_id": "svc-post",
            "type": "service",
            "client_secret": SECRET,
            "token_endpoint_auth_method": "client_secret_post",
        },
        {
            "client_id": "svc-jwt",
            "type": "service",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": {"keys": [jwk]},
        },
        {"client_id": "web-app", "type": "web", "client_secret": SECRET, "redirect_uris": [REDIRECT_URI]},
        {"client_id": "spa-app", "type": "spa", "redirect_uris": [REDIRECT_URI]},
    ]
    path = tmp_path / "hostile-clients.yaml"
    path.write_text(json.dumps({"settings": {"custom_scopes": ["orders:read"], "clients": clients}}), encoding="utf-8")
    return Settings(store=store_setting, scenario=str(path))


@dataclass(frozen=True)
class Target:
    """Where the cases go, and a valid assertion for its token endpoint that no case may spend."""

    home: str
    token_url: str
    key: Any
    spare: str


Form = list[tuple[str, str]]


@dataclass(frozen=True)
class Request:
    endpoint: str
    form: Form
    headers: dict[str, str]


@dataclass(frozen=True)
class Case:
    name: str
    request: Callable[[Target], Request]
    status: int
    error: str


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def basic(raw: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + b64(raw)}


def signed(t: Target, **claims: Any) -> str:
    """An assertion by the right key for the token endpoint, with ``claims`` changed."""
    kid = claims.pop("kid", KID)
    now = int(time.time())
    body = {"iss": "svc-jwt", "sub": "svc-jwt", "aud": t.token_url, "iat": now, "exp": now + 300}
    body |= {"jti": uuid.uuid4().hex, **claims}
    return jwt.encode(body, t.key, algorithm="RS256", headers={"kid": kid})


def hand_made(header: bytes, payload: bytes) -> str:
    return f"{b64url(header)}.{b64url(payload)}.{b64url(b'not a signature')}"


CC: Form = [("grant_type", "client_credentials"), ("scope", "orders:read")]


def token(*pairs: tuple[str, str], headers: dict[str, str] | None = None, grant: Form = CC) -> Request:
    return Request("token", [*grant, *pairs], headers or {})


def asserted(value: str, *pairs: tuple[str, str]) -> Request:
    return token(("client_assertion_type", ASSERTION_TYPE), ("client_assertion", value), *pairs)


CASES = [
    # --- Basic headers that cannot be credentials ---------------------------------------------------------------
    Case("Basic with nothing after it", lambda t: token(headers={"Authorization": "Basic"}), 401, "invalid_client"),
    Case("Basic that is not base64", lambda t: token(headers={"Authorization": "Basic !!!"}), 401, "invalid_client"),
    Case("Basic without a colon", lambda t: token(headers=basic(b"svc-basic")), 401, "invalid_client"),
    Case("Basic with an empty id", lambda t: token(headers=basic(b":" + SECRET.encode())), 401, "invalid_client"),
    Case("Basic that is not UTF-8", lambda t: token(headers=basic(b"\xff\xfe:\xfd")), 401, "invalid_client"),
    Case("Basic with %-escapes not UTF-8", lambda t: token(headers=basic(b"%ff%fe:x")), 401, "invalid_client"),
    Case("Basic with a broken %-escape", lambda t: token(headers=basic(b"svc-basic:%ZZ")), 401, "invalid_client"),
    Case("Basic with a NUL in the id", lambda t: token(headers=basic(b"svc\x00basic:x")), 401, "invalid_client"),
    Case("Basic with a huge id", lambda t: token(headers=basic(b"a" * 4000 + b":x")), 401, "invalid_client"),
    Case(
        "Basic with another client's secret",
        lambda t: token(headers=basic(b"web-app:" + b"wrong")),
        401,
        "invalid_client",
    ),
    # --- two ways at once, and repeated parameters ----------------------------------------------------------------
    Case(
        "Basic and a client_id",
        lambda t: token(("client_id", "svc-basic"), headers=basic(f"svc-basic:{SECRET}".encode())),
        401,
        "invalid_request",
    ),
    Case(
        "Basic and the spare assertion",
        lambda t: token(
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", t.spare),
            headers=basic(f"svc-basic:{SECRET}".encode()),
        ),
        401,
        "invalid_request",
    ),
    Case(
        "a posted secret and the spare assertion",
        lambda t: asserted(t.spare, ("client_id", "svc-jwt"), ("client_secret", SECRET)),
        401,
        "invalid_request",
    ),
    Case(
        "client_id twice",
        lambda t: token(("client_id", "svc-post"), ("client_id", "svc-post"), ("client_secret", SECRET)),
        400,
        "invalid_request",
    ),
    Case(
        "client_secret twice",
        lambda t: token(("client_id", "svc-post"), ("client_secret", "x"), ("client_secret", SECRET)),
        400,
        "invalid_request",
    ),
    Case("client_assertion twice", lambda t: asserted(t.spare, ("client_assertion", t.spare)), 400, "invalid_request"),
    # --- client ids that name nobody -------------------------------------------------------------------------------
    Case("a huge client_id", lambda t: token(("client_id", "c" * 5000)), 401, "invalid_client"),
    Case("a client_id with a NUL", lambda t: token(("client_id", "svc-post\x00")), 401, "invalid_client"),
    Case("a client_id with a look-alike", lambda t: token(("client_id", "svc-pоst")), 401, "invalid_client"),
    Case("a secret with no client_id", lambda t: token(("client_secret", SECRET)), 401, "invalid_client"),
    # --- assertions that are not what they claim ----------------------------------------------------------------
    Case("an assertion that is not a JWT", lambda t: asserted("a.b.c"), 401, "invalid_client"),
    Case(
        "an assertion whose payload is a list",
        lambda t: asserted(hand_made(b'{"alg":"RS256","kid":"%s"}' % KID.encode(), b"[1,2]")),
        401,
        "invalid_client",
    ),
    Case(
        "an assertion whose header is not JSON",
        lambda t: asserted(hand_made(b"{nope", b'{"iss":"svc-jwt"}'), ("client_id", "svc-jwt")),
        401,
        "invalid_client",
    ),
    Case(
        "an assertion with a number for iss",
        lambda t: asserted(hand_made(b'{"alg":"RS256"}', b'{"iss":12345,"sub":"svc-jwt"}')),
        401,
        "invalid_client",
    ),
    Case("an assertion with a huge iss", lambda t: asserted(signed(t, iss="i" * 5000)), 401, "invalid_client"),
    Case("an assertion with an unknown kid", lambda t: asserted(signed(t, kid="other")), 401, "invalid_client"),
    Case("an assertion with a text exp", lambda t: asserted(signed(t, exp="tomorrow")), 401, "invalid_client"),
    Case("an assertion with a list for aud", lambda t: asserted(signed(t, aud=["x", "y"])), 401, "invalid_client"),
    Case(
        "the spare assertion for another client",
        lambda t: asserted(t.spare, ("client_id", "svc-basic")),
        401,
        "invalid_client",
    ),
    Case(
        "the spare assertion for a public client",
        lambda t: asserted(t.spare, ("client_id", "spa-app")),
        401,
        "invalid_client",
    ),
    Case(
        "an assertion of another type",
        lambda t: token(("client_assertion_type", "urn:x"), ("client_assertion", t.spare)),
        400,
        "invalid_request",
    ),
    Case("an assertion without its type", lambda t: token(("client_assertion", t.spare)), 400, "invalid_request"),
    # --- grants carrying garbage ----------------------------------------------------------------------------------
    Case(
        "a huge grant type",
        lambda t: token(headers=basic(f"svc-basic:{SECRET}".encode()), grant=[("grant_type", "g" * 5000)]),
        400,
        "unsupported_grant_type",
    ),
    Case(
        "an empty grant type",
        lambda t: token(("client_id", "spa-app"), grant=[("grant_type", "")]),
        400,
        "invalid_request",
    ),
    Case(
        "a huge authorization code",
        lambda t: token(
            ("code", "c" * 5000),
            ("redirect_uri", REDIRECT_URI),
            headers=basic(f"web-app:{SECRET}".encode()),
            grant=[("grant_type", "authorization_code")],
        ),
        400,
        "invalid_grant",
    ),
    Case(
        "a verifier twice",
        lambda t: token(
            ("client_id", "spa-app"),
            ("code", "x"),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", "v" * 43),
            ("code_verifier", "w" * 43),
            grant=[("grant_type", "authorization_code")],
        ),
        400,
        "invalid_request",
    ),
    Case(
        "a made-up refresh token",
        lambda t: token(
            ("refresh_token", "\x00" * 10),
            headers=basic(f"web-app:{SECRET}".encode()),
            grant=[("grant_type", "refresh_token")],
        ),
        400,
        "invalid_grant",
    ),
    Case(
        "a made-up interaction code",
        lambda t: token(
            ("client_id", "spa-app"),
            ("interaction_code", "i" * 3000),
            ("code_verifier", "v" * 43),
            grant=[("grant_type", "interaction_code")],
        ),
        400,
        "invalid_grant",
    ),
    Case(
        "a Bearer header is no client authentication",
        lambda t: token(("client_id", "spa-app"), headers={"Authorization": "Bearer " + t.spare}),
        400,
        "unauthorized_client",
    ),
    # --- introspect and revoke --------------------------------------------------------------------------------------
    Case(
        "introspect with Basic and a client_id",
        lambda t: Request(
            "introspect", [("token", "x"), ("client_id", "web-app")], basic(f"web-app:{SECRET}".encode())
        ),
        401,
        "invalid_request",
    ),
    Case("introspect with no client", lambda t: Request("introspect", [("token", "x")], {}), 401, "invalid_client"),
    Case(
        "revoke with the token endpoint's assertion",
        lambda t: Request(
            "revoke", [("token", "x"), ("client_assertion_type", ASSERTION_TYPE), ("client_assertion", t.spare)], {}
        ),
        401,
        "invalid_client",
    ),
    Case(
        "revoke with a wrong posted secret",
        lambda t: Request("revoke", [("token", "x"), ("client_id", "svc-post"), ("client_secret", "no")], {}),
        401,
        "invalid_client",
    ),
]


@pytest.mark.parametrize("home", HOMES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_hostile_client_authentication_is_refused_in_okta_shape_and_spends_nothing(
    client: TestClient[Any, Any], private_key: rsa.RSAPrivateKey, home: str, case: Case
):
    token_url = str(client.make_url(f"{home}/v1/token"))
    target = Target(home, token_url, private_key, "")
    target = Target(home, token_url, private_key, signed(target))
    request = case.request(target)

    response = await client.post(f"{home}/v1/{request.endpoint}", data=request.form, headers=request.headers)

    text = await response.text()
    assert response.status == case.status, text
    assert not any(leak in text for leak in LEAKS)
    body = json.loads(text)
    assert set(body) == {"error", "error_description"} and body["error"] == case.error, body
    assert len(body["error_description"]) < 300
    if response.status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    spare = [*CC, ("client_assertion_type", ASSERTION_TYPE), ("client_assertion", target.spare)]
    assert (await client.post(f"{home}/v1/token", data=spare)).status == 200
    assert (await client.post(f"{home}/v1/token", data=spare)).status == 401


async def test_an_assertion_with_a_nan_expiry_is_refused(client: TestClient[Any, Any], private_key: rsa.RSAPrivateKey):
    """PyJWT reads JSON's NaN; NaN compares False both ways, so it once passed the expiry checks (200 in memory, a
    500 on Redis's NaN lifetime). An ``exp`` or ``iat`` that is not a finite number is refused."""
    token_url = str(client.make_url("/oauth2/default/v1/token"))
    nan = signed(Target("/oauth2/default", token_url, private_key, ""), exp=float("nan"))
    response = await client.post(
        "/oauth2/default/v1/token", data=[*CC, ("client_assertion_type", ASSERTION_TYPE), ("client_assertion", nan)]
    )
    assert response.status == 401
    assert (await response.json())["error"] == "invalid_client"
