"""ID tokens as Okta issues them (issue #13 item 12): with an access token, Okta's "thin" ID token carries of the
profile only ``name`` and ``preferred_username`` (``profile`` scope) and ``email`` (``email`` scope); everything else
a scope releases is for ``/v1/userinfo``. The ``idp`` claim is the org's own identity provider: one id per org.

Source: Okta's OIDC reference ("ID token claims": scope-dependent claims; the thin ID token returned with an access
token), and the ID tokens in okta-idx-java's test fixtures, which carry no ``given_name``/``locale``.
"""

from __future__ import annotations

from typing import Any

import jwt

from tests.support.idx import Flow, signed_in

PROFILE_ONLY_IN_USERINFO = {"given_name", "family_name", "locale", "zoneinfo", "email_verified"}


def claims_of(token: str) -> dict[str, Any]:
    payload: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return payload


async def test_an_id_token_with_only_openid_names_no_one(client: Any) -> None:
    _, tokens = await signed_in(client, "bare@example.com", Flow(client, scope="openid"))
    claims = claims_of(tokens["id_token"])
    assert {"sub", "iss", "aud", "iat", "exp", "jti", "amr", "idp", "auth_time", "at_hash"} <= set(claims)
    assert not {"name", "preferred_username", "email"} & set(claims)


async def test_the_thin_id_token_has_name_username_and_email_and_userinfo_the_rest(client: Any) -> None:
    _, tokens = await signed_in(client, "thin@example.com", Flow(client, scope="openid profile email"))
    claims = claims_of(tokens["id_token"])
    assert claims["name"] == "Ada Lovelace" and claims["preferred_username"] == "thin@example.com"
    assert claims["email"] == "thin@example.com"
    assert not PROFILE_ONLY_IN_USERINFO & set(claims)
    info = await client.get(
        "/oauth2/default/v1/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert set(await info.json()) >= PROFILE_ONLY_IN_USERINFO


async def test_every_id_token_names_the_same_identity_provider(client: Any) -> None:
    _, first = await signed_in(client, "one@example.com")
    _, second = await signed_in(client, "two@example.com")
    idp = claims_of(first["id_token"])["idp"]
    assert idp.startswith("00o") and len(idp) == 20
    assert claims_of(second["id_token"])["idp"] == idp
