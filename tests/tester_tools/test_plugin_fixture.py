"""The ``mock_idx`` fixture that mock-idx's pytest plugin gives its users: every method, its options, sync and async
use, and that it shuts its server down."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import aiohttp
import pyotp
import pytest

from mock_idx.control_client import MockIdxError
from mock_idx.pytest_plugin import MockIdx
from tests.support.idx_app import IdxApp

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.mock_idx(poll_refresh_ms=20)


def test_url_and_issuer_point_at_the_running_server(mock_idx: MockIdx) -> None:
    assert mock_idx.url.startswith("http://127.0.0.1:") and mock_idx.issuer == mock_idx.url + "/oauth2/default"
    with urllib.request.urlopen(mock_idx.issuer + "/.well-known/openid-configuration") as response:
        assert json.loads(response.read())["issuer"] == mock_idx.issuer


def test_add_user_makes_up_what_is_not_given(mock_idx: MockIdx, app: IdxApp) -> None:
    user = mock_idx.add_user()
    other = mock_idx.add_user()
    assert user.login != other.login and user.login.endswith("@example.com") and len(user.password) >= 12
    assert user.profile["name"] == f"{user.profile['firstName']} {user.profile['lastName']}"
    assert user.totp_secret is not None
    assert mock_idx.totp_code(user.login) == pyotp.TOTP(user.totp_secret).now()
    assert mock_idx.pushes(user.login) == []  # manual by default: nothing until a sign-in
    assert app.sign_in(user.login, "wrong password").status == "failed"


def test_add_user_takes_explicit_options(mock_idx: MockIdx, app: IdxApp) -> None:
    secret = pyotp.random_base32()
    user = mock_idx.add_user(
        "Kim@Example.com", "pw-123", profile={"name": "Kim K"}, methods=("totp",), totp_secret=secret
    )
    assert (user.login, user.password, user.totp_secret, user.profile["name"]) == (
        "Kim@Example.com",
        "pw-123",
        secret,
        "Kim K",
    )
    assert user.raw["authenticators"]["okta_verify"]["methods"] == ["totp"]
    assert (
        app.sign_in(user.login, user.password, method="totp", totp=lambda: pyotp.TOTP(secret).now()).status == "success"
    )
    plain = mock_idx.add_user(okta_verify=False)
    assert plain.totp_secret is None and app.sign_in(plain.login, plain.password).status == "success"
    scripted = mock_idx.add_user(push={"outcome": "deny", "after_polls": 2})
    result = app.sign_in(scripted.login, scripted.password)
    assert (result.status, result.polls) == ("denied", 3)


def test_approve_deny_and_wait_for_pushes(mock_idx: MockIdx, app: IdxApp) -> None:
    user = mock_idx.add_user(number_challenge=True)

    def phone(result) -> None:
        push = mock_idx.wait_for_push(user.login)
        assert mock_idx.pushes(user.login) == [push] and result.correct_answer in push["options"]
        assert mock_idx.approve_push(user.login, answer=result.correct_answer)["state"] == "approved"

    assert app.sign_in(user.login, user.password, on_push=phone).status == "success"
    denied = app.sign_in(user.login, user.password, on_push=lambda _: mock_idx.deny_push(user.login))
    assert denied.status == "denied"
    with pytest.raises(MockIdxError) as nothing_pending:
        mock_idx.approve_push(user.login)
    assert nothing_pending.value.status == 404
    with pytest.raises(TimeoutError):
        mock_idx.wait_for_push(user.login, timeout=0.05)


def test_advance_clock_expires_pushes_and_moves_codes(mock_idx: MockIdx, app: IdxApp) -> None:
    user = mock_idx.add_user(push="timeout")
    before = mock_idx.totp_code(user.login)
    result = app.sign_in(user.login, user.password, on_push=lambda _: mock_idx.advance_clock(301))
    assert result.status == "timed_out" and mock_idx.pushes(user.login) == []
    assert mock_idx.advance_clock(30)["offset_seconds"] == 331
    assert mock_idx.totp_code(user.login) != before


def test_journal_lists_requests_per_user(mock_idx: MockIdx, app: IdxApp) -> None:
    ann, bob = mock_idx.add_user(okta_verify=False), mock_idx.add_user(okta_verify=False)
    app.sign_in(ann.login, ann.password)
    app.sign_in(bob.login, bob.password)
    anns = mock_idx.journal(ann.login)
    assert {e["user"] for e in anns} == {ann.login}
    assert [e["path"] for e in anns if e["path"].startswith("/idp")] == ["/idp/idx/identify"]
    assert len(mock_idx.journal()) > len(anns) + len(mock_idx.journal(bob.login)) - 1


def test_fail_next_defaults(mock_idx: MockIdx) -> None:
    default = mock_idx.fail_next("/idp/idx/identify")
    assert (default["status"], default["times"], default["delay_ms"], default["user"]) == (500, 1, 0, None)
    slow = mock_idx.fail_next("/idp/idx/identify", delay=0.25, times=3, user="x@example.com")
    assert (slow["status"], slow["delay_ms"], slow["times"], slow["user"]) == (None, 250, 3, "x@example.com")


def test_load_scenario_by_name_and_path(mock_idx: MockIdx, tmp_path: Path) -> None:
    assert mock_idx.load_scenario("push-approved")["users"] == ["approve@example.com"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("users:\n  - login: a@example.com\n")
    with pytest.raises(MockIdxError, match=r"line 2: users\.0\.password: Field required"):
        mock_idx.load_scenario(broken)
    mock_idx.reset()
    assert [u["login"] for u in mock_idx.users()] == ["demo@example.com"]


@pytest.mark.mock_idx(scenario="push-denied", poll_refresh_ms=35)
def test_marker_options(mock_idx: MockIdx, app: IdxApp) -> None:
    result = app.sign_in("deny@example.com", "demo1234")
    assert (result.status, result.refresh_ms) == ("denied", 35)


@pytest.mark.parametrize("mock_idx", [{"scenario": "totp"}], indirect=True)
def test_indirect_parametrisation(mock_idx: MockIdx) -> None:
    assert [u["login"] for u in mock_idx.users()] == ["totp@example.com"]
    assert mock_idx.settings.poll_refresh_ms == 20  # the module's marker still applies


@pytest.mark.mock_idx(control_token="t0k")
def test_control_token_is_used_by_the_fixture(mock_idx: MockIdx) -> None:
    assert mock_idx.add_user().login
    assert mock_idx.device_url("a@example.com").endswith("/_mock/device/a%40example.com?token=t0k")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{mock_idx.url}/_mock/v1/users")
    with refused.value:
        assert refused.value.code == 401


async def test_works_in_async_tests(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(okta_verify=False)
    async with aiohttp.ClientSession() as http, http.get(f"{mock_idx.url}/_mock/v1/users/{user.login}") as response:
        assert (await response.json())["login"] == user.login


def test_fixture_stops_its_server_and_refuses_unknown_options_a_host_and_a_port(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        test_inner="""
        import pytest, urllib.request

        SEEN = []

        def test_first(mock_idx):
            SEEN.append(mock_idx.url)

        def test_server_is_gone():
            with pytest.raises(OSError):
                urllib.request.urlopen(SEEN[0] + "/_mock/v1/clock", timeout=5)

        @pytest.mark.mock_idx(pol_refresh_ms=10)
        def test_typo(mock_idx):
            pass

        @pytest.mark.mock_idx(port=8080)
        def test_a_port(mock_idx):
            pass

        @pytest.mark.parametrize("mock_idx", [{"host": "0.0.0.0"}], indirect=True)
        def test_a_host(mock_idx):
            pass
    """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=3)
    result.stdout.fnmatch_lines(["*mock_idx: unknown option(s) pol_refresh_ms*"])
    result.stdout.fnmatch_lines(
        ["*mock_idx: the fixture always listens on a free loopback port, so it takes no port;*"]
    )
    result.stdout.fnmatch_lines(
        ["*mock_idx: the fixture always listens on a free loopback port, so it takes no host;*"]
    )
