"""``/v1/token`` for every client type and grant, on both stores: how each client authenticates (client_secret_basic,
client_secret_post, private_key_jwt with a key made here, none), every way that can be wrong, and each grant
(client_credentials, authorization_code from a hosted sign-in, refresh_token with rotation on and off,
interaction_code), with introspect and revoke authenticating clients the same way.

Errors are checked against Okta's: the codes of RFC 6749 5.2 as Okta uses them, and the descriptions captured from
Okta where public reports quote them (invalid_client's "Client authentication failed...", "Cannot supply multiple
client credentials...", unauthorized_client's "Configured grant types: [...]", the redirect URI and default-scope
texts).
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import jwt
import pytest
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from mock_idx.config import Settings
from mock_idx.model.authenticator_steps import Delivery
from mock_idx.model.authorize import AuthorizeRequest
from mock_idx.model.clients import AUTHENTICATION_FAILED, CLIENT_ASSERTION_TYPE, WRONG_AUDIENCE
from mock_idx.model.engine import Engine
from mock_idx.model.push import SignInContext
from mock_idx.model.tokens import AuthorizationServer
from mock_idx.model.transaction import Step, Transaction
from mock_idx.web.app_keys import ENGINE
from mock_idx.web.client_auth import MULTIPLE_CREDENTIALS, NO_CLIENT_ID
from tests.support import pkce
from tests.support.idx import PASSWORD, REDIRECT_URI, Flow, advance, put_user, signed_in

ISSUER_PATH = "/oauth2/default"
TOKEN = f"{ISSUER_PATH}/v1/token"
INTROSPECT = f"{ISSUER_PATH}/v1/introspect"
REVOKE = f"{ISSUER_PATH}/v1/revoke"
LOGIN = "grace@example.com"
SECRET = "s3cret:with%odd+chars"
"""A secret with the characters RFC 6749 2.3.1's form-urlencoding exists for (``:`` ends the id in Basic)."""
POST_SECRET = "post-secret-value"
KID = "test-key-1"
SERVICE_GRANTS = "Configured grant types: [client_credentials]."
USER_GRANTS = "Configured grant types: [authorization_code, refresh_token, interaction_code]."


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    """The private_key_jwt client's key, made here; only its public half goes into the scenario."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def scenario(public_jwk: dict[str, Any]) -> str:
    """Clients of every type (JSON is YAML, so the JWKS goes in as it is)."""
    clients = [
        {"client_id": "svc-basic", "type": "service", "client_secret": SECRET},
        {
            "client_id": "svc-post",
            "type": "service",
            "client_secret": POST_SECRET,
            "token_endpoint_auth_method": "client_secret_post",
        },
        {
            "client_id": "svc-jwt",
            "type": "service",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": {"keys": [public_jwk]},
        },
        {"client_id": "web-app", "type": "web", "client_secret": SECRET, "redirect_uris": [REDIRECT_URI]},
        {
            "client_id": "web-keep",
            "type": "web",
            "client_secret": POST_SECRET,
            "token_endpoint_auth_method": "client_secret_post",
            "refresh_token_rotation": False,
            "redirect_uris": [REDIRECT_URI],
        },
        {"client_id": "spa-app", "type": "spa", "redirect_uris": [REDIRECT_URI]},
    ]
    return json.dumps({"settings": {"custom_scopes": ["orders:read", "orders:write"], "clients": clients}})


@pytest.fixture
def settings(store_setting: str, tmp_path: Path, private_key: rsa.RSAPrivateKey) -> Settings:
    jwk = {**json.loads(RSAAlgorithm.to_jwk(private_key.public_key())), "kid": KID, "alg": "RS256", "use": "sig"}
    path = tmp_path / "clients.yaml"
    path.write_text(scenario(jwk), encoding="utf-8")
    return Settings(poll_refresh_ms=100, store=store_setting, scenario=str(path))


# --- helpers ---------------------------------------------------------------------------------------------------------


def basic(client_id: str, secret: str, *, encode: bool = True) -> dict[str, str]:
    """HTTP Basic as RFC 6749 2.3.1 has it: each part form-urlencoded, then base64 (``encode=False``: raw)."""
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}" if encode else f"{client_id}:{secret}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


def url(client: TestClient[Any, Any], path: str) -> str:
    return str(client.make_url(path))


def assertion(key: Any, audience: str, client_id: str = "svc-jwt", **claims: Any) -> str:
    """A client assertion as Okta's guide builds one; ``claims`` override (``None`` leaves a claim out)."""
    headers = dict(claims.pop("headers", None) or {"kid": KID})
    algorithm = headers.pop("alg", "RS256")
    now = int(time.time())
    body = {"iss": client_id, "sub": client_id, "aud": audience, "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}
    body.update(claims)
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm=algorithm, headers=headers)


