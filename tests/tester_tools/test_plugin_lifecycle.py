"""The plugin's account lifecycle: ``activate(login, send_email=...)`` gives the token a test passes to its app (and
the link it emails), ``suspend``/``unsuspend``/``deactivate`` move the user as Okta's admin API does, ``set_status``
sets any status, and a refused transition raises with Okta's code. Adding a user again is no way round a suspension's
sign-out."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mock_idx.control_client import ControlApiError
from mock_idx.pytest_plugin import MockIdx
from tests.support.idx_app import sign_in

NEW_USER = "new.hire@example.com"


def _staged_user(mock_idx: MockIdx, folder: Path) -> None:
    scenario = folder / "staged.yaml"
    scenario.write_text(
        f"users:\n  - {{login: {NEW_USER}, password: null, status: STAGED, authenticators: {{}}}}\n", encoding="utf-8"
    )
    mock_idx.load_scenario(scenario)


def test_activate_answers_the_token_and_emails_the_link(mock_idx: MockIdx, tmp_path: Path) -> None:
    _staged_user(mock_idx, tmp_path)
    activated = mock_idx.activate(NEW_USER)
    assert activated["user"]["status"] == "PROVISIONED"
    assert activated["activationUrl"] == f"{mock_idx.url}/welcome/{activated['activationToken']}"
    assert mock_idx.messages(NEW_USER, "email")[0]["link"] == activated["activationUrl"]


def test_activate_without_the_email(mock_idx: MockIdx, tmp_path: Path) -> None:
    _staged_user(mock_idx, tmp_path)
    assert mock_idx.activate(NEW_USER, send_email=False)["activationToken"]
    assert mock_idx.messages(NEW_USER) == []


def test_suspend_unsuspend_deactivate_and_set_status(mock_idx: MockIdx) -> None:
    login = mock_idx.add_user().login
    assert mock_idx.suspend(login)["status"] == "SUSPENDED"
    assert mock_idx.unsuspend(login)["status"] == "ACTIVE"
    assert mock_idx.deactivate(login)["status"] == "DEPROVISIONED"
    assert mock_idx.set_status(login, "LOCKED_OUT")["status"] == "LOCKED_OUT"
    assert mock_idx.user(login)["status"] == "LOCKED_OUT"


def test_a_refused_transition_raises_with_okta_s_code(mock_idx: MockIdx) -> None:
    login = mock_idx.add_user().login
    with pytest.raises(ControlApiError) as refused:
        mock_idx.activate(login)
    assert refused.value.status == 403
    assert refused.value.body["errors"][0]["errorCode"] == "E0000016"
    with pytest.raises(ControlApiError) as refused:
        mock_idx.unsuspend(login)
    assert refused.value.status == 400
    assert mock_idx.user(login)["status"] == "ACTIVE"


def _userinfo_status(issuer: str, access_token: str) -> int:
    request = urllib.request.Request(f"{issuer}/v1/userinfo", headers={"Authorization": f"Bearer {access_token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answered:
            return int(answered.status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_adding_a_suspended_then_unsuspended_user_again_revives_none_of_their_tokens(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user(push="approve")
    before = sign_in(mock_idx.issuer, user.login, user.password)
    assert before.status == "success" and before.tokens, before
    mock_idx.suspend(user.login)
    mock_idx.unsuspend(user.login)

    again = mock_idx.add_user(login=user.login, password=user.password, push="approve")
    assert again.id == user.id, "the same user, as Okta's id is for life"
    assert _userinfo_status(mock_idx.issuer, before.tokens["access_token"]) == 401
    after = sign_in(mock_idx.issuer, user.login, user.password)
    assert after.status == "success" and after.tokens, after
    assert _userinfo_status(mock_idx.issuer, after.tokens["access_token"]) == 200
