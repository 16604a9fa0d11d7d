"""A Python web app signs in through mock_idx's hosted page with Authlib, as a Flask or Starlette app does.

Authlib's Flask and Starlette clients (``oauth.register(name, server_metadata_url=..., client_kwargs=...)``) are its
``OAuth2Mixin`` and ``OpenIDMixin`` over a requests (or httpx) session, plus the framework's request and session
plumbing. :class:`RelyingParty` is those same mixins over requests, without a web framework (none is installed here):
every OAuth and OIDC step is the library's own code, unmodified.

- discovery: the issuer's ``/.well-known/openid-configuration``;
- ``create_authorization_url``: PKCE (S256), state and nonce, made by Authlib;
- the hosted page, driven as a browser without JavaScript would (:class:`NoScriptBrowser`: GET the page, POST the forms
  it shows, follow redirects with its cookies); the push is approved through the control API;
- ``fetch_access_token``: the code for tokens, checking state, with ``client_secret_basic`` for a confidential ``web``
  client and with no secret for a public ``native`` one, both registered in a scenario file (as an admin would);
- ``parse_id_token``: the id_token's signature against the JWKS named by discovery, its issuer, audience, nonce,
  lifetime and ``at_hash``, all by Authlib;
- ``userinfo``, then ``create_logout_url`` (the end-session endpoint, ``id_token_hint`` and a registered
  ``post_logout_redirect_uri``), which ends the session the hosted page started.

If Authlib refuses what mock_idx sends, mock_idx is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import yaml

# Authlib ships no type information: its objects are Any here.
from authlib.integrations.base_client import (
    BaseApp,
    FrameworkIntegration,
    OAuth2Mixin,
    OpenIDMixin,
)
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from mock_idx.config import Settings
from mock_idx.pytest_plugin import MockIdx, running

APP = "http://localhost:5000"
"""The Flask app's origin, as its quick start runs it: only ever a redirect target here, never connected to."""
CALLBACK = f"{APP}/auth/callback"
SIGNED_OUT = f"{APP}/signed-out"
SCOPES = "openid profile email"
LOGIN = "ada@example.com"
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    client_type: str
    client_secret: str | None = None

    @property
    def auth_method(self) -> str:
        """How the app authenticates at the token endpoint: its secret in a Basic header, or (public) not at all."""
        return "client_secret_basic" if self.client_secret is not None else "none"

    def scenario_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "client_id": self.client_id,
            "type": self.client_type,
            "redirect_uris": [CALLBACK],
            "post_logout_redirect_uris": [SIGNED_OUT],
            "label": f"Authlib {self.client_type} app",
            "token_endpoint_auth_method": self.auth_method,
        }
        if self.client_secret is not None:
            entry["client_secret"] = self.client_secret
        return entry


WEB_APP = RegisteredClient("authlib-web-app", "web", client_secret="s3cret-of-the-web-app-" + "x" * 20)
NATIVE_APP = RegisteredClient("authlib-native-app", "native")


def scenario() -> dict[str, Any]:
    """What an admin registers: the two apps and one user whose pushes wait for a tap."""
    return {
        "description": "A Flask app on Authlib, as a confidential web client and as a public native one.",
        "settings": {"clients": [WEB_APP.scenario_entry(), NATIVE_APP.scenario_entry()]},
        "users": [
            {
                "login": LOGIN,
                "password": PASSWORD,
                "profile": {"firstName": "Ada", "lastName": "Lovelace", "name": "Ada Lovelace"},
                "authenticators": {"okta_verify": {"methods": ["push", "totp"], "push": {"outcome": "manual"}}},
            }
        ],
    }


@pytest.fixture
def org(tmp_path: Path, mock_idx_key_file: Path) -> Iterator[MockIdx]:
    """mock_idx started with the scenario file, as ``mock-idx serve --scenario apps.yaml`` would be."""
    path = tmp_path / "apps.yaml"
    path.write_text(yaml.safe_dump(scenario(), sort_keys=False), encoding="utf-8")
    with running(Settings(scenario=str(path), key_file=mock_idx_key_file, poll_refresh_ms=100)) as mock:
        yield mock


# -- the relying party --------------------------------------------------------------------------------------------


class RelyingParty(OAuth2Mixin, OpenIDMixin, BaseApp):  # type: ignore[misc]
    """Authlib's FlaskOAuth2App / StarletteOAuth2App without the framework: the same mixins over requests."""

    client_cls = OAuth2Session


