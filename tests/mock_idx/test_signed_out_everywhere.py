"""Suspending or deactivating a user signs them out everywhere (on both stores), as Okta does: their refresh tokens
are refused (``invalid_grant``), their access, ID and refresh tokens introspect ``{"active": false}``, userinfo answers
401 ``invalid_token``, and their browser session is over (``/api/v1/sessions/me`` 404, ``prompt=none`` answers
``login_required``). For good: unsuspending brings none of it back, nor does replacing the user's record
(``PUT /_mock/v1/users/{login}``, the plugin's ``add_user``), while a new sign-in works. A status put back outright
(the test-only ``PUT .../status``) changes nothing else, so what it refused meanwhile works again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from mock_idx.model.tokens import REVOKED, MintedToken
from tests.mock_idx.test_authorize import LOGIN, authorize, back_to_app, hosted_sign_in, query
from tests.mock_idx.test_oauth import active, refresh
from tests.mock_idx.test_sessions_api import ME, assert_no_session, cookie
from tests.support.idx import Flow, control, put_user, signed_in

USERINFO = "/oauth2/default/v1/userinfo"


@dataclass
class Holdings:
    """What a signed-in user holds: tokens from an embedded sign-in and a browser session from the hosted page."""

    tokens: dict[str, Any]
    sid: str


async def sign_in_everywhere(client: Any) -> Holdings:
    session = await hosted_sign_in(client)
    _, tokens = await signed_in(client, LOGIN, Flow(client, scope="openid profile offline_access"))
    return Holdings(tokens, session.session.id)


async def userinfo_status(client: Any, access_token: str) -> int:
    response = await client.get(USERINFO, headers={"Authorization": f"Bearer {access_token}"})
    if response.status == 401:
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    return int(response.status)


async def assert_signed_out(client: Any, held: Holdings) -> None:
    tokens = held.tokens
    for name in ("access_token", "id_token", "refresh_token"):
        assert not await active(client, tokens[name]), name
    assert await userinfo_status(client, tokens["access_token"]) == 401
    refused = await refresh(client, tokens["refresh_token"])
    assert refused.status == 400 and (await refused.json())["error"] == "invalid_grant"
    await assert_no_session(await client.get(ME, headers=cookie(held.sid)))
    back = back_to_app(await authorize(client, query(prompt="none"), sid=held.sid))
    assert back["error"] == "login_required"


async def assert_signed_in(client: Any, held: Holdings) -> None:
    tokens = held.tokens
    for name in ("access_token", "id_token", "refresh_token"):
        assert await active(client, tokens[name]), name
    assert await userinfo_status(client, tokens["access_token"]) == 200
    assert (await client.get(ME, headers=cookie(held.sid))).status == 200
    assert "code" in back_to_app(await authorize(client, query(prompt="none"), sid=held.sid))
    renewed = await refresh(client, tokens["refresh_token"])
    assert renewed.status == 200, await renewed.text()


async def lifecycle(client: Any, operation: str) -> None:
    status, body = await control(client, "POST", f"/users/{LOGIN}/lifecycle/{operation}")
    assert status == 200, body


@pytest.mark.parametrize("operation", ["suspend", "deactivate"])
async def test_suspending_or_deactivating_ends_every_token_and_session(client: Any, operation: str) -> None:
    held = await sign_in_everywhere(client)
    await lifecycle(client, operation)
    await assert_signed_out(client, held)


async def test_a_deleted_user_s_tokens_and_session_are_dead(client: Any) -> None:
    """mock-idx deletes a user by loading an org without them."""
    held = await sign_in_everywhere(client)
    nobody_else = {"users": [{"login": "someone.else@example.com", "password": "x"}]}
    status, body = await control(client, "PUT", "/scenario", json=nobody_else)
    assert status == 200, body
    await assert_signed_out(client, held)


async def test_unsuspending_revives_nothing_but_a_new_sign_in_works(client: Any) -> None:
    held = await sign_in_everywhere(client)
    await lifecycle(client, "suspend")
    await lifecycle(client, "unsuspend")
    await assert_signed_out(client, held)

    again = await sign_in_everywhere(client)
    await assert_signed_in(client, again)


async def test_deactivating_then_activating_again_revives_nothing(client: Any) -> None:
    held = await sign_in_everywhere(client)
    await lifecycle(client, "deactivate")
    await lifecycle(client, "activate")
    await assert_signed_out(client, held)


@pytest.mark.parametrize(("operation", "undo"), [("suspend", "unsuspend"), ("deactivate", "activate")])
async def test_replacing_the_user_afterwards_revives_nothing(client: Any, operation: str, undo: str) -> None:
    """An admin's new body for the user is not a way round the sign-out: tokens revoked stay revoked."""
    held = await sign_in_everywhere(client)
    await lifecycle(client, operation)
    await lifecycle(client, undo)
    await put_user(client, LOGIN, outcome="approve")
    await assert_signed_out(client, held)

    again = await sign_in_everywhere(client)  # which puts the user again too
    await assert_signed_in(client, again)


