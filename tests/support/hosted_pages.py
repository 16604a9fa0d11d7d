"""The built-in hosted sign-in page (``/signin``) as a browser without scripts sees it: each page read into its
forms, buttons, alerts and links, and a hosted sign-in walked through those forms only, up to what the app receives.

A hosted sign-in is opened with the engine's ``authorize`` (what ``/v1/authorize`` calls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from mock_idx.model.authorize import AuthorizeRequest
from mock_idx.model.engine import CodeRedemption
from mock_idx.model.tokens import AuthorizationServer
from mock_idx.model.transaction import Transaction
from mock_idx.web.app_keys import ENGINE
from tests.support import pkce
from tests.support.idx import REDIRECT_URI

CLIENT_ID = "hosted-app"
STATE = "app-state-1"


# --- reading a page as a browser without scripts does -----------------------------------------------------------------


@dataclass
class Form:
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    """Visible fields, with the value the page fills in."""
    buttons: list[tuple[str, str, str]] = field(default_factory=list)
    """Each submit button: its text, and the name and value it sends."""
    choices: dict[str, list[str]] = field(default_factory=dict)
    """Each select's option values."""


@dataclass
class Page:
    status: int
    url: str
    headers: Any
    html: str
    heading: str = ""
    alerts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    """Each link's text, and where it goes."""
    poll: dict[str, str] = field(default_factory=dict)
    meta_refresh: str = ""
    nonces: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    @property
    def buttons(self) -> list[str]:
        return [label for form in self.forms for label, _, _ in form.buttons]

    def form_with(self, button: str) -> tuple[Form, dict[str, str]]:
        for form in self.forms:
            for label, name, value in form.buttons:
                if label == button or label.startswith(f"{button} "):
                    return form, ({name: value} if name else {})
        raise AssertionError(f"no button {button!r} on the page; it has {self.buttons}")


