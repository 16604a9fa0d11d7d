"""What Okta's Java IDX SDK (okta-idx-java-api 2.0.0, e2e/compat/test_compat_sdk_java.py) showed mock_idx got wrong,
pinned here with the SDK's own requests so the fix holds without a JVM."""

from __future__ import annotations

from typing import Any

import jwt

from tests.support.idx import Flow, put_user

LOGIN = "java@example.com"


async def test_the_interaction_code_grant_needs_no_redirect_uri(client: Any, flow: Flow) -> None:
    """The SDK's token request has no redirect_uri (Okta's interaction-code grant takes none); mock_idx answered
    400 ``invalid_request: The 'redirect_uri' parameter is required.`` A redirect_uri that is sent must still match
    (test_oauth.py)."""
    await put_user(client, LOGIN, outcome="approve")
    await flow.push_sign_in(LOGIN)
    await flow.poll()
    response = await client.post(
        f"{flow.issuer_path}/v1/token",
        data={
            "grant_type": "interaction_code",
            "client_id": flow.client_id,
            "interaction_code": flow.interaction_code(),
            "code_verifier": flow.verifier,
        },
    )
    assert response.status == 200, await response.text()
    claims = jwt.decode((await response.json())["id_token"], options={"verify_signature": False})
    assert (claims["aud"], claims["preferred_username"]) == (flow.client_id, LOGIN)


async def test_cancel_keeps_the_interaction_handle(client: Any, flow: Flow) -> None:
    """The SDK keeps its interaction handle across a cancel and later introspects with it (how a 2.0.0 app learns
    that a push was approved); mock_idx gave the fresh sign-in a new handle, so that introspect answered 401
    ``idx.session.expired`` ("The session has expired.") and the user could never get in."""
    await put_user(client, LOGIN, outcome="approve")
    await flow.push_sign_in(LOGIN)
    fresh = await flow.post("/idp/idx/cancel", {})
    assert fresh.remediations == ["identify"]

    resumed = await flow.introspect()
    assert resumed.status == 200, resumed.body
    assert (resumed.remediations, resumed.body["stateHandle"]) == (["identify"], fresh.body["stateHandle"])

    await flow.identify(LOGIN)
    await flow.choose()
    await flow.choose("push")
    await flow.poll()
    approved = await flow.introspect()
    assert "successWithInteractionCode" in approved.body
    assert (await flow.exchange()).status == 200
