"""The headers Okta puts on its answers (issue #13, item 9): a request id on every answer, rate-limit headers with a
wall-clock reset on every IDX and OAuth answer, and no caching of API answers."""

from __future__ import annotations

import time

from tests.support.idx import Flow, advance, control, put_user, signed_in

LOGIN = "hedy@example.com"
NOT_CACHED = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "Expires": "0"}


def assert_okta_api_headers(headers, before: float, after: float) -> None:
    """Okta's API headers, with a reset at most a minute after the wall-clock time of the request."""
    assert headers["X-Okta-Request-Id"]
    assert int(headers["X-Rate-Limit-Limit"]) > 0
    assert 0 <= int(headers["X-Rate-Limit-Remaining"]) < int(headers["X-Rate-Limit-Limit"])
    assert before < int(headers["X-Rate-Limit-Reset"]) <= after + 60
    for name, value in NOT_CACHED.items():
        assert headers[name] == value, name


async def test_idx_answers_carry_okta_headers_refusals_included(client, flow: Flow):
    """Source: Okta's API answers (the widget playground's README for v3-mocks notes ``X-Rate-Limit-*`` drive its
    back-off; okta-sdk-java's RetryRequestExecutor sleeps until ``X-Rate-Limit-Reset``, a Unix time in seconds):
    ``X-Okta-Request-Id``, ``X-Rate-Limit-Limit/Remaining/Reset`` and ``Cache-Control: no-cache, no-store``,
    ``Pragma: no-cache``, ``Expires: 0`` on every IDX answer, a refused one as much as a good one."""
    await put_user(client, LOGIN)
    before = time.time()
    good = await flow.start()
    refused = await flow.identify(LOGIN, "wrong")
    expired = await flow.post("/idp/idx/identify", {"stateHandle": "02nothing"}, with_state=False)
    after = time.time()
    assert (good.status, refused.status, expired.status) == (200, 400, 401)
    for answer in (good, refused, expired):
        assert_okta_api_headers(answer.headers, before, after)
    assert good.headers["X-Okta-Request-Id"] != refused.headers["X-Okta-Request-Id"]


async def test_remaining_counts_down_within_the_minute(client, flow: Flow):
    """Source: Okta's ``X-Rate-Limit-Remaining`` is what is left of the limit in the current window."""
    first = await flow.start()
    second = await flow.introspect()
    if first.headers["X-Rate-Limit-Reset"] == second.headers["X-Rate-Limit-Reset"]:  # not across a minute's end
        assert int(second.headers["X-Rate-Limit-Remaining"]) < int(first.headers["X-Rate-Limit-Remaining"])


async def test_oauth_answers_carry_okta_headers_and_the_token_is_never_cached(client):
    """Source: Okta's token endpoint answers with ``Cache-Control: no-cache, no-store``, ``Pragma: no-cache`` and
    ``Expires: 0``, as every API answer; the keys keep their own caching."""
    before = time.time()
    _, tokens = await signed_in(client, LOGIN)
    introspected = await client.post(
        "/oauth2/default/v1/introspect", data={"client_id": "test-client", "token": tokens["access_token"]}
    )
    unknown_grant = await client.post("/oauth2/default/v1/token", data={"client_id": "c", "grant_type": "nope"})
    after = time.time()
    assert (introspected.status, unknown_grant.status) == (200, 400)
    for answer in (introspected, unknown_grant):
        assert_okta_api_headers(answer.headers, before, after)
    keys = await client.get("/oauth2/default/v1/keys")
    assert keys.headers["X-Okta-Request-Id"] and "no-store" not in keys.headers["Cache-Control"]


async def test_the_reset_is_wall_clock_even_after_the_virtual_clock_moved(client):
    """Source: okta-idx-java's HTTP layer (okta-commons RetryRequestExecutor) waits until ``X-Rate-Limit-Reset`` on a
    429: a reset on the virtual clock an hour ahead would put a Java client to sleep for an hour."""
    await advance(client, 3600)
    status, _ = await control(client, "POST", "/faults", json={"route": "/idp/idx/introspect", "status": 429})
    assert status in (200, 201)
    before = time.time()
    limited = await client.post("/idp/idx/introspect", json={"interactionHandle": "x"})
    after = time.time()
    assert limited.status == 429 and limited.headers["X-Rate-Limit-Remaining"] == "0"
    assert before < int(limited.headers["X-Rate-Limit-Reset"]) <= after + 60
    assert limited.headers["X-Okta-Request-Id"]


async def test_every_answer_has_a_request_id_but_only_the_okta_apis_are_rate_counted(client):
    """Source: Okta sends ``X-Okta-Request-Id`` on every answer; the rate-limit headers belong to its API endpoints
    (the control plane and the pages are the fake's own)."""
    for path in ("/_mock/v1/users", "/_mock/journal", "/nothing"):
        response = await client.get(path)
        assert response.headers["X-Okta-Request-Id"], path
        assert "X-Rate-Limit-Limit" not in response.headers, path
