"""Which page serves which sign-in state: the one place the app maps IDX state to its routes.

The pages are generic over the authenticator: one page per kind of step (pick an authenticator, pick a method, enter
a code or answer, ...), drawn from what the server's form asks for. Okta Verify's steps keep the paths of Okta's
guide (`/okta-verify/...`); every other authenticator's use the same page kinds under `/verify/...` and `/enroll/...`.
"""

from __future__ import annotations

from .idx import AuthenticationStatus as Status
from .idx import AuthResponse

HOME = "/"
LOGIN = "/login"
LOGIN_REDIRECT = "/login/redirect"
AUTHORIZATION_CODE_CALLBACK = "/authorization-code/callback"
SELECT_AUTHENTICATOR = "/select-authenticator"
SELECT_METHOD = "/okta-verify/select-method"
PUSH_SENT = "/okta-verify/push-sent"
CHALLENGE_POLL = "/okta-verify/challenge-poll"
PUSH_REJECTED = "/okta-verify/push-rejected"
RESEND_PUSH = "/okta-verify/resend-push"
PUSH_EXPIRED = "/okta-verify/push-expired"
ENTER_CODE = "/okta-verify/enter-code"
CANCEL = "/cancel"
LOGOUT = "/logout"

# Every other authenticator, and enrollment.
VERIFY_METHOD = "/verify/select-method"
VERIFY_CODE = "/verify/enter-code"
RESEND = "/verify/resend"
SELECT_ENROLL = "/enroll/select-authenticator"
SKIP = "/enroll/skip"
ENROLLMENT_DATA = "/enroll/phone-number"
SECURITY_QUESTION_ENROLL = "/enroll/security-question"
OKTA_VERIFY_ENROLL = "/okta-verify/enroll"
ENROLL_POLL = "/okta-verify/enroll-poll"
SELECT_ENROLLMENT_CHANNEL = "/okta-verify/select-enrollment-channel"
ENROLLMENT_CHANNEL_DATA = "/okta-verify/enrollment-channel-data"

# Passwords: "Forgot password?", and a new one when it has expired or is about to.
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD = "/forgot-password/new-password"
CHANGE_PASSWORD = "/change-password"
REMIND_ME_LATER = "/change-password/remind-me-later"
ENDED = "/ended"
"""Where a sign-in that ended with Okta's word and no error lands (a reset whose org signs no one in after it)."""

OKTA_VERIFY = "okta_verify"

_PAGE_BY_STATUS = {
    Status.Success: HOME,
    Status.AwaitingAuthenticatorSelection: SELECT_AUTHENTICATOR,
    Status.AwaitingChallengeAuthenticatorData: VERIFY_METHOD,
    Status.AwaitingChallengeAuthenticatorPollResponse: PUSH_SENT,
    Status.AwaitingAuthenticatorVerification: VERIFY_CODE,
    Status.PushChallengeFailed: PUSH_REJECTED,
    Status.AwaitingAuthenticatorEnrollment: SELECT_ENROLL,
    Status.AwaitingAuthenticatorEnrollmentData: ENROLLMENT_DATA,
    Status.AwaitingPollEnrollment: OKTA_VERIFY_ENROLL,
    Status.AwaitingChannelDataEnrollment: ENROLLMENT_CHANNEL_DATA,
    Status.AwaitingRecoveryIdentification: FORGOT_PASSWORD,
    Status.AwaitingPasswordReset: RESET_PASSWORD,
    Status.PasswordExpired: CHANGE_PASSWORD,
    Status.PasswordExpiryWarning: CHANGE_PASSWORD,
}

_OKTA_VERIFY_PAGES = {
    VERIFY_METHOD: SELECT_METHOD,
    VERIFY_CODE: ENTER_CODE,
}
"""The guide's own paths for the page kinds Okta Verify shares with other authenticators."""


# Statuses the app can carry on from; any other ends the transaction on the app's side.
CONTINUABLE = frozenset(_PAGE_BY_STATUS) - {Status.Success}


def page_for(response: AuthResponse) -> str:
    """The page for a response; everything this app cannot continue (ended, canceled, unsupported) starts over.

    A security question to choose and answer (an enrollment) has a page of its own; any other code or answer, the
    code page.
    """
    page = _PAGE_BY_STATUS.get(response.status, LOGIN)
    if page == VERIFY_CODE and response.question_choices:
        return SECURITY_QUESTION_ENROLL
    if response.authenticator_key == OKTA_VERIFY:
        return _OKTA_VERIFY_PAGES.get(page, page)
    return page


def verify_with_something_else(response: AuthResponse) -> str | None:
    """Where "Verify with something else" leads from a code or push page: Okta Verify's other methods, another
    authenticator, or another one to set up; None when there is no other choice."""
    if response.authenticator_key == OKTA_VERIFY and len(response.method_types) > 1:
        return SELECT_METHOD
    if response.authenticators:
        return SELECT_AUTHENTICATOR
    if response.enroll_authenticators:
        return SELECT_ENROLL
    return None
