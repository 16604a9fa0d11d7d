"""The activation email's link, ``/welcome/{token}``, over plain HTTP on both stores: it opens the built-in hosted
sign-in page on the token's sign-in, where the new user sets a password and lands on ``/welcome/done`` active; an
invalid link is Okta's message on the org's error page."""

from __future__ import annotations

from typing import Any

from tests.support.hosted_pages import open_page, path_of, press, read, step
from tests.support.idx import control
from tests.support.idx_steps import LOGIN, load_org

NEW_PASSWORD = "Brand-new-Passw0rd"


async def _staged(client: Any) -> str:
    await load_org(
        client,
        [{"login": LOGIN, "password": None, "status": "STAGED", "authenticators": {}}],
        {"okta_password": "required"},
        sign_on="one_factor",
    )
    status, activated = await control(client, "POST", f"/users/{LOGIN}/lifecycle/activate")
    assert status == 200
    link: str = activated["activationUrl"]
    return link


async def test_the_link_opens_the_sign_in_page_where_the_user_sets_a_password_and_is_active(client: Any) -> None:
    link = await _staged(client)
    _, inbox = await control(client, "GET", f"/users/{LOGIN}/messages")
    assert inbox["messages"][0]["link"] == link

    page = await open_page(client, link)
    assert page.heading == "Set up security methods", page.html
    page = await step(client, page, "Password")
    assert page.heading == "Set up password"
    refused = await read(await press(client, page, page.buttons[0], password="short"))  # the org's password policy
    assert refused.heading == "Set up password"
    assert "Password requirements were not met" in refused.text
    response = await press(client, page, page.buttons[0], password=NEW_PASSWORD)
    assert response.status == 303, await response.text()
    finished = await client.get(path_of(response.headers["Location"]), allow_redirects=False)
    assert finished.status == 302
    assert path_of(finished.headers["Location"]).startswith("/welcome/done")
    done = await open_page(client, finished.headers["Location"])
    assert done.heading == "Account activated"

    _, stored = await control(client, "GET", f"/users/{LOGIN}")
    assert stored["status"] == "ACTIVE"
    again = await client.get(path_of(link), allow_redirects=False)  # used: Okta's message, no sign-in
    assert again.status == 400
    assert "already activated your account" in await again.text()


async def test_an_unknown_link_is_okta_s_message_on_the_error_page(client: Any) -> None:
    await _staged(client)
    for token in ("not-a-token", "x" * 500):
        response = await client.get(f"/welcome/{token}", allow_redirects=False)
        assert response.status == 400
