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

    def allows(self, host_header: str | None) -> bool:
        """No ``Host`` at all (HTTP/1.0) is allowed: nothing then follows a foreign name."""
        if host_header is None:
            return True
        name = hostname(host_header)
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
