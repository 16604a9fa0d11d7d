"""Okta Verify TOTP: real RFC 6238 codes from each user's own secret, drift, wrong and replayed codes."""

from __future__ import annotations

import pyotp

from tests.support.idx import Flow, control, put_user, totp_now

LOGIN = "grace@example.com"


async def totp_step(client, flow: Flow, **user_options):
    user = await put_user(client, LOGIN, **user_options)
    await flow.start()
    await flow.identify(LOGIN)
    page = await flow.choose("totp")
    return user["authenticators"]["okta_verify"]["totp"]["secret"], page


async def test_code_page_asks_for_credentials_totp_related_to_the_current_authenticator(client, flow: Flow):
    _, page = await totp_step(client, flow)
    challenge = page.remediation("challenge-authenticator")
    assert challenge["href"].endswith("/idp/idx/challenge/answer")
    assert challenge["relatesTo"] == ["$.currentAuthenticator"]
    credentials = challenge["value"][0]
    assert credentials["name"] == "credentials" and credentials["form"]["value"][0]["name"] == "totp"
    assert page.body["currentAuthenticator"]["value"]["key"] == "okta_verify"


async def test_the_current_code_signs_in(client, flow: Flow):
    secret, _ = await totp_step(client, flow)
    done = await flow.answer(totp_now(secret))
    assert "successWithInteractionCode" in done.body


async def test_control_api_shows_the_same_code_the_secret_produces(client, flow: Flow):
    secret, _ = await totp_step(client, flow)
    _, shown = await control(client, "GET", f"/users/{LOGIN}/totp")
    assert shown["code"] in {totp_now(secret), totp_now(secret, -1), totp_now(secret, 1)}
    assert 1 <= shown["seconds_left"] <= 30


async def test_one_step_of_drift_is_accepted_but_two_are_not(client, flow: Flow):
    secret, _ = await totp_step(client, flow)
    assert (await flow.answer(totp_now(secret, 2))).status == 401
    assert "successWithInteractionCode" in (await flow.answer(totp_now(secret, -1))).body


async def test_a_wrong_code_is_a_401_with_the_message_on_the_totp_field(client, flow: Flow):
    secret, _ = await totp_step(client, flow)
    wrong = "000000" if totp_now(secret) != "000000" else "111111"
    refused = await flow.answer(wrong)
    assert refused.status == 401
    assert refused.remediations[0] == "challenge-authenticator"
    field = refused.remediation("challenge-authenticator")["value"][0]["form"]["value"][0]
    [message] = field["messages"]["value"]
    assert message["i18n"]["key"] == "api.authn.error.PASSCODE_INVALID"
    assert message["message"] == "Invalid code. Try again."
    assert "successWithInteractionCode" in (await flow.answer(totp_now(secret))).body, "the user can try again"


async def test_the_same_code_twice_is_refused(client, new_flow):
    secret, _ = await totp_step(client, first := new_flow())
    code = totp_now(secret)
    assert "successWithInteractionCode" in (await first.answer(code)).body

    second = new_flow()
    await second.start()
    await second.identify(LOGIN)
    await second.choose("totp")
    replayed = await second.answer(code)
    assert replayed.status == 403
    field = replayed.remediation("challenge-authenticator")["value"][0]["form"]["value"][0]
    assert field["messages"]["value"][0]["i18n"]["key"] == "authfactor.challenge.soft_token.used_passcode"


async def test_a_scenario_secret_is_used_as_given(client, flow: Flow):
    secret = pyotp.random_base32()
    response = await client.put(
        f"/_mock/v1/users/{LOGIN}",
        json={"password": "pw", "authenticators": {"okta_verify": {"methods": ["totp"], "totp": {"secret": secret}}}},
    )
    assert (await response.json())["authenticators"]["okta_verify"]["totp"]["secret"] == secret
    await flow.start()
    await flow.identify(LOGIN, "pw")
    page = await flow.choose()
    methods = page.remediation("authenticator-verification-data")["value"][0]["form"]["value"][1]["options"]
    assert [m["value"] for m in methods] == ["totp"], "only enrolled methods are offered"
    await flow.choose("totp")
    assert "successWithInteractionCode" in (await flow.answer(totp_now(secret))).body


async def test_totp_follows_the_virtual_clock(client, flow: Flow):
    secret, _ = await totp_step(client, flow)
    await control(client, "POST", "/clock/advance", json={"seconds": 300})
    assert (await flow.answer(totp_now(secret))).status == 401, "a code from 5 minutes ago is stale"
    assert "successWithInteractionCode" in (await flow.answer(totp_now(secret, clock_offset=300))).body
