"""PKCE is required end to end, and every token carries ``exp`` and is refused once it has passed.

Already covered in tests/mock_idx/test_oauth.py: interact without a challenge or with ``plain`` is refused, a wrong
verifier is refused and spends the code, and an expired access token is inactive at ``/v1/introspect``.
"""

from __future__ import annotations

import jwt
import pytest

from tests.support.idx import Flow, advance, put_user, signed_in

LOGIN = "grace@example.com"
INTROSPECT = "/oauth2/default/v1/introspect"
WITH_REFRESH = "openid profile email offline_access"


@pytest.mark.parametrize("verifier", [None, "", "challenge-as-verifier"])
async def test_the_token_endpoint_refuses_a_missing_or_wrong_code_verifier(client, verifier):
    await put_user(client, LOGIN, outcome="approve")
    flow = Flow(client)
    await flow.push_sign_in(LOGIN)
    await flow.poll()
    overrides = {"code_verifier": flow.challenge if verifier == "challenge-as-verifier" else verifier}
    form = {
        k: v
        for k, v in {
            "client_id": flow.client_id,
            "redirect_uri": "http://localhost:7777/callback",
            "grant_type": "interaction_code",
            "interaction_code": flow.interaction_code(),
            **overrides,
        }.items()
        if v is not None
    }
    refused = await client.post("/oauth2/default/v1/token", data=form)
    assert refused.status == 400
    assert (await refused.json())["error"] in ("invalid_request", "invalid_grant")


async def test_every_token_carries_exp_and_the_id_token_and_userinfo_are_refused_after_it(client):
    _, tokens = await signed_in(client, LOGIN, Flow(client, scope=WITH_REFRESH))
    for name in ("access_token", "id_token"):
        claims = jwt.decode(tokens[name], options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 3600, name
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.get("/oauth2/default/v1/userinfo", headers=bearer)).status == 200
    await advance(client, 3601)
    for name in ("access_token", "id_token"):
        answer = await client.post(INTROSPECT, data={"client_id": "test-client", "token": tokens[name]})
        assert await answer.json() == {"active": False}, name
    assert (await client.get("/oauth2/default/v1/userinfo", headers=bearer)).status == 401


async def test_a_refresh_token_dies_with_its_lifetime(client):
    _, tokens = await signed_in(client, LOGIN, Flow(client, scope=WITH_REFRESH))
    form = {"client_id": "test-client", "token": tokens["refresh_token"]}
    assert (await (await client.post(INTROSPECT, data=form)).json())["active"] is True
    await advance(client, 30 * 24 * 3600 + 1)
    assert await (await client.post(INTROSPECT, data=form)).json() == {"active": False}
    refreshed = await client.post(
        "/oauth2/default/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "test-client"},
    )
    assert refreshed.status == 400 and (await refreshed.json())["error"] == "invalid_grant"
