"""Okta Verify's own pages (method choice, push, code) list every authenticator the user may verify with under "Verify
with something else", not Okta Verify alone.

The Sign-In Widget (Gen2 and Gen3) builds that link's list from the page's own ``select-authenticator-authenticate``:
when it named Okta Verify only, a user with Okta Verify and email who had no phone at hand could never get to the
email code. Each option must resolve, through its ``relatesTo``, to an entry of the key it posts.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.idx import PASSWORD, Flow, Response, control

LOGIN = "both@example.com"


async def org_with_okta_verify_and_email(client: Any) -> None:
    scenario = {
        "settings": {
            "authenticators": {
                "enrollment": {"okta_password": "required", "okta_verify": "optional", "okta_email": "optional"},
                "sign_on": "when_enrolled",
            }
        },
        "users": [{"login": LOGIN, "password": PASSWORD, "authenticators": {"okta_verify": {}, "email": {}}}],
    }
    status, body = await control(client, "PUT", "/scenario", json=scenario)
    assert status == 200, body


def listed_keys(response: Response) -> dict[str, str]:
    """The keys "Verify with something else" offers, each with the ``id`` its option posts."""
    found: dict[str, str] = {}
    for option in response.remediation("select-authenticator-authenticate")["value"][0]["options"]:
        listing, _, index = option["relatesTo"].removeprefix("$.").partition(".value[")
        entry = response.body[listing]["value"][int(index.rstrip("]"))]
        fields = option["value"]["form"]["value"]
        found[entry["key"]] = next(f["value"] for f in fields if f["name"] == "id")
    return found


@pytest.mark.parametrize("method", ["push", "totp", None])
async def test_every_okta_verify_page_lists_email_too(flow: Flow, client: Any, method: str | None) -> None:
    await org_with_okta_verify_and_email(client)
    await flow.start()
    listed = await flow.identify(LOGIN)
    okta_verify_id = listed_keys(listed)["okta_verify"]
    page = await flow.post("/idp/idx/challenge", {"authenticator": {"id": okta_verify_id, "methodType": method}})
    assert page.status == 200, page.body
    primary = {"push": "challenge-poll", "totp": "challenge-authenticator", None: "authenticator-verification-data"}
    assert page.remediations == [primary[method], "select-authenticator-authenticate"]
    assert set(listed_keys(page)) == {"okta_verify", "okta_email"}
    assert page.body["currentAuthenticator"]["value"]["key"] == "okta_verify"


async def test_email_chosen_from_the_push_page_sends_the_code(flow: Flow, client: Any) -> None:
    await org_with_okta_verify_and_email(client)
    await flow.start()
    await flow.identify(LOGIN)
    push = await flow.choose("push")
    email_id = listed_keys(push)["okta_email"]
    challenge = await flow.post("/idp/idx/challenge", {"authenticator": {"id": email_id}})
    assert challenge.remediations[0] == "challenge-authenticator", challenge.body
    status, body = await control(client, "GET", f"/users/{LOGIN}/messages?channel=email")
    assert status == 200 and body["messages"][0]["code"]
