"""The redirect sign-in's small pieces: what the session keeps between the button and the callback, the authorize
URL, Basic credentials, and the command line's settings for it."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp_session import Session

from reference_client.cli import build_parser, config_from_args
from reference_client.idx import IdxClientConfig, RedirectSignIn
from reference_client.idx.oauth import basic_authorization
from reference_client.idx.redirect import authorize_url, redirect_scopes
from reference_client.session_state import (
    MAX_REDIRECT_SIGN_INS,
    remember_redirect_sign_in,
    take_redirect_sign_in,
)

CONFIG = IdxClientConfig(issuer="https://org.example/oauth2/default", client_id="app", redirect_uri="https://a/cb")


def session() -> Session:
    return Session("id", data={}, new=False)


def started(redirect_uri: str = "https://app.example/authorization-code/callback") -> RedirectSignIn:
    sign_in, _ = RedirectSignIn.create(redirect_uri)
    return sign_in


def test_a_sign_in_is_taken_once_by_its_state():
    kept = session()
    first, second = started(), started()
    remember_redirect_sign_in(kept, first)
    remember_redirect_sign_in(kept, second)  # a second tab
    assert take_redirect_sign_in(kept, first.state) == first
    assert take_redirect_sign_in(kept, first.state) is None
    assert take_redirect_sign_in(kept, second.state) == second
    assert take_redirect_sign_in(kept, second.state) is None and "redirect_sign_ins" not in kept


def test_only_the_newest_sign_ins_are_kept():
    kept = session()
    sign_ins = [started() for _ in range(MAX_REDIRECT_SIGN_INS + 2)]
    for sign_in in sign_ins:
        remember_redirect_sign_in(kept, sign_in)
    assert [take_redirect_sign_in(kept, s.state) for s in sign_ins[:2]] == [None, None]
    assert all(take_redirect_sign_in(kept, s.state) == s for s in sign_ins[2:])


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "text",
        [None, 1, "x"],
        [{"state": "s"}],
        [{"state": "", "nonce": "n", "code_verifier": "v", "redirect_uri": "r"}],
        [{"state": 1, "nonce": "n", "code_verifier": "v", "redirect_uri": "r"}],
        [{"state": "s", "nonce": "n", "code_verifier": "v", "redirect_uri": "r", "extra": 1}],
    ],
)
def test_a_session_holding_anything_else_has_no_sign_in(stored):
    kept = Session("id", data={"session": {"redirect_sign_ins": stored}}, new=False)
    assert take_redirect_sign_in(kept, "s") is None
    remember_redirect_sign_in(kept, started())  # and new ones are still kept
    assert len(kept["redirect_sign_ins"]) == 1


def test_the_authorize_url_asks_for_a_code_with_s256():
    sign_in, challenge = RedirectSignIn.create("https://app.example/authorization-code/callback")
    url = authorize_url("https://org.example/oauth2/default/v1/authorize", CONFIG, sign_in, challenge)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path == "/oauth2/default/v1/authorize" and "+" not in parts.query  # spaces as %20
    assert query == {
        "response_type": ["code"],
        "client_id": ["app"],
        "redirect_uri": ["https://app.example/authorization-code/callback"],
        "scope": ["openid profile email offline_access"],
        "state": [sign_in.state],
        "nonce": [sign_in.nonce],
        "code_challenge": [challenge],
        "code_challenge_method": ["S256"],
    }


def test_an_authorize_endpoint_with_a_query_keeps_it():
    sign_in, challenge = RedirectSignIn.create("https://app.example/cb")
    url = authorize_url("https://org.example/authorize?tenant=1", CONFIG, sign_in, challenge)
    assert url.startswith("https://org.example/authorize?tenant=1&response_type=code&")


def test_offline_access_is_asked_for_once():
    assert redirect_scopes(CONFIG) == ("openid", "profile", "email", "offline_access")
    with_it = IdxClientConfig(issuer="https://o", client_id="c", redirect_uri="r", scopes=("openid", "offline_access"))
    assert redirect_scopes(with_it) == ("openid", "offline_access")


@pytest.mark.parametrize(
    ("client_id", "secret", "encoded"),
    [
        ("app", "secret", "app:secret"),
        ("a:b", "p@ss word/+:=", "a%3Ab:p%40ss+word%2F%2B%3A%3D"),
        ("äpp", "sécret", "%C3%A4pp:s%C3%A9cret"),
    ],
)
def test_basic_credentials_are_form_urlencoded_first(client_id, secret, encoded):
    header = basic_authorization(client_id, secret)
    assert header == "Basic " + base64.b64encode(encoded.encode()).decode()


def test_the_callback_uri_comes_from_the_flag_or_the_environment():
    environ = {"REFERENCE_CLIENT_CALLBACK_URI": "http://127.0.0.1:9000/authorization-code/callback"}
    base = ["--issuer", "http://127.0.0.1:8080/oauth2/default", "--client-id", "c", "--client-secret", "s"]
    config = config_from_args(build_parser(environ).parse_args(base), environ)
    assert config.callback_uri == "http://127.0.0.1:9000/authorization-code/callback"
    assert config.idx.client_secret == "s" and not config.secure_cookies
    flagged = build_parser(environ).parse_args([*base, "--callback-uri", "https://app.example/authorization-code/cb"])
    assert config_from_args(flagged, environ).secure_cookies  # an https callback: the cookie is Secure
    assert config_from_args(build_parser({}).parse_args(base), {}).callback_uri is None  # from the request
