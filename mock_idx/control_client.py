"""A client for the control API (``/_mock/v1``) over plain ``urllib``, with no HTTP library or event loop.

Why plain HTTP and not the engine: the control API is the documented contract, so this client works the same against a
server in a background thread, in another process or in a container, and from sync and async tests alike (its calls
are short and the server never runs on the caller's event loop). The pytest plugin's ``mock_idx`` fixture is one.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from . import __version__
from .model.outbox import RECOVERY_SUBJECT
from .scenario.generation import login_for

API = "/_mock/v1"
USER_AGENT = f"mock-idx/{__version__}"
DEFAULT_PASSWORD_LENGTH = 14


class ControlApiError(RuntimeError):
    """The control API refused a request; ``body`` is its JSON answer (``message``, and ``errors`` for a scenario).

    Named for what it reports: a refusal by the control API (it was ``MockIdxError``, which could be anything)."""

    def __init__(self, status: int, body: Any) -> None:
        detail = body.get("message", body) if isinstance(body, dict) else body
        problems = body.get("errors") if isinstance(body, dict) else None
        lines = [
            f"  {'line ' + str(p['line']) + ': ' if 'line' in p else ''}{p.get('field')}: {p.get('message')}"
            for p in problems or []
        ]
        super().__init__("\n".join([f"mock-idx answered {status}: {detail}", *lines]))
        self.status = status
        self.body = body


class NoMessage(LookupError):
    """:meth:`ControlClient.last_code` found nothing to return: no live message on that channel carries a code (none
    was sent, or it expired on the fake's clock)."""


MockIdxError = ControlApiError
"""Deprecated: the old name of :class:`ControlApiError`, kept so existing ``except MockIdxError`` code still works."""


@dataclass(frozen=True)
class MockUser:
    """A user as created by :meth:`ControlClient.add_user`; ``totp_secret`` lets a test compute codes itself."""

    login: str
    password: str
    id: str
    profile: dict[str, str]
    totp_secret: str | None
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    groups: tuple[str, ...] = ()
    """The names of the user's groups, as the server stored them (what groups claims and access rules look at)."""
    email: str | None = None
    """The address the email authenticator sends codes to, when the user has enrolled it (the profile's ``email``)."""
    phone: str | None = None
    """The enrolled phone number in E.164 (``+12015550123``), as the texts and calls in ``messages`` are ``to``."""
    google_secret: str | None = None
    """The Google Authenticator shared secret (Base32), for ``pyotp.TOTP(secret).now()``."""
    security_question: str | None = None
    """The enrolled security question as the user reads it (a predefined key's English text, or the custom one)."""
    security_answer: str | None = None
    """The answer given for it (the server never shows answers back; this is the one ``add_user`` sent)."""


class ControlClient:
    def __init__(self, url: str, control_token: str | None = None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._token = control_token
        self._timeout = timeout
        self._taken: set[str] = set()
        self._faker: Any = None
        self._added: dict[str, dict[str, Any]] = {}
        """The users :meth:`add_user` made since the org last started over, as scenario entries (by lower-cased
        login): what :meth:`set_authenticators` puts back."""

    @property
    def issuer(self) -> str:
        """The ``default`` custom authorization server, as most apps configure Okta."""
        return f"{self.url}/oauth2/default"

    def device_url(self, login: str) -> str:
        """The simulated Okta Verify page of ``login`` (with the control token, when there is one)."""
        query = f"?{urlencode({'token': self._token})}" if self._token else ""
        return f"{self.url}/_mock/device/{quote(login)}{query}"

    # --- the org -------------------------------------------------------------------------------------------------

    def add_user(
        self,
        login: str | None = None,
        password: str | None = None,
        *,
        profile: dict[str, str] | None = None,
        groups: Iterable[str] = (),
        push: str | dict[str, Any] = "manual",
        methods: tuple[str, ...] = ("push", "totp"),
        number_challenge: bool = False,
        totp_secret: str | None = None,
        okta_verify: bool = True,
        email: bool = False,
        phone: str | None = None,
        google_authenticator: bool | str = False,
        security_question: tuple[str, str] | dict[str, str] | None = None,
    ) -> MockUser:
        """Create (or replace) a user; Faker makes up whatever is not given.

        ``push`` is an outcome (``"manual"``, ``"approve"``, ``"deny"``, ``"timeout"``) or the full push behaviour
        (``{"outcome": "approve", "after_polls": 2, "number_answer": "wrong"}``). ``okta_verify=False`` leaves Okta
        Verify out. ``profile`` adds or overrides profile attributes (custom ones too, for claims such as
        ``user.department``); ``groups`` names the user's groups.

        The other authenticators are enrolled when given (each left out is one the user has not enrolled, so a sign-in
        whose policy requires it has the user enroll it): ``email=True`` (the profile's ``email``), ``phone`` (any way
        a person writes a valid number, such as ``"+1 201-555-0123"``; kept in E.164), ``google_authenticator``
        (``True`` for a generated secret, or the Base32 secret), ``security_question`` (``("disliked_food",
        "answer")`` for one of Okta's predefined questions, or ``{"question_key": "custom", "question": ...,
        "answer": ...}``). The org offers only the authenticators its policy enables (by default the password and Okta
        Verify): see :meth:`set_authenticators` or the ``authenticators`` scenario. A refused authenticator (an
        invalid number, an answer Okta would not take) raises :class:`ControlApiError` with the server's reason.
        """
        fake = self._fake()
        made_up: dict[str, str] = {}
        if login is None:
            first, last = fake.first_name(), fake.last_name()
            login = login_for(first, last, "example.com", self._taken)
            made_up = {"firstName": first, "lastName": last, "name": f"{first} {last}"}
        enrolled: dict[str, Any] = {
            "okta_verify": _okta_verify(push, methods, number_challenge, totp_secret) if okta_verify else None,
            **_other_authenticators(email, phone, google_authenticator, security_question),
        }
        body: dict[str, Any] = {
            "password": password or fake.password(length=DEFAULT_PASSWORD_LENGTH),
            "profile": {**made_up, **(profile or {})},
            "groups": _group_list(groups),
            "authenticators": enrolled,
        }
        answer = self._call("PUT", f"/users/{quote(login)}", body)
        self._added[answer["login"].lower()] = _as_stored(body, answer)
        return _mock_user(body, answer)

    def set_authenticators(
        self,
        enrollment: dict[str, str] | None = None,
        *,
        sign_on: str = "when_enrolled",
        identifier_first: bool = False,
        code_lifetime: float | None = None,
        activation_lifetime: float | None = None,
        password_policy: dict[str, Any] | None = None,
        registration: bool | dict[str, Any] = False,
        deny: Iterable[Mapping[str, Iterable[str]]] = (),
    ) -> dict[str, Any]:
        """Start the org over with this authenticator policy: the scenario keys ``settings.authenticators``,
        ``settings.password_policy`` and ``settings.registration`` (see docs/scenarios.md), all else at its defaults.

        ``registration=True`` lets people sign up with Okta's default form (email, first and last name); a dict is
        ``settings.registration`` itself (``{"enabled": True, "attributes": [...], "groups": [...]}``).

        ``deny`` lists the apps' authentication policy rules whose outcome is "Access is denied"
        (``settings.authenticators.deny``): each ``{"groups": [...], "clients": [...]}``, either left out meaning every
        user or every app. A user a rule applies to is refused with Okta's ``security.access_denied`` once known.

        ``enrollment`` maps Okta's authenticator keys (``okta_password``, ``okta_verify``, ``okta_email``,
        ``phone_number``, ``google_otp``, ``security_question``) to ``required``, ``optional`` or ``disabled``; one
        left out is disabled (``None``: Okta Verify optional, as the default org). ``sign_on`` is ``when_enrolled``,
        ``one_factor``, ``two_factors`` or ``okta_verify``.

        It loads a scenario, so, as :meth:`load_scenario` does, it forgets sign-ins, pushes, messages and tokens.
        The users this client added since the org last started over are kept as they are now: same password,
        profile, groups, secrets and enrollments, those made while signing in included, except a security question
        enrolled while signing in (the control API never shows answers, so it cannot be put back). The starting
        scenario's own users are not kept (their passwords are not in the control API either), so call this first in
        a test, or load a scenario file that lists them. A policy the server refuses raises :class:`ControlApiError`
        and the org stays as it was.
        """
        authenticators: dict[str, Any] = {"sign_on": sign_on, "identifier_first": identifier_first}
        if enrollment is not None:
            authenticators["enrollment"] = dict(enrollment)
        if code_lifetime is not None:
            authenticators["code_lifetime"] = code_lifetime
        if activation_lifetime is not None:
            authenticators["activation_lifetime"] = activation_lifetime
        rules = _deny_rules(deny)
        if rules:
            authenticators["deny"] = rules
        settings: dict[str, Any] = {"authenticators": authenticators}
        if password_policy is not None:
            settings["password_policy"] = dict(password_policy)
        if registration:
            settings["registration"] = {"enabled": True} if registration is True else dict(registration)
        held = {user["login"].lower(): user for user in self.users()} if self._added else {}
        kept = [_as_now(added, held[login]) for login, added in self._added.items() if login in held]
        scenario = {"description": "Set by ControlClient.set_authenticators", "settings": settings, "users": kept}
        loaded = self._call("PUT", "/scenario", scenario)
        self._added = {entry["login"].lower(): entry for entry in kept}
        return loaded

    def set_groups(self, login: str, groups: Iterable[str]) -> dict[str, Any]:
        """Replace the user's groups (``[]``: none) and nothing else: the user as stored now. Tokens issued from then
        on carry the new groups."""
        return self._call("PUT", f"/users/{quote(login)}/groups", {"groups": _group_list(groups)})

    def lock(self, login: str) -> dict[str, Any]:
        """Lock the user out, as too many wrong passwords would: the user as stored now (``status`` LOCKED_OUT).
        Raises :class:`ControlApiError` (404) for an unknown login."""
        return self._call("POST", f"/users/{quote(login)}/lock")

    def unlock(self, login: str) -> dict[str, Any]:
        """Unlock the user, as an admin does (Okta's ``lifecycle/unlock``): active again, their count of wrong
        passwords (``failed_password_count``) back to 0."""
        return self._call("POST", f"/users/{quote(login)}/unlock")

    def user(self, login: str) -> dict[str, Any]:
        """The user as the server holds it now: profile, groups and every enrolled authenticator (Okta Verify's and
        Google Authenticator's secrets, the phone in E.164, the security question), enrollments made while signing in
        included. Raises :class:`ControlApiError` (404) for an unknown login."""
        return self._call("GET", f"/users/{quote(login)}")

    def users(self) -> list[dict[str, Any]]:
        """Every user of the org (generated ones included), with their TOTP secrets."""
        return self._call("GET", "/users")["users"]

    def load_scenario(self, name_or_path: str | Path) -> dict[str, Any]:
        """A built-in scenario by name, or a YAML file by path; the server keeps its scenario if this one is broken
        (and this raises :class:`ControlApiError` listing the problems with their lines)."""
        path = Path(name_or_path)
        if path.suffix in (".yaml", ".yml") or path.is_file():
            loaded = self._call("PUT", "/scenario", text=path.read_text(encoding="utf-8"))
        else:
            loaded = self._call("PUT", "/scenario", {"name": str(name_or_path)})
        self._added.clear()
        return loaded

    def reset(self) -> None:
        """Back to the scenario the server started with: no sign-ins, pushes, tokens, faults or journal."""
        self._call("POST", "/reset")
        self._added.clear()

    # --- the phone -----------------------------------------------------------------------------------------------

    def pushes(self, login: str) -> list[dict[str, Any]]:
        return self._call("GET", f"/users/{quote(login)}/pushes")["pushes"]

    def wait_for_push(self, login: str, timeout: float = 10.0) -> dict[str, Any]:
        """The oldest pending push, once the app under test has sent one (for apps that sign in in the background)."""
        deadline = time.monotonic() + timeout
        while not (pending := self.pushes(login)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no push for {login} within {timeout} s")
            time.sleep(0.02)
        return pending[0]

    def approve_push(self, login: str, answer: int | None = None) -> dict[str, Any]:
        """Tap "Yes, it's me" (with ``answer``, the number tapped in a number challenge; a wrong one denies)."""
        return self._call("POST", f"/users/{quote(login)}/push/approve", {} if answer is None else {"answer": answer})

    def deny_push(self, login: str) -> dict[str, Any]:
        """Tap "No, it's not me"."""
        return self._call("POST", f"/users/{quote(login)}/push/deny")

    def totp_code(self, login: str) -> str:
        return self._call("GET", f"/users/{quote(login)}/totp")["code"]

    def activate_okta_verify(self, login: str, uri: str | None = None) -> dict[str, Any]:
        """Add the account on the user's phone, as scanning the enrollment's QR code does: the activation ``uri``
        names (the QR code's ``oktaverify://`` URI, the link sent by email or SMS, or its token), or the user's newest
        pending one. The new enrollment comes back (``["totp"]["secret"]`` computes its codes); the sign-in waiting
        on ``enroll-poll`` sees it at its next poll. Raises :class:`ControlApiError` (404: nothing pending; 409:
        that activation was used already)."""
        return self._call("POST", f"/users/{quote(login)}/okta-verify/activate", {} if uri is None else {"uri": uri})

    # --- accounts' lifecycle -----------------------------------------------------------------------------------

    def activate(self, login: str, send_email: bool = True) -> dict[str, Any]:
        """Okta's ``lifecycle/activate``: a user without a password gets an activation token, passed to
        ``/v1/interact`` as ``activation_token`` (okta-auth-js ``idx.register({ activationToken })``, the widget's
        ``activationToken`` option) or opened as ``activationUrl`` (``/welcome/{token}``), also emailed to the fake
        inbox when ``send_email``; the user is ``PROVISIONED`` until that sign-in sets a password. One with a password
        is ``ACTIVE`` at once (both ``None``). Answers ``{"activationToken", "activationUrl", "user"}``; raises
        :class:`ControlApiError` (403 ``E0000016``: already active)."""
        return self._call("POST", f"/users/{quote(login)}/lifecycle/activate", {"sendEmail": send_email})

    def suspend(self, login: str) -> dict[str, Any]:
        """An ``ACTIVE`` user becomes ``SUSPENDED`` (answered at sign-in as a username nobody has)."""
        return self._call("POST", f"/users/{quote(login)}/lifecycle/suspend", {})

    def unsuspend(self, login: str) -> dict[str, Any]:
        """A ``SUSPENDED`` user is ``ACTIVE`` again."""
        return self._call("POST", f"/users/{quote(login)}/lifecycle/unsuspend", {})

    def deactivate(self, login: str) -> dict[str, Any]:
        """The user becomes ``DEPROVISIONED``; a pending activation token is invalid from then on."""
        return self._call("POST", f"/users/{quote(login)}/lifecycle/deactivate", {})

    def set_status(self, login: str, status: str) -> dict[str, Any]:
        """Any of Okta's statuses (``"SUSPENDED"``, ``"LOCKED_OUT"``, ...), with no lifecycle rule checked: the user as
        stored now."""
        return self._call("PUT", f"/users/{quote(login)}/status", {"status": status})

    # --- the inbox and the phone's texts ----------------------------------------------------------------------

    def messages(self, login: str, channel: str | None = None) -> list[dict[str, Any]]:
        """The emails, texts and calls the org sent ``login`` (``channel``: ``"email"``, ``"sms"`` or ``"voice"``;
        ``None``: all), newest first, each with its ``code`` and ``link`` (``None`` when it carries none). Expired
        ones are left out."""
        query = f"?{urlencode({'channel': channel})}" if channel is not None else ""
        return self._call("GET", f"/users/{quote(login, safe='')}/messages{query}")["messages"]

    def last_code(self, login: str, channel: str = "email") -> str:
        """The code in the newest message on ``channel`` that carries one: what the user would type in. Raises
        :class:`NoMessage`, saying what there is instead, when no live message on that channel has a code."""
        found = self.messages(login, channel)
        for message in found:
            if message["code"] is not None:
                return str(message["code"])
        if not found:
            raise NoMessage(f"no {channel} message was sent to {login} (or every one has expired)")
        raise NoMessage(
            f"none of the {len(found)} {channel} message(s) sent to {login} carries a code; the newest: "
            f"{(found[0]['subject'] or found[0]['body'])[:80]!r}"
        )

    def reset_code(self, login: str, channel: str = "email") -> str:
        """The code of the newest password recovery ("Forgot password?") sent to ``login``: by email, the newest
        "Account password reset" email's; by ``"sms"`` or ``"voice"``, the newest code on that channel. Raises
        :class:`NoMessage` when there is none (or it expired)."""
        if channel != "email":
            return self.last_code(login, channel)
        for message in self.messages(login, "email"):
            if message["subject"] == RECOVERY_SUBJECT and message["code"] is not None:
                return str(message["code"])
        raise NoMessage(f"no password reset email was sent to {login} (or every one has expired)")

    def expire_password(self, login: str) -> dict[str, Any]:
        """Expire the user's password, as Okta's ``lifecycle/expire_password`` does: their next sign-in asks for a
        new one once the current one is verified (status ``PASSWORD_EXPIRED`` until then). The user comes back."""
        return self._call("POST", f"/users/{quote(login, safe='')}/expire-password", {})

    def inbox_url(self, login: str) -> str:
        """The fake email inbox page of ``login`` (with the control token, when there is one)."""
        query = f"?{urlencode({'token': self._token})}" if self._token else ""
        return f"{self.url}/_mock/inbox/{quote(login, safe='')}{query}"

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the fake's clock: pushes, codes, sessions and tokens expire as if the time had passed."""
        return self._call("POST", "/clock/advance", {"seconds": seconds})

    # --- what happened, and what should go wrong ---------------------------------------------------------------

    def journal(self, login: str | None = None) -> list[dict[str, Any]]:
        """Every request the fake answered (optionally one user's), oldest first."""
        query = f"?{urlencode({'user': login})}" if login else ""
        return self._call("GET", f"/journal{query}")["entries"]

    def fail_next(
        self,
        route: str,
        status: int | None = None,
        delay: float | None = None,
        times: int | None = 1,
        user: str | None = None,
        drop: bool = False,
    ) -> dict[str, Any]:
        """Make the next ``times`` requests to ``route`` (a path, ``*`` wildcards allowed) fail or slow down.

        ``status``: 429 (Okta's rate-limit answer) or a 5xx; ``delay``: seconds to wait first; ``drop``: close the
        connection. With none of them the request gets a 500. ``user`` limits it to one user's requests.
        """
        if status is None and not delay and not drop:
            status = 500
        return self.add_fault(
            route=route, status=status, delay_ms=round((delay or 0) * 1000), times=times, user=user, drop=drop
        )

    def add_fault(self, **rule: Any) -> dict[str, Any]:
        """Any fault rule, as ``POST /_mock/v1/faults`` takes it (``fraction`` and ``seed`` included)."""
        return self._call("POST", "/faults", rule)

    def faults(self) -> list[dict[str, Any]]:
        return self._call("GET", "/faults")["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    # --- plumbing ------------------------------------------------------------------------------------------------

    def _fake(self) -> Any:
        if self._faker is None:
            # Faker is slow to import: only tests that let it make users up pay for it.
            from faker import Faker

            self._faker = Faker()
        return self._faker

    def _call(self, method: str, path: str, body: Any = None, text: str | None = None) -> Any:
        data, content_type = (
            (text.encode(), "application/yaml")
            if text is not None
            else (json.dumps({} if body is None else body).encode(), "application/json")
        )
        request = urllib.request.Request(
            f"{self.url}{API}{path}",
            data=data if method != "GET" else None,
            method=method,
            headers={"Content-Type": content_type, "Accept": "application/json", "User-Agent": USER_AGENT},
        )
        if self._token:
            request.add_header("Authorization", f"Bearer {self._token}")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise ControlApiError(error.code, _json_or_text(error.read())) from None
        return _json_or_text(payload) if payload else None


def _okta_verify(
    push: str | dict[str, Any], methods: tuple[str, ...], number_challenge: bool, totp_secret: str | None
) -> dict[str, Any]:
    behaviour: dict[str, Any] = {"outcome": push} if isinstance(push, str) else dict(push)
    if number_challenge:
        behaviour["number_challenge"] = True
    return {"methods": list(methods), "push": behaviour, "totp": {"secret": totp_secret}}


def _other_authenticators(
    email: bool,
    phone: str | None,
    google_authenticator: bool | str,
    security_question: tuple[str, str] | dict[str, str] | None,
) -> dict[str, Any]:
    """The ``authenticators`` entries besides Okta Verify, as ``PUT /users/{login}`` takes them; each left out is
    one the user has not enrolled."""
    enrolled: dict[str, Any] = {}
    if email:
        enrolled["email"] = {}
    if phone is not None:
        enrolled["phone"] = {"number": phone}
    if google_authenticator is not False:
        secret = google_authenticator if isinstance(google_authenticator, str) else None
        enrolled["google_authenticator"] = {"secret": secret}
    if security_question is not None:
        enrolled["security_question"] = _security_question(security_question)
    return enrolled


def _security_question(question: tuple[str, str] | dict[str, str]) -> dict[str, str]:
    if isinstance(question, dict):
        return dict(question)
    if isinstance(question, tuple) and len(question) == 2:
        key, answer = question
        return {"question_key": key, "answer": answer}
    raise TypeError(
        "security_question is (question_key, answer), such as ('disliked_food', 'brussels sprouts'), or "
        "{'question_key': 'custom', 'question': ..., 'answer': ...}"
    )


def _as_stored(body: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The user as a scenario entry that makes them again exactly: the secrets the server generated filled in, so
    codes a test computes from :class:`MockUser` stay right after :meth:`ControlClient.set_authenticators`."""
    enrolled = {name: dict(spec) for name, spec in body["authenticators"].items() if spec is not None}
    shown = answer["authenticators"]
    if "okta_verify" in enrolled:
        enrolled["okta_verify"]["totp"] = {"secret": shown["okta_verify"]["totp"]["secret"]}
    if "google_authenticator" in enrolled:
        enrolled["google_authenticator"] = {"secret": shown["google_authenticator"]["secret"]}
    return {**body, "login": answer["login"], "authenticators": enrolled}


def _as_now(added: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """The scenario entry of a user this client added, as the server holds them ``now`` (``GET /users``): what they
    enrolled since is kept, and the password and a security answer, which the server never shows, come from
    ``added``."""
    shown = now["authenticators"]
    enrolled: dict[str, Any] = {}
    if "okta_verify" in shown:
        enrolled["okta_verify"] = {k: v for k, v in shown["okta_verify"].items() if k != "enrollment_id"}
    if "email" in shown:
        enrolled["email"] = {}
    if "phone" in shown:
        enrolled["phone"] = {"number": shown["phone"]["number"]}
    if "google_authenticator" in shown:
        enrolled["google_authenticator"] = {"secret": shown["google_authenticator"]["secret"]}
    question, as_added = shown.get("security_question"), added["authenticators"].get("security_question")
    same_question = question and as_added and question["question_key"] == as_added["question_key"]
    if same_question and (question["question_key"] != "custom" or question["question"] == as_added.get("question")):
        enrolled["security_question"] = as_added
    return {
        "login": now["login"],
        "password": added["password"],
        "profile": now["profile"],
        "groups": now["groups"],
        "authenticators": enrolled,
    }


def _mock_user(body: dict[str, Any], answer: dict[str, Any]) -> MockUser:
    enrolled = answer["authenticators"]
    okta_verify, email = enrolled.get("okta_verify"), enrolled.get("email")
    phone, google = enrolled.get("phone"), enrolled.get("google_authenticator")
    question = enrolled.get("security_question")
    return MockUser(
        login=answer["login"],
        password=body["password"],
        id=answer["id"],
        profile=answer["profile"],
        totp_secret=okta_verify["totp"]["secret"] if okta_verify else None,
        raw=answer,
        groups=tuple(answer["groups"]),
        email=email["address"] if email else None,
        phone=phone["number"] if phone else None,
        google_secret=google["secret"] if google else None,
        security_question=question["question"] if question else None,
        security_answer=body["authenticators"]["security_question"]["answer"] if question else None,
    )


def _group_list(groups: Iterable[str], what: str = "groups", names: str = "group names") -> list[str]:
    """A list of names; one name alone is refused rather than sent as its letters."""
    if isinstance(groups, str):
        raise TypeError(f"{what} is a list of {names}, not one name: use [{groups!r}]")
    return list(groups)


def _deny_rules(deny: Iterable[Mapping[str, Iterable[str]]]) -> list[dict[str, list[str]]]:
    """``settings.authenticators.deny`` from the rules as given (a rule's unknown keys are left for the server to
    refuse, as a scenario file's would be)."""
    if isinstance(deny, Mapping):
        raise TypeError("deny is a list of rules, not one rule: use [{...}]")
    return [
        {part: _group_list(names, f"deny's {part}", _DENY_NAMES.get(part, "names")) for part, names in rule.items()}
        for rule in deny
    ]


_DENY_NAMES = {"groups": "group names", "clients": "client ids"}
"""What a deny rule's lists hold, for the refusal of one name given alone."""


def _json_or_text(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError:
        return payload.decode(errors="replace")
