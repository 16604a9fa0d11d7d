"""Work a request can cause is bounded: scenarios (aliases counted after expansion, generation capped and off the
event loop), the journal (entries and bytes; its page paged), and a client that hangs up mid-request."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mock_idx import scenario
from mock_idx.app import create_app
from mock_idx.config import Settings
from mock_idx.model.journal import JournalBuffer, JournalRecord
from mock_idx.web.app_keys import JOURNAL
from mock_idx.yaml_check import MAX_VALUES
from tests.support.fixtures import app_in_loop
from tests.support.idx import control, put_user

BILLION_LAUGHS = """
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
description: ok
"""

GENERATE_THROUGH_ALIASES = """
generate:
  - &group {count: 4000, seed: 1, password: pw}
  - *group
  - *group
"""


def test_a_scenario_whose_aliases_expand_past_the_budget_is_refused_before_validation():
    """Ten aliases of ten, seven deep: ten million values from 300 bytes. Refused while counting, not validated."""
    problems = scenario.validate_text(BILLION_LAUGHS)
    assert len(problems) == 1 and problems[0].field == "(yaml)"
    assert str(MAX_VALUES) in problems[0].message


def test_users_generated_through_aliases_count_against_the_cap():
    problems = scenario.validate_text(GENERATE_THROUGH_ALIASES)
    assert any("12000 users" in problem.message for problem in problems), problems


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("settings: {access_token_lifetime: 1e300}", "settings.access_token_lifetime"),
        ("settings: {push_lifetime: 1e12}", "settings.push_lifetime"),
        ("settings: {poll_refresh_ms: 0}", "settings.poll_refresh_ms"),
        ("users: [{login: " + "a" * 101 + ", password: pw}]", "users.0.login"),
        ("users: [{login: a@example.com, password: pw, profile: {name: " + "n" * 2000 + "}}]", "users.0.profile.name"),
        ("settings: {clients: [{client_id: c, redirect_uris: [" + "x" * 3000 + "]}]}", "settings.clients.0"),
        ("faults: [{route: /" + "r" * 3000 + ", status: 500}]", "faults.0.route"),
    ],
)
def test_values_the_server_could_not_serve_are_refused_with_their_field(text, field):
    problems = scenario.validate_text(text)
    assert any(problem.field.startswith(field) for problem in problems), problems


async def test_a_refused_scenario_over_http_keeps_the_running_one():
    async with app_in_loop(Settings()) as client:
        before = (await control(client, "GET", "/users"))[1]
        for text in (BILLION_LAUGHS, GENERATE_THROUGH_ALIASES):
            response = await client.put("/_mock/v1/scenario", data=text, headers={"Content-Type": "application/yaml"})
            assert response.status == 400
        assert (await control(client, "GET", "/users"))[1] == before


async def test_generating_users_leaves_the_event_loop_serving():
    """Faker makes 10,000 users in a worker thread: requests made meanwhile are answered before it finishes."""
    async with app_in_loop(Settings()) as client:
        big = "generate:\n  - {count: 10000, seed: 7, password: pw}\n"
        loading = asyncio.create_task(
            client.put("/_mock/v1/scenario", data=big, headers={"Content-Type": "application/yaml"})
        )
        answered_meanwhile = 0
        while not loading.done():
            response = await client.get("/.well-known/openid-configuration")
            assert response.status == 200
            answered_meanwhile += 1
        assert (await loading).status == 200
        assert answered_meanwhile > 1, "the loop was blocked while the users were generated"
        assert len((await control(client, "GET", "/users"))[1]["users"]) == 10000


def test_the_journal_forgets_its_oldest_entries_past_its_byte_budget():
    journal = JournalBuffer(capacity=1000, max_bytes=20_000)
    for index in range(50):
        journal.append(
            JournalRecord(
                time=float(index),
                method="GET",
                path="/" + "p" * 1000,
                status=404,
                transaction=None,
                user=None,
                duration_ms=0.1,
            )
        )
    assert journal.bytes <= 20_000
    kept = journal.entries()
    assert 0 < len(kept) < 50 and kept[-1].time == 49.0, "the newest stay, the oldest go"


async def test_the_journal_page_shows_the_newest_timelines_and_pages_back():
    async with app_in_loop(Settings()) as client:
        journal = client.app[JOURNAL]
        for index in range(120):
            await journal.record(
                JournalRecord(
                    time=float(index),
                    method="POST",
                    path="/idp/idx/introspect",
                    status=200,
                    transaction=f"txn{index:04d}",
                    user="pager@example.com",
                    duration_ms=1.0,
                )
            )
        first = await (await client.get("/_mock/journal")).text()
        assert "txn0119" in first and "txn0070" in first and "txn0069" not in first
        assert "page 1 of 3" in first
        older = re.search(r'href="(/_mock/journal\?[^"]*page=2[^"]*)"', first)
        assert older is not None
        second = await (await client.get(older.group(1).replace("&amp;", "&"))).text()
        assert "txn0069" in second and "txn0020" in second and "txn0119" not in second
        last = await (await client.get("/_mock/journal", params={"page": "999"})).text()
        assert "txn0000" in last, "a page past the end shows the oldest"


async def test_a_client_that_hangs_up_mid_request_is_journalled_as_499():
    app = create_app(Settings())
    async with TestClient(TestServer(app)) as client:
        await put_user(client, "gone@example.com")
        await control(client, "POST", "/faults", json={"route": "/idp/idx/introspect", "delay_ms": 2000})
        _reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
        writer.write(
            b"POST /idp/idx/introspect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 2\r\n\r\n{}"
        )
        await writer.drain()
        await asyncio.sleep(0.2)  # the request is in the fault's delay now
        writer.close()
        for _ in range(100):  # wait (bounded) for the server to notice the hang-up
            entries = [e for e in await app[JOURNAL].entries() if e.path == "/idp/idx/introspect"]
            if entries:
                break
            await asyncio.sleep(0.05)
        assert next((e.status, e.note) for e in entries)[0] == 499, entries
