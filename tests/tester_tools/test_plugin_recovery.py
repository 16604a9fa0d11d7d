"""Password recovery and expiry through the pytest plugin's ``mock_idx`` fixture: ``reset_code`` (the newest
recovery code, not any code) and ``expire_password``."""

from __future__ import annotations

import pytest

from mock_idx import NoMessage
from mock_idx.model.outbox import recovery_email, verification_email
from mock_idx.pytest_plugin import MockIdx
from tests.tester_tools.test_plugin_messages import LINK, send


def test_reset_code_is_the_newest_recovery_emails_code(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    with pytest.raises(NoMessage):
        mock_idx.reset_code(user.login)
    send(mock_idx, recovery_email, user.login, user.login, "111111", LINK)
    send(mock_idx, verification_email, user.login, user.login, "222222", LINK)  # a sign-in's code, not a reset's
    assert mock_idx.reset_code(user.login) == "111111"
    assert mock_idx.last_code(user.login) == "222222"


def test_expire_password_sets_the_status(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    assert mock_idx.expire_password(user.login)["status"] == "PASSWORD_EXPIRED"
    assert mock_idx.user(user.login)["status"] == "PASSWORD_EXPIRED"
