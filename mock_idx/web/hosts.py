"""Which ``Host`` names this server answers to.

Loopback is no boundary against the developer's own browser: a page on ``evil.example`` whose name is re-pointed at
127.0.0.1 (DNS rebinding) reaches a loopback server with ``Host: evil.example``, and same-origin rules then let it read
every answer. Answering only to names the developer chose closes that: the listening address, loopback names, the
``--public-url`` host and any ``--allowed-host``.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..config import Settings

WILDCARD_ADDRESSES = frozenset({"", "0.0.0.0", "::"})
MAX_ANSWERS_KEPT = 64
"""``Host`` headers whose answer is kept. A server is called by a handful of names (with their ports); a client making
up a new one each time only empties the table, never grows it past this."""


class HostPolicy:
    HINT = "Use 127.0.0.1 or localhost, or start mock-idx with --public-url or --allowed-host naming this host."

    def __init__(self, settings: Settings) -> None:
        names = {name.lower() for name in settings.allowed_hosts}
        if settings.host not in WILDCARD_ADDRESSES:
            names.add(settings.host.lower())
        if settings.public_url:
            public = urlsplit(settings.public_url).hostname
            if public:
                names.add(public.lower())
        self._names = frozenset(names)
        self._answers: dict[str, bool] = {}

    def allows(self, host_header: str | None) -> bool:
        """No ``Host`` at all (HTTP/1.0) is allowed: nothing then follows a foreign name.

        Every request asks, nearly always with the same header, and the answer depends on nothing else (the names are
        fixed at start-up): each header's answer is kept. Parsing it (``urlsplit``, ``ipaddress``) took about 3 µs,
        1% of a discovery request's CPU; a kept answer takes 0.2 µs."""
        if host_header is None:
            return True
        answer = self._answers.get(host_header)
        if answer is None:
            if len(self._answers) >= MAX_ANSWERS_KEPT:
                self._answers.clear()
            answer = self._answers[host_header] = self._name_allowed(hostname(host_header))
        return answer

    def _name_allowed(self, name: str | None) -> bool:
        return name is not None and (name in self._names or is_loopback_name(name))


def hostname(host_header: str) -> str | None:
    """The name in a ``Host`` header, without its port: ``[::1]:8080`` -> ``::1``; ``None`` if it is malformed."""
    try:
        return urlsplit(f"//{host_header}").hostname
    except ValueError:  # e.g. an unclosed "[" or a port that is not a number
        return None


def is_loopback_name(name: str) -> bool:
    """``localhost`` and its subdomains (RFC 6761 keeps them on this machine) and loopback addresses."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
