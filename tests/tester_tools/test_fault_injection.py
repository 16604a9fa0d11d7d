"""Fault and latency injection: rules hit only the route and user they name, answer in Okta's shapes, are counted,
reproducible when they pick a fraction of requests, and show up in the journal."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.error
import urllib.request
from urllib.parse import urlparse

import pytest

from mock_idx.control_client import MockIdxError
from mock_idx.model.faults import NO_FAULT, FaultDecision, FaultPlan, FaultRule
from mock_idx.pytest_plugin import MockIdx
from mock_idx.storage.memory import MemoryStore
from tests.support.idx_app import IdxApp, SignInOutcome

POLL = "/idp/idx/authenticators/poll"
pytestmark = pytest.mark.mock_idx(poll_refresh_ms=20)


# --- the model ---------------------------------------------------------------------------------------------------


def test_rule_matches_its_route_and_user_only() -> None:
    rule = FaultRule(route=POLL, user="Ann@example.com", status=429)
    assert rule.matches(POLL, "ann@EXAMPLE.com")
    assert not rule.matches(POLL, "bob@example.com") and not rule.matches(POLL, None)
    assert not rule.matches("/idp/idx/challenge", "ann@example.com")
    assert FaultRule(route="/oauth2/*/v1/token", status=500).matches("/oauth2/default/v1/token", None)


async def plan_of(*rules: FaultRule) -> FaultPlan:
    plan = FaultPlan(MemoryStore())
    for rule in rules:
        await plan.add(rule)
    return plan


async def decide(plan: FaultPlan, path: str) -> FaultDecision:
    return await plan.decide(path, None, await plan.concerns(path))


async def test_times_retires_the_rule_after_n_hits() -> None:
    plan = await plan_of(FaultRule(route=POLL, status=429, times=2))
    decisions = [await decide(plan, POLL) for _ in range(3)]
    assert [d.status for d in decisions] == [429, 429, None] and await plan.rules() == []


async def test_fraction_is_reproducible_per_seed_and_unaffected_by_other_traffic() -> None:
    async def hits(seed: int, noise: bool) -> list[int]:
        plan = await plan_of(FaultRule(route=POLL, status=503, fraction=0.3, seed=seed))
        chosen = []
        for index in range(200):
            if noise:
                await decide(plan, "/idp/idx/challenge")
            if (await decide(plan, POLL)).fails:
                chosen.append(index)
        return chosen

    assert await hits(7, noise=False) == await hits(7, noise=True)
    assert await hits(7, noise=False) != await hits(8, noise=False)
    assert 30 < len(await hits(7, noise=False)) < 90


async def test_delays_add_up_and_the_first_failing_rule_decides() -> None:
    plan = await plan_of(
        FaultRule(route=POLL, delay_ms=100),
        FaultRule(route=POLL, drop=True, delay_ms=50),
        FaultRule(route=POLL, status=500),
    )
    decision = await decide(plan, POLL)
    assert (decision.delay_ms, decision.drop, decision.status) == (150, True, None)
    assert decision.rule_ids == ("flt1", "flt2", "flt3")
    assert decision.note() == "fault flt1, flt2, flt3: delayed 150 ms, connection dropped"
    assert await decide(plan, "/elsewhere") is NO_FAULT


# --- on the wire -------------------------------------------------------------------------------------------------


def test_a_users_poll_fault_hits_only_that_users_polls(mock_idx: MockIdx, app: IdxApp) -> None:
    ann, bob = mock_idx.add_user(push="approve"), mock_idx.add_user(push="approve")
    rule = mock_idx.fail_next(POLL, status=429, user=ann.login, times=2)
    assert (rule["route"], rule["user"], rule["remaining"]) == (POLL, ann.login, 2)

    bob_result = app.sign_in(bob.login, bob.password)
    ann_result = app.sign_in(ann.login, ann.password)
    assert (bob_result.status, bob_result.rate_limited) == ("success", 0)
    assert (ann_result.status, ann_result.rate_limited) == ("success", 2)
    faulted = [e for e in mock_idx.journal() if e["note"]]
    assert [(e["path"], e["user"], e["status"]) for e in faulted] == [(POLL, ann.login, 429)] * 2
    assert faulted[0]["note"] == f"fault {rule['id']}: answered 429" and faulted[0]["transaction"]
    assert mock_idx.faults() == []


def test_idx_rate_limit_is_an_ion_message_with_rate_limit_headers(mock_idx: MockIdx) -> None:
    mock_idx.fail_next("/idp/idx/introspect", status=429)
    status, headers, body = _post(mock_idx, "/idp/idx/introspect", b'{"interactionHandle": "x"}')
    assert status == 429 and headers["Content-Type"] == "application/ion+json; okta-version=1.0.0"
    assert body["messages"]["value"][0]["i18n"]["key"] == "tooManyRequests"
    assert body["messages"]["value"][0]["message"] == "Too many requests"
    assert headers["X-Rate-Limit-Limit"] and headers["X-Rate-Limit-Remaining"] == "0"
    assert int(headers["X-Rate-Limit-Reset"]) > 0


def test_oauth_rate_limit_is_okta_classic_error(mock_idx: MockIdx) -> None:
    mock_idx.fail_next("/oauth2/default/v1/token", status=429)
    status, headers, body = _post(
        mock_idx, "/oauth2/default/v1/token", b"grant_type=x", "application/x-www-form-urlencoded"
    )
    assert status == 429 and headers["X-Rate-Limit-Remaining"] == "0"
    assert body["errorCode"] == "E0000047"
    assert body["errorSummary"] == "API call exceeded rate limit due to too many requests."


@pytest.mark.parametrize(
    ("path", "status", "expect"),
    [
        ("/idp/idx/introspect", 503, lambda b: b["messages"]["value"][0]["message"] == "Service Unavailable"),
        ("/oauth2/default/v1/token", 503, lambda b: b["error"] == "temporarily_unavailable"),
        ("/oauth2/default/v1/token", 500, lambda b: b["error"] == "server_error"),
        ("/_mock/v1/clock", 502, lambda b: b["errorCode"] == "E0000009" and b["errorSummary"] == "Bad Gateway"),
    ],
)
def test_server_errors_speak_each_areas_language(mock_idx: MockIdx, path: str, status: int, expect) -> None:
    mock_idx.fail_next(path, status=status)
    answer_status, _, body = _post(mock_idx, path, b"{}")
    assert answer_status == status and expect(body)
    assert _post(mock_idx, path, b"{}")[0] != status  # only the next one


def test_dropped_connection_closes_without_an_answer(mock_idx: MockIdx) -> None:
    mock_idx.fail_next("/oauth2/default/v1/keys", drop=True)
    parsed = urlparse(mock_idx.url)
    assert parsed.hostname is not None
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    connection.request("GET", "/oauth2/default/v1/keys")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        connection.getresponse()
    connection.close()
    with urllib.request.urlopen(f"{mock_idx.url}/oauth2/default/v1/keys") as answered:
        assert answered.status == 200
    dropped = [e for e in mock_idx.journal() if e["path"] == "/oauth2/default/v1/keys"]
    assert [(e["status"], e["note"].endswith("connection dropped")) for e in dropped] == [(444, True), (200, False)]


def test_delay_lets_the_request_through_and_is_noted(mock_idx: MockIdx, app: IdxApp) -> None:
    user = mock_idx.add_user(push="approve")
    mock_idx.fail_next("/idp/idx/identify", delay=0.05, user=user.login)
    assert app.sign_in(user.login, user.password).status == "success"
    identify = [e for e in mock_idx.journal(user.login) if e["path"] == "/idp/idx/identify"]
    assert identify[0]["status"] == 200 and identify[0]["note"].endswith("delayed 50 ms")


def test_token_endpoint_fault_finds_the_user_by_interaction_code(mock_idx: MockIdx, app: IdxApp) -> None:
    ann, bob = mock_idx.add_user(okta_verify=False), mock_idx.add_user(okta_verify=False)
    mock_idx.fail_next("/oauth2/default/v1/token", status=503, user=ann.login, times=None)
    assert app.sign_in(bob.login, bob.password).status == "success"
    assert app.sign_in(ann.login, ann.password).status == "failed"


def test_control_routes_are_faulted_by_the_login_in_their_path(mock_idx: MockIdx) -> None:
    ann, bob = mock_idx.add_user(), mock_idx.add_user()
    mock_idx.fail_next("/_mock/v1/users/*/totp", status=500, user=ann.login)
    assert len(mock_idx.totp_code(bob.login)) == 6
    with pytest.raises(MockIdxError) as caught:
        mock_idx.totp_code(ann.login)
    assert caught.value.status == 500


def test_rules_are_listed_deleted_and_validated(mock_idx: MockIdx) -> None:
    first = mock_idx.add_fault(route=POLL, status=503, fraction=0.5, seed=3)
    second = mock_idx.fail_next("/idp/idx/identify", delay=1)
    assert [r["id"] for r in mock_idx.faults()] == [first["id"], second["id"]]
    assert (first["times"], first["fraction"], first["seed"], second["delay_ms"]) == (None, 0.5, 3, 1000)
    assert mock_idx._call("DELETE", f"/faults/{first['id']}") == {"deleted": 1}
    with pytest.raises(MockIdxError) as missing:
        mock_idx._call("DELETE", f"/faults/{first['id']}")
    assert missing.value.status == 404
    mock_idx.clear_faults()
    assert mock_idx.faults() == []
    for bad in (
        {"route": POLL, "status": 404},
        {"route": "relative", "status": 500},
        {"route": POLL},
        {"route": POLL, "status": 500, "fraction": 1.5},
        {"route": POLL, "status": 500, "colour": "red"},
    ):
        with pytest.raises(MockIdxError) as caught:
            mock_idx.add_fault(**bad)
        assert caught.value.status == 400 and caught.value.body["errors"], bad


def test_the_faults_api_itself_cannot_be_faulted(mock_idx: MockIdx) -> None:
    mock_idx.fail_next("/_mock/v1/*", status=500, times=None)
    mock_idx.clear_faults()
    assert mock_idx.faults() == []


def test_scenario_faults_apply_from_the_start_and_again_after_reset(mock_idx: MockIdx, app: IdxApp) -> None:
    mock_idx.load_scenario("mixed")
    assert [(r["user"], r["status"]) for r in mock_idx.faults()] == [("flaky@example.com", 429)]
    assert app.sign_in("approve@example.com", "demo1234").rate_limited == 0
    assert app.sign_in("flaky@example.com", "demo1234").rate_limited == 1
    assert mock_idx.faults() == []


def test_concurrent_sign_ins_each_see_only_their_own_fault(mock_idx: MockIdx, app: IdxApp) -> None:
    users = [mock_idx.add_user(push={"outcome": "approve", "after_polls": 3}) for _ in range(3)]
    mock_idx.fail_next(POLL, status=429, user=users[1].login, times=2)
    results: dict[str, SignInOutcome] = {}
    threads = [
        threading.Thread(target=lambda u=u: results.__setitem__(u.login, app.sign_in(u.login, u.password)))
        for u in users
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [(results[u.login].status, results[u.login].rate_limited) for u in users] == [
        ("success", 0),
        ("success", 2),
        ("success", 0),
    ]


def _post(mock_idx: MockIdx, path: str, body: bytes, content_type: str = "application/json"):
    request = urllib.request.Request(mock_idx.url + path, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, json.loads(error.read())
