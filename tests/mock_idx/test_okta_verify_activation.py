"""Okta Verify enrollment, the phone's side: the activation's URI and QR code as Okta makes them, the activation service
on both stores (first activation wins, expired and foreign ones refused), and the control API that activates.

The sign-in step that starts an activation belongs to the engine's IDX steps; here activations are started through
``engine.activations.start`` as that step does."""

from __future__ import annotations

import asyncio
import base64
import io
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import zxingcpp
from aiohttp.test_utils import TestClient
from PIL import Image

from mock_idx.model.activation import (
    ACTIVATION_LIFETIME,
    LISTED_PER_USER,
    ActivationAlreadyUsed,
    ActivationChannel,
    ActivationExpired,
    Activations,
    OktaVerifyActivation,
    activation_link,
    activation_uri,
    parse_activation_uri,
    qr_png_data_uri,
)
from mock_idx.model.directory import PushOutcome, VerifyMethod
from mock_idx.model.engine import Engine
from mock_idx.model.errors import NotFound
from mock_idx.model.store import OrgStore
from mock_idx.web.app_keys import ENGINE
from tests.support.idx import advance, control, put_user
from tests.support.stores import store

__all__ = ["store"]

LOGIN = "ada.lovelace@example.com"
OTHER = "grace.hopper@example.com"
ORG = "http://127.0.0.1:8080"
AUTHENTICATOR = "aut2h3fft4y9pDPCS1d7"
NOW = 10_000.0
TOKEN = "ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi"


def an_activation(token: str = TOKEN, login: str = LOGIN) -> OktaVerifyActivation:
    return OktaVerifyActivation(
        token=token,
        login=login,
        transaction_id="txn-enrolling",
        channel=ActivationChannel.QRCODE,
        created_at=NOW,
        expires_at=NOW + ACTIVATION_LIFETIME,
    )


# --- what the phone reads --------------------------------------------------------------------------------------------


def test_the_uri_is_shaped_as_okta_encodes_it_in_the_qr_code():
    """As decoded from Okta's own capture (enroll-okta-verify-mfa.json):
    oktaverify://tester2@test.com/?t=…&f=aut…&s=https://org&issuer=org&isIdxEnabled=true"""
    uri = activation_uri(ORG + "/", TOKEN, LOGIN, AUTHENTICATOR)
    assert uri == (
        "oktaverify://ada.lovelace@example.com/?t=ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi&f=aut2h3fft4y9pDPCS1d7"
        "&s=http://127.0.0.1:8080&issuer=127.0.0.1:8080&isIdxEnabled=true"
    )


def test_a_login_that_is_not_url_safe_is_escaped_in_the_uri_and_the_link():
    activation = an_activation(login="a/b?c#d@example.com")
    for text in (
        activation_uri(ORG, activation.token, activation.login),
        activation_link(ORG, activation.token, activation.login),
    ):
        assert "a%2Fb%3Fc%23d@example.com" in text
        assert parse_activation_uri(text) == activation.token


def test_the_link_opens_the_user_s_phone_and_carries_the_token():
    link = activation_link(ORG + "/", TOKEN, LOGIN)
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == ORG and parts.path == f"/_mock/device/{LOGIN}"
    assert parse_qs(parts.query) == {"activate": [an_activation().token]}


@pytest.mark.parametrize(
    "text",
    [
        activation_uri(ORG, TOKEN, LOGIN, AUTHENTICATOR),
        activation_uri(ORG, TOKEN, LOGIN),
        activation_link(ORG, TOKEN, LOGIN),
        activation_link(ORG, TOKEN, LOGIN).replace("http://", "https://") + "&token=control",
        "  " + an_activation().token + "\n",
    ],
)
def test_the_uri_the_link_and_the_bare_token_all_give_the_token(text: str):
    assert parse_activation_uri(text) == an_activation().token


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "javascript:alert(1)",
        "oktaverify://a@b/?f=aut1",  # no token
        "oktaverify://a@b/?t=short",
        "oktaverify://a@b/?t=ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi&t=ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEj",
        "oktaverify://a@b/?t=" + "x" * 200,
        "oktaverify://a@b/?t=ftLwsKNK2GuAOg0tTRLqlZk%00JXCjMOWoEi",
        "ftp://host/?activate=ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi",
        "http://host/?t=ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi",
        "http://[::1/?activate=ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi",
        "ftLwsKNK2GuAOg0tTRLqlZk JXCjMOWoEi",
        "ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi" * 100,
        "\udcff\x00",
    ],
)
def test_anything_else_gives_no_token(text: str):
    assert parse_activation_uri(text) is None


def test_the_qr_code_is_a_png_data_uri_that_decodes_back_to_the_uri():
    uri = activation_uri(ORG, TOKEN, LOGIN, AUTHENTICATOR)
    href = qr_png_data_uri(uri)
    assert href.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(href.removeprefix("data:image/png;base64,"))))
    assert image.format == "PNG" and 200 <= image.width == image.height <= 260, "about Okta's 200-225 px"
    decoded = zxingcpp.read_barcodes(image.convert("L"))
    assert [code.text for code in decoded] == [uri]


