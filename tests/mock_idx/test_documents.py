"""Invariants every IDX document must hold for Okta's SDKs to accept it (see the protocol notes in the README)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tests.support.fixtures import app_in_loop
from tests.support.idx import Flow, Response, control, put_user, totp_now

LOGIN = "katherine@example.com"
ION = "application/ion+json; okta-version=1.0.0"


async def every_document(client, flow: Flow) -> list[Response]:
    """One walk through every step: identify, select, method, push wait, reject, resend, totp, wrong code, success."""
    user = await put_user(client, LOGIN, number_challenge=True)
    seen = [await flow.start(), await flow.identify(LOGIN), await flow.choose(), await flow.choose("push")]
    await control(client, "POST", f"/users/{LOGIN}/push/deny")
    seen.append(await flow.poll())
    seen.append(await flow.post("/idp/idx/challenge/resend", {}))
    seen.append(await flow.choose("totp"))
    seen.append(
        await flow.answer(
            "000000" if totp_now(user["authenticators"]["okta_verify"]["totp"]["secret"]) != "000000" else "111111"
        )
    )
    seen.append(await flow.answer(totp_now(user["authenticators"]["okta_verify"]["totp"]["secret"])))
    return seen


def forms(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from document.get("remediation", {}).get("value", [])
    if "cancel" in document:
        yield document["cancel"]
    current = document.get("currentAuthenticator", {}).get("value", {})
    for action in ("resend", "poll"):
        if action in current:
            yield current[action]


def resolve(document: dict[str, Any], path: str) -> Any:
    """The subset of JSONPath the SDK supports: ``$.a.b[0]``."""
    node: Any = document
    for part in re.findall(r"[^.\[\]$]+|\[\d+\]", path):
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    return node


async def test_every_document_has_the_envelope_the_sdk_needs(client, flow: Flow):
    for response in await every_document(client, flow):
        body = response.body
        assert response.headers["Content-Type"] == ION
        assert body["version"] == "1.0.0"
        assert body["intent"] == "LOGIN"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["expiresAt"])
        assert body["cancel"]["name"] == "cancel" and body["app"]["type"] == "object"
        assert "error" not in body and "headers" not in body and "context" not in body


async def test_every_form_is_submittable_and_carries_the_immutable_state_handle(client, flow: Flow):
    server = str(client.make_url("")).rstrip("/")
    for response in await every_document(client, flow):
        for form in forms(response.body):
            assert form["rel"] == ["create-form"] and form["method"] == "POST"
            assert form["href"].startswith(server + "/idp/idx/"), form["href"]
            [state] = [f for f in form["value"] if f["name"] == "stateHandle"]
            assert state == {
                "name": "stateHandle",
                "required": True,
                "value": response.body["stateHandle"],
                "visible": False,
                "mutable": False,
            }


async def test_every_relates_to_resolves_to_a_wrapper_or_an_authenticator(client, flow: Flow):
    for response in await every_document(client, flow):
        body = response.body
        for form in body.get("remediation", {}).get("value", []):
            for path in form.get("relatesTo", []):
                target = resolve(body, path)
                assert target["type"] == "object" and target["value"]["key"] == "okta_verify"
            for field in form["value"]:
                for option in field.get("options", []):
                    if "relatesTo" in option:
                        assert resolve(body, option["relatesTo"])["key"] == "okta_verify"


async def test_the_primary_remediation_comes_first(client, flow: Flow):
    names = [r.remediations for r in await every_document(client, flow)]
    assert names[:7] == [
        ["identify"],
        ["select-authenticator-authenticate"],
        ["authenticator-verification-data", "select-authenticator-authenticate"],
        ["challenge-poll", "select-authenticator-authenticate"],
        ["resend", "select-authenticator-authenticate"],
        ["challenge-poll", "select-authenticator-authenticate"],
        ["challenge-authenticator", "select-authenticator-authenticate"],
    ]


async def test_success_names_the_token_endpoint_and_the_code(client, flow: Flow):
    success = (await every_document(client, flow))[-1].body["successWithInteractionCode"]
    assert success["name"] == "issue" and success["href"].endswith("/oauth2/default/v1/token")
    assert success["accepts"] == "application/x-www-form-urlencoded"
    assert {v["name"] for v in success["value"]} >= {"grant_type", "interaction_code", "client_id", "code_verifier"}


async def test_no_idx_document_reveals_a_password_or_a_totp_secret(client, flow: Flow):
    documents = await every_document(client, flow)
    _, user = await control(client, "GET", f"/users/{LOGIN}")
    secret = user["authenticators"]["okta_verify"]["totp"]["secret"]
    for response in documents:
        text = str(response.body)
        assert "s3cret-Passw0rd" not in text and secret not in text


async def test_public_url_setting_rewrites_every_href():

    from mock_idx.config import Settings

    async with app_in_loop(Settings(public_url="https://idp.test/")) as client:
        flow = Flow(client)
        start = await flow.start()
        assert start.remediation("identify")["href"] == "https://idp.test/idp/idx/identify"
        config = await (await client.get("/oauth2/default/.well-known/openid-configuration")).json()
        assert config["issuer"] == "https://idp.test/oauth2/default"