def jwt_form(token: str, **extra: str) -> dict[str, str]:
    return {"client_assertion_type": CLIENT_ASSERTION_TYPE, "client_assertion": token, **extra}


async def post(
    client: TestClient[Any, Any], path: str, form: dict[str, str], headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], Any]:
    response = await client.post(path, data=form, headers=headers)
    body: dict[str, Any] = await response.json(content_type=None)
    return response.status, body, response.headers


def expect_error(status: int, body: dict[str, Any], headers: Any, code: int, error: str, description: str) -> None:
    assert (status, body) == (code, {"error": error, "error_description": description})
    if code == 401:
        assert headers["WWW-Authenticate"].startswith("Basic")


async def published_claims(client: TestClient[Any, Any], token: str) -> dict[str, Any]:
    """The token's claims, verified with the server's published keys and issuer, as a resource server would."""
    jwks = await (await client.get(f"{ISSUER_PATH}/v1/keys")).json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    claims: dict[str, Any] = jwt.decode(
        token, key.key, algorithms=["RS256"], issuer=url(client, ISSUER_PATH), options={"verify_aud": False}
    )
    return claims


def cc(**extra: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "scope": "orders:read", **extra}


# --- client_credentials, each way a client authenticates --------------------------------------------------------------


@dataclass(frozen=True)
class Way:
    client_id: str
    form: dict[str, str]
    headers: dict[str, str] | None


def ways(client: TestClient[Any, Any], key: Any) -> dict[str, Way]:
    return {
        "client_secret_basic": Way("svc-basic", {}, basic("svc-basic", SECRET)),
        "client_secret_post": Way("svc-post", {"client_id": "svc-post", "client_secret": POST_SECRET}, None),
        "private_key_jwt": Way("svc-jwt", jwt_form(assertion(key, url(client, TOKEN))), None),
        "private_key_jwt with client_id": Way(
            "svc-jwt", jwt_form(assertion(key, url(client, TOKEN)), client_id="svc-jwt"), None
        ),
    }


@pytest.mark.parametrize(
    "way", ["client_secret_basic", "client_secret_post", "private_key_jwt", "private_key_jwt with client_id"]
)
async def test_client_credentials_gives_a_service_its_own_access_token_and_nothing_else(client, private_key, way):
    chosen = ways(client, private_key)[way]
    status, body, headers = await post(
        client, TOKEN, cc(scope="orders:read orders:write", **chosen.form), chosen.headers
    )
    assert status == 200, body
    assert set(body) == {"token_type", "expires_in", "access_token", "scope"}  # no id_token, no refresh_token
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == "orders:read orders:write"
    assert headers["Cache-Control"] == "no-cache, no-store"
    claims = await published_claims(client, body["access_token"])
    assert claims["sub"] == claims["cid"] == chosen.client_id and "uid" not in claims
    assert claims["scp"] == ["orders:read", "orders:write"] and claims["aud"] == "api://default"
    assert claims["exp"] - claims["iat"] == 3600


async def test_a_service_token_introspects_active_for_the_service(client):
    _, body, _ = await post(client, TOKEN, cc(), basic("svc-basic", SECRET))
    status, answer, _ = await post(client, INTROSPECT, {"token": body["access_token"]}, basic("svc-basic", SECRET))
    assert status == 200 and answer["active"] is True
    assert answer["client_id"] == answer["sub"] == "svc-basic" and answer["scope"] == "orders:read"


