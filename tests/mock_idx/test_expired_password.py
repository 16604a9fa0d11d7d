"""An expired password (the user's status, or the policy's maximum age passed on the virtual clock) and one about to
expire: right after the password is verified, ``reenroll-authenticator`` (or ``reenroll-authenticator-warning`` with
``skip``), the new password under the policy, then on with the sign-in (on both stores).
"""

from __future__ import annotations

from typing import Any

from tests.support.idx import PASSWORD, Flow, advance, control
from tests.support.idx_steps import LOGIN, answer, field_messages, load_org, snapshot, user

NEW_PASSWORD = "Brand-new-Passw0rd"
DAY = 86_400


async def org(client: Any, **password_policy: Any) -> None:
    await load_org(client, [user(LOGIN)], {"okta_password": "required"}, "one_factor", password_policy=password_policy)


async def status_of(client: Any) -> str:
    status, body = await control(client, "GET", f"/users/{LOGIN}")
    assert status == 200
    found: str = body["status"]
    return found


async def signs_in_at_once(client: Any, password: str) -> bool:
    flow = Flow(client)
    await flow.start()
    return "successWithInteractionCode" in (await flow.identify(LOGIN, password)).body


async def test_an_expired_status_asks_for_a_new_password_then_signs_in(flow: Flow, client: Any) -> None:
    await org(client)
    status, body = await control(client, "POST", f"/users/{LOGIN}/expire-password")
    assert status == 200 and body["status"] == "PASSWORD_EXPIRED"
    await flow.start()
    expired = await flow.identify(LOGIN)
    assert expired.status == 200 and expired.remediations == ["reenroll-authenticator"], expired.body
    current = expired.body["currentAuthenticator"]["value"]
    assert current["key"] == "okta_password" and "complexity" in current["settings"]
    before = await snapshot(flow)
    weak = await answer(flow, passcode="weak")
    assert weak.status == 400 and weak.remediations == ["reenroll-authenticator"]
    assert field_messages(weak, "reenroll-authenticator", "credentials", "passcode")[0].startswith(
        "Password requirements were not met."
    )
    assert await snapshot(flow) == before and await status_of(client) == "PASSWORD_EXPIRED"
    skipped = await flow.post("/idp/idx/skip", {})
    assert skipped.status == 400 and await snapshot(flow) == before  # an expired password cannot be put off
    done = await answer(flow, passcode=NEW_PASSWORD)
    assert "successWithInteractionCode" in done.body, done.body
    assert await status_of(client) == "ACTIVE"
    assert await signs_in_at_once(client, NEW_PASSWORD)


async def test_a_wrong_password_of_an_expired_user_is_just_wrong(flow: Flow, client: Any) -> None:
    await org(client)
    await control(client, "POST", f"/users/{LOGIN}/expire-password")
    await flow.start()
    wrong = await flow.identify(LOGIN, "not-the-password")
    assert wrong.status == 400 and wrong.remediations == ["identify"]


async def test_the_policys_maximum_age_expires_the_password_on_the_virtual_clock(flow: Flow, client: Any) -> None:
    await org(client, max_age_days=90, history_count=2)
    assert await signs_in_at_once(client, PASSWORD)
    await advance(client, 90 * DAY)
    await flow.start()
    expired = await flow.identify(LOGIN)
    assert expired.remediations == ["reenroll-authenticator"], expired.body
    reused = await answer(flow, passcode=PASSWORD)
    assert reused.status == 400
    (text,) = field_messages(reused, "reenroll-authenticator", "credentials", "passcode")
    assert text.endswith("Your password cannot be any of your last 2 passwords.")
    assert "successWithInteractionCode" in (await answer(flow, passcode=NEW_PASSWORD)).body
    await advance(client, 89 * DAY)
    assert await signs_in_at_once(client, NEW_PASSWORD)  # the new one's 90 days started when it was set


async def test_an_expiring_password_warns_and_can_be_skipped(flow: Flow, client: Any) -> None:
    await org(client, max_age_days=90, expire_warn_days=10)
    await advance(client, 85 * DAY + 60)
    await flow.start()
    warned = await flow.identify(LOGIN)
    assert warned.remediations == ["reenroll-authenticator-warning", "skip"], warned.body
    assert warned.body["currentAuthenticator"]["value"]["settings"]["daysToExpiry"] == 4
    assert warned.message_keys == ["idx.password.expiring.message"]
    skipped = await flow.post("/idp/idx/skip", {})
    assert "successWithInteractionCode" in skipped.body, skipped.body
    assert await status_of(client) == "ACTIVE"


async def test_an_expiring_password_can_be_changed_there(flow: Flow, client: Any) -> None:
    await org(client, max_age_days=90, expire_warn_days=10)
    await advance(client, 81 * DAY)
    await flow.start()
    await flow.identify(LOGIN)
    assert "successWithInteractionCode" in (await answer(flow, passcode=NEW_PASSWORD)).body
    assert await signs_in_at_once(client, NEW_PASSWORD)  # no warning for the new one


async def test_no_warning_before_the_warning_days(flow: Flow, client: Any) -> None:
    await org(client, max_age_days=90, expire_warn_days=10)
    await advance(client, 79 * DAY)
    assert await signs_in_at_once(client, PASSWORD)


async def test_the_expired_password_comes_before_the_second_factor(flow: Flow, client: Any) -> None:
    await load_org(client, [user(LOGIN, email={})], password_policy={"max_age_days": 1})
    await advance(client, DAY)
    await flow.start()
    assert (await flow.identify(LOGIN)).remediations == ["reenroll-authenticator"]
    after = await answer(flow, passcode=NEW_PASSWORD)
    assert after.remediations == ["select-authenticator-authenticate"], after.body


async def test_identifier_first_expired_password(flow: Flow, client: Any) -> None:
    await load_org(client, [user(LOGIN)], {"okta_password": "required"}, "one_factor", identifier_first=True)
    await control(client, "POST", f"/users/{LOGIN}/expire-password")
    await flow.start()
    await flow.post("/idp/idx/identify", {"identifier": LOGIN})
    expired = await answer(flow, passcode=PASSWORD)
    assert expired.remediations == ["reenroll-authenticator"], expired.body


async def test_expire_password_control_route_refusals(client: Any) -> None:
    await org(client)
    status, body = await control(client, "POST", "/users/nobody@example.com/expire-password")
    assert status == 404 and "error" in body
    response = await client.post(f"/_mock/v1/users/{LOGIN}/expire-password", data="x")
    assert response.status == 415
    response = await client.post(
        f"/_mock/v1/users/{LOGIN}/expire-password", data="[1]", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert await status_of(client) == "ACTIVE"
