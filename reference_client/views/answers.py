"""Answering a challenge or proving a new authenticator: the code page (a code from Okta Verify, an email, a text or
a call, Google Authenticator; the answer to the enrolled security question), "Resend code", and choosing a security
question to enroll.

The code page is one page for every authenticator: its inputs are the ones the server's form asks for, labelled as
the server labels them, and it shows what the current authenticator's `contextualData` carries (a QR code and secret
to set up Google Authenticator, the question to answer, where the code went).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from ..flow import at, current_step, idx_client, moved_on_or_refused, render, require_context, settle, texts
from ..forms import read_form
from ..idx import AuthResponse, CredentialInput
from ..navigation import ENTER_CODE, RESEND, SECURITY_QUESTION_ENROLL, VERIFY_CODE, verify_with_something_else
from ..session_state import add_notices

routes = web.RouteTableDef()

CODE_NAMES = frozenset({"passcode", "totp"})
CUSTOM_QUESTION = "custom"
"""The `questionKey` of a question the user writes themselves."""


# -- the code page -------------------------------------------------------------------------------------------------


async def code_page(request: web.Request) -> web.Response:
    return await render_code_page(request, await current_step(request, at(request.path)))


async def answer(request: web.Request) -> web.Response:
    context = await require_context(request)
    shown = await current_step(request, at(request.path))
    form = await read_form(request)
    values = {entry.name: form.get(field_name(entry), "").strip() for entry in shown.credential_inputs}
    if missing := [entry for entry in shown.credential_inputs if not values[entry.name]]:
        return await render_code_page(request, shown, [missing_text(missing[0])], status=400)
    response = await idx_client(request).answer(context, values)
    errors = await moved_on_or_refused(request, response)
    return await render_code_page(request, response, errors, status=401)


for path in (ENTER_CODE, VERIFY_CODE):
    routes.get(path)(code_page)
    routes.post(path)(answer)


async def render_code_page(
    request: web.Request, response: AuthResponse, errors: list[str] | None = None, status: int = 200
) -> web.Response:
    contextual = response.contextual
    asks_for_code = any(entry.name in CODE_NAMES for entry in response.credential_inputs)
    page = {
        "action": request.path,
        "title": "Enter a code" if asks_for_code or not contextual.question else "Answer your security question",
        "inputs": [(field_name(entry), entry.label, entry.secret) for entry in response.credential_inputs],
        "question": contextual.question,
        "sent_to": contextual.sent_to,
        "qr_code": contextual.qr_code,
        "shared_secret": contextual.shared_secret,
        "can_resend": response.can_resend and asks_for_code,
        "something_else": verify_with_something_else(response),
        "errors": errors or [],
    }
    return await render("enter_code.html", request, page, status=status)


def field_name(entry: CredentialInput) -> str:
    """The page's name for an input: `code` for any code (Okta Verify names it `totp`, the others `passcode`), so
    the page posts the same field whatever sent the code; the server's name for anything else."""
    return "code" if entry.name in CODE_NAMES else entry.name


def missing_text(entry: CredentialInput) -> str:
    return "Enter the code." if entry.name in CODE_NAMES else f"Fill in “{entry.label}”."


@routes.post(RESEND)
async def resend(request: web.Request) -> web.Response:
    """Send the code (or Okta Verify's setup link) again; Okta's refusal (too soon) is shown on the page it left."""
    response = await idx_client(request).resend(await require_context(request))
    if response.errors:
        add_notices(await get_session(request), texts(response.errors))
    raise web.HTTPFound(await settle(request, response))


# -- choosing a security question ------------------------------------------------------------------------------------


@routes.get(SECURITY_QUESTION_ENROLL)
async def security_question_page(request: web.Request) -> web.Response:
    return await render_security_question(request, await current_step(request, at(SECURITY_QUESTION_ENROLL)))


@routes.post(SECURITY_QUESTION_ENROLL)
async def enroll_security_question(request: web.Request) -> web.Response:
    context = await require_context(request)
    shown = await current_step(request, at(SECURITY_QUESTION_ENROLL))
    form = await read_form(request)
    key, question, answer_text = (form.get(name, "").strip() for name in ("question_key", "question", "answer"))
    if problem := _security_question_problem(shown, key, question, answer_text):
        return await render_security_question(request, shown, [problem], form, status=400)
    credentials = {"questionKey": key, "answer": answer_text}
    if key == CUSTOM_QUESTION:
        credentials["question"] = question
    response = await idx_client(request).answer(context, credentials)
    errors = await moved_on_or_refused(request, response)
    return await render_security_question(request, response, errors, form, status=400)


def _security_question_problem(shown: AuthResponse, key: str, question: str, answer_text: str) -> str | None:
    """What the form lacks before it is worth sending (Okta checks the rest: length, the answer in the question...)."""
    if key not in {choice.key for choice in shown.question_choices} | {CUSTOM_QUESTION}:
        return "Choose a security question."
    if key == CUSTOM_QUESTION and not question:
        return "Write your security question."
    return None if answer_text else "Enter your answer."


async def render_security_question(
    request: web.Request,
    response: AuthResponse,
    errors: list[str] | None = None,
    typed: Mapping[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    """The page, with what the user chose and wrote kept (never the answer: it is a secret)."""
    typed = typed or {}
    page: dict[str, Any] = {
        "questions": [(choice.key, choice.text) for choice in response.question_choices],
        "custom": CUSTOM_QUESTION,
        "chosen": typed.get("question_key", ""),
        "question": typed.get("question", ""),
        "something_else": verify_with_something_else(response),
        "errors": errors or [],
    }
    return await render("security_question.html", request, page, status=status)
