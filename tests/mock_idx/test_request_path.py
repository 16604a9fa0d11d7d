"""The shared request path's cheaper parts keep their behaviour: rate-limit counting per wall-clock minute, slotted
journal entries that read back as recorded, and a request that noted nothing."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mock_idx.model.journal import RECORD_FIELDS, JournalBuffer, JournalRecord
from mock_idx.web.rate_limits import RATE_LIMIT, RateCounter
from tests.support.idx import control


class FakeWallClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_rate_counter_counts_down_within_a_minute_and_starts_over_in_the_next():
    clock = FakeWallClock(1_000_010.0)
    counter = RateCounter(wall_clock=clock)
    assert counter.count() == (str(RATE_LIMIT - 1), "1000020")
    assert counter.count() == (str(RATE_LIMIT - 2), "1000020")
    clock.now = 1_000_021.0
    assert counter.count() == (str(RATE_LIMIT - 1), "1000080"), "a new minute, a new reset and a full allowance"
    clock.now = 1_000_005.0  # the wall clock stepped back: that minute is counted afresh too
    assert counter.count() == (str(RATE_LIMIT - 1), "1000020")


def test_the_rate_counter_never_answers_a_negative_remainder():
    counter = RateCounter(wall_clock=FakeWallClock(60.0))
    for _ in range(RATE_LIMIT + 5):
        remaining, _reset = counter.count()
    assert remaining == "0"


def a_record(index: int, path: str, transaction: str | None = None, user: str | None = None) -> JournalRecord:
    return JournalRecord(
        time=float(index),
        method="POST",
        path=path,
        status=200,
        transaction=transaction,
        user=user,
        duration_ms=1.5,
        note="",
    )


def test_a_slotted_entry_reads_back_as_recorded_with_its_number():
    journal = JournalBuffer()
    records = [a_record(index, "/idp/idx/introspect", "txn42", "ann@example.com") for index in range(3)]
    entries = [journal.append(record) for record in records]
    for number, (record, entry) in enumerate(zip(records, entries, strict=True), start=1):
        assert entry.as_dict() == {**{name: getattr(record, name) for name in RECORD_FIELDS}, "seq": number}


async def test_a_request_that_noted_nothing_is_journalled_with_no_transaction_user_or_note(
    client: TestClient[Any, Any],
):
    response = await client.get("/oauth2/default/.well-known/openid-configuration")
    assert response.status == 200
    _, answer = await control(client, "GET", "/journal")
    entry = answer["entries"][-1]
    assert entry["path"] == "/oauth2/default/.well-known/openid-configuration" and entry["method"] == "GET"
    assert entry["status"] == 200
    assert (entry["transaction"], entry["user"], entry["note"]) == (None, None, "")
