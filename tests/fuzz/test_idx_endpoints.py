"""Every IDX endpoint, fed malformed, mistyped, oversized and replayed bodies: each answer is a 4xx (or 200) IDX
document with Okta's content type, never a 5xx or a traceback, and a normal sign-in works afterwards."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_idx.testing import MockIdxServer
from tests.fuzz.invariants import assert_sound, still_signs_in
from tests.fuzz.strategies import IDX_KEYS, content_types, json_values, objects_with, raw_bodies
from tests.support.idx import REDIRECT_URI

IDX_PATHS = (
    "introspect",
    "identify",
    "challenge",
    "challenge/answer",
    "challenge/resend",
    "challenge/send",
    "challenge/poll",
    "authenticators/poll",
    "credential/enroll",
    "skip",
    "cancel",
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
paths = st.sampled_from(IDX_PATHS)


def test_any_body_of_any_type_is_refused_in_okta_shape(server: MockIdxServer, http: requests.Session):
    @FUZZ
    @given(path=paths, body=raw_bodies, content_type=content_types)
    def fuzz(path: str, body: bytes, content_type: str) -> None:
        assert_sound(http.post(f"{server.url}/idp/idx/{path}", data=body, headers={"Content-Type": content_type}))

    fuzz()
    still_signs_in(server.url)


def test_the_right_keys_with_the_wrong_values_are_refused(server: MockIdxServer, http: requests.Session):
    @FUZZ
    @given(path=paths, body=objects_with(IDX_KEYS))
    def fuzz(path: str, body: dict[str, Any]) -> None:
        assert_sound(
            http.post(
                f"{server.url}/idp/idx/{path}", data=json.dumps(body), headers={"Content-Type": "application/json"}
            )
        )

    fuzz()
    still_signs_in(server.url)


def test_steps_replayed_or_mistyped_on_a_live_sign_in_never_break_it(server: MockIdxServer, http: requests.Session):
    """A real transaction waiting for a push: every fuzzed step is sent with its live handle (or an old one), and
    the transaction still answers introspect and can still be cancelled cleanly."""
    state = _waiting_for_push(server, http)
    handles = st.sampled_from([state["stateHandle"], state["stateHandle"] + "x", state["stateHandle"][:-1]])
    step_bodies = st.fixed_dictionaries(
        {"stateHandle": handles},
        optional=dict.fromkeys(("identifier", "credentials", "authenticator", "email", "phoneNumber"), json_values),
    )

    @FUZZ
    @given(path=paths, body=step_bodies, repeat=st.integers(1, 3))
    def fuzz(path: str, body: dict[str, Any], repeat: int) -> None:
        for _ in range(repeat):
            assert_sound(
                http.post(
                    f"{server.url}/idp/idx/{path}", data=json.dumps(body), headers={"Content-Type": "application/json"}
                )
            )

    fuzz()
    still_signs_in(server.url)


def test_any_email_link_answers_a_page(server: MockIdxServer, http: requests.Session):
    """``/email/verify/{transaction}?token=``, the magic link, with any transaction id and any token: a page (the
    "expired" one), never a 5xx or a traceback."""

    @FUZZ
    @given(transaction=st.text(min_size=1, max_size=40), token=st.text(max_size=300) | st.none())
    def fuzz(transaction: str, token: str | None) -> None:
        params = {} if token is None else {"token": token}
        response = http.get(f"{server.url}/email/verify/{quote(transaction, safe='')}", params=params)
        assert_sound(response, json_body=False)
        assert response.status_code in (400, 404), response.text[:300]

    fuzz()
    still_signs_in(server.url)


def _waiting_for_push(server: MockIdxServer, http: requests.Session) -> dict[str, Any]:
    interact = http.post(
        f"{server.url}/oauth2/default/v1/interact",
        data={
            "client_id": "fuzz",
            "redirect_uri": REDIRECT_URI,
            "code_challenge": "c" * 43,
            "code_challenge_method": "S256",
        },
    )
    state = http.post(
        f"{server.url}/idp/idx/introspect", json={"interactionHandle": interact.json()["interaction_handle"]}
    ).json()
    state = http.post(
        f"{server.url}/idp/idx/identify",
        json={
            "identifier": "demo@example.com",
            "credentials": {"passcode": "demo1234"},
            "stateHandle": state["stateHandle"],
        },
    ).json()
    okta_verify = state["authenticators"]["value"][0]["id"]
    waiting: dict[str, Any] = http.post(
        f"{server.url}/idp/idx/challenge",
        json={"authenticator": {"id": okta_verify, "methodType": "push"}, "stateHandle": state["stateHandle"]},
    ).json()
    return waiting