async def test_basic_credentials_are_form_urlencoded_before_base64(client):
    """RFC 6749 2.3.1: a secret with ``:``, ``%`` or ``+`` only survives encoded; sent raw it is another secret."""
    assert (await post(client, TOKEN, cc(), basic("svc-basic", SECRET)))[0] == 200
    status, body, headers = await post(client, TOKEN, cc(), basic("svc-basic", SECRET, encode=False))
    expect_error(status, body, headers, 401, "invalid_client", AUTHENTICATION_FAILED)


SECRET_FAILURES = {
    "wrong secret in Basic": (cc(), lambda: basic("svc-basic", "not-it")),
    "wrong secret in the form": (cc(client_id="svc-post", client_secret="not-it"), lambda: None),
    "empty secret in the form": (cc(client_id="svc-post", client_secret=""), lambda: None),
    "Basic for a client_secret_post client": (cc(), lambda: basic("svc-post", POST_SECRET)),
    "the form for a client_secret_basic client": (cc(client_id="svc-basic", client_secret=SECRET), lambda: None),
    "a secret for a private_key_jwt client": (cc(), lambda: basic("svc-jwt", SECRET)),
    "only a client_id for a confidential client": (cc(client_id="svc-basic"), lambda: None),
    "an unknown client": (cc(), lambda: basic("nobody", SECRET)),
    "an unknown client in the form": (cc(client_id="nobody"), lambda: None),
    "Basic without a colon": (cc(), lambda: {"Authorization": "Basic " + base64.b64encode(b"svc-basic").decode()}),
    "Basic that is not base64": (cc(), lambda: {"Authorization": "Basic %%%"}),
}


@pytest.mark.parametrize("case", SECRET_FAILURES, ids=list(SECRET_FAILURES))
async def test_a_client_that_fails_authentication_gets_401_invalid_client(client, case):
    form, headers = SECRET_FAILURES[case]
    status, body, answer_headers = await post(client, TOKEN, form, headers())
    expect_error(status, body, answer_headers, 401, "invalid_client", AUTHENTICATION_FAILED)


async def test_no_credentials_at_all_is_invalid_client(client):
    status, body, headers = await post(client, TOKEN, cc())
    expect_error(status, body, headers, 401, "invalid_client", NO_CLIENT_ID)


async def test_two_ways_at_once_is_refused_as_okta_refuses_it(client, private_key):
    """Okta's answer, status included: 401 with ``invalid_request`` (captured in public reports)."""
    token = assertion(private_key, url(client, TOKEN))
    doubled = [
        (cc(client_secret=SECRET), basic("svc-basic", SECRET)),
        (cc(client_id="svc-basic"), basic("svc-basic", SECRET)),  # a client_id in the form counts as a second way
        (cc(**jwt_form(token)), basic("svc-basic", SECRET)),
        (cc(client_id="svc-post", client_secret=POST_SECRET, **jwt_form(token)), None),
    ]
    for form, headers in doubled:
        status, body, answer_headers = await post(client, TOKEN, form, headers)
        expect_error(status, body, answer_headers, 401, "invalid_request", MULTIPLE_CREDENTIALS)
    # nothing was spent by the refusals: the assertion still works once
    assert (await post(client, TOKEN, cc(**jwt_form(token))))[0] == 200


# --- private_key_jwt: every way an assertion can be wrong ------------------------------------------------------------