def relying_party(issuer: str, client: RegisteredClient) -> RelyingParty:
    """What ``oauth.register("okta", ...)`` makes in an app's start-up code."""
    return RelyingParty(
        FrameworkIntegration("okta"),
        name="okta",
        client_id=client.client_id,
        client_secret=client.client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": client.auth_method,
        },
    )


# -- a browser without JavaScript ---------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)
    """(name, value, label) of each submit button."""


class FormParser(HTMLParser):
    """The forms of a page, their fields and submit buttons, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.refresh: str | None = None
        self._button: tuple[str, str] | None = None
        self._label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            _, _, target = a.get("content", "").partition(";")
            self.refresh = target.strip().removeprefix("url=")
        elif tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "submit":
                self.forms[-1].buttons.append((a.get("name", ""), a.get("value", ""), a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a and a.get("name"):
                    self.forms[-1].fields[a["name"]] = a.get("value", "on")
            elif a.get("name"):
                self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button, self._label = (a.get("name", ""), a.get("value", "")), []

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._label.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button is not None and self.forms:
            name, value = self._button
            self.forms[-1].buttons.append((name, value, " ".join("".join(self._label).split())))
            self._button = None


@dataclass
class Visit:
    """Where the browser ended up: a page of the org (``html``), or a redirect that leaves it (``left_for``)."""

    url: str
    html: str = ""
    left_for: str | None = None

    def forms(self) -> list[Form]:
        parser = FormParser()
        parser.feed(self.html)
        return parser.forms

    def refresh_url(self) -> str | None:
        """Where a ``<meta http-equiv="refresh" content="N;url=…">`` sends the page next (scripts off, it counts)."""
        parser = FormParser()
        parser.feed(self.html)
        return urljoin(self.url, parser.refresh) if parser.refresh else None


class NoScriptBrowser:
    """A person's browser with scripts off: cookies, redirects followed within the org, forms submitted by button."""

    def __init__(self, org_url: str) -> None:
        self.org_url = org_url
        self.http = requests.Session()
        self.page = Visit(org_url)

    def close(self) -> None:
        self.http.close()

    def go(self, url: str) -> Visit:
        return self._follow(self.http.get(url, allow_redirects=False, timeout=10))

    def press(self, label: str, **fields: str) -> Visit:
        """Fill ``fields`` into the form holding the button labelled ``label``, and press it."""
        for form in self.page.forms():
            for name, value, text in form.buttons:
                if text == label or text.startswith(f"{label} "):  # "Get a push notification Okta Verify"
                    data = {**form.fields, **fields, **({name: value} if name else {})}
                    target = urljoin(self.page.url, form.action or self.page.url)
                    if form.method == "post":
                        answer = self.http.post(target, data=data, allow_redirects=False, timeout=10)
                    else:
                        answer = self.http.get(target, params=data, allow_redirects=False, timeout=10)
                    return self._follow(answer)
        labels = [text for form in self.page.forms() for _, _, text in form.buttons]
        raise AssertionError(f"no button {label!r} on {self.page.url}; buttons: {labels}\n{self.page.html}")

    def follow_refresh(self) -> Visit:
        target = self.page.refresh_url()
        assert target is not None, f"{self.page.url} does not refresh"
        return self.go(target)

    def _follow(self, answer: requests.Response) -> Visit:
        with answer:
            while answer.is_redirect:
                location = urljoin(answer.url, answer.headers["Location"])
                if not location.startswith(self.org_url):
                    self.page = Visit(answer.url, left_for=location)
                    return self.page
                answer.close()
                answer = self.http.get(location, allow_redirects=False, timeout=10)
            assert answer.status_code == 200, (answer.status_code, answer.url, answer.text[:2000])
            self.page = Visit(answer.url, html=answer.text)
            return self.page


@pytest.fixture
def browser_without_scripts(org: MockIdx) -> Iterator[NoScriptBrowser]:
    browser = NoScriptBrowser(org.url)
    yield browser
    browser.close()


