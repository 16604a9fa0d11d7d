"""The other web site of the control-plane tests: pages a hostile origin would serve to the developer's browser.

One small aiohttp app, run on its own port (so its origin is never mock-idx's), with the three things such a page can
do without any help from mock-idx: run script (``/``), submit a form on load (``/form``) and frame a page
(``/frame``). What each page aims at comes in its query string, so one server serves every test of a module.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title></head>
<body><h1>Another site</h1></body></html>
"""

FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Win a prize</title></head>
<body>
<form method="post" action="{action}" enctype="{enctype}">
  <input type="hidden" name="{name}" value="{value}">
</form>
<script>document.forms[0].submit();</script>
</body></html>
"""

FRAME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Framed</title></head>
<body><iframe id="target" src="{src}" width="400" height="600"></iframe></body></html>
"""

TRY_FETCH = """async ({url, init}) => {
  try {
    const response = await fetch(url, init);
    let text = null;
    try { text = await response.text(); } catch (error) { text = null; }
    return {type: response.type, status: response.status, text, error: null};
  } catch (error) {
    return {type: null, status: null, text: null, error: String(error)};
  }
}"""
"""For ``page.evaluate(TRY_FETCH, {"url": ..., "init": {...}})``: what the page's own script gets to see of a fetch.
A CORS refusal is a ``TypeError`` (``error``); a ``no-cors`` answer is ``opaque``, with status 0 and no text."""


def smuggled_json(document: str) -> tuple[str, str]:
    """A form field (name, value) whose ``text/plain`` encoding, ``name=value``, is the JSON ``document``: the classic
    way a plain HTML form posts JSON. The form supplies the ``=``, so ``document`` must hold one, inside a string."""
    name, separator, value = document.partition("=")
    if not separator:
        raise ValueError("the document needs an '=' inside one of its strings, where the form's separator goes")
    return name, value


def attacker_app() -> web.Application:
    async def home(request: web.Request) -> web.Response:
        return web.Response(text=HOME, content_type="text/html")

    async def form(request: web.Request) -> web.Response:
        query = request.query
        fields = {key: escape(query.get(key, ""), quote=True) for key in ("action", "enctype", "name", "value")}
        return web.Response(text=FORM.format(**fields), content_type="text/html")

    async def frame(request: web.Request) -> web.Response:
        return web.Response(
            text=FRAME.format(src=escape(request.query.get("src", ""), quote=True)), content_type="text/html"
        )

    app = web.Application()
    app.router.add_get("/", home)
    app.router.add_get("/form", form)
    app.router.add_get("/frame", frame)
    return app
