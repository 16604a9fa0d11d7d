"""Hostile input against ``POST /_mock/v1/users/{login}/okta-verify/activate``, sent byte for byte: every refusal is a
4xx in the control API's shape, with no traceback, and leaves the victim's pending activation pending and the victim
without an enrollment (an attacker's phone never gets the account)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_idx.model.activation import activation_link, activation_uri
from mock_idx.web.app_keys import ENGINE
from tests.hostile.test_mock_idx_inputs import LEAKS, assert_refused_in_shape, request, send_raw
from tests.support.idx import control

VICTIM = "victim@example.com"
ATTACKER = "attacker@example.com"
ROUTE = f"/_mock/v1/users/{VICTIM}/okta-verify/activate"
JSON: dict[str, bytes | str] = {"Content_Type": "application/json"}


@pytest.fixture
async def org(client: TestClient[Any, Any]) -> dict[str, Any]:
    """Two users without Okta Verify; the victim's enrollment waits for a phone. The victim's QR URI and link come
    back, with the client."""
    for login in (VICTIM, ATTACKER):
        status, _ = await control(client, "PUT", f"/users/{login}", json={"password": "pw", "authenticators": {}})
        assert status == 200
    engine = client.app[ENGINE]
    activation = await engine.activations.start(VICTIM, "txn-victim", "qrcode", await engine.now())
    base = str(client.make_url(""))
    return {
        "client": client,
        "uri": activation_uri(base, activation.token, activation.login, engine.authenticators.okta_verify_id),
        "link": activation_link(base, activation.token, activation.login),
        "token": activation.token,
    }


async def fingerprint(client: TestClient[Any, Any]) -> dict[str, Any]:
    engine = client.app[ENGINE]
    return {
        "users": (await control(client, "GET", "/users"))[1],
        "pending": [a.token for a in await engine.pending_activations(VICTIM)],
    }


def body(value: Any) -> bytes:
    return orjson.dumps(value)


Headers = dict[str, bytes | str]
CASES: dict[str, tuple[str, bytes, Headers, int]] = {
    "text/plain (a simple cross-origin fetch)": ("POST", b"{}", {"Content_Type": "text/plain"}, 415),
    "an HTML form": ("POST", b"uri=x", {"Content_Type": "application/x-www-form-urlencoded"}, 415),
    "no content type": ("POST", b"", {}, 415),
    "JSON from another origin": ("POST", b"{}", {"Origin": "http://evil.example", **JSON}, 403),
    "JSON with Sec-Fetch-Site cross-site": ("POST", b"{}", {"Sec_Fetch_Site": "cross-site", **JSON}, 403),
    "JSON from a null origin": ("POST", b"{}", {"Origin": "null", **JSON}, 403),
    "JSON that is not UTF-8": ("POST", b'{"uri": "\xff\xfe"}', JSON, 400),
    "JSON that is not JSON": ("POST", b'{"uri": ', JSON, 400),
    "a JSON array": ("POST", b"[]", JSON, 400),
    "a JSON string": ("POST", b'"oktaverify://x"', JSON, 400),
    "uri a number": ("POST", body({"uri": 1}), JSON, 400),
    "uri an object": ("POST", body({"uri": {"t": "x"}}), JSON, 400),
    "uri empty": ("POST", body({"uri": ""}), JSON, 400),
    "uri over the limit": ("POST", body({"uri": "oktaverify://v/?t=" + "A" * 5000}), JSON, 400),
    "uri with a NUL": ("POST", body({"uri": "oktaverify://v/?t=\u0000"}), JSON, 400),
    "uri a lone surrogate": ("POST", b'{"uri": "\\udcff"}', JSON, 400),
    "uri script": ("POST", body({"uri": "javascript:alert(document.cookie)"}), JSON, 400),
    "uri an unclosed IPv6 host": ("POST", body({"uri": "http://[::1/?activate=x"}), JSON, 400),
    "an unknown field": ("POST", body({"uri": None, "login": ATTACKER}), JSON, 400),
    "a well-formed unknown token": ("POST", body({"uri": "ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi"}), JSON, 404),
    "a GET": ("GET", b"", {}, 405),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_hostile_activation_is_refused_in_shape_and_changes_nothing(org: dict[str, Any], case: str) -> None:
    client = org["client"]
    method, payload, headers, expected = CASES[case]
    before = await fingerprint(client)
    answer = await send_raw(client, *request(method, ROUTE, payload, **headers))
    assert_refused_in_shape(ROUTE, answer, expected)
    assert await fingerprint(client) == before


@pytest.mark.parametrize("form", ["uri", "link", "token"])
async def test_the_victim_s_qr_code_does_not_enroll_the_attacker_s_phone(org: dict[str, Any], form: str) -> None:
    client = org["client"]
    before = await fingerprint(client)
    route = f"/_mock/v1/users/{ATTACKER}/okta-verify/activate"
    answer = await send_raw(client, *request("POST", route, body({"uri": org[form]}), **JSON))
    assert_refused_in_shape(route, answer, 404)
    assert await fingerprint(client) == before


@pytest.mark.parametrize("login", ["%00", "..", "ghost%40example.com", "a" * 3000])
async def test_odd_logins_in_the_path_are_refused(org: dict[str, Any], login: str) -> None:
    client = org["client"]
    before = await fingerprint(client)
    route = f"/_mock/v1/users/{login}/okta-verify/activate"
    answer = await send_raw(client, *request("POST", route, b"{}", **JSON))
    assert 400 <= answer.status < 500 and not any(leak in answer.body for leak in LEAKS), answer
    assert await fingerprint(client) == before


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(uri=st.text(max_size=300) | st.from_regex(r"(oktaverify|https?)://[^ ]{0,60}\?(t|activate)=[\w%-]{0,60}"))
async def test_any_uri_text_is_a_4xx_that_changes_nothing(org: dict[str, Any], uri: str) -> None:
    client = org["client"]
    before = await fingerprint(client)
    answer = await send_raw(client, *request("POST", ROUTE, body({"uri": uri}), **JSON))
    assert answer.status in (400, 404), f"{answer.status} {answer.body[:300]!r}"
    assert not any(leak in answer.body for leak in LEAKS)
    assert await fingerprint(client) == before