def bad_assertions(key: Any, audience: str) -> dict[str, tuple[str, str]]:
    """Each wrong assertion, and Okta's description of what is wrong with it."""
    now = int(time.time())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    unsigned = assertion("", audience, headers={"alg": "none", "kid": KID})  # PyJWT takes "" as no key for none
    return {
        "expired": (assertion(key, audience, iat=now - 600, exp=now - 300), "The client_assertion token is expired."),
        "for another endpoint": (assertion(key, url_of(audience, INTROSPECT)), WRONG_AUDIENCE),
        "for the org server's endpoint": (assertion(key, url_of(audience, "/oauth2/v1/token")), WRONG_AUDIENCE),
        "issued by another client": (
            assertion(key, audience, iss="svc-basic"),
            "The client_assertion token is invalid.",
        ),
        "about another client": (
            assertion(key, audience, sub="svc-basic"),
            "The client_assertion token's 'sub' must be the client_id.",
        ),
        "signed by another key": (assertion(other_key, audience), "The client_assertion signature is invalid."),
        "signed by another key, no kid": (
            assertion(other_key, audience, headers={"alg": "RS256"}),
            "The client_assertion signature is invalid.",
        ),
        "alg none": (unsigned, "The client_assertion token has an unsupported signing algorithm."),
        "HS256 with the client's id as the secret": (
            assertion("svc-jwt-shared-secret-long-enough-for-hs256", audience, headers={"alg": "HS256", "kid": KID}),
            "The client_assertion token has an unsupported signing algorithm.",
        ),
        "without a jti": (assertion(key, audience, jti=None), "The client_assertion token is invalid."),
        "without an exp": (assertion(key, audience, exp=None), "The client_assertion token is invalid."),
        "living more than an hour": (
            assertion(key, audience, exp=now + 7200),
            "The client_assertion token has an expiration too far in the future.",
        ),
        "not a JWT": ("not-a-jwt", "The client_assertion token is malformed."),
    }


def url_of(audience: str, path: str) -> str:
    return audience.split(ISSUER_PATH)[0] + path


async def test_every_wrong_assertion_is_401_invalid_client_with_okta_description(client, private_key):
    for name, (token, description) in bad_assertions(private_key, url(client, TOKEN)).items():
        status, body, headers = await post(client, TOKEN, cc(**jwt_form(token, client_id="svc-jwt")))
        assert headers["WWW-Authenticate"].startswith("Basic"), name
        assert (name, status, body) == (name, 401, {"error": "invalid_client", "error_description": description})


async def test_an_assertion_is_good_once(client, private_key):
    token = assertion(private_key, url(client, TOKEN))
    assert (await post(client, TOKEN, cc(**jwt_form(token))))[0] == 200
    status, body, headers = await post(client, TOKEN, cc(**jwt_form(token)))
    expect_error(status, body, headers, 401, "invalid_client", "The client_assertion token has already been used.")


async def test_an_assertion_names_its_client_when_the_form_does_not(client, private_key):
    """Without ``client_id`` the assertion's ``iss`` names the client; with one, the two must agree."""
    token = assertion(private_key, url(client, TOKEN))
    status, body, headers = await post(client, TOKEN, cc(**jwt_form(token, client_id="svc-basic")))
    expect_error(status, body, headers, 401, "invalid_client", AUTHENTICATION_FAILED)
    assert (await post(client, TOKEN, cc(**jwt_form(token, client_id="svc-jwt"))))[0] == 200


@pytest.mark.parametrize(
    ("form", "description"),
    [
        ({"client_assertion": "x.y.z"}, "The 'client_assertion_type' parameter is required."),
        ({"client_assertion_type": CLIENT_ASSERTION_TYPE}, "The 'client_assertion' parameter is required."),
        (
            {
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
                "client_assertion": "x",
            },
            f"The 'client_assertion_type' parameter must be '{CLIENT_ASSERTION_TYPE}'.",
        ),
    ],
)
async def test_an_incomplete_assertion_is_invalid_request(client, form, description):
    status, body, headers = await post(client, TOKEN, cc(**form))
    expect_error(status, body, headers, 400, "invalid_request", description)


async def test_an_assertion_at_introspect_names_the_introspection_endpoint(client, private_key):
    _, issued, _ = await post(client, TOKEN, cc(**jwt_form(assertion(private_key, url(client, TOKEN)))))
    form = {"token": issued["access_token"]}
    status, body, headers = await post(
        client, INTROSPECT, {**form, **jwt_form(assertion(private_key, url(client, TOKEN)))}
    )
    expect_error(status, body, headers, 401, "invalid_client", WRONG_AUDIENCE)
    status, body, _ = await post(
        client, INTROSPECT, {**form, **jwt_form(assertion(private_key, url(client, INTROSPECT)))}
    )
    assert status == 200 and body["active"] is True and body["client_id"] == "svc-jwt"


