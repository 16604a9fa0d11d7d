"""Which page serves which sign-in status: the one place the app maps IDX state to its routes."""

from __future__ import annotations

from .idx import AuthenticationStatus as Status

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

_PAGE_BY_STATUS = {
    Status.Success: HOME,
    Status.AwaitingAuthenticatorSelection: SELECT_AUTHENTICATOR,
    Status.AwaitingChallengeAuthenticatorData: SELECT_METHOD,
    Status.AwaitingChallengeAuthenticatorPollResponse: PUSH_SENT,
    Status.AwaitingAuthenticatorVerification: ENTER_CODE,
    Status.PushChallengeFailed: PUSH_REJECTED,
}


# Statuses the app can carry on from; any other ends the transaction on the app's side.
CONTINUABLE = frozenset(_PAGE_BY_STATUS) - {Status.Success}


def page_for(status: Status) -> str:
    """The page for a status; everything this app cannot continue (ended, canceled, unsupported) starts over."""
    return _PAGE_BY_STATUS.get(status, LOGIN)
