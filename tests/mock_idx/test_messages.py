"""The fake inbox and phone over HTTP, on each store: ``GET /_mock/v1/users/{login}/messages``, the inbox page
``/_mock/inbox/{login}`` and the device page's SMS section. Nothing sends messages yet through sign-ins, so the tests
send them through the engine's outbox, as the IDX steps will."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mock_idx.config import Settings
from mock_idx.model.clock import isoformat
from mock_idx.model.engine import Engine
from mock_idx.model.outbox import (
    Message,
    okta_verify_activation_email,
    verification_call,
    verification_email,
    verification_sms,
)
from mock_idx.web.app_keys import ENGINE
from tests.support.fixtures import app_in_loop
from tests.support.idx import advance, control, put_user

LOGIN = "mary@example.com"
PHONE = "+14155550100"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def engine_of(client: TestClient[Any, Any]) -> Engine:
    engine: Engine = client.app[ENGINE]
    return engine


async def send_email(
    client: TestClient[Any, Any], code: str = "123456", link: str | None = None, lifetime: float = 300.0
) -> Message:
    engine = engine_of(client)
    link = link if link is not None else f"{client.make_url('/email/verify/x')}?token=t{code}"
    email = verification_email(LOGIN, LOGIN, code, link, await engine.now(), lifetime, "Example Org")
    return await engine.outbox.send(email)


async def send_sms(client: TestClient[Any, Any], code: str = "654321", lifetime: float = 300.0) -> Message:
    engine = engine_of(client)
    return await engine.outbox.send(verification_sms(LOGIN, PHONE, code, await engine.now(), lifetime, "Example Org"))


async def send_call(client: TestClient[Any, Any], code: str = "777888") -> Message:
    engine = engine_of(client)
    return await engine.outbox.send(verification_call(LOGIN, PHONE, code, await engine.now(), 300.0, "Example Org"))


async def listed(client: TestClient[Any, Any], query: str = "", login: str = LOGIN) -> list[dict[str, Any]]:
    status, body = await control(client, "GET", f"/users/{login}/messages{query}")
    assert status == 200, body
    messages: list[dict[str, Any]] = body["messages"]
    return messages


# --- the control API -------------------------------------------------------------------------------------------------


async def test_messages_are_listed_newest_first_with_code_link_and_iso_times(client):
    await put_user(client, LOGIN)
    email = await send_email(client, "111111")
    sms = await send_sms(client, "222222")
    found = await listed(client)
    assert [m["id"] for m in found] == [sms.id, email.id]
    first = found[1]
    assert set(first) == {"id", "channel", "to", "subject", "body", "code", "link", "sent_at", "expires_at"}
    assert (first["channel"], first["to"], first["subject"]) == ("email", LOGIN, "One-time verification code")
    assert (first["code"], first["link"]) == ("111111", email.link)
    assert "111111" in first["body"] and email.link in first["body"]
    assert ISO.match(first["sent_at"]) and ISO.match(first["expires_at"]) and first["expires_at"] > first["sent_at"]
    assert (found[0]["channel"], found[0]["to"], found[0]["link"]) == ("sms", PHONE, None)


async def test_one_channel_at_a_time(client):
    await put_user(client, LOGIN)
    email, sms, call = await send_email(client), await send_sms(client), await send_call(client)
    assert [m["id"] for m in await listed(client, "?channel=email")] == [email.id]
    assert [m["id"] for m in await listed(client, "?channel=sms")] == [sms.id]
    assert [m["id"] for m in await listed(client, "?channel=voice")] == [call.id]
    assert [m["id"] for m in await listed(client)] == [call.id, sms.id, email.id]


async def test_a_user_with_nothing_sent_has_an_empty_list_under_any_case_of_the_login(client):
    await put_user(client, LOGIN)
    assert await listed(client) == []
    await send_email(client)
    assert len(await listed(client, login=LOGIN.upper())) == 1


async def test_messages_expire_on_the_virtual_clock(client):
    await put_user(client, LOGIN)
    await send_email(client, "111111", lifetime=60.0)
    await send_sms(client, "222222", lifetime=600.0)
    await advance(client, 61)
    assert [m["code"] for m in await listed(client)] == ["222222"]
    await advance(client, 600)
    assert await listed(client) == []


async def test_reset_forgets_the_messages(client):
    await put_user(client, LOGIN)
    await send_email(client)
    status, _ = await control(client, "POST", "/reset")
    assert status == 200
    await put_user(client, LOGIN)
    assert await listed(client) == []


async def test_an_unknown_user_is_404(client):
    status, body = await control(client, "GET", "/users/ghost@example.com/messages")
    assert status == 404 and body["error"] == "not_found"


@pytest.mark.parametrize("query", ["?channel=fax", "?channel=", "?channel=EMAIL", "?channel=email&channel=sms"])
async def test_a_bad_channel_is_400_whoever_it_names(client, query):
    await put_user(client, LOGIN)
    for login in (LOGIN, "ghost@example.com"):
        status, body = await control(client, "GET", f"/users/{login}/messages{query}")
        assert status == 400 and body["error"] == "invalid_request" and "channel" in body["message"], query


async def test_reading_messages_needs_the_control_token_when_one_is_set():
    async with app_in_loop(Settings(control_token="s3cret")) as client:
        response = await client.get(f"/_mock/v1/users/{LOGIN}/messages")
        assert response.status == 401
        response = await client.get(f"/_mock/inbox/{LOGIN}")
        assert response.status == 401


# --- the inbox page --------------------------------------------------------------------------------------------------


async def test_the_inbox_shows_each_email_with_subject_time_body_code_and_clickable_link(client):
    await put_user(client, LOGIN)
    older = await send_email(client, "111111")
    newer = await engine_of(client).outbox.send(
        okta_verify_activation_email(
            LOGIN, LOGIN, "http://127.0.0.1/activate?t=1", await engine_of(client).now(), 600.0
        )
    )
    await send_sms(client, "999000")
    response = await client.get(f"/_mock/inbox/{LOGIN}")
    assert response.status == 200 and response.content_type == "text/html"
    page = await response.text()
    assert page.index(newer.subject) < page.index(older.subject), "newest first"
    assert '<strong class="code">111111</strong>' in page
    assert older.link is not None and f'href="{older.link.replace("&", "&amp;")}"' in page
    assert 'href="http://127.0.0.1/activate?t=1"' in page
    assert "Can&#39;t use the link? Enter a code instead: 111111" in page
    assert f'<time datetime="{isoformat(older.sent_at)}">' in page
    assert "999000" not in page, "texts are on the phone, not in the inbox"
    assert "/_mock/static/inbox.js" in page


async def test_the_inbox_state_polled_by_the_page_lists_the_emails_and_their_markup(client):
    await put_user(client, LOGIN)
    email = await send_email(client, "111111")
    await send_sms(client)
    response = await client.get(f"/_mock/inbox/{LOGIN}/state")
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    state = await response.json()
    assert [m["id"] for m in state["emails"]] == [email.id] and state["emails"][0]["clickable"] is True
    assert f'data-message-id="{email.id}"' in state["emails_html"]
    await advance(client, 301)
    state = await (await client.get(f"/_mock/inbox/{LOGIN}/state")).json()
    assert state["emails"] == [] and "No email yet" in state["emails_html"]


async def test_what_an_email_says_stays_text_and_only_a_web_link_is_clickable(client):
    await put_user(client, LOGIN)
    await send_email(client, "<b>1</b>", link="javascript:alert(1)")
    page = await (await client.get(f"/_mock/inbox/{LOGIN}")).text()
    assert "<b>1</b>" not in page and "&lt;b&gt;1&lt;/b&gt;" in page
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page


async def test_the_inbox_of_an_unknown_user_is_404_and_lists_the_users(client):
    await put_user(client, LOGIN)
    response = await client.get("/_mock/inbox/ghost@example.com")
    assert response.status == 404
    page = await response.text()
    assert "There is no user ghost@example.com" in page and f'href="/_mock/inbox/{LOGIN.replace("@", "%40")}"' in page
    assert (await client.get("/_mock/inbox/ghost@example.com/state")).status == 404


async def test_the_pages_keep_the_control_token_in_their_links():
    async with app_in_loop(Settings(control_token="s3cret")) as client:
        await put_user_with_token(client)
        page = await (await client.get(f"/_mock/inbox/{LOGIN}?token=s3cret")).text()
        assert f"/_mock/inbox/{LOGIN.replace('@', '%40')}/state?token=s3cret" in page
        assert "/_mock/static/inbox.js?token=s3cret" in page and 'data-token="s3cret"' in page
        device = await (await client.get(f"/_mock/device/{LOGIN}?token=s3cret")).text()
        assert f'href="/_mock/inbox/{LOGIN.replace("@", "%40")}?token=s3cret"' in device


async def test_polling_the_inbox_is_not_journalled(client):
    await put_user(client, LOGIN)
    await client.get(f"/_mock/inbox/{LOGIN}")
    await client.get(f"/_mock/inbox/{LOGIN}/state")
    _, journal = await control(client, "GET", "/journal")
    assert not [e for e in journal["entries"] if e["path"].startswith("/_mock/inbox")]


# --- the device page's SMS section -----------------------------------------------------------------------------------


async def test_the_phone_lists_texts_and_calls_with_their_codes_but_no_email(client):
    await put_user(client, LOGIN)
    await send_email(client, "111111")
    sms = await send_sms(client, "222222")
    call = await send_call(client, "333444")
    page = await (await client.get(f"/_mock/device/{LOGIN}")).text()
    assert '<section class="texts" aria-label="SMS">' in page
    assert '<strong class="code">222222</strong>' in page and '<strong class="code">333444</strong>' in page
    assert "Voice call to" in page and "3, 3, 3, 4, 4, 4" in page
    assert "111111" not in page
    state = await (await client.get(f"/_mock/device/{LOGIN}/state")).json()
    assert [t["id"] for t in state["texts"]] == [call.id, sms.id]
    assert f'data-message-id="{sms.id}"' in state["texts_html"]


async def test_a_phone_with_no_texts_says_so(client):
    await put_user(client, LOGIN)
    state = await (await client.get(f"/_mock/device/{LOGIN}/state")).json()
    assert state["texts"] == [] and "No text or call yet" in state["texts_html"]


async def put_user_with_token(client: TestClient[Any, Any]) -> None:
    body = {"password": "pw", "authenticators": {"okta_verify": {"methods": ["push"]}}}
    response = await client.put(f"/_mock/v1/users/{LOGIN}", json=body, headers={"Authorization": "Bearer s3cret"})
    assert response.status == 200