# --- who may ask what -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "headers", "description"),
    [
        (cc(client_id="spa-app"), None, USER_GRANTS),
        (cc(), basic("web-app", SECRET), USER_GRANTS),
        ({"grant_type": "refresh_token", "refresh_token": "x"}, basic("svc-basic", SECRET), SERVICE_GRANTS),
        ({"grant_type": "authorization_code", "code": "x"}, basic("svc-basic", SECRET), SERVICE_GRANTS),
        ({"grant_type": "interaction_code", "interaction_code": "x"}, basic("svc-basic", SECRET), SERVICE_GRANTS),
    ],
    ids=["public client", "web client", "service refreshing", "service with a code", "service with an IDX code"],
)
async def test_a_grant_the_client_is_not_configured_for_is_unauthorized_client(client, form, headers, description):
    status, body, answer_headers = await post(client, TOKEN, form, headers)
    expected = f"The client is not authorized to use the provided grant type. {description}"
    expect_error(status, body, answer_headers, 400, "unauthorized_client", expected)


@pytest.mark.parametrize(
    ("scope", "description"),
    [
        ("openid", "The following scopes are not allowed for the client_credentials grant: openid."),
        (
            "orders:read offline_access",
            "The following scopes are not allowed for the client_credentials grant: offline_access.",
        ),
        ("orders:delete", "One or more scopes are not configured for the authorization server resource."),
        (
            "",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        ),
    ],
)
async def test_client_credentials_takes_only_custom_scopes_the_server_has(client, scope, description):
    status, body, headers = await post(client, TOKEN, cc(scope=scope), basic("svc-basic", SECRET))
    expect_error(status, body, headers, 400, "invalid_scope", description)


@pytest.mark.parametrize("grant_type", ["password", "implicit", "urn:ietf:params:oauth:grant-type:device_code"])
async def test_a_grant_type_the_token_endpoint_does_not_serve_is_unsupported(client, grant_type):
    status, body, headers = await post(client, TOKEN, {"grant_type": grant_type}, basic("svc-basic", SECRET))
    expect_error(
        status, body, headers, 400, "unsupported_grant_type", f"The grant type '{grant_type}' is not supported."
    )


async def test_an_unsupported_grant_from_an_unauthenticated_client_is_still_invalid_client(client):
    status, body, headers = await post(client, TOKEN, {"grant_type": "password"}, basic("svc-basic", "wrong"))
    expect_error(status, body, headers, 401, "invalid_client", AUTHENTICATION_FAILED)


# --- authorization_code: a hosted sign-in's code ----------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    value: str
    verifier: str | None


def server_of(client: TestClient[Any, Any], server_id: str | None = "default") -> AuthorizationServer:
    base = url(client, "").rstrip("/")
    if server_id is None:
        return AuthorizationServer(None, base, base)
    return AuthorizationServer(server_id, f"{base}/oauth2/{server_id}", f"api://{server_id}")


async def hosted_code(
    client: TestClient[Any, Any], client_id: str, *, pkce_used: bool = True, server_id: str | None = "default"
) -> Code:
    """A hosted sign-in opened with ``engine.authorize`` (as ``/v1/authorize`` opens one), walked by push to success
    with the engine's own steps, and ended with the code the browser would carry back to the app."""
    await put_user(client, LOGIN, outcome="approve")
    engine: Engine = client.app[ENGINE]
    server = server_of(client, server_id)
    verifier = pkce.new_verifier() if pkce_used else None
    opened = await engine.authorize(
        AuthorizeRequest(
            client_id=client_id,
            redirect_uri=REDIRECT_URI,
            response_type="code",
            scope="openid profile offline_access",
            state="st-1",
            nonce="nonce-1",
            code_challenge=pkce.challenge(verifier) if verifier else None,
            code_challenge_method="S256" if verifier else None,
            authorization_server=server_id,
        ),
        server,
        None,
    )
    assert isinstance(opened, Transaction), opened
    transaction = await engine.identify(opened, LOGIN, PASSWORD)
    verify = engine.authenticators.okta_verify_id
    transaction = await engine.choose_authenticator(
        transaction, verify, "push", SignInContext(), Delivery("http://127.0.0.1")
    )
    transaction = await engine.poll(transaction)
    assert transaction.step is Step.SUCCESS
    signed_in = await engine.complete_hosted_sign_in(transaction, server)
    assert signed_in.redirect.params["state"] == "st-1"
    return Code(signed_in.redirect.params["code"], verifier)


