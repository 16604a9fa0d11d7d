"""Server-side sessions: the cookie is only an id, the store is bounded, sign-in renews the id; claims as JSON."""

from __future__ import annotations

import html
import json
import re
from http.cookies import SimpleCookie

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp_session import Session

from reference_client.app import SESSION_COOKIE, SESSIONS_KEY
from reference_client.session_store import MemorySessionStorage
from reference_client.views.account import claim_text
from tests.reference_client.visitor_steps import choose_method, sign_in_to_methods


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def storage(clock: FakeClock, max_sessions: int = 3) -> MemorySessionStorage:
    return MemorySessionStorage(cookie_name="sid", secure=True, max_sessions=max_sessions, idle_seconds=60, clock=clock)


async def save(store: MemorySessionStorage, data: dict[str, str], cookie: str | None = None) -> str:
    """Save a session holding `data` (the one named by `cookie`, or a new one); the id the cookie now holds."""
    headers = {"Cookie": f"sid={cookie}"} if cookie else {}
    request = make_mocked_request("GET", "/", headers=headers)
    session = await store.load_session(request)
    session.update(data)
    response = web.Response()
    await store.save_session(request, response, session)
    return response.cookies["sid"].value if "sid" in response.cookies else str(cookie)


async def load(store: MemorySessionStorage, session_id: str) -> Session:
    return await store.load_session(make_mocked_request("GET", "/", headers={"Cookie": f"sid={session_id}"}))


async def test_the_cookie_is_a_random_id_marked_secure_httponly_lax():
    store = storage(FakeClock())
    request = make_mocked_request("GET", "/")
    session = await store.load_session(request)
    session["secret"] = "s" * 10_000
    response = web.Response()
    await store.save_session(request, response, session)
    morsel = response.cookies["sid"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", morsel.value)
    assert morsel["httponly"] and morsel["secure"] and morsel["samesite"] == "Lax"
    assert store.data_of(morsel.value) == {"secret": "s" * 10_000}


async def test_least_recently_used_sessions_go_first_past_the_limit():
    clock = FakeClock()
    store = storage(clock, max_sessions=3)
    first, second, third = [await save(store, {"n": str(n)}) for n in range(3)]
    await load(store, first)  # used again: now the most recent
    fourth = await save(store, {"n": "3"})
    assert len(store) == 3
    assert store.data_of(second) is None
    assert [store.data_of(i) for i in (first, third, fourth)] == [{"n": "0"}, {"n": "2"}, {"n": "3"}]


async def test_a_flood_of_new_sessions_keeps_the_store_bounded():
    store = storage(FakeClock(), max_sessions=50)
    for n in range(500):
        await save(store, {"n": str(n)})
    assert len(store) == 50


async def test_idle_sessions_expire():
    clock = FakeClock()
    store = storage(clock)
    session_id = await save(store, {"user": "alice"})
    clock.now += 61
    assert (await load(store, session_id)).new
    assert len(store) == 0


@pytest.mark.parametrize("cookie", ["garbage", "A" * 42, "A" * 44, "%00" * 43, "A" * 43])
async def test_an_unknown_or_malformed_id_starts_a_fresh_session(cookie):
    store = storage(FakeClock())
    await save(store, {"user": "alice"})
    session = await load(store, cookie)
    assert session.new and session.empty


async def test_an_emptied_session_is_forgotten_and_its_cookie_deleted():
    store = storage(FakeClock())
    session_id = await save(store, {"user": "alice"})
    request = make_mocked_request("GET", "/", headers={"Cookie": f"sid={session_id}"})
    session = await store.load_session(request)
    session.invalidate()
    response = web.Response()
    await store.save_session(request, response, session)
    assert store.data_of(session_id) is None and response.cookies["sid"]["max-age"] == "0"


def session_id_of(page) -> str | None:
    cookies = SimpleCookie(page.headers.get("Set-Cookie", ""))
    return cookies[SESSION_COOKIE].value if SESSION_COOKIE in cookies else None


BIG_CLAIMS = """\
settings:
  authorization_servers:
    - id: default
      claims:
        - {name: bio1, token: id, value: user.bio1}
        - {name: bio2, token: id, value: user.bio2}
        - {name: bio3, token: id, value: user.bio3}
        - {name: locale, token: id, value: user.locale}
"""


async def test_large_claims_stay_on_the_server_and_sign_in_renews_the_session_id(visitor, mock_idx, tmp_path):
    # mock_idx caps each profile text at 1024 characters: five of them in ID-token claims (a server whose claims
    # carry profile attributes) make an id_token of over 8 KB
    scenario = tmp_path / "big-claims.yaml"
    scenario.write_text(BIG_CLAIMS, encoding="utf-8")
    mock_idx.load_scenario(str(scenario))
    big = {field: field + "-" + "x" * 1000 for field in ("bio1", "bio2", "bio3", "locale")}
    user = mock_idx.add_user(profile={"name": "Alice " + "x" * 1000, **big})
    await visitor.get("/login")
    before = visitor.client.session.cookie_jar.filter_cookies(visitor.client.make_url("/"))[SESSION_COOKIE].value
    await sign_in_to_methods(visitor, user)
    await choose_method(visitor, "totp")
    done = await visitor.post("/okta-verify/enter-code", {"code": mock_idx.totp_code(user.login)})

    assert done.location == "/"
    cookie = done.headers["Set-Cookie"]
    assert len(cookie) < 200
    store = visitor.client.server.app[SESSIONS_KEY]
    after = session_id_of(done)
    assert after != before and store.data_of(before) is None  # a new id for the signed-in session
    claims = store.data_of(after)["user"]["claims"]
    assert sum(len(str(value)) for value in claims.values()) > 5000 and claims["locale"] == big["locale"]
    home = await visitor.get("/")
    assert "<h1>Welcome, Alice xxx" in home.text and "Set-Cookie" not in home.headers


def claim_cell(page_text: str, claim: str) -> str:
    [cell] = re.findall(rf'<th scope="row">{claim}</th><td>([^<]*)</td>', page_text)
    return html.unescape(cell)


async def test_the_claims_table_shows_json_values(visitor, mock_idx):
    user = mock_idx.add_user()
    await sign_in_to_methods(visitor, user)
    await choose_method(visitor, "totp")
    await visitor.post("/okta-verify/enter-code", {"code": mock_idx.totp_code(user.login)})
    home = (await visitor.get("/")).text

    amr = claim_cell(home, "amr")
    assert isinstance(json.loads(amr), list) and "'" not in amr and ", " not in amr
    assert isinstance(json.loads(claim_cell(home, "iat")), int)
    assert claim_cell(home, "preferred_username") == user.login  # strings without quotes


@pytest.mark.parametrize(
    ("value", "shown"),
    [(True, "true"), (None, "null"), (["pwd", "mfa"], '["pwd","mfa"]'), (1700000000, "1700000000"), ("é", "é")],
)
def test_claim_text_is_json_for_everything_but_strings(value, shown):
    assert claim_text(value) == shown
