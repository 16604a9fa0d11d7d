"""No answer outside the control API ever shows a user's password or TOTP secret: not IDX documents on the error
paths (wrong password, wrong code, malformed steps), not OAuth answers or the claims inside the tokens, not the journal
page. The control API (``/_mock/v1``) and the simulated phone (``/_mock/device``) are where they belong.

Already covered in tests/mock_idx/test_documents.py: the documents of a normal walk through every step.
"""

from __future__ import annotations

import json

import jwt

from tests.support.idx import PASSWORD, Flow, put_user, totp_now

LOGIN = "hedy@example.com"
CLIENT = {"client_id": "test-client"}


def decoded_jwts(text: str) -> str:
    """Token payloads as text, so claims are searched too (base64 would hide them)."""
    values = json.loads(text).values() if text.startswith("{") else []
    return "".join(
        json.dumps(jwt.decode(v, options={"verify_signature": False}))
        for v in values
        if isinstance(v, str) and v.startswith("eyJ")
    )


async def test_no_answer_outside_the_control_api_shows_a_password_or_totp_secret(client):
    secret = (await put_user(client, LOGIN, outcome="approve"))["authenticators"]["okta_verify"]["totp"]["secret"]
    answers = []

    async def keep(response):
        text = await response.text()
        answers.append((str(response.url), text + decoded_jwts(text) + str(dict(response.headers))))
        return response

    flow = Flow(client, scope="openid profile email offline_access")
    await flow.start()
    await keep(
        await client.post(
            "/idp/idx/identify",
            json={
                "identifier": LOGIN,
                "credentials": {"passcode": PASSWORD + "-wrong"},
                "stateHandle": flow.state_handle,
            },
        )
    )
    await keep(
        await client.post(
            "/idp/idx/identify",
            json={"identifier": [LOGIN], "credentials": {"passcode": PASSWORD}, "stateHandle": flow.state_handle},
        )
    )
    await flow.identify(LOGIN)
    await flow.choose("totp")
    await keep(
        await client.post(
            "/idp/idx/challenge/answer", json={"credentials": {"totp": secret}, "stateHandle": flow.state_handle}
        )
    )
    await flow.answer(totp_now(secret))
    tokens = await (await keep(await flow.exchange())).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    await keep(await client.get("/oauth2/default/v1/userinfo", headers=bearer))
    for token in (tokens["access_token"], tokens["id_token"], tokens["refresh_token"]):
        await keep(await client.post("/oauth2/default/v1/introspect", data={**CLIENT, "token": token}))
    await keep(
        await client.post(
            "/oauth2/default/v1/token",
            data={**CLIENT, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        )
    )
    await keep(await client.get("/_mock/journal"))

    assert len(answers) == 10
    for url, text in answers:
        assert PASSWORD not in text and secret not in text, url