class _Reader(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page
        self.open: list[str] = []
        self.form: Form | None = None
        self.button: list[Any] | None = None
        self.alert: list[str] | None = None
        self.link: list[Any] | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.form = Form(values.get("action", ""))
            self.page.forms.append(self.form)
        elif tag == "input" and self.form is not None:
            target = self.form.hidden if values.get("type") == "hidden" else self.form.inputs
            target[values.get("name", "")] = values.get("value", "")
        elif tag == "button":
            self.button = [[], values.get("name", ""), values.get("value", "")]
        elif tag == "a":
            self.link = [[], values.get("href", "")]
        elif tag == "meta" and values.get("http-equiv") == "refresh":
            self.page.meta_refresh = values.get("content", "")
        elif tag in ("script", "style"):
            self.page.nonces.append(values.get("nonce", ""))
        if values.get("role") == "alert":
            self.alert = []
        elif tag == "select" and self.form is not None:
            self.select = values.get("name", "")
            self.form.inputs.setdefault(self.select, "")
        elif tag == "option" and self.form is not None and self.select is not None:
            self.form.choices.setdefault(self.select, []).append(values.get("value", ""))
            if "selected" in values or not self.form.inputs[self.select]:
                self.form.inputs[self.select] = values.get("value", "")
        elif tag == "img":
            self.page.images.append(values.get("src", ""))
        if values.get("id") == "poll":
            self.page.poll = {"url": values["data-poll-url"], "ms": values["data-poll-ms"]}
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "button" and self.button is not None and self.form is not None:
            self.form.buttons.append((" ".join("".join(self.button[0]).split()), self.button[1], self.button[2]))
            self.button = None
        elif tag == "a" and self.link is not None:
            self.page.links[" ".join("".join(self.link[0]).split())] = self.link[1]
            self.link = None
        elif self.alert is not None and tag in ("p", "div"):
            self.page.alerts.append(" ".join("".join(self.alert).split()))
            self.alert = None
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        inside = self.open[-1] if self.open else ""
        if inside in ("script", "style", "title"):
            return
        if inside == "h1":
            self.page.heading += data.strip()
        if self.button is not None:
            self.button[0].append(data)
        if self.alert is not None:
            self.alert.append(data)
        if self.link is not None:
            self.link[0].append(data)
        self.page.texts.append(data)


async def read(response: ClientResponse) -> Page:
    html = await response.text()
    page = Page(response.status, str(response.url), response.headers, html)
    _Reader(page).feed(html)
    return page


# --- walking the page -------------------------------------------------------------------------------------------------


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def open_page(client: TestClient[Any, Any], url: str) -> Page:
    """GET a page of the sign-in, following the page's own redirects (to the next step) but not the one to the app."""
    response = await client.get(path_of(url), allow_redirects=False)
    while response.status in (302, 303) and _is_ours(response.headers["Location"]):
        response = await client.get(path_of(response.headers["Location"]), allow_redirects=False)
    return await read(response)


def _is_ours(location: str) -> bool:
    return urlsplit(location).path in ("/signin", "/login/token/redirect")


async def press(client: TestClient[Any, Any], page: Page, button: str, **fields: str) -> ClientResponse:
    """Submit the form holding ``button``, with ``fields`` typed into it; the raw answer (a 303, or the page again)."""
    form, pressed = page.form_with(button)
    data = {**form.hidden, **form.inputs, **fields, **pressed}
    return await client.post(path_of(form.action), data=data, allow_redirects=False)


async def step(client: TestClient[Any, Any], page: Page, button: str, **fields: str) -> Page:
    """Press ``button`` and land on the page it leads to (post/redirect/get)."""
    response = await press(client, page, button, **fields)
    assert response.status == 303, await response.text()
    return await open_page(client, response.headers["Location"])


@dataclass
class HostedSignIn:
    """One hosted sign-in as an app starts it: its PKCE verifier and its first page's URL."""

    transaction: Transaction
    verifier: str
    server: AuthorizationServer

    @property
    def url(self) -> str:
        return f"/signin?stateToken={self.transaction.state_handle}"


def server_of(client: TestClient[Any, Any]) -> AuthorizationServer:
    base = str(client.make_url("")).rstrip("/")
    return AuthorizationServer(id="default", issuer=f"{base}/oauth2/default", audience="api://default")


async def start(client: TestClient[Any, Any], **overrides: Any) -> HostedSignIn:
    verifier = pkce.new_verifier()
    params: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid profile email",
        "state": STATE,
        "nonce": "nonce-1",
        "code_challenge": pkce.challenge(verifier),
        "code_challenge_method": "S256",
        "authorization_server": "default",
        **overrides,
    }
    server = server_of(client)
    opened = await client.app[ENGINE].authorize(AuthorizeRequest(**params), server, None)
    assert isinstance(opened, Transaction), opened
    return HostedSignIn(opened, verifier, server)


async def poll(client: TestClient[Any, Any], page: Page) -> Page:
    """What the waiting page's reload asks for (its script and its meta refresh alike)."""
    return await open_page(client, page.poll["url"])


def landing(response: ClientResponse) -> dict[str, str]:
    """The parameters the app receives on a ``query`` redirect, checked to be its redirect URI."""
    assert response.status == 302, response.status
    location = response.headers["Location"]
    assert location.startswith(f"{REDIRECT_URI}?"), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


async def to_app(client: TestClient[Any, Any], page: Page, button: str, **fields: str) -> ClientResponse:
    """The last step: press ``button``, follow the page to ``/login/token/redirect``, and return its answer."""
    response = await press(client, page, button, **fields)
    assert response.status == 303, await response.text()
    return await finish(client, response.headers["Location"])


async def finish(client: TestClient[Any, Any], location: str) -> ClientResponse:
    assert urlsplit(location).path == "/login/token/redirect", location
    return await client.get(path_of(location), allow_redirects=False)


def session_cookie(response: ClientResponse) -> Any:
    cookies = SimpleCookie()
    for header in response.headers.getall("Set-Cookie", []):
        cookies.load(header)
    return cookies["sid"]


async def redeem(client: TestClient[Any, Any], code: str, verifier: str) -> Any:
    engine = client.app[ENGINE]
    app = engine.policy.find_client(CLIENT_ID)
    assert app is not None
    return await engine.redeem_authorization_code(CodeRedemption(app, code, REDIRECT_URI, verifier, server_of(client)))
