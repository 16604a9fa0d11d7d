"""Hostile input against the fake inbox and phone: odd logins and channels on ``/_mock/v1/users/{login}/messages``,
the inbox page and its state, and other sites trying to read them. Every case answers a 4xx in the control plane's
shape (JSON with ``error`` and ``message``, or the pages' HTML), never a 5xx or a traceback, and leaves the user's
messages as they were."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from yarl import URL

from mock_idx.model.outbox import verification_email, verification_sms
from mock_idx.web.app_keys import ENGINE
from tests.support.idx import control, put_user

LOGIN = "victim@example.com"
LEAKS = ("Traceback", 'File "', "site-packages", "mock_idx/")

ODD_LOGINS = [
    "%00",
    "a" * 5000,
    "%F0%9F%98%80",
    "%2e%2e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "victim%40example.com%00",
    "%C0%AF",
]
ODD_CHANNELS = ["%00", "x" * 7_000, "%F0%9F%98%80", "email%00", "%C0%AF", "email,sms", "null", "%20email"]


@pytest.fixture
async def org(client: TestClient[Any, Any]) -> TestClient[Any, Any]:
    """A user with an email and a text waiting: what no refused request may change."""
    await put_user(client, LOGIN)
    engine = client.app[ENGINE]
    now = await engine.now()
    await engine.outbox.send(verification_email(LOGIN, LOGIN, "111111", "http://127.0.0.1/x", now, 300.0, "Org"))
    await engine.outbox.send(verification_sms(LOGIN, "+14155550100", "222222", now, 300.0, "Org"))
    return client


async def messages_of(client: TestClient[Any, Any]) -> list[str]:
    status, body = await control(client, "GET", f"/users/{LOGIN}/messages")
    assert status == 200
    return [message["id"] for message in body["messages"]]


async def get(client: TestClient[Any, Any], path: str, **headers: str) -> tuple[int, dict[str, str], str]:
    response = await client.get(URL(path, encoded=True), headers=headers)
    return response.status, dict(response.headers), await response.text(errors="replace")


@pytest.mark.parametrize("login", ODD_LOGINS)
async def test_an_odd_login_is_a_404_in_the_control_shape(org: TestClient[Any, Any], login: str) -> None:
    before = await messages_of(org)
    status, headers, body = await get(org, f"/_mock/v1/users/{login}/messages")
    assert status == 404 and headers["Content-Type"].startswith("application/json"), body
    assert not any(leak in body for leak in LEAKS)
    assert await messages_of(org) == before


@pytest.mark.parametrize("channel", ODD_CHANNELS)
async def test_an_odd_channel_is_a_400_that_does_not_echo_it(org: TestClient[Any, Any], channel: str) -> None:
    before = await messages_of(org)
    status, headers, body = await get(org, f"/_mock/v1/users/{LOGIN}/messages?channel={channel}")
    assert status == 400 and headers["Content-Type"].startswith("application/json"), body
    assert "channel must be one of email, sms, voice" in body
    assert not any(leak in body for leak in LEAKS)
    assert len(body) < 500, "the refusal does not echo what was sent"
    assert await messages_of(org) == before


async def test_a_query_that_is_not_utf8_is_refused(org: TestClient[Any, Any]) -> None:
    status, _, body = await get(org, f"/_mock/v1/users/{LOGIN}/messages?channel=%ff%fe")
    assert status == 400 and not any(leak in body for leak in LEAKS)


@pytest.mark.parametrize("login", ODD_LOGINS)
async def test_the_inbox_of_an_odd_login_is_a_404_page_that_shows_it_as_text(
    org: TestClient[Any, Any], login: str
) -> None:
    before = await messages_of(org)
    status, headers, body = await get(org, f"/_mock/inbox/{login}")
    assert status == 404 and headers["Content-Type"].startswith("text/html"), body[:300]
    assert "<script>alert" not in body and not any(leak in body for leak in LEAKS)
    status, _, body = await get(org, f"/_mock/inbox/{login}/state")
    assert status == 404 and not any(leak in body for leak in LEAKS)
    assert await messages_of(org) == before


@pytest.mark.parametrize(
    "path", [f"/_mock/v1/users/{LOGIN}/messages", f"/_mock/inbox/{LOGIN}", f"/_mock/inbox/{LOGIN}/state"]
)
async def test_no_other_site_may_read_the_inbox(org: TestClient[Any, Any], path: str) -> None:
    status, headers, _ = await get(org, path, Origin="http://evil.example")
    assert status == 200  # a browser still gets an answer, but no CORS grant lets the page read it
    assert "Access-Control-Allow-Origin" not in headers
    preflight = await org.options(
        path, headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


@pytest.mark.parametrize("path", [f"/_mock/inbox/{LOGIN}", f"/_mock/inbox/{LOGIN}/state"])
async def test_the_inbox_is_never_framed(org: TestClient[Any, Any], path: str) -> None:
    _, headers, _ = await get(org, path)
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
async def test_the_messages_cannot_be_written_through_the_api(org: TestClient[Any, Any], method: str) -> None:
    before = await messages_of(org)
    response = await org.request(method, f"/_mock/v1/users/{LOGIN}/messages", json={"code": "000000"})
    assert response.status == 405
    body = await response.json()
    assert {"error", "message"} <= set(body)
    assert await messages_of(org) == before


async def test_a_channel_given_twice_is_a_400_that_changes_nothing(org: TestClient[Any, Any]) -> None:
    before = await messages_of(org)
    status, headers, body = await get(org, f"/_mock/v1/users/{LOGIN}/messages?channel=email&channel=sms")
    assert status == 400 and headers["Content-Type"].startswith("application/json"), body
    assert not any(leak in body for leak in LEAKS)
    assert await messages_of(org) == before


async def test_a_well_formed_unknown_login_is_a_404_that_shows_no_one_s_messages(org: TestClient[Any, Any]) -> None:
    status, _, body = await get(org, "/_mock/v1/users/ghost@example.com/messages")
    assert status == 404 and "111111" not in body and "222222" not in body, body
