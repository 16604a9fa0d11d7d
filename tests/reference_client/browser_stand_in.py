"""A browser stand-in for flows that cross origins (the reference client, then the org's hosted page, then back):
one cookie jar for every host, redirects followed one hop at a time (each hop kept, so a test can check where the
browser went), and HTML forms read and submitted the way a browser submits them: every field the form carries, plus
the name and value of the button that was clicked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import aiohttp
from yarl import URL

REDIRECTS = (301, 302, 303, 307, 308)
MAX_HOPS = 20


@dataclass(frozen=True)
class Button:
    name: str | None
    value: str
    label: str

    def labelled(self, text: str) -> bool:
        """The button's text is `text`, or starts with it (an option button may add a detail line under it)."""
        return self.label == text or self.label.startswith(f"{text} ")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    """Inputs a browser sends as they are (hidden, text, password...), with their current values."""
    buttons: list[Button] = field(default_factory=list)

    def button(self, label: str) -> Button:
        found = [b for b in self.buttons if b.labelled(label)]
        assert len(found) == 1, f"no single button {label!r} in {self.buttons}"
        return found[0]


@dataclass(frozen=True)
class Page:
    url: URL
    status: int
    text: str
    hops: list[tuple[int, URL]]
    """Every answer on the way here, redirects included: (status, URL requested)."""

    @property
    def forms(self) -> list[Form]:
        parser = _FormParser(self.url)
        parser.feed(self.text)
        parser.close()
        return parser.forms

    def form_with_fields(self, *names: str) -> Form:
        found = [f for f in self.forms if all(n in f.fields for n in names)]
        assert len(found) == 1, f"no single form with {names} on {self.url}:\n{self.text[:2000]}"
        return found[0]

    def form_with_button(self, label: str) -> tuple[Form, Button]:
        found = [(f, b) for f in self.forms for b in f.buttons if b.labelled(label)]
        assert len(found) == 1, f"no single button {label!r} on {self.url}:\n{self.text[:2000]}"
        return found[0]

    def went_through(self, path: str) -> bool:
        return any(url.path == path for _, url in self.hops)


class Browser:
    """Requests with one cookie jar, following redirects itself (GET after a 301/302/303, as browsers do)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def open(self, url: str | URL) -> Page:
        return await self._request("GET", URL(url), None)

    async def submit(self, page: Page, form: Form, values: dict[str, str] | None = None, button: str = "") -> Page:
        """Post (or get) `form` from `page` with `values` typed in and the button labelled `button` clicked."""
        data = {**form.fields, **(values or {})}
        if button:
            clicked = form.button(button)
            if clicked.name:
                data[clicked.name] = clicked.value
        if form.method == "GET":
            return await self._request("GET", URL(form.action).update_query(data), None)
        return await self._request("POST", URL(form.action), data)

    async def _request(self, method: str, url: URL, data: dict[str, str] | None) -> Page:
        hops: list[tuple[int, URL]] = []
        for _ in range(MAX_HOPS):
            async with self.session.request(method, url, data=data, allow_redirects=False) as response:
                text = await response.text()
                hops.append((response.status, url))
                location = response.headers.get("Location")
                if response.status not in REDIRECTS or location is None:
                    return Page(url, response.status, text, hops)
            url = url.join(URL(location))
            if response.status in (301, 302, 303):
                method, data = "GET", None
        raise AssertionError(f"more than {MAX_HOPS} redirects: {hops}")


class _FormParser(HTMLParser):
    """Forms with their inputs and submit buttons (enough for server-rendered sign-in pages, not every HTML form)."""

    def __init__(self, base: URL) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._button: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = self.base.join(URL(attributes.get("action") or str(self.base)))
            self._form = Form(str(action), attributes.get("method", "get").upper())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = attributes.get("type", "text").lower()
            name = attributes.get("name")
            if kind == "submit":
                value = attributes.get("value", "")
                self._form.buttons.append(Button(name, value, value))
            elif name and (kind not in ("radio", "checkbox") or "checked" in attributes):
                self._form.fields[name] = attributes.get("value", "")
        elif tag == "button" and attributes.get("type", "submit").lower() == "submit":
            self._button = {"name": attributes.get("name"), "value": attributes.get("value", ""), "text": []}

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button["text"].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button is not None and self._form is not None:
            label = " ".join("".join(self._button["text"]).split())
            self._form.buttons.append(Button(self._button["name"], self._button["value"], label))
            self._button = None
        elif tag == "form":
            self._form = None