def code_form(code: Code, /, **extra: str) -> dict[str, str]:
    form = {"grant_type": "authorization_code", "code": code.value, "redirect_uri": REDIRECT_URI}
    if code.verifier:
        form["code_verifier"] = code.verifier
    return {**form, **extra}


async def test_a_confidential_web_app_redeems_its_code_with_pkce_and_its_secret(client):
    code = await hosted_code(client, "web-app")
    status, body, _ = await post(client, TOKEN, code_form(code), basic("web-app", SECRET))
    assert status == 200, body
    assert set(body) == {"token_type", "expires_in", "access_token", "scope", "id_token", "refresh_token"}
    id_claims = await published_claims(client, body["id_token"])
    assert (
        id_claims["aud"] == "web-app" and id_claims["nonce"] == "nonce-1" and id_claims["preferred_username"] == LOGIN
    )
    access = await published_claims(client, body["access_token"])
    assert access["cid"] == "web-app" and access["sub"] == LOGIN and access["aud"] == "api://default"


async def test_a_confidential_web_app_needs_no_pkce(client):
    code = await hosted_code(client, "web-keep", pkce_used=False)
    form = code_form(code, client_id="web-keep", client_secret=POST_SECRET)
    assert (await post(client, TOKEN, form))[0] == 200


async def test_a_public_spa_redeems_its_code_with_pkce_alone(client):
    code = await hosted_code(client, "spa-app")
    status, body, _ = await post(client, TOKEN, code_form(code, client_id="spa-app"))
    assert status == 200 and (await published_claims(client, body["id_token"]))["aud"] == "spa-app"


async def test_the_org_server_redeems_its_own_codes(client):
    code = await hosted_code(client, "spa-app", server_id=None)
    status, body, _ = await post(client, "/oauth2/v1/token", code_form(code, client_id="spa-app"))
    assert status == 200, body
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["iss"] == url(client, "").rstrip("/")


CODE_REFUSALS: dict[str, tuple[dict[str, str], int, str, str]] = {
    "a wrong verifier": ({"code_verifier": pkce.new_verifier()}, 400, "invalid_grant", "PKCE verification failed."),
    "no verifier": (
        {"code_verifier": ""},
        400,
        "invalid_request",
        "PKCE verification failed: 'code_verifier' is required.",
    ),
    "another redirect URI": (
        {"redirect_uri": "http://localhost:7777/other"},
        400,
        "invalid_grant",
        "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
    ),
    "no redirect URI": ({"redirect_uri": ""}, 400, "invalid_request", "The 'redirect_uri' parameter is required."),
    "no code": ({"code": ""}, 400, "invalid_request", "The 'code' parameter is required."),
    "a made-up code": ({"code": "made-up"}, 400, "invalid_grant", "The authorization code is invalid or has expired."),
}


@pytest.mark.parametrize("case", CODE_REFUSALS, ids=list(CODE_REFUSALS))
async def test_a_code_redemption_that_does_not_match_the_authorize_request_is_refused(client, case):
    changes, code_status, error, description = CODE_REFUSALS[case]
    code = await hosted_code(client, "web-app")
    status, body, headers = await post(client, TOKEN, code_form(code, **changes), basic("web-app", SECRET))
    expect_error(status, body, headers, code_status, error, description)


async def test_a_code_is_good_once(client):
    code = await hosted_code(client, "web-app")
    assert (await post(client, TOKEN, code_form(code), basic("web-app", SECRET)))[0] == 200
    status, body, headers = await post(client, TOKEN, code_form(code), basic("web-app", SECRET))
    expect_error(status, body, headers, 400, "invalid_grant", "The authorization code is invalid or has expired.")


