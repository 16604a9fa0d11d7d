"""Every OAuth/OIDC endpoint, for the org and a custom authorization server, fed malformed forms, repeated and
mistyped parameters, garbage credentials and tokens, replayed codes and odd query strings: never a 5xx or a
traceback, always JSON, and a normal sign-in works afterwards."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import requests
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mock_idx.testing import MockIdxServer
from tests.fuzz.invariants import assert_sound, still_signs_in
from tests.fuzz.strategies import BASIC_ALPHABET, raw_bodies

SERVERS = ("/oauth2/default", "/oauth2", "/oauth2/aus%00x", "/oauth2/" + "a" * 300)
FORM_ENDPOINTS = ("interact", "token", "introspect", "revoke", "userinfo")
FORM_KEYS = (
    "client_id",
    "client_secret",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "grant_type",
    "interaction_code",
    "code_verifier",
    "refresh_token",
    "token",
    "token_type_hint",
)
FORM_TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "application/json",
    "text/plain",
    "",
)
MAX_REQUEST_LINE = 8000
"""aiohttp refuses longer request lines itself (a plain-text 400) before mock_idx sees them."""
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

texts = st.text(max_size=30) | st.sampled_from(
    [
        "",
        "interaction_code",
        "refresh_token",
        "S256",
        "plain",
        "openid",
        "x" * 2000,
        "%",
        "\x00",
        "eyJhbGciOiJub25lIn0.e30.",
    ]
)
forms = st.lists(st.tuples(st.sampled_from(FORM_KEYS) | st.text(max_size=8), texts), max_size=8)
"""A list of pairs, so a parameter may come twice (which RFC 6749 forbids)."""
authorizations = st.one_of(
    st.none(),
    st.builds(lambda raw: "Basic " + base64.b64encode(raw).decode(), st.binary(max_size=40)),
    st.builds(lambda text: "Basic " + text, st.text(BASIC_ALPHABET, max_size=30)),
    st.builds(lambda text: "Bearer " + text, texts),
    texts,
)


def _headers(authorization: str | None, content_type: str) -> dict[str, str]:
    """Header values as a client can send them: printable ASCII (aiohttp refuses control characters itself, with a
    plain-text 400, before mock_idx sees them)."""
    headers = {"Content-Type": content_type}
    if authorization is not None:
        headers["Authorization"] = "".join(c for c in authorization if " " <= c <= "~" or "\xa0" <= c <= "\xff").strip()
    return headers


def test_forms_with_anything_in_them_are_refused_in_oauth_shape(server: MockIdxServer, http: requests.Session):
    @FUZZ
    @given(
        prefix=st.sampled_from(SERVERS),
        endpoint=st.sampled_from(FORM_ENDPOINTS),
        form=forms,
        authorization=authorizations,
        content_type=st.sampled_from(FORM_TYPES),
    )
    def fuzz(
        prefix: str, endpoint: str, form: list[tuple[str, str]], authorization: str | None, content_type: str
    ) -> None:
        body = urlencode(form).encode() if "json" not in content_type else b'{"client_id": "x"}'
        assert_sound(
            http.post(f"{server.url}{prefix}/v1/{endpoint}", data=body, headers=_headers(authorization, content_type))
        )

    fuzz()
    still_signs_in(server.url)


def test_raw_bodies_are_refused_in_oauth_shape(server: MockIdxServer, http: requests.Session):
    @FUZZ
    @given(endpoint=st.sampled_from(FORM_ENDPOINTS), body=raw_bodies, content_type=st.sampled_from(FORM_TYPES))
    def fuzz(endpoint: str, body: bytes, content_type: str) -> None:
        assert_sound(
            http.post(f"{server.url}/oauth2/default/v1/{endpoint}", data=body, headers={"Content-Type": content_type})
        )

    fuzz()
    still_signs_in(server.url)


def test_get_endpoints_take_any_query_and_any_bearer(server: MockIdxServer, http: requests.Session):
    paths = st.sampled_from(
        [
            "/v1/keys",
            "/v1/userinfo",
            "/v1/logout",
            "/.well-known/openid-configuration",
            "/.well-known/oauth-authorization-server",
        ]
    )

    @FUZZ
    @given(prefix=st.sampled_from(SERVERS), path=paths, query=forms, authorization=authorizations)
    def fuzz(prefix: str, path: str, query: list[tuple[str, str]], authorization: str | None) -> None:
        url = f"{server.url}{prefix}{path}?{urlencode(query)}"
        assume(len(url) < MAX_REQUEST_LINE)
        response = http.get(url, allow_redirects=False, headers=_headers(authorization, ""))
        assert_sound(response, json_body=path != "/v1/logout")

    fuzz()
    still_signs_in(server.url)


def test_codes_and_tokens_replayed_and_crossed_between_clients_are_refused(
    server: MockIdxServer, http: requests.Session
):
    """Real tokens and a spent interaction code, sent again, to the wrong endpoint, for the wrong client."""
    tokens = still_signs_in(server.url)
    values = st.sampled_from(
        [
            tokens["access_token"],
            tokens["id_token"],
            tokens["access_token"][:-2],
            tokens["id_token"] + "x",
            tokens["access_token"].replace(".", "..", 1),
        ]
    )
    replays = st.fixed_dictionaries(
        {"token": values, "client_id": st.sampled_from(["fuzz", "other", ""])},
        optional={
            "grant_type": st.sampled_from(["interaction_code", "refresh_token"]),
            "interaction_code": values,
            "refresh_token": values,
            "code_verifier": texts,
            "redirect_uri": texts,
        },
    )

    @FUZZ
    @given(endpoint=st.sampled_from(FORM_ENDPOINTS), form=replays)
    def fuzz(endpoint: str, form: dict[str, str]) -> None:
        response = http.post(f"{server.url}/oauth2/default/v1/{endpoint}", data=form)
        assert_sound(response)
        if endpoint == "token":
            assert response.status_code in (400, 401)

    fuzz()
    still_signs_in(server.url)