# --- the service, on both stores -------------------------------------------------------------------------------------


async def test_an_activation_started_is_found_by_its_token_and_listed_for_its_user(store: OrgStore):
    activations = Activations(store)
    started = await activations.start(LOGIN, "txn-1", "email", NOW, lifetime=120)
    assert started.channel is ActivationChannel.EMAIL and started.expires_at == NOW + 120
    assert started.activated_at is None and len(started.token) >= 32
    assert await activations.get(started.token) == started
    assert await activations.pending(LOGIN.upper(), NOW) == [started], "logins are case-insensitive"
    assert await activations.pending(OTHER, NOW) == []
    assert await activations.get("no-such-token-at-all") is None


async def test_without_a_token_the_newest_pending_one_is_used_and_only_once(store: OrgStore):
    activations = Activations(store)
    older = await activations.start(LOGIN, "txn-1", "qrcode", NOW)
    newer = await activations.start(LOGIN, "txn-2", "qrcode", NOW + 1)

    used = await activations.activate(LOGIN, None, NOW + 2)

    assert used.token == newer.token and used.activated_at == NOW + 2
    assert await activations.get(newer.token) == used, "the poll reads it done"
    assert await activations.pending(LOGIN, NOW + 2) == [older]
    assert (await activations.activate(LOGIN, None, NOW + 3)).token == older.token
    with pytest.raises(ActivationAlreadyUsed):
        await activations.activate(LOGIN, None, NOW + 4)
    with pytest.raises(ActivationAlreadyUsed):
        await activations.activate(LOGIN, older.token, NOW + 4)
    assert await activations.get(older.token) == replace(older, activated_at=NOW + 3)


async def test_an_expired_activation_is_refused_and_stays_unused(store: OrgStore):
    activations = Activations(store)
    started = await activations.start(LOGIN, "txn-1", "sms", NOW, lifetime=60)
    with pytest.raises(ActivationExpired):
        await activations.activate(LOGIN, started.token, NOW + 60)
    assert await activations.get(started.token) == started
    assert await activations.pending(LOGIN, NOW + 60) == []
    with pytest.raises(NotFound):
        await activations.activate(LOGIN, None, NOW + 60)


async def test_another_user_s_or_an_unknown_activation_is_not_found(store: OrgStore):
    activations = Activations(store)
    theirs = await activations.start(OTHER, "txn-1", "qrcode", NOW)
    with pytest.raises(NotFound):
        await activations.activate(LOGIN, theirs.token, NOW)
    with pytest.raises(NotFound):
        await activations.activate(LOGIN, "ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi", NOW)
    with pytest.raises(NotFound):
        await activations.activate(LOGIN, None, NOW)
    assert await activations.get(theirs.token) == theirs


async def test_of_racing_phones_exactly_one_activates(store: OrgStore):
    activations = Activations(store)
    started = await activations.start(LOGIN, "txn-1", "qrcode", NOW)
    outcomes = await asyncio.gather(
        *(activations.activate(LOGIN, token, NOW + 1) for token in [started.token, None] * 10),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if isinstance(o, OktaVerifyActivation)]
    assert len(winners) == 1 and winners[0].activated_at == NOW + 1
    assert all(isinstance(o, ActivationAlreadyUsed) for o in outcomes if o is not winners[0])


async def test_a_user_s_list_keeps_the_newest_activations(store: OrgStore):
    activations = Activations(store)
    started = [await activations.start(LOGIN, f"txn-{n}", "qrcode", NOW + n) for n in range(LISTED_PER_USER + 3)]
    pending = await activations.pending(LOGIN, NOW + 20)
    assert [a.token for a in pending] == [a.token for a in started[-LISTED_PER_USER:]]


# --- the engine and the control API, on both stores ------------------------------------------------------------------


def engine_of(client: TestClient[Any, Any]) -> Engine:
    engine: Engine = client.app[ENGINE]
    return engine


async def start_activation(client: TestClient[Any, Any], login: str = LOGIN, channel: str = "qrcode") -> str:
    engine = engine_of(client)
    activation = await engine.activations.start(login, "txn-enrolling", channel, await engine.now())
    return activation_uri(
        str(client.make_url("")), activation.token, activation.login, engine.authenticators.okta_verify_id
    )


async def a_user_without_okta_verify(client: TestClient[Any, Any], login: str = LOGIN) -> None:
    status, _ = await control(client, "PUT", f"/users/{login}", json={"password": "pw", "authenticators": {}})
    assert status == 200