def sign_in_on_hosted_page(browser: NoScriptBrowser, org: MockIdx, authorize_url: str) -> str:
    """The user on the hosted page: username and password, Okta Verify push, approved on the phone (the control
    API) while the page waits; the URL the browser is then sent back to the app with."""
    page = browser.go(authorize_url)
    assert page.left_for is None and urlsplit(page.url).path == "/signin", page
    browser.press("Sign in", identifier=LOGIN, password=PASSWORD)
    waiting = browser.press("Get a push notification")
    assert waiting.refresh_url() is not None, waiting.html  # scripts off: the page reloads itself while it waits
    org.approve_push(LOGIN)
    done = browser.follow_refresh()
    assert done.left_for is not None, done
    return done.left_for


# -- the tests ----------------------------------------------------------------------------------------------------


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize("client", [WEB_APP, NATIVE_APP], ids=["web-client-secret-basic", "native-public-pkce"])
def test_sign_in_tokens_userinfo_and_logout(
    org: MockIdx, browser_without_scripts: NoScriptBrowser, client: RegisteredClient
) -> None:
    rp = relying_party(org.issuer, client)
    metadata = rp.load_server_metadata()
    assert metadata["issuer"] == org.issuer
    assert "S256" in metadata["code_challenge_methods_supported"]

    authorization = rp.create_authorization_url(CALLBACK)
    asked = query(authorization["url"])
    assert authorization["url"].startswith(f"{org.issuer}/v1/authorize?")
    assert (asked["code_challenge_method"], asked["state"], asked["nonce"]) == (
        "S256",
        authorization["state"],
        authorization["nonce"],
    )

    back = sign_in_on_hosted_page(browser_without_scripts, org, authorization["url"])

    assert back.startswith(f"{CALLBACK}?")
    assert query(back)["state"] == authorization["state"]
    token = rp.fetch_access_token(
        CALLBACK,
        authorization_response=back,
        state=authorization["state"],
        code_verifier=authorization["code_verifier"],
    )
    assert {"access_token", "id_token", "token_type", "expires_in"} <= set(token)
    claims = rp.parse_id_token(token, nonce=authorization["nonce"])
    assert (claims["iss"], claims["aud"], claims["sub"] != "", claims["email"]) == (
        org.issuer,
        client.client_id,
        True,
        LOGIN,
    )
    info = rp.userinfo(token=token)
    assert (info["sub"], info["email"], info["name"]) == (claims["sub"], LOGIN, "Ada Lovelace")

    logout = rp.create_logout_url(post_logout_redirect_uri=SIGNED_OUT, id_token_hint=token["id_token"])
    signed_out = browser_without_scripts.go(logout["url"])

    assert signed_out.left_for is not None
    assert signed_out.left_for.startswith(f"{SIGNED_OUT}?")
    assert query(signed_out.left_for) == {"state": logout["state"]}
    again = rp.create_authorization_url(CALLBACK, prompt="none")
    refused = browser_without_scripts.go(again["url"])
    assert refused.left_for is not None
    assert query(refused.left_for)["error"] == "login_required"


def test_second_app_signs_in_from_the_session_without_a_page(
    org: MockIdx, browser_without_scripts: NoScriptBrowser
) -> None:
    web_app, native_app = relying_party(org.issuer, WEB_APP), relying_party(org.issuer, NATIVE_APP)
    first = web_app.create_authorization_url(CALLBACK)
    sign_in_on_hosted_page(browser_without_scripts, org, first["url"])

    second = native_app.create_authorization_url(CALLBACK)
    back = browser_without_scripts.go(second["url"])

    assert back.left_for is not None, back  # single sign-on: straight back, no page
    token = native_app.fetch_access_token(
        CALLBACK, authorization_response=back.left_for, state=second["state"], code_verifier=second["code_verifier"]
    )
    claims = native_app.parse_id_token(token, nonce=second["nonce"])
    assert (claims["aud"], claims["email"]) == (NATIVE_APP.client_id, LOGIN)


def test_wrong_client_secret_is_refused_by_the_token_endpoint(
    org: MockIdx, browser_without_scripts: NoScriptBrowser
) -> None:
    impostor = relying_party(org.issuer, RegisteredClient(WEB_APP.client_id, "web", client_secret="not-the-secret"))
    authorization = impostor.create_authorization_url(CALLBACK)
    back = sign_in_on_hosted_page(browser_without_scripts, org, authorization["url"])

    with pytest.raises(OAuthError) as refused:
        impostor.fetch_access_token(
            CALLBACK,
            authorization_response=back,
            state=authorization["state"],
            code_verifier=authorization["code_verifier"],
        )

    assert refused.value.error == "invalid_client"
