"""Identifier-first orgs (real Okta's default), which mock_idx does not model: a canned three-step fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from reference_client.idx import AuthenticationStatus as Status
from reference_client.idx import IdxClient, IdxClientConfig

PASSWORD_ENROLLMENT = {"type": "password", "key": "okta_password", "id": "autPwd", "displayName": "Password"}
OKTA_VERIFY = {"type": "app", "key": "okta_verify", "id": "autOV", "displayName": "Okta Verify"}


def idx_doc(base: str, name: str, fields: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    state = {"name": "stateHandle", "value": "sh", "mutable": False}
    return {
        "version": "1.0.0",
        "stateHandle": "sh",
        **top,
        "remediation": {
            "value": [
                {
                    "rel": ["create-form"],
                    "name": name,
                    "href": f"{base}/idp/idx/{name}",
                    "method": "POST",
                    "value": [*fields, state],
                }
            ]
        },
    }


def selection(base: str, authenticator: dict[str, Any]) -> dict[str, Any]:
    option = {
        "label": authenticator["displayName"],
        "relatesTo": "$.authenticatorEnrollments.value[0]",
        "value": {"form": {"value": [{"name": "id", "value": authenticator["id"], "mutable": False}]}},
    }
    return idx_doc(
        base,
        "select-authenticator-authenticate",
        [{"name": "authenticator", "options": [option]}],
        authenticatorEnrollments={"value": [authenticator]},
    )


@pytest.fixture
async def identifier_first() -> AsyncIterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """Identify (no password field) -> pick Password -> answer it -> Okta Verify selection. Records bodies."""
    seen: list[tuple[str, dict[str, Any]]] = []

    async def handle(request: web.Request) -> web.Response:
        base = f"http://{request.host}"
        seen.append((request.path, await request.json()))
        replies = {
            "/idp/idx/introspect": idx_doc(base, "identify", [{"name": "identifier", "label": "Username"}]),
            "/idp/idx/identify": selection(base, PASSWORD_ENROLLMENT),
            "/idp/idx/select-authenticator-authenticate": idx_doc(
                base,
                "challenge-authenticator",
                [{"name": "credentials", "form": {"value": [{"name": "passcode", "secret": True}]}}],
            ),
            "/idp/idx/challenge-authenticator": selection(base, OKTA_VERIFY),
        }
        return web.json_response(replies[request.path], content_type="application/ion+json")

    async def interact(request: web.Request) -> web.Response:
        return web.json_response({"interaction_handle": "ih"})

    app = web.Application()
    app.router.add_post("/oauth2/default/v1/interact", interact)
    app.router.add_post("/idp/idx/{step}", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/"), seen
    finally:
        await server.close()


async def test_password_is_verified_as_its_own_authenticator(identifier_first):
    base, seen = identifier_first
    config = IdxClientConfig(issuer=f"{base}/oauth2/default", client_id="c", redirect_uri="http://localhost/cb")
    async with aiohttp.ClientSession() as http:
        response = await IdxClient(config, http).authenticate("dana@example.com", "pw-dana")

    assert response.status is Status.AwaitingAuthenticatorSelection
    assert [a.label for a in response.authenticators] == ["Okta Verify"]
    assert seen[0] == ("/idp/idx/introspect", {"interactionHandle": "ih"})
    assert seen[1:] == [
        ("/idp/idx/identify", {"identifier": "dana@example.com", "stateHandle": "sh"}),
        ("/idp/idx/select-authenticator-authenticate", {"authenticator": {"id": "autPwd"}, "stateHandle": "sh"}),
        ("/idp/idx/challenge-authenticator", {"credentials": {"passcode": "pw-dana"}, "stateHandle": "sh"}),
    ]
