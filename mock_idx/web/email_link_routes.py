"""``/email/verify/{transaction}``: the magic link in a verification email, as Okta serves it.

Opened in the browser the sign-in runs in (it carries the sign-in's cookie, set when the email went out), the link
verifies the sign-in and the original tab moves on at its next poll; opened anywhere else, the page shows the email's
code to type in the original tab, and verifies nothing (Okta's "different browser" answer).
"""

from __future__ import annotations

from aiohttp import web

from ..model.transaction import Step, Transaction
from .app_keys import ENGINE
from .hosted_render import render_page

SIGN_IN_COOKIE = "mock-idx-email-sign-in"
"""Names the sign-in waiting for an email in this browser (its transaction id, no secret)."""
MAX_TOKEN = 200


async def email_link(request: web.Request) -> web.Response:
    token = request.query.get("token", "")
    engine = request.app[ENGINE]
    link = await engine.email_link(token) if 0 < len(token) <= MAX_TOKEN else None
    context = {"heading": "Verify your email", "message": None, "app_label": None, "code": None}
    if link is None or link.transaction_id != request.match_info["transaction"]:
        context.update(heading="Sign In", message="This email link has expired. Go back and send a new one.")
        return render_page(request, "signin_error.html", context, 404)
    if request.cookies.get(SIGN_IN_COOKIE) == link.transaction_id:
        await engine.open_email_link(token)
        context["heading"] = "Success! You're signed in"
    else:
        context["code"] = link.code
    return render_page(request, "email_link.html", context, 200)


def remember_email_sign_in(response: web.StreamResponse, transaction: Transaction) -> None:
    """While a sign-in waits for an email in this browser, the browser says so when the link is opened."""
    waiting = transaction.step in (Step.CHALLENGE, Step.ENROLL) and transaction.sent_code is not None
    if waiting and transaction.sent_code and transaction.sent_code.link_token:
        response.set_cookie(SIGN_IN_COOKIE, transaction.id, httponly=True, samesite="Lax", path="/email/verify")
