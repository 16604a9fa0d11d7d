"""The fake inbox and phone without HTTP: what each composer writes, and which messages the outbox lists (newest
first, one channel or all, expired ones left out, the newest 50 kept)."""

from __future__ import annotations

from dataclasses import replace

from mock_idx.model.outbox import (
    ACTIVATION_SUBJECT,
    MESSAGES_PER_USER,
    VERIFICATION_SUBJECT,
    Channel,
    Message,
    Outbox,
    okta_verify_activation_email,
    okta_verify_activation_sms,
    verification_call,
    verification_email,
    verification_sms,
)
from mock_idx.storage.memory import MemoryStore

LOGIN = "ada@example.com"
LINK = "http://127.0.0.1:8080/email/verify/abc?token=xyz"
NOW = 1_700_000_000.0


# --- the texts -------------------------------------------------------------------------------------------------------


def test_the_email_challenge_has_the_sign_in_link_and_the_code_instead():
    email = verification_email(LOGIN, "ada@mail.test", "482193", LINK, NOW, 300.0, "Acme")
    assert (email.channel, email.to, email.subject) == (Channel.EMAIL, "ada@mail.test", VERIFICATION_SUBJECT)
    assert (email.code, email.link, email.sent_at, email.expires_at) == ("482193", LINK, NOW, NOW + 300.0)
    assert "sign in to Acme" in email.body
    assert f"Sign In: {LINK}" in email.body
    assert "Enter a code instead: 482193" in email.body
    assert "expires in 5 minutes" in email.body
    assert email.id.startswith("msg") and len(email.id) == 20


def test_an_email_without_a_link_carries_only_the_code():
    email = verification_email(LOGIN, LOGIN, "482193", None, NOW, 600.0, "Acme")
    assert email.link is None and email.code == "482193"
    assert "Sign In" not in email.body and "http" not in email.body
    assert "Enter this code: 482193" in email.body and "expires in 10 minutes" in email.body


def test_a_lifetime_under_a_minute_still_reads_as_a_whole_minute():
    assert "expires in 1 minute." in verification_email(LOGIN, LOGIN, "1", LINK, NOW, 20.0).body


def test_the_sms_says_the_code():
    sms = verification_sms(LOGIN, "+14155550100", "482193", NOW, 300.0, "Acme")
    assert (sms.channel, sms.to, sms.subject, sms.code, sms.link) == (Channel.SMS, "+14155550100", "", "482193", None)
    assert sms.body == "Your Acme verification code is 482193."


def test_the_call_reads_the_code_digit_by_digit_twice():
    call = verification_call(LOGIN, "+14155550100", "482193", NOW, 300.0, "Acme")
    assert call.channel is Channel.VOICE and call.code == "482193"
    assert call.body.count("4, 8, 2, 1, 9, 3") == 2
    assert "482193" not in call.body


def test_the_okta_verify_activation_carries_the_link_and_no_code():
    email = okta_verify_activation_email(LOGIN, "ada@mail.test", LINK, NOW, 900.0)
    assert (email.channel, email.subject, email.code, email.link) == (Channel.EMAIL, ACTIVATION_SUBJECT, None, LINK)
    assert LINK in email.body and "expires in 15 minutes" in email.body
    sms = okta_verify_activation_sms(LOGIN, "+14155550100", LINK, NOW, 900.0)
    assert (sms.channel, sms.code, sms.link) == (Channel.SMS, None, LINK)
    assert LINK in sms.body and "Okta Verify" in sms.body


# --- the outbox ------------------------------------------------------------------------------------------------------


def a_code(code: str, sent_at: float = NOW, lifetime: float = 300.0, channel: Channel = Channel.EMAIL) -> Message:
    if channel is Channel.EMAIL:
        return verification_email(LOGIN, LOGIN, code, LINK, sent_at, lifetime)
    return replace(verification_sms(LOGIN, "+14155550100", code, sent_at, lifetime), channel=channel)


async def test_messages_are_listed_newest_first_and_by_channel():
    outbox = Outbox(MemoryStore())
    first, second = a_code("111111", NOW), a_code("222222", NOW + 10, channel=Channel.SMS)
    third = a_code("333333", NOW + 20, channel=Channel.VOICE)
    for message in (first, second, third):
        assert await outbox.send(message) == message
    assert await outbox.messages(LOGIN, NOW + 30) == [third, second, first]
    assert await outbox.messages(LOGIN.upper(), NOW + 30, Channel.SMS) == [second]
    assert await outbox.messages(LOGIN, NOW + 30, Channel.EMAIL) == [first]
    assert await outbox.messages("someone@example.com", NOW + 30) == []


async def test_of_two_sent_in_the_same_instant_the_later_is_listed_first():
    outbox = Outbox(MemoryStore())
    earlier, later = a_code("111111"), a_code("222222")
    await outbox.send(earlier)
    await outbox.send(later)
    assert [m.code for m in await outbox.messages(LOGIN, NOW)] == ["222222", "111111"]


async def test_a_message_is_listed_until_it_expires_on_the_virtual_clock():
    outbox = Outbox(MemoryStore())
    short, long = a_code("111111", lifetime=60.0), a_code("222222", lifetime=600.0)
    await outbox.send(short)
    await outbox.send(long)
    assert [m.code for m in await outbox.messages(LOGIN, NOW + 59.9)] == ["222222", "111111"]
    assert [m.code for m in await outbox.messages(LOGIN, NOW + 60.0)] == ["222222"]
    assert await outbox.messages(LOGIN, NOW + 600.0) == []


async def test_only_the_newest_messages_are_kept():
    outbox = Outbox(MemoryStore())
    for n in range(MESSAGES_PER_USER + 3):
        await outbox.send(a_code(f"{n:06d}", NOW + n))
    listed = await outbox.messages(LOGIN, NOW)
    assert len(listed) == MESSAGES_PER_USER
    assert listed[0].code == f"{MESSAGES_PER_USER + 2:06d}" and listed[-1].code == "000003"