async def test_scanning_the_qr_code_enrolls_the_phone(client: TestClient[Any, Any]):
    await a_user_without_okta_verify(client)
    uri = await start_activation(client)

    status, enrollment = await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate", json={"uri": uri})

    assert status == 200, enrollment
    assert enrollment["methods"] == [VerifyMethod.PUSH.value, VerifyMethod.TOTP.value]
    assert enrollment["push"]["outcome"] == PushOutcome.MANUAL.value
    assert enrollment["enrollment_id"].startswith("pfd")
    _, user = await control(client, "GET", f"/users/{LOGIN}")
    assert user["authenticators"]["okta_verify"] == enrollment
    _, code = await control(client, "GET", f"/users/{LOGIN}/totp")
    assert pyotp.TOTP(enrollment["totp"]["secret"]).verify(code["code"], valid_window=1)
    activation = await engine_of(client).activations.get(parse_activation_uri(uri) or "")
    assert activation is not None and activation.is_activated


async def test_re_enrolling_gives_a_new_secret_and_a_used_activation_is_409(client: TestClient[Any, Any]):
    before = await put_user(client, LOGIN, outcome="approve")
    uri = await start_activation(client)
    status, enrollment = await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate")
    assert status == 200
    assert enrollment["totp"]["secret"] != before["authenticators"]["okta_verify"]["totp"]["secret"]
    assert enrollment["push"]["outcome"] == "manual"

    for body in ({}, {"uri": uri}):
        status, answer = await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate", json=body)
        assert status == 409 and answer["error"] == "conflict", body
    _, user = await control(client, "GET", f"/users/{LOGIN}")
    assert user["authenticators"]["okta_verify"] == enrollment, "a refused activation changes nothing"


async def test_the_email_link_activates_too(client: TestClient[Any, Any]):
    await a_user_without_okta_verify(client)
    engine = engine_of(client)
    activation = await engine.activations.start(LOGIN, "txn-enrolling", "email", await engine.now())
    link = activation_link(str(client.make_url("")), activation.token, activation.login)
    status, _ = await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate", json={"uri": link})
    assert status == 200


async def test_nothing_pending_unknown_users_and_expired_activations_are_404(client: TestClient[Any, Any]):
    await a_user_without_okta_verify(client)
    await a_user_without_okta_verify(client, OTHER)
    status, answer = await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate")
    assert status == 404 and answer["error"] == "not_found"
    status, _ = await control(client, "POST", "/users/ghost@example.com/okta-verify/activate")
    assert status == 404
    theirs = await start_activation(client, OTHER)
    status, _ = await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate", json={"uri": theirs})
    assert status == 404, "another user's QR code enrolls nobody else"

    uri = await start_activation(client)
    await advance(client, ACTIVATION_LIFETIME)
    for body in ({}, {"uri": uri}):
        status, answer = await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate", json=body)
        assert status == 404, answer
    _, user = await control(client, "GET", f"/users/{LOGIN}")
    assert user["authenticators"] == {}


@pytest.mark.parametrize(
    "body",
    [
        [],
        "oktaverify://x",
        {"uri": 42},
        {"uri": ""},
        {"uri": "x" * 3000},
        {"uri": "javascript:alert(1)"},
        {"uri": "oktaverify://ada/?f=aut1"},
        {"url": "oktaverify://ada/?t=ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi"},
    ],
)
async def test_bad_bodies_are_400_and_change_nothing(client: TestClient[Any, Any], body: Any):
    await a_user_without_okta_verify(client)
    uri = await start_activation(client)
    status, answer = await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate", json=body)
    assert status == 400 and answer["error"] == "invalid_request", answer
    engine = engine_of(client)
    assert [a.token for a in await engine.pending_activations(LOGIN)] == [parse_activation_uri(uri)]
    assert (await engine.user(LOGIN)).okta_verify is None


async def test_the_device_page_offers_pending_activations_and_the_link_s_one(client: TestClient[Any, Any]):
    await a_user_without_okta_verify(client)
    page = await (await client.get(f"/_mock/device/{LOGIN}")).text()
    assert "Add account" in page and "Scan QR code" in page and "No QR code to scan" in page

    uri = await start_activation(client)
    token = parse_activation_uri(uri)
    assert token is not None
    page = await (await client.get(f"/_mock/device/{LOGIN}")).text()
    assert f'data-token="{token}"' in page and "QR code" in page

    opened = await client.get(f"/_mock/device/{LOGIN}", params={"activate": token})
    assert opened.status == 200
    assert 'class="activation offered"' in await opened.text()
    assert (await engine_of(client).user(LOGIN)).okta_verify is None, "opening the link changes nothing"

    state = await (await client.get(f"/_mock/device/{LOGIN}/state")).json()
    assert [a["token"] for a in state["activations"]] == [token]
    assert state["activations"][0]["channel"] == "qrcode" and token in state["activations_html"]


async def test_a_used_link_opens_the_page_with_nothing_to_add(client: TestClient[Any, Any]):
    await a_user_without_okta_verify(client)
    uri = await start_activation(client, channel="sms")
    status, _ = await control(client, "POST", f"/users/{LOGIN}/okta-verify/activate", json={"uri": uri})
    assert status == 200
    token = parse_activation_uri(uri)
    assert token is not None
    page = await client.get(f"/_mock/device/{LOGIN}", params={"activate": token})
    assert page.status == 200 and "is used or expired" in await page.text()
