"""Steps through the reference app's pages that several of its test modules take, as its ``visitor`` fixture (the
browser stand-in from conftest.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mock_idx.control_client import MockUser

if TYPE_CHECKING:
    from tests.reference_client.conftest import Visitor


async def sign_in_to_methods(visitor: Visitor, user: MockUser) -> None:
    """Login, then pick Okta Verify: ends on the method page."""
    assert (await visitor.get("/login")).status == 200
    login_page = await visitor.post("/login", {"username": user.login, "password": user.password})
    assert (login_page.status, login_page.location) == (302, "/select-authenticator")
    choices = await visitor.get("/select-authenticator")
    [authenticator_id] = re.findall(r'name="authenticator_id" value="([^"]+)"', choices.text)
    assert "Okta Verify" in choices.text and '<button type="submit">Submit</button>' in choices.text
    picked = await visitor.post("/select-authenticator", {"authenticator_id": authenticator_id})
    assert picked.location == "/okta-verify/select-method"


async def choose_method(visitor: Visitor, method: str) -> str:
    await visitor.get("/okta-verify/select-method")
    chosen = await visitor.post("/okta-verify/select-method", {"method_type": method})
    assert chosen.location is not None, chosen.status
    return chosen.location


async def wait_for_push(visitor: Visitor, user: MockUser) -> None:
    await sign_in_to_methods(visitor, user)
    assert await choose_method(visitor, "push") == "/okta-verify/push-sent"