async def test_a_code_presented_with_a_wrong_verifier_is_spent(client):
    """A code is spent by any redemption that reaches it (an authenticated client's): a guessed verifier gets one
    try, and the real one comes too late."""
    code = await hosted_code(client, "web-app")
    wrong = code_form(code, code_verifier=pkce.new_verifier())
    assert (await post(client, TOKEN, wrong, basic("web-app", SECRET)))[0] == 400
    status, body, headers = await post(client, TOKEN, code_form(code), basic("web-app", SECRET))
    expect_error(status, body, headers, 400, "invalid_grant", "The authorization code is invalid or has expired.")


async def test_a_failed_client_authentication_leaves_the_code_unspent(client):
    code = await hosted_code(client, "web-app")
    status, body, headers = await post(client, TOKEN, code_form(code), basic("web-app", "wrong"))
    expect_error(status, body, headers, 401, "invalid_client", AUTHENTICATION_FAILED)
    assert (await post(client, TOKEN, code_form(code), basic("web-app", SECRET)))[0] == 200


async def test_another_clients_code_is_invalid_grant(client):
    code = await hosted_code(client, "spa-app")
    status, body, headers = await post(client, TOKEN, code_form(code), basic("web-app", SECRET))
    expect_error(status, body, headers, 400, "invalid_grant", "The authorization code is invalid or has expired.")


async def test_a_code_from_another_authorization_server_is_invalid_grant(client):
    code = await hosted_code(client, "spa-app")
    status, body, headers = await post(client, "/oauth2/v1/token", code_form(code, client_id="spa-app"))
    expect_error(status, body, headers, 400, "invalid_grant", "The authorization code is invalid or has expired.")


async def test_a_code_expires_on_the_virtual_clock(client):
    code = await hosted_code(client, "spa-app")
    await advance(client, 61)
    status, body, headers = await post(client, TOKEN, code_form(code, client_id="spa-app"))
    expect_error(status, body, headers, 400, "invalid_grant", "The authorization code is invalid or has expired.")


# --- refresh_token ----------------------------------------------------------------------------------------------------


async def refresh(client, refresh_token: str, form: dict[str, str], headers: dict[str, str] | None):
    return await post(client, TOKEN, {"grant_type": "refresh_token", "refresh_token": refresh_token, **form}, headers)


async def test_with_rotation_on_a_refresh_token_is_spent_by_its_refresh(client):
    code = await hosted_code(client, "web-app")
    _, first, _ = await post(client, TOKEN, code_form(code), basic("web-app", SECRET))
    status, renewed, _ = await refresh(client, first["refresh_token"], {}, basic("web-app", SECRET))
    assert status == 200 and renewed["refresh_token"] != first["refresh_token"]
    assert (await published_claims(client, renewed["id_token"]))["aud"] == "web-app"
    status, body, headers = await refresh(client, first["refresh_token"], {}, basic("web-app", SECRET))
    expect_error(status, body, headers, 400, "invalid_grant", "The refresh token is invalid or expired.")
    assert (await refresh(client, renewed["refresh_token"], {}, basic("web-app", SECRET)))[0] == 200


async def test_with_rotation_off_a_refresh_token_stays_good(client):
    code = await hosted_code(client, "web-keep", pkce_used=False)
    credentials = {"client_id": "web-keep", "client_secret": POST_SECRET}
    _, first, _ = await post(client, TOKEN, code_form(code, **credentials))
    for _ in range(3):
        status, renewed, _ = await refresh(client, first["refresh_token"], credentials, None)
        assert status == 200 and renewed["refresh_token"] == first["refresh_token"]
        assert renewed["access_token"] != first["access_token"]
    answer = (await post(client, INTROSPECT, {"token": first["refresh_token"], **credentials}))[1]
    assert answer["active"] is True and answer["client_id"] == "web-keep"


