"""Reading a posted form without trusting it: a handler gets plain text fields, or the request is refused.

The app's forms are small, url-encoded, UTF-8 and name every field once. A body that cannot be read as such (an
unknown charset, bytes that are not UTF-8, a broken multipart or compressed body, a file part, a field sent twice)
is a 400 before any handler, or the CSRF check, looks at it; an oversized one is aiohttp's 413.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

FORM_KEY = web.RequestKey("form", Mapping[str, str])


class UnreadableFormError(web.HTTPBadRequest):
    """The posted body is not a form this app could have rendered."""


async def read_form(request: web.Request) -> Mapping[str, str]:
    """The posted fields as text (read once per request, then cached); UnreadableFormError if there are none such."""
    if FORM_KEY in request:
        return request[FORM_KEY]
    try:
        posted = await request.post()
    except (ValueError, LookupError, RuntimeError, RequestPayloadError) as exc:
        # LookupError: unknown charset; ValueError: undecodable bytes; RuntimeError: a multipart part with an
        # unknown Content-Transfer-Encoding; RequestPayloadError: a truncated or wrongly compressed body.
        raise UnreadableFormError(text=f"unreadable form: {exc.__class__.__name__}") from exc
    form: dict[str, str] = {}
    for name in posted:
        values = posted.getall(name)
        if len(values) != 1:
            raise UnreadableFormError(text=f"field {name!r} was sent {len(values)} times")
        [value] = values
        if not isinstance(value, str) or not _is_text(name) or not _is_text(value):
            raise UnreadableFormError(text=f"field {name!r} is not text")
        form[name] = value
    request[FORM_KEY] = form
    return form


def _is_text(value: str) -> bool:
    """Encodable as UTF-8 (no lone surrogates) and free of NUL: fit to echo back in a page or send to the issuer."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\0" not in value
