"""Enrollment's moves on a sign-in: the list of authenticators to set up, what each asks before its proof (a phone
number, Okta Verify's activation channel), and the new authenticator counted as verified.

SELECT_ENROLL --{id}--> ENROLL (a code, Google Authenticator's first code, a question, a password), or via
ENROLLMENT_DATA (the phone number) for a phone. Okta Verify: SELECT_ENROLL --okta_verify--> OV_ENROLL_POLL (QR code)
--channel email or sms--> OV_ENROLL_CHANNEL_DATA (the address or number the link goes to) --> OV_ENROLL_POLL;
activated on the phone, the poll moves on. Sending codes, making secrets and writing the enrollment are the engine's
(:mod:`.authenticator_steps`, :mod:`.activation`).
"""

from __future__ import annotations

from .authenticators import AuthenticatorKey, AuthenticatorPolicy
from .directory import User
from .errors import Reason
from .transaction_state import DEFAULT_METHODS, ENROLLING_AGAIN_ALLOWED, PendingEnrollment, Step, TransactionState

ENROLLMENT_STEPS = (Step.ENROLL, Step.OV_ENROLL_POLL)
"""The steps on which an enrollment is proved (the form's answer, or Okta Verify's activation seen by the poll)."""


class EnrollmentTransitions(TransactionState):
    """Setting up an authenticator the org's policy asks for (or offers)."""

    def choose_enrollment(self, key: AuthenticatorKey) -> None:
        """An authenticator picked from the enrollment list: what setting it up asks first. Starting an Okta Verify
        activation, making a Google Authenticator secret, sending an email code are the engine's part."""
        self.require(*ENROLLING_AGAIN_ALLOWED)
        if key not in self.choices:
            raise self.refusal(Reason.AUTHENTICATOR_NOT_ENROLLABLE)
        self.current, self.method, self.sent_code = key, DEFAULT_METHODS.get(key), None
        self.pending = PendingEnrollment()
        self.step = {
            AuthenticatorKey.OKTA_VERIFY: Step.OV_ENROLL_POLL,
            AuthenticatorKey.PHONE: Step.ENROLLMENT_DATA,
        }.get(key, Step.ENROLL)

    def enrollment_data(self, phone_number: str, method: str) -> None:
        """The phone number to enroll (E.164) and how the code goes to it."""
        self.require_current(Step.ENROLLMENT_DATA, AuthenticatorKey.PHONE)
        assert self.pending is not None
        self.pending.phone_number, self.pending.phone_method = phone_number, method
        self.method = method
        self.step = Step.ENROLL

    def choose_channel(self, channel: str) -> None:
        """Okta Verify's activation by QR code, or by a link sent by email or SMS."""
        self.require_current((Step.OV_ENROLL_POLL, Step.OV_ENROLL_CHANNEL_DATA), AuthenticatorKey.OKTA_VERIFY)
        assert self.pending is not None
        if channel == "qrcode":
            self.pending.channel, self.pending.channel_target = channel, None
            self.step = Step.OV_ENROLL_POLL
        elif channel in ("email", "sms"):
            self.pending.channel = channel
            self.step = Step.OV_ENROLL_CHANNEL_DATA
        else:
            raise self.refusal(Reason.INVALID_AUTHENTICATOR, f"unknown channel {channel!r}")

    def channel_target(self, target: str) -> None:
        """Where the activation link went (an address or an E.164 number): the page waits for the phone again."""
        self.require_current(Step.OV_ENROLL_CHANNEL_DATA, AuthenticatorKey.OKTA_VERIFY)
        assert self.pending is not None
        self.pending.channel_target = target
        self.step = Step.OV_ENROLL_POLL

    def enrolled(self, user: User, key: AuthenticatorKey, amr: str, policy: AuthenticatorPolicy) -> None:
        """The new authenticator is set up (``user`` has it now): enrolling it verified it."""
        self.require_current(ENROLLMENT_STEPS, key)
        self.user = user
        self.enrolled_here = (*self.enrolled_here, key)
        self.factor_verified(key, amr, policy)

    def skip(self, policy: AuthenticatorPolicy) -> None:
        """ "Set up later" on the enrollment list, when it offers only optional authenticators."""
        if self.step is not Step.SELECT_ENROLL:
            super().skip(policy)
            return
        if not self.optional:
            raise self.refusal(Reason.STEP_UNAVAILABLE)
        self.skipped_optional = True
        self.advance(policy)
