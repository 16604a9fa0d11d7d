"""Sign-ins the security tests start from."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from idx_driver import Flow, control, put_user


async def signed_in(
    client: TestClient, login: str, scope: str = "openid profile email offline_access", **push: Any
) -> tuple[Flow, dict[str, Any]]:
    """A push sign-in approved at the first poll, exchanged for tokens."""
    await put_user(client, login, outcome="approve", **push)
    flow = Flow(client, scope=scope)
    await flow.push_sign_in(login)
    await flow.poll()
    response = await flow.exchange()
    assert response.status == 200, await response.text()
    return flow, await response.json()


async def advance(client: TestClient, seconds: float) -> None:
    status, _ = await control(client, "POST", "/clock/advance", json={"seconds": seconds})
    assert status == 200
