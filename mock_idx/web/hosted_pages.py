"""Which page shows a hosted sign-in's step, and the page rendered: :func:`step_page` picks the step's page
(:mod:`.hosted_verify_pages`, :mod:`.hosted_enroll_pages`, :mod:`.hosted_password_pages`,
:mod:`.hosted_account_pages`), or the list the person asked to see, and lays it out with
what every page has (the app's label, the form's target, Okta's message).

Also what the page's poll looks for (:func:`waits`) and where a refused IDX field shows on the page
(:func:`page_field`).
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..model.authenticators import AuthenticatorKey
from ..model.transaction import (
    CHOOSING_AGAIN_ALLOWED,
    ENROLLING_AGAIN_ALLOWED,
    PASSWORD_CHANGE_STEPS,
    Step,
    Transaction,
)
from . import hosted_account_pages as account_pages
from . import hosted_enroll_pages as enroll_pages
from . import hosted_password_pages as password_pages
from . import hosted_verify_pages as verify_pages
from .app_keys import ENGINE
from .hosted_links import SIGNIN_PATH
from .hosted_parts import CHANNELS_VIEW, METHODS_VIEW, PageInput, PageView, Shown
from .hosted_render import render_page
from .request_parsing import base_url

PageBuilder = Callable[[PageInput], PageView]

STEP_PAGES: dict[Step, PageBuilder] = {
    Step.IDENTIFY: verify_pages.identify,
    Step.SELECT_AUTHENTICATOR: verify_pages.verification_list,
    Step.SELECT_METHOD: verify_pages.verification_list,
    Step.CHALLENGE: verify_pages.challenge,
    Step.VERIFICATION_DATA: verify_pages.verification_data,
    Step.TOTP_CHALLENGE: verify_pages.okta_verify_code,
    Step.PUSH_WAITING: verify_pages.push,
    Step.PUSH_REJECTED: verify_pages.push,
    Step.PUSH_EXPIRED: verify_pages.push,
    Step.TIMED_OUT: verify_pages.timed_out,
    Step.SELECT_ENROLL: enroll_pages.enrollment_list,
    Step.ENROLLMENT_DATA: enroll_pages.phone_number,
    Step.ENROLL: enroll_pages.enroll,
    Step.OV_ENROLL_POLL: enroll_pages.okta_verify_waiting,
    Step.OV_ENROLL_CHANNEL_DATA: enroll_pages.okta_verify_channel_data,
    Step.IDENTIFY_RECOVERY: password_pages.identify_recovery,
    Step.RESET_PASSWORD: password_pages.new_password,
    Step.PASSWORD_EXPIRED: password_pages.new_password,
    Step.PASSWORD_EXPIRING: password_pages.new_password,
    Step.RECOVERY_COMPLETED: password_pages.recovery_completed,
    Step.UNLOCK_ACCOUNT: account_pages.unlock_account,
    Step.ACCOUNT_UNLOCKED: account_pages.account_unlocked,
    Step.ENROLL_PROFILE: account_pages.sign_up,
    Step.TERMINAL: account_pages.terminal,
}
"""Every step but ``SUCCESS``, which is no page but the redirect to the app."""

FIELD_NAMES = {
    ("identifier",): "identifier",
    ("credentials", "totp"): "code",
    ("credentials", "answer"): "answer",
    ("credentials", "question"): "question",
    ("credentials", "questionKey"): "questionKey",
    ("authenticator", "phoneNumber"): "phoneNumber",
    ("email",): "to",
}
"""Where a field error of an IDX form shows on this page's forms (``credentials.passcode``: see :func:`page_field`)."""


def waits(transaction: Transaction) -> bool:
    """Whether the step waits for something that happens elsewhere, which the page's poll looks for: a tap on the
    push, Okta Verify activated on the phone, the email's magic link opened."""
    if transaction.step in (Step.PUSH_WAITING, Step.OV_ENROLL_POLL):
        return True
    return transaction.step in (Step.CHALLENGE, Step.ENROLL) and transaction.current is AuthenticatorKey.EMAIL


def lists_allowed(transaction: Transaction) -> bool:
    """Whether ``view=methods`` may show the list to choose from again (never before the first factor)."""
    if transaction.step in ENROLLING_AGAIN_ALLOWED:
        return True
    if transaction.step not in CHOOSING_AGAIN_ALLOWED or transaction.unlocking:
        return False
    return AuthenticatorKey.PASSWORD in transaction.verified or transaction.recovering


def page_field(transaction: Transaction, path: tuple[str, ...]) -> str | None:
    """The page's field for an IDX field path (``None``: the message goes at the top of the page)."""
    if path == ("credentials", "passcode"):
        a_password = transaction.step in (Step.IDENTIFY, *PASSWORD_CHANGE_STEPS) or (
            transaction.step in (Step.CHALLENGE, Step.ENROLL) and transaction.current is AuthenticatorKey.PASSWORD
        )
        return "password" if a_password else "code"
    if len(path) == 2 and path[0] == "userProfile":
        return f"{account_pages.PROFILE_FIELD}{path[1]}"
    return FIELD_NAMES.get(path)


def step_page(request: web.Request, transaction: Transaction, shown: Shown, status: int = 200) -> web.Response:
    """The page of the transaction's step (or of the list ``shown.view`` asks for, where it may be shown)."""
    page = PageInput(
        transaction=transaction,
        base_url=base_url(request),
        poll_ms=request.app[ENGINE].policy.poll_refresh_ms,
        identifier_first=request.app[ENGINE].policy.authenticators.identifier_first,
        okta_verify_id=request.app[ENGINE].authenticators.okta_verify_id,
        org=request.app[ENGINE].policy,
        shown=shown,
    )
    view = _page_view(page)
    notice = view.context.pop("notice", None)
    context = {
        **view.context,
        "heading": view.heading,
        "app_label": transaction.interaction.client_label,
        "state_token": transaction.state_handle,
        "action_url": f"{page.base_url}{SIGNIN_PATH}",
        "message": shown.message or notice,
        "errors": dict(shown.errors),
    }
    return render_page(request, view.template, context, status)


def _page_view(page: PageInput) -> PageView:
    transaction = page.transaction
    view = page.shown.view
    if view == METHODS_VIEW and lists_allowed(transaction):
        if transaction.step in ENROLLING_AGAIN_ALLOWED:
            return enroll_pages.enrollment_list(page)
        return verify_pages.verification_list(page)
    if view == CHANNELS_VIEW and transaction.step in (Step.OV_ENROLL_POLL, Step.OV_ENROLL_CHANNEL_DATA):
        return enroll_pages.okta_verify_channels(page)
    return STEP_PAGES.get(transaction.step, verify_pages.timed_out)(page)
