"""Passwords: "Forgot password?" (the username, then the org's recovery authenticators on the generic pages, then a
new password), the new password an expired or expiring one asks for (with "Remind me later" where Okta offers
`skip`), and the page a recovery ends on when the org signs no one in after it.

The new-password page is one page for the three forms that ask for one (`reset-authenticator`,
`reenroll-authenticator`, `reenroll-authenticator-warning`): its title follows the step, its rules the password
authenticator's `settings`, its label and "Sign me out of all other devices" the form's fields. Texts are the
Sign-In Widget's.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp_session import get_session

from ..flow import at, current_step, idx_client, moved_on_or_refused, render, require_context, settle, texts
from ..forms import read_form
from ..idx import AuthenticationStatus as Status
from ..idx import AuthResponse, CredentialInput, IdxStepUnavailableError
from ..navigation import CHANGE_PASSWORD, ENDED, FORGOT_PASSWORD, LOGIN, REMIND_ME_LATER, RESET_PASSWORD
from ..password_requirements import requirement_texts
from ..session_state import keep_idx_context, take_ending

routes = web.RouteTableDef()

NO_RECOVERY = "No password reset options available. Please contact your administrator."
PASSWORDS_DIFFER = "New passwords must match"
RECOVERY_COMPLETED = "idx.recovery.completed"
IDENTIFY_AGAIN = (Status.AwaitingRecoveryIdentification, Status.AwaitingIdentification)
"""What `recover_password` answers when Okta refused the username: the form again, with its message."""


# -- "Forgot password?" ----------------------------------------------------------------------------------------------


@routes.get(FORGOT_PASSWORD)
async def forgot_password_page(request: web.Request) -> web.Response:
    return await render_forgot_password(request)


@routes.post(FORGOT_PASSWORD)
async def forgot_password(request: web.Request) -> web.Response:
    """A new transaction for the username (as the login page starts one); with a single recovery authenticator it is
    chosen at once, with several the list is shown (the generic page, titled for a recovery)."""
    username = (await read_form(request)).get("username", "").strip()
    if not username:
        return await render_forgot_password(request, username, ["Enter your username."], status=400)
    client = idx_client(request)
    try:
        response = await client.recover_password(username)
    except IdxStepUnavailableError:
        return await render_forgot_password(request, username, [NO_RECOVERY], status=409)
    if response.status in IDENTIFY_AGAIN:
        return await render_forgot_password(request, username, texts(response.errors) or [NO_RECOVERY], status=400)
    if response.status is Status.AwaitingAuthenticatorSelection and len(response.authenticators) == 1:
        keep_idx_context(await get_session(request), response.context)
        (only,) = response.authenticators
        response = await client.select_authenticator(await require_context(request), only.id)
    raise web.HTTPFound(await settle(request, response))


async def render_forgot_password(
    request: web.Request, username: str = "", errors: list[str] | None = None, status: int = 200
) -> web.Response:
    return await render("forgot_password.html", request, {"username": username, "errors": errors or []}, status=status)


# -- a new password ------------------------------------------------------------------------------------------------


async def new_password_page(request: web.Request) -> web.Response:
    return await render_new_password(request, await current_step(request, at(request.path)))


async def set_new_password(request: web.Request) -> web.Response:
    context = await require_context(request)
    shown = await current_step(request, at(request.path))
    form = await read_form(request)
    new_password, confirmed = form.get("new_password", ""), form.get("confirm_password", "")
    if not new_password:
        return await render_new_password(request, shown, ["Enter a new password."], status=400)
    if new_password != confirmed:
        return await render_new_password(request, shown, [PASSWORDS_DIFFER], status=400)
    revoke = form.get("revoke_sessions") == "on" if revoke_input(shown) else None
    response = await idx_client(request).change_password(context, new_password, revoke_sessions=revoke)
    await moved_on_or_refused(request, response)
    return await render_new_password(request, response, status=400)


for path in (RESET_PASSWORD, CHANGE_PASSWORD):
    routes.get(path)(new_password_page)
    routes.post(path)(set_new_password)


@routes.post(REMIND_ME_LATER)
async def remind_me_later(request: web.Request) -> web.Response:
    """ "Remind me later": keep the expiring password for now (`skip`), and the sign-in goes on."""
    response = await idx_client(request).skip(await require_context(request))
    raise web.HTTPFound(await settle(request, response))


async def render_new_password(
    request: web.Request, response: AuthResponse, problems: list[str] | None = None, status: int = 200
) -> web.Response:
    """The page; Okta's refusal of the password is shown under the password field, anything else above the form."""
    secret = next((entry for entry in response.credential_inputs if entry.secret), None)
    secret_field = f"credentials.{secret.name}" if secret else None
    on_field = [m.text for m in response.errors if m.field == secret_field and m.text]
    elsewhere = [m.text for m in response.errors if m.field != secret_field and m.text]
    revoke = revoke_input(response)
    page = {
        "action": request.path,
        "title": new_password_title(response),
        "subtitle": [m.text for m in response.messages if not m.is_error and m.text],
        "requirements": requirement_texts(response.password_policy) if response.password_policy else [],
        "label": secret.label if secret else "New password",
        "revoke_label": revoke.label if revoke else None,
        "submit": "Reset Password" if response.status is Status.AwaitingPasswordReset else "Change Password",
        "can_skip": response.can_skip,
        "remind_me_later": REMIND_ME_LATER,
        "errors": [*(problems or []), *elsewhere],
        "field_errors": on_field,
    }
    return await render("new_password.html", request, page, status=status)


def revoke_input(response: AuthResponse) -> CredentialInput | None:
    """ "Sign me out of all other devices", where the form offers it (the reset form does)."""
    return next((entry for entry in response.credential_inputs if entry.checkbox), None)


def new_password_title(response: AuthResponse) -> str:
    if response.status is Status.AwaitingPasswordReset:
        return "Reset your password"
    if response.status is Status.PasswordExpired:
        return "Your password has expired"
    days = response.password_policy.days_to_expiry if response.password_policy else None
    if days is None:
        return "Your password is expiring soon"
    return f"Your password will expire in {days} days" if days > 0 else "Your password will expire later today"


# -- the end of a recovery that signs no one in ------------------------------------------------------------------


@routes.get(ENDED)
async def ended(request: web.Request) -> web.Response:
    """What the server said when the sign-in ended (shown once; afterwards, the login page)."""
    said = take_ending(await get_session(request))
    if not said:
        raise web.HTTPFound(LOGIN)
    title = "Reset your password" if any(key == RECOVERY_COMPLETED for key, _ in said) else "Sign-in ended"
    return await render("ended.html", request, {"title": title, "texts": [text for _, text in said]})
