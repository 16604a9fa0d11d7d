"""``--store``: where the org's state lives, as one URL checked before anything starts.

``memory`` (the default) keeps the org in this process. ``redis://HOST:PORT/DB`` (or ``rediss://`` over TLS, or
``unix:///path/redis.sock?db=N``) keeps it in Redis, where any number of replicas share it; ``?prefix=NAME`` names the
org within that Redis, so parallel CI jobs can share one server without sharing an org.

Everything is refused here, with one line, that would otherwise surface later as a puzzling connection error or, worse,
as two orgs silently written under one key (an unknown query key is a typo, not an option to pass on). The password a
URL may carry is never repeated in a message.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

DEFAULT_PREFIX = "mock-idx"
PREFIX = re.compile(r"[A-Za-z0-9_.-]{1,64}")
"""Prefixes end up in every Redis key: no separators (``:``), spaces, globs (``*?[]``) or anything to escape."""
HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")
DATABASE = re.compile(r"[0-9]{1,5}")
MAX_LENGTH = 2048
SHOWN_LENGTH = 80
"""How much of a refused value a message repeats: enough to recognise it, never a screenful."""
REDIS_SCHEMES = ("redis", "rediss")
UNIX_SCHEME = "unix"


@dataclass(frozen=True)
class StoreUrl:
    """A checked ``--store``: ``kind`` says which store; ``redis_url`` is what the Redis client connects to (the URL
    without mock-idx's own ``prefix``); ``prefix`` names the org within that Redis."""

    kind: Literal["memory", "redis"]
    redis_url: str | None = None
    prefix: str = DEFAULT_PREFIX

    @property
    def shared(self) -> bool:
        """Whether other processes can serve the same org (what ``--workers`` and replicas need)."""
        return self.kind == "redis"

    def __str__(self) -> str:
        """For banners and messages: the URL with any password replaced by ``***``."""
        if self.redis_url is None:
            return "memory"
        return f"{_without_password(self.redis_url)} (prefix {self.prefix})"


MEMORY = StoreUrl(kind="memory")


def parse_store_url(text: str) -> StoreUrl:
    """``text`` as a :class:`StoreUrl`, or :class:`ValueError` with one line saying what is wrong with it."""
    if text in ("", "memory"):
        return MEMORY
    if len(text) > MAX_LENGTH:
        raise _refused(text, f"is longer than {MAX_LENGTH} characters")
    if not (text.isascii() and text.isprintable()) or any(character.isspace() for character in text):
        raise _refused(text, "may hold only printable ASCII without spaces (percent-encode anything else)")
    try:
        parts = urlsplit(text)
        port = parts.port  # checks the port too: a number from 0 to 65535
    except ValueError as error:  # "Port out of range 0-65535", "Invalid IPv6 URL"
        raise _refused(text, f"is not a URL ({error})") from None
    if parts.scheme in REDIS_SCHEMES:
        _check_network_location(text, parts.hostname, port)
        if not (parts.path in ("", "/") or (parts.path[:1] == "/" and DATABASE.fullmatch(parts.path[1:]))):
            raise _refused(text, "names its database in the path as a number, like redis://HOST:6379/0")
        allowed: tuple[str, ...] = ("prefix",)
    elif parts.scheme == UNIX_SCHEME:
        if parts.netloc.rpartition("@")[2] or not parts.path.startswith("/"):
            raise _refused(text, "names a socket by its absolute path, like unix:///run/redis/redis.sock?db=0")
        allowed = ("prefix", "db")
    else:
        raise _refused(
            text, "is not a store mock-idx knows: use memory, redis://HOST:6379/0, rediss://... or unix:///PATH"
        )
    if parts.fragment or text.endswith("#"):
        raise _refused(text, "has a #fragment, which no store takes")
    query = _query(text, parts.query, allowed)
    prefix = query.pop("prefix", DEFAULT_PREFIX)
    if not PREFIX.fullmatch(prefix):
        raise _refused(text, "has a prefix other than 1 to 64 letters, digits, '_', '.' or '-'")
    if "db" in query and not DATABASE.fullmatch(query["db"]):
        raise _refused(text, "has a db other than a number")
    redis_url = f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{urlencode(query)}" if query else "")
    return StoreUrl(kind="redis", redis_url=redis_url, prefix=prefix)


def _check_network_location(text: str, host: str | None, port: int | None) -> None:
    if not host:
        raise _refused(text, "names no host, like redis://127.0.0.1:6379/0")
    if not HOST_NAME.fullmatch(host):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise _refused(text, "names a host that is neither a host name nor an IP address") from None
    if port == 0:
        raise _refused(text, "names port 0, where no Redis listens")


def _query(text: str, query: str, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query's keys, each at most once and each one this kind of store takes."""
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query), errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise _refused(text, "has a query that is not NAME=VALUE pairs of UTF-8 text") from None
    found: dict[str, str] = {}
    for key, value in pairs:
        if key not in allowed:
            raise _refused(
                text, f"has a query key {_shown(key)} mock-idx does not take (it takes {', '.join(allowed)})"
            )
        if key in found:
            raise _refused(text, f"gives {key} twice")
        found[key] = value
    return found


def _refused(text: str, problem: str) -> ValueError:
    return ValueError(f"--store {_shown(_without_password(text))} {problem}")


def _shown(value: str) -> str:
    """``value`` quoted on one line (control characters escaped) and cut short."""
    cut = value if len(value) <= SHOWN_LENGTH else value[: SHOWN_LENGTH - 3] + "..."
    return repr(cut)


def _without_password(text: str) -> str:
    """``text`` with the password of ``scheme://user:password@host`` replaced by ``***``, so no message or banner
    repeats it; anything that does not parse is returned as given (it then carries no recognisable password)."""
    scheme, separator, rest = text.partition("://")
    if not separator:
        return text
    authority, slash, tail = rest.partition("/")
    credentials, at, location = authority.rpartition("@")
    if not at:
        return text
    user, colon, _ = credentials.partition(":")
    masked = f"{user}:***" if colon else credentials
    return f"{scheme}://{masked}@{location}{slash}{tail}"
