"""Sign-ins running at the same moment, under users whose phones behave differently, do not affect each other."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from mock_idx.pytest_plugin import MockIdx
from tests.support.idx_app import IdxApp, SignInOutcome

pytestmark = pytest.mark.mock_idx(poll_refresh_ms=20)


def test_approving_and_denying_phones_side_by_side(mock_idx: MockIdx, app: IdxApp) -> None:
    approver = mock_idx.add_user(push={"outcome": "approve", "after_polls": 4})
    denier = mock_idx.add_user(push={"outcome": "deny", "after_polls": 2})
    with ThreadPoolExecutor(2) as pool:
        approved = pool.submit(app.sign_in, approver.login, approver.password)
        denied = pool.submit(app.sign_in, denier.login, denier.password)
        results = approved.result(30), denied.result(30)
    assert [r.status for r in results] == ["success", "denied"]
    assert results[0].tokens is not None and results[1].tokens is None
    timelines = {e["user"]: e["transaction"] for e in mock_idx.journal() if e["path"].endswith("/poll")}
    assert len(set(timelines.values())) == 2


def test_a_person_answering_one_phone_leaves_the_other_waiting(mock_idx: MockIdx, app: IdxApp) -> None:
    """Two manual users sign in at once: approving the first one's push must not touch the second's."""
    first, second = mock_idx.add_user(), mock_idx.add_user()
    with ThreadPoolExecutor(2) as pool:
        first_sign_in = pool.submit(app.sign_in, first.login, first.password)
        second_sign_in = pool.submit(app.sign_in, second.login, second.password, max_polls=400)
        mock_idx.wait_for_push(first.login)
        waiting = mock_idx.wait_for_push(second.login)
        mock_idx.approve_push(first.login)
        assert first_sign_in.result(30).status == "success"
        assert [p["id"] for p in mock_idx.pushes(second.login)] == [waiting["id"]]
        mock_idx.deny_push(second.login)
        second_result: SignInOutcome = second_sign_in.result(30)
    assert second_result.status == "denied"


def test_a_wrong_number_on_one_phone_does_not_deny_another(mock_idx: MockIdx, app: IdxApp) -> None:
    wrong = mock_idx.add_user(
        push={"outcome": "approve", "after_polls": 1, "number_answer": "wrong"}, number_challenge=True
    )
    right = mock_idx.add_user(push={"outcome": "approve", "after_polls": 1}, number_challenge=True)
    with ThreadPoolExecutor(2) as pool:
        results = [
            f.result(30)
            for f in (
                pool.submit(app.sign_in, wrong.login, wrong.password),
                pool.submit(app.sign_in, right.login, right.password),
            )
        ]
    assert [r.status for r in results] == ["denied", "success"]
    assert all(r.correct_answer is not None for r in results)
