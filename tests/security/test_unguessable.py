"""Handles, codes and secrets are bearer secrets: at least 128 bits, spread over their whole alphabet, never repeated,
and spent where Okta spends them.

Already covered in tests/mock_idx: interaction codes are single use and bound to client, redirect and PKCE
(test_oauth.py), a TOTP code is accepted once (test_totp.py), a cancelled sign-in's handle is dead (test_errors.py).
"""

from __future__ import annotations

import base64
import math

from tests.support.idx import PASSWORD, Flow, control, put_user, signed_in

SAMPLES = 40
MIN_BITS = 128
URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def bits(token: str, alphabet: str) -> float:
    assert set(token) <= set(alphabet), token
    return len(token) * math.log2(len(alphabet))


async def collect(client) -> dict[str, list[str]]:
    """Every kind of bearer value the fake hands out, from ``SAMPLES`` sign-ins."""
    await control(client, "PUT", "/users/pw@example.com", json={"password": PASSWORD, "authenticators": {}})
    seen: dict[str, list[str]] = {
        "interaction_handle": [],
        "stateHandle": [],
        "interaction_code": [],
        "refresh_token": [],
    }
    for _ in range(SAMPLES):
        flow = Flow(client, scope="openid offline_access")
        await flow.start()
        seen["interaction_handle"].append(flow.interaction_handle)
        seen["stateHandle"].append(flow.state_handle.removeprefix("02"))
        await flow.identify("pw@example.com")
        seen["interaction_code"].append(flow.interaction_code())
        seen["refresh_token"].append((await (await flow.exchange()).json())["refresh_token"])
    return seen


async def test_handles_codes_and_refresh_tokens_carry_128_bits_and_never_repeat(client):
    for name, values in (await collect(client)).items():
        assert len(set(values)) == SAMPLES, f"{name} repeated"
        assert min(bits(v, URLSAFE) for v in values) >= MIN_BITS, name
        used = set("".join(values))
        assert len(used) > 48, f"{name} uses only {len(used)} of 64 characters: not uniformly random"


async def test_generated_totp_secrets_carry_128_bits_and_never_repeat(client):
    secrets_seen = []
    for number in range(SAMPLES):
        user = await put_user(client, f"t{number}@example.com")
        secrets_seen.append(user["authenticators"]["okta_verify"]["totp"]["secret"])
        base64.b32decode(secrets_seen[-1] + "=" * (-len(secrets_seen[-1]) % 8))
    assert len(set(secrets_seen)) == SAMPLES
    assert min(bits(s, BASE32) for s in secrets_seen) >= MIN_BITS


async def test_a_spent_sign_in_is_gone_with_all_its_handles(client):
    flow, _ = await signed_in(client, "ada@example.com")
    assert (await flow.introspect()).status == 401
    assert (await flow.introspect(stateToken=flow.state_handle)).status == 401
    assert (await flow.poll()).status == 401


async def test_an_answered_push_cannot_be_answered_again(client):
    await put_user(client, "ada@example.com")
    flow = Flow(client)
    await flow.push_sign_in("ada@example.com")
    [push] = (await control(client, "GET", "/users/ada@example.com/pushes"))[1]["pushes"]
    assert (await control(client, "POST", "/users/ada@example.com/push/approve"))[0] == 200
    for action in ("approve", "deny"):
        status, _ = await control(client, "POST", f"/users/ada@example.com/push/{action}", json={"push_id": push["id"]})
        assert status == 404, action
    assert "successWithInteractionCode" in (await flow.poll()).body
