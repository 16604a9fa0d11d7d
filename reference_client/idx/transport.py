"""HTTP + JSON for the IDX client: the only module that touches the network.

It sends requests the way the official SDKs do (JSON bodies for IDX with the remediation's `accepts` as Accept,
form bodies for OAuth), parses JSON whatever the content type (Okta answers IDX with `application/ion+json`), and
turns what no caller can handle as a step (network failures, 429, 5xx) into exceptions. Nothing the server sends
escapes as anything else: an href or method aiohttp cannot send, or a body that is too large, is IdxProtocolError.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from .. import __version__
from .errors import IdxProtocolError, IdxRateLimitedError, IdxTransientError

ION_JSON = "application/ion+json; okta-version=1.0.0"
USER_AGENT = f"mock-idx-reference-client/{__version__}"
MAX_PACING_HINT_S = 60
MAX_REPLY_BYTES = 1024 * 1024
"""IDX documents are a few KB; a reply larger than this is not one, and is not read into memory."""


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: status, JSON body (None when the body was not a JSON object) and headers."""

    status: int
    body: dict[str, Any] | None
    headers: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Transport:
    """Sends IDX and OAuth requests over a caller-owned `aiohttp.ClientSession` (one per app, shared by users)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def post_json(
        self,
        url: str,
        body: Mapping[str, Any],
        *,
        method: str = "POST",
        accept: str = ION_JSON,
        content_type: str = "application/json",
    ) -> Reply:
        """Send an IDX request (introspect or a form): JSON body, Accept copied from the remediation's `accepts`."""
        headers = {"Accept": accept, "Content-Type": content_type}
        return await self._send(method, url, headers=headers, data=json.dumps(body))

    async def post_form(self, url: str, fields: Mapping[str, str], headers: Mapping[str, str] | None = None) -> Reply:
        """Call an OAuth endpoint (interact, token, revoke) with a form-encoded body (`headers`: e.g. Basic auth)."""
        sent = {"Accept": "application/json", **(headers or {})}
        return await self._send("POST", url, headers=sent, data=dict(fields))

    async def get_json(self, url: str) -> Reply:
        """Fetch a JSON resource (discovery document, JWKS)."""
        return await self._send("GET", url, headers={"Accept": "application/json"})

    async def _send(self, method: str, url: str, **kwargs: Any) -> Reply:
        kwargs["headers"] = {"User-Agent": USER_AGENT, **kwargs["headers"]}
        try:
            async with self._session.request(method, url, **kwargs) as response:
                body = await _read_capped(response, f"{method} {url}")
                status, headers = response.status, response.headers
        except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as exc:
            raise IdxProtocolError(f"{method} {url}: not a URL to send to ({exc!r})") from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise IdxTransientError(f"{method} {url} failed: {exc!r}") from exc
        except ValueError as exc:  # a method aiohttp refuses to send (the server names it in remediations)
            raise IdxProtocolError(f"{method} {url}: {exc}") from exc
        if status == 429:
            raise IdxRateLimitedError(
                f"{method} {url}: 429 Too Many Requests", pacing_hint_ms(headers), body=_json_object(body)
            )
        if status >= 500:  # even with an IDX body ("Internal Server Error"): the state itself did not change
            raise IdxTransientError(f"{method} {url}: HTTP {status}")
        return Reply(status, _json_object(body), headers)


def pacing_hint_ms(headers: Mapping[str, str]) -> int | None:
    """How long the server asked us to wait, from Retry-After (seconds) or Okta's X-Rate-Limit-Reset (epoch s).

    Capped at a minute so a skewed server clock cannot stall a sign-in page for hours.
    """
    wait_s: float | None = None
    if (retry_after := headers.get("Retry-After", "")).strip().isdigit():
        wait_s = float(retry_after)
    elif (reset := headers.get("X-Rate-Limit-Reset", "")).strip().isdigit():
        wait_s = float(reset) - time.time()
    if wait_s is None:
        return None
    return int(min(max(wait_s, 1.0), MAX_PACING_HINT_S) * 1000)


async def _read_capped(response: aiohttp.ClientResponse, what: str) -> bytes:
    body = bytearray()
    async for chunk in response.content.iter_any():
        body += chunk
        if len(body) > MAX_REPLY_BYTES:
            raise IdxProtocolError(f"{what}: reply larger than {MAX_REPLY_BYTES} bytes")
    return bytes(body)


def _json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, whatever its declared charset; None for anything else (or nested too deep)."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # ValueError covers bytes that are not UTF-8/16/32
        return None
    return value if isinstance(value, dict) else None
