"""Serving files from a folder by a name that came from a URL.

aiohttp's own static route answers a name with a NUL byte, or one longer than the file system allows, with a 500
(the ``stat`` fails). Here every such name, and every name that climbs out of the folder, is simply not found.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler

MAX_NAME = 1024
"""Longer than any file the folders hold, shorter than any OS limit."""


def file_under(root: Path, name: str) -> Path | None:
    """The regular file ``name`` names inside ``root`` (resolved), or ``None`` for anything else."""
    if not name or "\x00" in name or len(name) > MAX_NAME:
        return None
    try:
        target = (root / name).resolve()
        return target if target.is_relative_to(root) and target.is_file() else None
    except (OSError, ValueError):  # a path component too long for the OS, or one it cannot represent
        return None


def serve_from(root: Path) -> Handler:
    """A handler serving ``{path}`` from ``root``: a 404 for whatever :func:`file_under` refuses."""
    resolved = root.resolve()

    async def static_file(request: web.Request) -> web.StreamResponse:
        target = file_under(resolved, request.match_info["path"])
        if target is None:
            raise web.HTTPNotFound()
        return web.FileResponse(target)

    return static_file
