"""Resend limits: Okta's 30-second rule per phone number, its send windows, the time to wait, and a bounded memory of
send times; all on numbers the caller passes in (virtual time), nothing kept between calls."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mock_idx.model.resend_limits import (
    ALLOWED,
    OKTA_RESEND_POLICIES,
    Channel,
    Refusal,
    ResendPolicy,
    Verdict,
    Window,
    policy_for,
)

T0 = 1_800_000_000.0


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.VOICE, Channel.EMAIL])
def test_the_first_send_is_allowed(channel):
    assert policy_for(channel).decide(T0, []) == ALLOWED
    assert ALLOWED.allowed and ALLOWED.retry_after == 0


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.VOICE])
def test_a_phone_gets_one_code_every_30_seconds(channel):
    policy = policy_for(channel)
    assert policy.decide(T0 + 29.5, [T0]) == Verdict(Refusal.TOO_SOON, 0.5)
    assert policy.decide(T0 + 10, [T0]) == Verdict(Refusal.TOO_SOON, 20)
    assert policy.decide(T0 + 30, [T0]).allowed, "the widget offers 'Send again' after 30 s: that click must work"
    assert policy.decide(T0 + 31, [T0]).allowed


def test_the_30_seconds_count_from_the_latest_send_whatever_the_order_given():
    policy = policy_for(Channel.SMS)
    assert policy.decide(T0 + 40, [T0 + 20, T0]) == Verdict(Refusal.TOO_SOON, 10)


def test_email_has_no_minimum_gap():
    assert policy_for(Channel.EMAIL).decide(T0, [T0, T0 - 1]).allowed


def test_email_allows_30_per_recipient_per_minute():
    policy = policy_for(Channel.EMAIL)
    sent = [T0 + second for second in range(30)]
    assert policy.decide(T0 + 30, sent) == Verdict(Refusal.LIMIT_REACHED, 30)
    assert policy.decide(T0 + 59.9, sent).refusal is Refusal.LIMIT_REACHED
    assert policy.decide(T0 + 60, sent).allowed, "the oldest send has left the minute"
    assert policy.decide(T0 + 30, sent[1:]).allowed


def test_okta_s_numbers():
    assert OKTA_RESEND_POLICIES[Channel.SMS] == ResendPolicy(min_gap_seconds=30, window=Window(15, 300))
    assert OKTA_RESEND_POLICIES[Channel.VOICE] == ResendPolicy(min_gap_seconds=30, window=Window(15, 300))
    assert OKTA_RESEND_POLICIES[Channel.EMAIL] == ResendPolicy(window=Window(30, 60))
    with pytest.raises(TypeError):
        OKTA_RESEND_POLICIES[Channel.SMS] = ResendPolicy()  # type: ignore[index]


def test_a_window_counts_only_sends_within_it_and_waits_for_enough_of_them_to_leave():
    policy = ResendPolicy(window=Window(sends=3, seconds=100))
    assert policy.decide(T0 + 100, [T0, T0 + 10, T0 + 20]).allowed
    assert policy.decide(T0 + 50, [T0, T0 + 10, T0 + 20]) == Verdict(Refusal.LIMIT_REACHED, 50)
    over = [T0, T0 + 10, T0 + 20, T0 + 30, T0 + 40]  # more than the window holds (say, a stricter policy now)
    assert policy.decide(T0 + 50, over) == Verdict(Refusal.LIMIT_REACHED, 70), "three must leave: the third at +120"


def test_the_window_is_reachable_when_the_gap_is_not_in_the_way():
    policy = ResendPolicy(min_gap_seconds=30, window=Window(sends=2, seconds=300))
    assert policy.decide(T0 + 60, [T0, T0 + 30]) == Verdict(Refusal.LIMIT_REACHED, 240)


def test_breaking_both_rules_names_the_gap_and_waits_for_both():
    policy = ResendPolicy(min_gap_seconds=30, window=Window(sends=2, seconds=300))
    assert policy.decide(T0 + 40, [T0, T0 + 30]) == Verdict(Refusal.TOO_SOON, 260)


def test_a_send_time_after_now_counts_as_just_sent():
    policy = policy_for(Channel.SMS)
    assert policy.decide(T0, [T0 + 5]) == Verdict(Refusal.TOO_SOON, 35)


def test_deciding_changes_nothing_it_is_given():
    sent = [T0 + 20, T0]
    policy_for(Channel.SMS).decide(T0 + 25, sent)
    assert sent == [T0 + 20, T0]


def test_remember_keeps_only_the_times_a_later_decision_can_depend_on():
    sms = policy_for(Channel.SMS)
    assert sms.remember([], T0) == (T0,)
    assert sms.remember([T0 - 301, T0 - 100, T0 - 10], T0) == (T0 - 100, T0 - 10, T0)
    many = [T0 - second for second in range(1, 100)]
    assert sms.remember(many, T0) == (*sorted(many)[-14:], T0), "at most the window's worth"
    gap_only = ResendPolicy(min_gap_seconds=30)
    assert gap_only.remember([T0 - 60, T0 - 20], T0) == (T0,)
    assert ResendPolicy().remember([T0 - 1], T0) == (), "a policy without rules needs no history"


def test_remembered_times_give_the_same_decisions_as_the_full_history():
    policy = ResendPolicy(min_gap_seconds=5, window=Window(sends=4, seconds=60))
    full: list[float] = []
    kept: tuple[float, ...] = ()
    now = T0
    for step in [0, 5, 6, 11, 20, 25, 70, 71, 80, 200]:
        now = T0 + step
        assert policy.decide(now, kept) == policy.decide(now, full)
        if policy.decide(now, full).allowed:
            full.append(now)
            kept = policy.remember(kept, now)
    assert len(kept) <= 4


@pytest.mark.parametrize(
    "make",
    [
        lambda: Window(sends=0, seconds=60),
        lambda: Window(sends=1, seconds=0),
        lambda: Window(sends=1, seconds=float("nan")),
        lambda: ResendPolicy(min_gap_seconds=-1),
        lambda: ResendPolicy(min_gap_seconds=float("nan")),
    ],
)
def test_impossible_policies_are_refused_when_made(make):
    with pytest.raises(ValueError, match=r"send|seconds"):
        make()


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=0, max_value=3600),
    st.lists(st.floats(min_value=-3600, max_value=7200), max_size=60),
    st.sampled_from(list(Channel)),
)
@example(359.23, [4510.769380370252], Channel.SMS)  # 359.23 + the wait falls 5e-13 s short of the send + 30 s
def test_any_history_gives_a_verdict_whose_wait_is_exactly_enough(now, previous, channel):
    policy = policy_for(channel)
    verdict = policy.decide(now, previous)
    assert verdict.retry_after >= 0
    assert verdict.allowed == (verdict.retry_after == 0)
    if not verdict.allowed:
        assert policy.decide(now + verdict.retry_after, previous).allowed
