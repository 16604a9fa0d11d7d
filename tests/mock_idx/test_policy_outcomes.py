"""Sign-on policy outcomes over HTTP, on both stores: the app's authentication policy denying access (by group, by app)
and an app asking for more than the policy (``acr_values``: step-up, the ``acr`` claim, a browser session stepped up
rather than reused) or for a recent sign-in (``max_age`` on the virtual clock), with Okta's answers to what cannot be
met or parsed. The embedded wire is driven as okta-auth-js drives it; the hosted one through the page's own forms.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp
import jwt
import pytest
from aiohttp.test_utils import TestClient

from mock_idx.control_client import ControlApiError
from mock_idx.model.authenticators import AuthenticatorKey
from mock_idx.pytest_plugin import MockIdx
from tests.mock_idx.test_authorize import Pkce, authorize, back_to_app, query, redeem
from tests.support import pkce
from tests.support.hosted_pages import (
    finish,
    landing,
    open_page,
    path_of,
    press,
    read,
    session_cookie,
    start,
    step,
    to_app,
)
from tests.support.idx import PASSWORD, Flow, Response, advance, control
from tests.support.idx_steps import answer, choose, load_org, newest_code, sent, snapshot, top_messages, user

Client = TestClient[Any, Any]
LOGIN = "someone@example.com"
MEMBER = "contractor@example.com"
DENIED_TEXT = "You do not have permission to perform the requested action."
ONE_FACTOR_ANY = "urn:okta:loa:1fa:any"
PASSWORD_ONLY = "urn:okta:loa:1fa:pwd"
TWO_FACTORS = "urn:okta:loa:2fa:any"
IF_POSSIBLE = "urn:okta:loa:2fa:any:ifpossible"
SUCCESS = "successWithInteractionCode"


def in_groups(login: str, *groups: str, **enrolled: Any) -> dict[str, Any]:
    return {**user(login, **enrolled), "groups": list(groups)}


def claims(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


async def tokens_of(flow: Flow) -> dict[str, Any]:
    response = await flow.exchange()
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def started(client: Client, client_id: str = "test-client", **interact: str) -> Flow:
    flow = Flow(client, client_id=client_id, interact_params=interact)
    await flow.start()
    return flow


async def interact_refusal(client: Client, **params: str) -> dict[str, Any]:
    """``/v1/interact`` refused: a 400 OAuth error, and no transaction opened."""
    response = await client.post(
        "/oauth2/default/v1/interact",
        data={
            "client_id": "test-client",
            "scope": "openid",
            "redirect_uri": "http://localhost:7777/callback",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
            **params,
        },
    )
    body: dict[str, Any] = await response.json()
    assert response.status == 400, body
    assert set(body) == {"error", "error_description"}
    return body


# --- access denied ----------------------------------------------------------------------------------------------------


async def test_a_deny_rule_for_a_group_ends_its_members_sign_in_with_access_denied(client: Client) -> None:
    await load_org(
        client,
        [in_groups(MEMBER, "contractors", email={}), in_groups(LOGIN, "staff", email={})],
        sign_on="one_factor",
        deny=[{"groups": ["contractors"]}],
    )
    flow = await started(client)
    before = await snapshot(flow)

    denied = await flow.identify(MEMBER)
    assert denied.status == 403
    assert set(denied.body) == {"version", "stateHandle", "expiresAt", "intent", "messages"}
    assert denied.message_keys == ["security.access_denied"] and top_messages(denied) == [DENIED_TEXT]
    assert denied.remediations == []
    assert await snapshot(flow) == before  # refused: the sign-in is as it was
    assert await sent(client, MEMBER) == []

    wrong_password = await flow.identify(MEMBER, "not-the-password")
    assert wrong_password.status == 400 and wrong_password.message_keys == ["errors.E0000004"]  # no enumeration

    other = await started(client)
    assert SUCCESS in (await other.identify(LOGIN)).body


async def test_a_deny_rule_for_an_app_denies_everyone_there_and_no_one_elsewhere(client: Client) -> None:
    await load_org(client, [user(LOGIN)], sign_on="one_factor", deny=[{"clients": ["locked-app"]}])
    locked = await started(client, "locked-app")
    denied = await locked.identify(LOGIN)
    assert denied.status == 403 and denied.message_keys == ["security.access_denied"]
    assert SUCCESS not in (await locked.introspect(stateToken=locked.state_handle)).body

    elsewhere = await started(client, "open-app")
    assert SUCCESS in (await elsewhere.identify(LOGIN)).body


async def test_a_rule_naming_groups_and_apps_denies_only_members_at_those_apps(client: Client) -> None:
    await load_org(
        client, [in_groups(MEMBER, "contractors")], sign_on="one_factor",
        deny=[{"groups": ["contractors"], "clients": ["payroll"]}],
    )  # fmt: skip
    assert (await (await started(client, "payroll")).identify(MEMBER)).status == 403
    assert SUCCESS in (await (await started(client, "wiki")).identify(MEMBER)).body


async def test_identifier_first_denies_after_the_password_not_at_the_username(client: Client) -> None:
    await load_org(
        client, [in_groups(MEMBER, "contractors")], sign_on="one_factor", identifier_first=True,
        deny=[{"groups": ["contractors"]}],
    )  # fmt: skip
    flow = await started(client)
    asked = await flow.post("/idp/idx/identify", {"identifier": MEMBER})
    assert asked.status == 200 and "challenge-authenticator" in asked.remediations  # the same page as anyone's
    wrong = await answer(flow, passcode="not-it")
    assert wrong.status == 401 and wrong.message_keys == ["incorrectPassword"]
    denied = await answer(flow, passcode=PASSWORD)
    assert denied.status == 403 and denied.message_keys == ["security.access_denied"]


async def test_the_hosted_page_shows_access_denied_and_sends_nothing_to_the_app(client: Client) -> None:
    await load_org(client, [in_groups(MEMBER, "contractors")], sign_on="one_factor", deny=[{"groups": ["contractors"]}])
    hosted = await start(client)
    page = await open_page(client, hosted.url)
    response = await press(client, page, "Sign in", identifier=MEMBER, password=PASSWORD)
    refused = await read(response)
    assert 400 <= refused.status < 500 and "Location" not in response.headers
    assert refused.alerts == [DENIED_TEXT]
    assert "sid" not in response.cookies


async def test_a_browser_session_is_not_reused_for_an_app_that_denies_its_user(client: Client) -> None:
    await load_org(
        client, [in_groups(MEMBER, "contractors")], sign_on="one_factor",
        deny=[{"groups": ["contractors"], "clients": ["payroll"]}],
    )  # fmt: skip
    sid = await hosted_session(client, MEMBER)
    back = back_to_app(await authorize(client, query("payroll"), sid=sid))
    assert back == {"error": "access_denied", "error_description": DENIED_TEXT, "state": "state-1"}
    assert set(back_to_app(await authorize(client, query("wiki"), sid=sid))) == {"code", "state"}


# --- acr_values: what the level adds to the policy, and the acr claim -------------------------------------------------


@pytest.mark.parametrize(
    ("sign_on", "level", "second_factor_asked"),
    [
        ("one_factor", None, False),
        ("one_factor", ONE_FACTOR_ANY, False),
        ("one_factor", PASSWORD_ONLY, False),
        ("one_factor", TWO_FACTORS, True),
        ("one_factor", IF_POSSIBLE, True),
        ("two_factors", ONE_FACTOR_ANY, True),  # the policy is evaluated first: a level never lowers it
        ("two_factors", TWO_FACTORS, True),
        ("when_enrolled", TWO_FACTORS, True),
    ],
)
async def test_levels_against_org_policies(client: Client, sign_on: str, level: str | None, second_factor_asked: bool):
    await load_org(client, [user(LOGIN, email={})], sign_on=sign_on)
    flow = await started(client, **({"acr_values": level} if level else {}))
    after_password = await flow.identify(LOGIN)
    assert (SUCCESS not in after_password.body) == second_factor_asked
    if second_factor_asked:
        assert "select-authenticator-authenticate" in after_password.remediations
        await choose(flow, client, AuthenticatorKey.EMAIL)
        done = await answer(flow, passcode=await newest_code(client, "email"))
        assert SUCCESS in done.body
    tokens = await tokens_of(flow)
    id_claims, access_claims = claims(tokens["id_token"]), claims(tokens["access_token"])
    if level is None:
        assert "acr" not in id_claims and "acr" not in access_claims  # as Okta's captures: no level, no claim
    else:
        assert id_claims["acr"] == level and access_claims["acr"] == level
    assert id_claims["amr"] == (["pwd", "email", "mfa"] if second_factor_asked else ["pwd"])


async def test_two_factors_enrolls_a_possession_factor_for_a_user_who_has_none(client: Client) -> None:
    await load_org(client, [user(LOGIN, security_question={"question_key": "disliked_food", "answer": "okra soup"})],
                   sign_on="one_factor")  # fmt: skip
    flow = await started(client, acr_values=TWO_FACTORS)
    after_password = await flow.identify(LOGIN)
    assert "select-authenticator-enroll" in after_password.remediations
    enrollable = after_password.remediation("select-authenticator-enroll")["value"][0]["options"]
    assert "Security Question" not in [option["label"] for option in enrollable]  # knowledge: not a second type


async def test_two_factors_if_possible_is_one_factor_for_a_user_with_no_second(client: Client) -> None:
    await load_org(client, [user(LOGIN)], sign_on="one_factor")
    flow = await started(client, acr_values=IF_POSSIBLE)
    assert SUCCESS in (await flow.identify(LOGIN)).body
    assert claims((await tokens_of(flow))["id_token"])["acr"] == IF_POSSIBLE


async def test_of_several_values_the_first_supported_is_chosen_and_unsupported_ones_ignored(client: Client) -> None:
    await load_org(client, [user(LOGIN, email={})], sign_on="one_factor")
    flow = await started(client, acr_values=f"urn:example:gold {TWO_FACTORS} {ONE_FACTOR_ANY}")
    assert "select-authenticator-authenticate" in (await flow.identify(LOGIN)).remediations

    ignored = await started(client, acr_values="urn:example:gold silver")  # Okta: unsupported values are ignored
    assert SUCCESS in (await ignored.identify(LOGIN)).body
    assert "acr" not in claims((await tokens_of(ignored))["id_token"])


async def test_a_refresh_keeps_the_acr_of_the_sign_in(client: Client) -> None:
    await load_org(client, [user(LOGIN)], sign_on="one_factor")
    flow = Flow(client, scope="openid offline_access", interact_params={"acr_values": PASSWORD_ONLY})
    await flow.start()
    await flow.identify(LOGIN)
    tokens = await tokens_of(flow)
    refreshed = await client.post(
        "/oauth2/default/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "test-client"},
    )
    assert refreshed.status == 200, await refreshed.text()
    assert claims((await refreshed.json())["id_token"])["acr"] == PASSWORD_ONLY


@pytest.mark.parametrize("level", ["phr", "phrh"])
async def test_phishing_resistant_levels_are_unmet_at_interact_and_authorize(client: Client, level: str) -> None:
    """Only WebAuthn (phr) and Okta Verify FastPass (phrh) meet them, and mock-idx models neither."""
    body = await interact_refusal(client, acr_values=level)
    assert body["error"] == "unmet_authentication_requirements"
    back = back_to_app(await authorize(client, query(acr_values=level)))
    assert back["error"] == "unmet_authentication_requirements" and back["state"] == "state-1"


async def test_two_factors_in_an_org_with_no_possession_authenticator_is_unmet(client: Client) -> None:
    only_knowledge = {"okta_password": "required", "security_question": "optional"}
    await load_org(client, [user(LOGIN)], enrollment=only_knowledge, sign_on="one_factor")
    assert (await interact_refusal(client, acr_values=TWO_FACTORS))["error"] == "unmet_authentication_requirements"
    flow = await started(client, acr_values=IF_POSSIBLE)  # "if possible": one factor then
    assert SUCCESS in (await flow.identify(LOGIN)).body


# --- hostile values ---------------------------------------------------------------------------------------------------

BAD_ACR_VALUES = ["x" * 513, "urn:okta:loa:2fa:any\n", "urn:okta:loa:2fa:any\x00", "\u00e9t\u00e9", "a\tb"]
BAD_MAX_AGES = ["-1", "soon", "1.5", "1e3", " 5", "+5", "0x10", "99999999999", "\u0663", "5 "]


@pytest.mark.parametrize("value", BAD_ACR_VALUES)
async def test_malformed_acr_values_are_invalid_request(client: Client, value: str) -> None:
    body = await interact_refusal(client, acr_values=value)
    assert body == {"error": "invalid_request", "error_description": "The 'acr_values' parameter is invalid."}
    back = back_to_app(await authorize(client, query(acr_values=value)))
    assert back["error"] == "invalid_request" and back["state"] == "state-1"


@pytest.mark.parametrize("value", BAD_MAX_AGES)
async def test_malformed_max_age_is_invalid_request(client: Client, value: str) -> None:
    body = await interact_refusal(client, max_age=value)
    assert body == {
        "error": "invalid_request",
        "error_description": "The 'max_age' parameter must be a non-negative integer.",
    }
    back = back_to_app(await authorize(client, query(max_age=value)))
    assert back["error"] == "invalid_request"


async def test_repeated_acr_values_or_max_age_are_refused(client: Client) -> None:
    for name, value in (("acr_values", TWO_FACTORS), ("max_age", "5")):
        response = await client.post(
            "/oauth2/default/v1/interact",
            data=[("client_id", "test-client"), ("redirect_uri", "http://localhost:7777/callback"), (name, value),
                  (name, value)],
        )  # fmt: skip
        assert response.status == 400 and (await response.json())["error"] == "invalid_request"


async def test_max_age_on_interact_is_taken_and_changes_nothing(client: Client) -> None:
    await load_org(client, [user(LOGIN)], sign_on="one_factor")
    flow = await started(client, max_age="0")
    assert SUCCESS in (await flow.identify(LOGIN)).body  # an embedded sign-in has no session to be too old


# --- a browser session: reused, stepped up, too old -------------------------------------------------------------------


async def hosted_session(client: Client, login: str = LOGIN, **asked: Any) -> str:
    """A browser session made on the hosted page by a one-factor sign-in (the org must let the password do); its sid."""
    hosted = await start(client, **asked)
    page = await open_page(client, hosted.url)
    response = await to_app(client, page, "Sign in", identifier=login, password=PASSWORD)
    assert set(landing(response)) == {"code", "state"}
    value: str = session_cookie(response).value
    return value


async def test_a_session_that_meets_the_level_is_reused_with_its_acr(client: Client) -> None:
    await load_org(client, [user(LOGIN, email={})], sign_on="one_factor")
    sid = await hosted_session(client)
    for level in (ONE_FACTOR_ANY, PASSWORD_ONLY):
        pair = Pkce(pkce.new_verifier())
        back = back_to_app(await authorize(client, query("test-client", pair, acr_values=level), sid=sid))
        tokens = await redeem(client, back["code"], pair)
        assert claims(tokens.id_token or "")["acr"] == level
    possible = await authorize(client, query(acr_values=IF_POSSIBLE), sid=sid)  # the user has email: stepped up
    assert possible.status == 302 and urlsplit(possible.headers["Location"]).path == "/signin"


async def test_a_session_below_the_level_is_stepped_up_on_the_hosted_page(client: Client) -> None:
    await load_org(client, [user(LOGIN, email={})], sign_on="one_factor")
    sid = await hosted_session(client)
    await advance(client, 30)

    silent = back_to_app(await authorize(client, query(acr_values=TWO_FACTORS, prompt="none"), sid=sid))
    assert silent["error"] == "login_required"

    pair = Pkce(pkce.new_verifier())
    response = await authorize(client, query("test-client", pair, acr_values=TWO_FACTORS), sid=sid)
    assert response.status == 302 and urlsplit(response.headers["Location"]).path == "/signin"
    page = await open_page(client, path_of(response.headers["Location"]))
    assert page.heading == "Verify it's you with a security method"  # no password asked again
    page = await step(client, page, "Email")
    done = await press(client, page, "Verify", code=await newest_code(client, "email"))
    landed = await finish(client, done.headers["Location"])
    params_back = landing(landed)
    assert params_back["state"] == "state-1"
    tokens = await redeem(client, params_back["code"], pair)
    id_claims = claims(tokens.id_token or "")
    assert id_claims["acr"] == TWO_FACTORS and id_claims["amr"] == ["pwd", "email", "mfa"]
    stepped_up_sid = session_cookie(landed).value
    assert stepped_up_sid != sid

    again = back_to_app(await authorize(client, query(acr_values=TWO_FACTORS, prompt="none"), sid=stepped_up_sid))
    assert set(again) == {"code", "state"}  # the stepped-up session meets it now


async def test_max_age_on_the_virtual_clock_and_auth_time_in_the_id_token(client: Client) -> None:
    await load_org(client, [user(LOGIN)], sign_on="one_factor")
    sid = await hosted_session(client)
    await advance(client, 200)
    pair = Pkce(pkce.new_verifier())
    back = back_to_app(await authorize(client, query("test-client", pair, max_age="300"), sid=sid))
    id_claims = claims((await redeem(client, back["code"], pair)).id_token or "")
    assert 200 <= id_claims["iat"] - id_claims["auth_time"] <= 205  # the sign-in was 200 virtual seconds ago

    await advance(client, 101)  # now 301 s after the sign-in
    too_old = await authorize(client, query(max_age="300"), sid=sid)
    assert too_old.status == 302 and urlsplit(too_old.headers["Location"]).path == "/signin"
    assert back_to_app(await authorize(client, query(max_age="300", prompt="none"), sid=sid))["error"] == (
        "login_required"
    )
    assert set(back_to_app(await authorize(client, query(max_age="400"), sid=sid))) == {"code", "state"}
    zero = await authorize(client, query(max_age="0"), sid=sid)
    assert urlsplit(zero.headers["Location"]).path == "/signin"


async def test_discovery_lists_the_acr_values_it_takes(client: Client) -> None:
    config = await (await client.get("/oauth2/default/.well-known/openid-configuration")).json()
    assert config["acr_values_supported"] == [ONE_FACTOR_ANY, PASSWORD_ONLY, TWO_FACTORS, IF_POSSIBLE, "phr", "phrh"]
    assert "acr" in config["claims_supported"]


@pytest.mark.parametrize(
    "rules", [[{"groups": "contractors"}], [{"clients": [""]}], [{"group": ["x"]}], [{"groups": ["g" * 201]}], "deny"]
)
async def test_a_malformed_deny_rule_is_refused_and_the_running_org_kept(client: Client, rules: Any) -> None:
    await load_org(client, [user(LOGIN)], sign_on="one_factor")
    scenario = {"settings": {"authenticators": {"deny": rules}}, "users": [user(LOGIN)]}
    status, body = await control(client, "PUT", "/scenario", json=scenario)
    assert status == 400, body
    assert SUCCESS in (await (await started(client)).identify(LOGIN)).body


# --- the pytest plugin ------------------------------------------------------------------------------------------------


async def plugin_sign_in(mock_idx: MockIdx, login: str, password: str, client_id: str = "test-client") -> Response:
    async with aiohttp.ClientSession(base_url=mock_idx.url) as http:
        flow = Flow(http, client_id=client_id)
        await flow.start()
        return await flow.identify(login, password)


async def test_the_plugin_puts_deny_rules_in_force_for_a_test(mock_idx: MockIdx) -> None:
    contractor = mock_idx.add_user(groups=["contractors"], okta_verify=False)
    staff = mock_idx.add_user(groups=["staff"], okta_verify=False)
    mock_idx.set_authenticators(sign_on="one_factor", deny=[{"groups": ["contractors"]}])
    denied = await plugin_sign_in(mock_idx, contractor.login, contractor.password)
    assert denied.status == 403 and denied.message_keys == ["security.access_denied"], denied.body
    assert SUCCESS in (await plugin_sign_in(mock_idx, staff.login, staff.password)).body

    mock_idx.set_authenticators(sign_on="one_factor", deny=[{"groups": ("contractors",), "clients": ("payroll",)}])
    assert SUCCESS in (await plugin_sign_in(mock_idx, contractor.login, contractor.password)).body  # another app
    denied = await plugin_sign_in(mock_idx, contractor.login, contractor.password, client_id="payroll")
    assert denied.status == 403, denied.body
    mock_idx.set_authenticators(sign_on="one_factor")  # no rules: nobody denied
    ok = await plugin_sign_in(mock_idx, contractor.login, contractor.password, client_id="payroll")
    assert SUCCESS in ok.body, ok.body


async def test_the_plugin_refuses_a_deny_rule_it_cannot_send_and_the_org_stays_as_it_was(mock_idx: MockIdx) -> None:
    contractor = mock_idx.add_user(groups=["contractors"], okta_verify=False)
    mock_idx.set_authenticators(sign_on="one_factor", deny=[{"groups": ["contractors"]}])
    with pytest.raises(TypeError, match="list of rules"):
        mock_idx.set_authenticators(deny={"groups": ["contractors"]})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match=r"deny.s groups is a list of group names"):
        mock_idx.set_authenticators(deny=[{"groups": "contractors"}])
    with pytest.raises(ControlApiError) as refused:
        mock_idx.set_authenticators(deny=[{"group": ["contractors"]}])  # Okta has no such key: the server refuses
    assert refused.value.status == 400
    assert (await plugin_sign_in(mock_idx, contractor.login, contractor.password)).status == 403
