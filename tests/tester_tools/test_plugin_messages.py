"""The fake inbox and phone through the pytest plugin's ``mock_idx`` fixture (a ``ControlClient``): ``messages``,
``last_code`` and ``inbox_url``. The IDX steps do not send messages yet, so the tests send them through the engine on
the server's own loop (``server.run``), as those steps will."""

from __future__ import annotations

import re
import urllib.request

import pytest

from mock_idx import NoMessage
from mock_idx.control_client import ControlApiError
from mock_idx.model.outbox import (
    Message,
    okta_verify_activation_email,
    verification_call,
    verification_email,
    verification_sms,
)
from mock_idx.pytest_plugin import MockIdx
from mock_idx.web.app_keys import ENGINE

LINK = "http://127.0.0.1/email/verify/x?token=t"
PHONE = "+14155550100"


def send(mock_idx: MockIdx, compose, *args: object) -> Message:
    """Compose a message with the server's current (virtual) time and send it, on the server's loop."""
    assert mock_idx.server.app is not None
    engine = mock_idx.server.app[ENGINE]

    async def sending() -> Message:
        now = await engine.now()
        message: Message = await engine.outbox.send(compose(*args, now, 300.0))
        return message

    sent: Message = mock_idx.server.run(sending)
    return sent


def test_last_code_is_the_newest_code_on_the_channel(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    send(mock_idx, verification_email, user.login, user.login, "111111", LINK)
    send(mock_idx, verification_sms, user.login, PHONE, "222222")
    send(mock_idx, verification_email, user.login, user.login, "333333", None)
    send(mock_idx, verification_call, user.login, PHONE, "444444")
    assert mock_idx.last_code(user.login) == "333333"
    assert mock_idx.last_code(user.login, channel="sms") == "222222"
    assert mock_idx.last_code(user.login, channel="voice") == "444444"


def test_messages_lists_them_newest_first_with_code_and_link(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user("kim@example.com")
    email = send(mock_idx, verification_email, user.login, user.login, "111111", LINK)
    sms = send(mock_idx, verification_sms, user.login, PHONE, "222222")
    everything = mock_idx.messages(user.login)
    assert [(m["id"], m["channel"], m["code"]) for m in everything] == [
        (sms.id, "sms", "222222"),
        (email.id, "email", "111111"),
    ]
    assert [m["link"] for m in mock_idx.messages(user.login, channel="email")] == [LINK]
    assert mock_idx.messages(user.login, channel="voice") == []


def test_a_newer_message_without_a_code_does_not_hide_the_code(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    send(mock_idx, verification_email, user.login, user.login, "111111", LINK)
    send(mock_idx, okta_verify_activation_email, user.login, user.login, "http://127.0.0.1/activate")
    assert mock_idx.last_code(user.login) == "111111"


def test_last_code_says_clearly_when_there_is_none(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    with pytest.raises(NoMessage, match=f"no email message was sent to {re.escape(user.login)}"):
        mock_idx.last_code(user.login)
    send(mock_idx, okta_verify_activation_email, user.login, user.login, "http://127.0.0.1/activate")
    with pytest.raises(NoMessage, match=r"none of the 1 email message.* carries a code.*Activate Okta Verify"):
        mock_idx.last_code(user.login)
    send(mock_idx, verification_sms, user.login, PHONE, "222222")
    mock_idx.advance_clock(301)
    with pytest.raises(NoMessage, match="no sms message"):
        mock_idx.last_code(user.login, channel="sms")


def test_an_unknown_user_or_channel_is_refused(mock_idx: MockIdx) -> None:
    with pytest.raises(ControlApiError) as unknown:
        mock_idx.last_code("ghost@example.com")
    assert unknown.value.status == 404
    user = mock_idx.add_user()
    with pytest.raises(ControlApiError) as bad_channel:
        mock_idx.messages(user.login, channel="pigeon")
    assert bad_channel.value.status == 400 and "channel must be one of" in str(bad_channel.value)


def test_the_inbox_url_opens_the_user_s_inbox(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    send(mock_idx, verification_email, user.login, user.login, "135790", LINK)
    with urllib.request.urlopen(mock_idx.inbox_url(user.login)) as response:
        assert response.status == 200 and "135790" in response.read().decode()


@pytest.mark.mock_idx(control_token="s3cret")
def test_with_a_control_token_the_helpers_and_the_inbox_url_carry_it(mock_idx: MockIdx) -> None:
    user = mock_idx.add_user()
    send(mock_idx, verification_sms, user.login, PHONE, "246802")
    assert mock_idx.last_code(user.login, channel="sms") == "246802"
    assert mock_idx.inbox_url(user.login).endswith("?token=s3cret")
    with urllib.request.urlopen(mock_idx.inbox_url(user.login)) as response:
        assert response.status == 200
