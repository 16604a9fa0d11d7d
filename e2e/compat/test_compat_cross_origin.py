"""An app on another origin embeds the real Sign-In Widget and signs in against mock_idx over CORS.

The host page comes from a tiny aiohttp app on its own port (another origin than mock_idx), loads the widget
bundle from mock_idx's static files and points the widget's issuer at mock_idx, as a real single-page app
embeds the widget against an Okta org. Every IDX and OAuth call is then cross-origin with credentials and
the ``X-Okta-User-Agent-Extended`` header, so each needs a preflight that mock_idx must allow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Response

from e2e.artifacts import RecordedContexts
from e2e.compat.compat_support import COMPAT_SETTINGS
from e2e.compat.widget_driver import (
    assert_tokens_for,
    choose_okta_verify,
    sign_in_with_password,
    tap_on_device,
    widget_result,
)
from mock_idx.pytest_plugin import MockIdx
from mock_idx.testing import BackgroundServer

pytestmark = pytest.mark.mock_idx(**COMPAT_SETTINGS)

CLIENT_ID = "cross-origin-app"
HOST_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Another app</title>
<link rel="stylesheet" href="{static}/css/okta-sign-in.min.css"></head>
<body>
<h1>Another app, another origin</h1>
<div id="sign-in"></div>
<script src="{static}/js/okta-sign-in.min.js"></script>
<script>
  window.__widgetViews = [];
  window.__widgetResult = null;
  const signIn = new OktaSignIn({config});
  signIn.on('afterRender', (context) => window.__widgetViews.push({{formName: context.formName}}));
  signIn.showSignInToGetTokens().then(
    (tokens) => {{ window.__widgetResult = {{status: 'SUCCESS', idToken: {{claims: tokens.idToken.claims}},
      accessToken: {{raw: tokens.accessToken.accessToken, scopes: tokens.accessToken.scopes}}}}; }},
    (error) => {{ window.__widgetResult = {{status: 'ERROR', message: String(error)}}; }});
</script>
</body>
</html>
"""


def host_app(mock_url: str) -> web.Application:
    """The other app: one page embedding the widget, configured with mock_idx as its Okta org."""

    async def page(request: web.Request) -> web.Response:
        config = {
            "issuer": f"{mock_url}/oauth2/default",
            "clientId": CLIENT_ID,
            "el": "#sign-in",
            "redirectUri": f"{request.scheme}://{request.host}/callback",
            "language": "en",
        }
        html = HOST_PAGE.format(static=f"{mock_url}/_mock/widget/static", config=json.dumps(config))
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    return app


@pytest.fixture
def host_url(mock_idx: MockIdx) -> Iterator[str]:
    with BackgroundServer(lambda: host_app(mock_idx.url)) as server:
        yield server.url


async def test_widget_on_another_origin_signs_in_over_cors(
    mock_idx: MockIdx, host_url: str, pages: RecordedContexts
) -> None:
    assert host_url != mock_idx.url
    user = mock_idx.add_user()
    page = await pages.new_page("browser")
    api_calls: list[Response] = []
    page.on(
        "response",
        lambda r: api_calls.append(r) if r.url.startswith(mock_idx.url) and "/static/" not in r.url else None,
    )
    await page.goto(host_url)
    await sign_in_with_password(page, user)
    await choose_okta_verify(page, "push")
    await tap_on_device(await pages.new_page("phone"), mock_idx.device_url(user.login), "approve")
    assert_tokens_for(await widget_result(page), user=user, issuer=mock_idx.issuer, client_id=CLIENT_ID)

    paths = {r.url.removeprefix(mock_idx.url).split("?")[0] for r in api_calls}
    assert {
        "/oauth2/default/v1/interact",
        "/idp/idx/introspect",
        "/idp/idx/identify",
        "/oauth2/default/v1/token",
        "/oauth2/default/v1/keys",
    } <= paths
    for response in api_calls:
        assert await cors_view(response) == {
            "origin": host_url,
            "allow-origin": host_url,
            "allow-credentials": "true",
            "user-agent-header": True,
        }, response.url


async def cors_view(response: Response) -> dict[str, Any]:
    """What CORS hinges on for one call: the caller's origin, what mock_idx allowed, and the Okta header sent."""
    sent = await response.request.all_headers()
    received = await response.all_headers()
    return {
        "origin": sent.get("origin"),
        "allow-origin": received.get("access-control-allow-origin"),
        "allow-credentials": received.get("access-control-allow-credentials"),
        "user-agent-header": "x-okta-user-agent-extended" in sent,
    }