async def test_a_body_that_makes_a_suspended_user_active_revives_nothing(client: Any) -> None:
    """A replacement may set the status outright (its ``status`` defaults to ``ACTIVE``), but the sign-out the
    suspension made is the account's, not the body's."""
    held = await sign_in_everywhere(client)
    await lifecycle(client, "suspend")
    replaced = await put_user(client, LOGIN, outcome="approve")
    assert replaced["status"] == "ACTIVE"
    await assert_signed_out(client, held)
    await assert_signed_in(client, await sign_in_everywhere(client))


async def test_the_replaced_user_is_the_same_user(client: Any) -> None:
    """Okta's user id is the person's for life: the replacement keeps it, and so do the claims of new tokens."""
    held = await sign_in_everywhere(client)
    first = await put_user(client, LOGIN, outcome="approve")
    again = await sign_in_everywhere(client)
    assert (await put_user(client, LOGIN, outcome="approve"))["id"] == first["id"]
    response = await client.get(USERINFO, headers={"Authorization": f"Bearer {again.tokens['access_token']}"})
    assert (await response.json())["sub"] == first["id"]
    await assert_signed_in(client, held)  # nobody signed them out: a replacement alone ends nothing


REFUSED_BODIES: list[dict[str, Any]] = [
    {"json": {"password": ""}},
    {"json": {"password": "x", "status": "NOT_A_STATUS"}},
    {"json": {"password": "x", "signed_out_at": None}},
    {"json": [1, 2]},
    {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
]


@pytest.mark.parametrize("refused", REFUSED_BODIES)
async def test_a_refused_replacement_changes_nothing(client: Any, refused: dict[str, Any]) -> None:
    held = await sign_in_everywhere(client)
    await lifecycle(client, "suspend")
    await lifecycle(client, "unsuspend")
    again = await sign_in_everywhere(client)
    status, before = await control(client, "GET", f"/users/{LOGIN}")
    assert status == 200, before

    status, body = await control(client, "PUT", f"/users/{LOGIN}", **refused)
    assert status == 400, body
    assert await control(client, "GET", f"/users/{LOGIN}") == (200, before)
    await assert_signed_out(client, held)
    await assert_signed_in(client, again)


async def test_refusals_while_the_status_is_set_outright_change_nothing(client: Any) -> None:
    """Every refusal leaves state untouched: the refresh token refused while the user was suspended outright is
    still theirs once the status is put back (no lifecycle operation, so nobody signed them out)."""
    held = await sign_in_everywhere(client)
    await control(client, "PUT", f"/users/{LOGIN}/status", json={"status": "SUSPENDED"})
    await assert_signed_out(client, held)
    await control(client, "PUT", f"/users/{LOGIN}/status", json={"status": "ACTIVE"})
    await assert_signed_in(client, held)


async def test_a_locked_out_user_keeps_their_tokens_and_session(client: Any) -> None:
    """Lockout stops the next password, not what an earlier sign-in holds."""
    held = await sign_in_everywhere(client)
    status, body = await control(client, "POST", f"/users/{LOGIN}/lock", json={})
    assert status == 200, body
    await assert_signed_in(client, held)


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ("10.5 3600.0 ann@example.com", MintedToken(10.5, 3600.0, "ann@example.com")),
        ("10.5 3600.0 ann smith", MintedToken(10.5, 3600.0, "ann smith")),
        ("10.5 3600.0", MintedToken(10.5, 3600.0)),
        ("3600.0", MintedToken(0.0, 3600.0)),  # an earlier mock-idx's record: its expiry alone
        ("not a record", REVOKED),
        ("", REVOKED),
    ],
)
def test_a_stored_token_record_reads_back_whatever_wrote_it(stored: str, read: MintedToken) -> None:
    """Records kept in a Redis across an upgrade, or damaged, never fail a request: an old one keeps its expiry, junk
    reads as revoked."""
    assert MintedToken.parse(stored) == read