async def test_a_refresh_needs_the_client_to_authenticate(client):
    code = await hosted_code(client, "web-app")
    _, first, _ = await post(client, TOKEN, code_form(code), basic("web-app", SECRET))
    for form, headers in (({"client_id": "web-app"}, None), ({}, basic("web-app", "wrong"))):
        status, body, answer_headers = await refresh(client, first["refresh_token"], form, headers)
        expect_error(status, body, answer_headers, 401, "invalid_client", AUTHENTICATION_FAILED)
    assert (await refresh(client, first["refresh_token"], {}, basic("web-app", SECRET)))[0] == 200  # not spent


# --- interaction_code (the embedded flow) -----------------------------------------------------------------------------


async def test_a_public_client_exchanges_its_interaction_code(client):
    _, tokens = await signed_in(client, LOGIN, Flow(client, client_id="spa-app"))
    assert (await published_claims(client, tokens["id_token"]))["aud"] == "spa-app"


async def test_a_confidential_client_exchanges_its_interaction_code_with_its_secret(client):
    await put_user(client, LOGIN, outcome="approve")
    flow = Flow(client, client_id="web-app")
    await flow.push_sign_in(LOGIN)
    await flow.poll()
    form = {
        "grant_type": "interaction_code",
        "interaction_code": flow.interaction_code(),
        "code_verifier": flow.verifier,
    }
    status, body, headers = await post(client, TOKEN, {**form, "client_id": "web-app"})
    expect_error(status, body, headers, 401, "invalid_client", AUTHENTICATION_FAILED)
    status, body, _ = await post(client, TOKEN, form, basic("web-app", SECRET))
    assert status == 200 and (await published_claims(client, body["id_token"]))["aud"] == "web-app"


# --- introspect and revoke authenticate like the token endpoint -----------------------------------------------------


async def test_introspect_and_revoke_authenticate_the_client(client):
    code = await hosted_code(client, "web-app")
    _, tokens, _ = await post(client, TOKEN, code_form(code), basic("web-app", SECRET))
    access = {"token": tokens["access_token"]}
    for endpoint in (INTROSPECT, REVOKE):
        status, body, headers = await post(client, endpoint, {**access, "client_id": "web-app"})
        expect_error(status, body, headers, 401, "invalid_client", AUTHENTICATION_FAILED)
        status, body, headers = await post(
            client, endpoint, {**access, "client_id": "web-app"}, basic("web-app", SECRET)
        )
        expect_error(status, body, headers, 401, "invalid_request", MULTIPLE_CREDENTIALS)
        status, body, headers = await post(
            client, endpoint, {**access, "client_id": "web-app", "client_secret": SECRET}
        )
        expect_error(status, body, headers, 401, "invalid_client", AUTHENTICATION_FAILED)  # a Basic client
    assert (await post(client, INTROSPECT, access, basic("web-app", SECRET)))[1]["active"] is True
    response = await client.post(REVOKE, data=access, headers=basic("web-app", SECRET))
    assert response.status == 200
    assert (await post(client, INTROSPECT, access, basic("web-app", SECRET)))[1] == {"active": False}


async def test_a_public_client_named_alone_in_basic_revokes_its_token_as_okta_auth_js_does(client):
    """okta-auth-js's ``revokeToken`` sends a public client's id alone, with no colon, as Basic credentials:
    ``Authorization: Basic base64(client_id)``. That names the client; a confidential one still needs its secret."""
    code = await hosted_code(client, "spa-app")
    status, tokens, _ = await post(client, TOKEN, code_form(code, client_id="spa-app"))
    assert status == 200
    alone = {"Authorization": "Basic " + base64.b64encode(b"spa-app").decode()}
    revoke = "/oauth2/default/v1/revoke"
    status, _, _ = await post(client, revoke, {"token": tokens["access_token"]}, alone)
    assert status == 200
    status, answer, _ = await post(
        client, "/oauth2/default/v1/introspect", {"token": tokens["access_token"], "client_id": "spa-app"}
    )
    assert status == 200 and answer == {"active": False}
    confidential = {"Authorization": "Basic " + base64.b64encode(b"web-app").decode()}
    status, body, _ = await post(client, revoke, {"token": tokens["access_token"]}, confidential)
    assert status == 401 and body["error"] == "invalid_client"
