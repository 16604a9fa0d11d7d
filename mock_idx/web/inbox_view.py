"""What the fake inbox page (``/_mock/inbox/{login}``) and the device page's SMS section show: a user's messages.

Kept apart from the handlers so the pages and their JSON state endpoints describe a message the same way the control
API does (:func:`~.control_json.message_json`), plus what only a page needs: whether its link may be a clickable one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from ..model.clock import isoformat
from ..model.directory import User
from ..model.engine import Engine
from ..model.outbox import Channel, Message
from .control_json import message_json

PHONE_CHANNELS = (Channel.SMS, Channel.VOICE)
"""What the device page's SMS section lists: texts, and calls (their transcript)."""
CLICKABLE_SCHEMES = ("http", "https")
"""A link is an anchor only with one of these; anything else (``javascript:``, ``data:``) is shown as text."""


async def inbox_state(engine: Engine, user: User) -> dict[str, Any]:
    """Everything the inbox page shows, as its JSON state endpoint answers it: the user's live emails, newest first."""
    emails = await engine.messages(user.login, Channel.EMAIL)
    return {
        "login": user.login,
        "name": user.display_name,
        "now": isoformat(await engine.now()),
        "emails": [page_message(m) for m in emails],
    }


async def phone_messages(engine: Engine, login: str) -> list[dict[str, Any]]:
    """The texts and calls on the user's phone, newest first (the device page's SMS section)."""
    return [page_message(m) for m in await engine.messages(login) if m.channel in PHONE_CHANNELS]


def page_message(message: Message) -> dict[str, Any]:
    return {**message_json(message), "clickable": is_web_link(message.link)}


def is_web_link(link: str | None) -> bool:
    """Whether ``link`` may be rendered as an anchor: an absolute ``http(s)`` URL, never a script."""
    if not link:
        return False
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme.lower() in CLICKABLE_SCHEMES and bool(parts.netloc)


def inbox_path(login: str) -> str:
    return f"/_mock/inbox/{quote(login, safe='')}"
