"""What the simulated phone shows: a user's pending pushes, described as Okta Verify would, their code, the
enrollments waiting for "Add account" (Okta Verify activations), and the texts and calls the org sent them.

Kept apart from the handlers so the page and its JSON state endpoint describe a push the same way, and so the
description (which browser, which app) is tested without HTTP.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pyotp
from markupsafe import Markup

from ..model.clock import isoformat
from ..model.directory import User, VerifyMethod
from ..model.engine import Engine
from .control_json import activation_json, push_json, totp_json
from .inbox_view import phone_messages

FAKE_ISSUER = "mock-idx FAKE"
"""Shown by a real authenticator app next to the code, so nobody mistakes the entry for a real account."""
BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("HeadlessChrome/", "Headless Chrome"),
    ("Chrome/", "Chrome"),
    ("Version/", "Safari"),
    ("node", "Node.js"),
    ("Python-urllib/", "Python urllib"),
    ("python-requests/", "Python requests"),
    ("aiohttp/", "Python aiohttp"),
    ("okta-auth-js/", "okta-auth-js"),
)
SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


async def device_state(engine: Engine, user: User) -> dict[str, Any]:
    """Everything the device page shows, as its JSON state endpoint answers it. ``now`` is the fake's (virtual) time,
    so the page computes ages and time left as the fake sees them."""
    now = await engine.now()
    pushes = [
        {**push_json(push, now), "browser": describe_browser(push.context.user_agent)}
        for push in await engine.pending_pushes(user.login)
    ]
    code = await engine.totp_code(user.login) if has_totp(user) else None
    activations = [activation_json(a, now) for a in await engine.pending_activations(user.login)]
    return {
        "login": user.login,
        "name": user.display_name,
        "device": user.okta_verify.device_name if user.okta_verify else None,
        "now": isoformat(now),
        "pushes": pushes,
        "totp": totp_json(code) if code else None,
        "activations": activations,
        "texts": await phone_messages(engine, user.login),
    }


def has_totp(user: User) -> bool:
    return user.okta_verify is not None and user.okta_verify.supports(VerifyMethod.TOTP)


def totp_uri(user: User) -> str:
    """The ``otpauth://`` URI a real authenticator app can import (the secret is fake; the label says so)."""
    assert user.okta_verify is not None
    return pyotp.TOTP(user.okta_verify.totp_secret).provisioning_uri(name=user.login, issuer_name=FAKE_ISSUER)


def qr_svg(uri: str) -> Markup:
    """An inline SVG QR code (no image files, no external service). segno is imported on the first one drawn: the
    server's start-up does not need it."""
    import segno

    return Markup(segno.make(uri, error="m").svg_inline(scale=4, omitsize=False))


def describe_browser(user_agent: str) -> str:
    """``Chrome 126 on Linux`` from a User-Agent header: what the phone tells the person about the sign-in."""
    if not user_agent:
        return "Unknown browser"
    name = next(((label, marker) for marker, label in BROWSERS if marker in user_agent), None)
    if name is None:
        return user_agent.split()[0][:60]
    label, marker = name
    version = re.search(re.escape(marker) + r"(\d+)", user_agent)
    system = next((label for marker, label in SYSTEMS if marker in user_agent), None)
    text = f"{label} {version.group(1)}" if version else label
    return f"{text} on {system}" if system else text


def device_path(login: str) -> str:
    return f"/_mock/device/{quote(login)}"
