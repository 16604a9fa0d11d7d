"""The control API contract: users, pushes, TOTP, clock, journal, reset and the optional control token."""

from __future__ import annotations

import pyotp
import pytest

from mock_idx.config import Settings
from tests.support.fixtures import app_in_loop
from tests.support.idx import Flow, control, put_user

LOGIN = "mary@example.com"


async def test_put_user_generates_and_returns_a_totp_secret(client):
    user = await put_user(client, LOGIN)
    secret = user["authenticators"]["okta_verify"]["totp"]["secret"]
    assert len(pyotp.TOTP(secret).now()) == 6
    assert user["login"] == LOGIN and user["id"].startswith("00u")
    assert "password" not in user
    status, again = await control(client, "GET", f"/users/{LOGIN.upper()}")
    assert status == 200 and again["id"] == user["id"], "logins are case-insensitive"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "password"),
        (
            {"password": "x", "authenticators": {"okta_verify": {"methods": ["sms"]}}},
            "authenticators.okta_verify.methods.0",
        ),
        (
            {"password": "x", "authenticators": {"okta_verify": {"push": {"outcome": "maybe"}}}},
            "authenticators.okta_verify.push.outcome",
        ),
        ({"password": "x", "unknown": 1}, "unknown"),
    ],
)
async def test_invalid_user_bodies_name_the_field(client, body, field):
    status, answer = await control(client, "PUT", f"/users/{LOGIN}", json=body)
    assert status == 400 and field in [e["field"] for e in answer["errors"]]


async def test_unknown_users_are_404(client):
    for method, path in (
        ("GET", "/users/ghost"),
        ("GET", "/users/ghost/pushes"),
        ("GET", "/users/ghost/totp"),
        ("POST", "/users/ghost/push/approve"),
        ("POST", "/users/ghost/push/deny"),
    ):
        status, body = await control(client, method, path)
        assert status == 404 and body["error"] == "not_found", path


@pytest.mark.parametrize("body", [{"seconds": -1}, {"seconds": "10"}, {"seconds": True}, {}, [], "x"])
async def test_clock_advance_validates(client, body):
    status, _ = await control(client, "POST", "/clock/advance", json=body)
    assert status == 400


async def test_clock_advances(client):
    _, before = await control(client, "GET", "/clock")
    _, after = await control(client, "POST", "/clock/advance", json={"seconds": 90})
    assert after["offset_seconds"] - before["offset_seconds"] == 90


async def test_approve_answer_must_be_an_integer(client, flow: Flow):
    await put_user(client, LOGIN, number_challenge=True)
    await flow.push_sign_in(LOGIN)
    status, _ = await control(client, "POST", f"/users/{LOGIN}/push/approve", json={"answer": "12"})
    assert status == 400
    _, pushes = await control(client, "GET", f"/users/{LOGIN}/pushes")
    assert pushes["pushes"][0]["state"] == "pending"


async def test_journal_records_every_request_and_filters_by_user(client, new_flow):
    await put_user(client, LOGIN)
    await put_user(client, "other@example.com")
    mine, theirs = new_flow(), new_flow()
    await mine.push_sign_in(LOGIN)
    await theirs.start()
    await theirs.identify("other@example.com", "wrong")
    _, journal = await control(client, "GET", "/journal", params={"user": LOGIN})
    paths = [(e["method"], e["path"], e["status"]) for e in journal["entries"]]
    assert ("POST", "/idp/idx/identify", 200) in paths and ("POST", "/idp/idx/challenge", 200) in paths
    assert all(e["user"] == LOGIN for e in journal["entries"])
    assert len({e["transaction"] for e in journal["entries"] if e["path"].startswith("/idp")}) == 1
    _, everything = await control(client, "GET", "/journal")
    assert any(e["status"] == 400 and e["path"] == "/idp/idx/identify" for e in everything["entries"])
    entry = everything["entries"][0]
    assert set(entry) >= {"time", "method", "path", "status", "transaction", "user"}


async def test_reset_returns_to_the_starting_scenario(client, flow: Flow):
    await put_user(client, LOGIN)
    await flow.push_sign_in(LOGIN)
    status, _ = await control(client, "POST", "/reset")
    assert status == 200
    assert (await control(client, "GET", f"/users/{LOGIN}"))[0] == 404
    assert (await control(client, "GET", "/users/demo@example.com"))[0] == 200
    assert (await flow.poll()).status == 401, "sign-ins in flight are gone"


async def test_control_token_guards_the_control_api_and_pages_but_not_okta_endpoints():
    async with app_in_loop(Settings(control_token="t0ken")) as client:
        assert (await client.post("/_mock/v1/reset", json={})).status == 401
        assert (await client.post("/_mock/v1/reset", json={}, headers={"Authorization": "Bearer wrong"})).status == 401
        assert (await client.post("/_mock/v1/reset", json={}, headers={"Authorization": "Bearer t0ken"})).status == 200
        assert (await client.get("/_mock/v1/clock", params={"token": "t0ken"})).status == 200
        assert (await client.get("/oauth2/default/.well-known/openid-configuration")).status == 200


async def test_cors_echoes_the_origin_with_credentials_and_answers_preflights(client):
    preflight = await client.options(
        "/idp/idx/introspect",
        headers={
            "Origin": "http://app.test:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-okta-user-agent-extended",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://app.test:3000"
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert "x-okta-user-agent-extended" in preflight.headers["Access-Control-Allow-Headers"].lower()
    actual = await client.get("/oauth2/default/v1/keys", headers={"Origin": "http://app.test:3000"})
    assert actual.headers["Access-Control-Allow-Origin"] == "http://app.test:3000"


async def test_token_exchange_and_revocation_are_journalled_under_the_user(client, flow: Flow):
    await put_user(client, LOGIN, outcome="approve")
    await flow.push_sign_in(LOGIN)
    await flow.poll()
    tokens = await (await flow.exchange()).json()
    await client.post("/oauth2/default/v1/revoke", data={"client_id": "test-client", "token": tokens["access_token"]})
    _, journal = await control(client, "GET", "/journal", params={"user": LOGIN})
    paths = [e["path"] for e in journal["entries"]]
    assert "/oauth2/default/v1/token" in paths and "/oauth2/default/v1/revoke" in paths
    token_entry = next(e for e in journal["entries"] if e["path"] == "/oauth2/default/v1/token")
    assert token_entry["transaction"] == next(
        e["transaction"] for e in journal["entries"] if e["path"] == "/idp/idx/identify"
    )
