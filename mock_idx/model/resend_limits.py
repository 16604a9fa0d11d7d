"""How often Okta sends a code again: a pure policy over the times of earlier sends, which the caller keeps (on the
transaction, per destination) and passes in; this module keeps nothing.

Okta's numbers (developer docs, "Additional rate limits" and "System Log events for rate limits"):

* SMS and voice: "one challenge per phone number every 30 seconds", for enrollment and verification alike, SMS and
  call together (the Sign-In Widget's ``ChallengeAuthenticatorPhone_spec`` refuses a voice call asked for right
  after the SMS). On top of it, an operation limit per user; the documented example is 15 SMS enrollments in
  5 minutes. The widget offers "Send again" after 30 s (``SHOW_RESEND_TIMEOUT``), so a widget user never meets the
  limit; a client that resends sooner does.
* Email: "no more than 30 emails per recipient per minute" for the code and link emails; no minimum gap.

Refusals, for the error table (``mock_idx/idx/messages.py``): HTTP 429, a form-level message (``messages`` at the
top), the current form again (as ``error-authenticator-phone-voice-ratelimit.json``):

* SMS, either :class:`Refusal`: key ``errors.E0000150``, text "You have reached the limit of sms requests, please try
  again later."
* Voice, either :class:`Refusal`: key ``errors.E0000151``, text "You have reached the limit of call requests, please
  try again later."
* Email: key ``tooManyRequests``, text "Too many requests" (``messages.TOO_MANY_REQUESTS``, as
  ``error-429-too-many-request-operation-ratelimit.json``).

Identity Engine answers the 30-second rule with these E0000150/E0000151 texts; Classic Engine's "An SMS message was
recently sent. Please wait 30 seconds before trying again." (E0000109) and its voice twin (E0000133) belong to the
``/api/v1/authn`` API, which this mock does not serve. :attr:`Verdict.retry_after` is there for a ``Retry-After`` or
``x-rate-limit-reset`` header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType


class Channel(str, Enum):
    EMAIL = "email"
    SMS = "sms"
    VOICE = "voice"


class Refusal(str, Enum):
    TOO_SOON = "too_soon"
    """The previous send to this destination was less than the minimum gap ago."""
    LIMIT_REACHED = "limit_reached"
    """The window already holds as many sends as it allows."""


@dataclass(frozen=True)
class Window:
    """At most ``sends`` sends in any ``seconds`` (a send at ``t`` counts until ``t + seconds``)."""

    sends: int
    seconds: float

    def __post_init__(self) -> None:
        if self.sends < 1 or not self.seconds > 0:
            raise ValueError("a window allows at least one send over a positive time")


@dataclass(frozen=True)
class Verdict:
    refusal: Refusal | None
    retry_after: float
    """Seconds until a send would be allowed; 0 when it is allowed now."""

    @property
    def allowed(self) -> bool:
        return self.refusal is None


ALLOWED = Verdict(refusal=None, retry_after=0.0)


@dataclass(frozen=True)
class ResendPolicy:
    """Whether one more send to a destination is allowed at ``now``, given the times of the earlier ones."""

    min_gap_seconds: float = 0.0
    window: Window | None = None

    def __post_init__(self) -> None:
        if not self.min_gap_seconds >= 0:
            raise ValueError("the minimum gap is a number of seconds, zero or more")

    def decide(self, now: float, previous: Sequence[float]) -> Verdict:
        """Allowed, or the first rule it breaks (the gap before the window) with how long to wait for every rule to
        allow it. ``previous`` holds the times of earlier sends to the same destination (for a phone, SMS and voice
        together), in any order; times after ``now`` count as just sent."""
        gap_wait = self._gap_wait(now, previous)
        window_wait = self._window_wait(now, previous)
        if gap_wait > ROUNDING:
            return Verdict(Refusal.TOO_SOON, max(gap_wait, window_wait))
        if window_wait > ROUNDING:
            return Verdict(Refusal.LIMIT_REACHED, window_wait)
        return ALLOWED

    def remember(self, previous: Sequence[float], now: float) -> tuple[float, ...]:
        """The send times to keep after a send at ``now``: only those a later decision can still depend on, oldest
        first, so what the transaction stores stays small however often it is asked."""
        horizon = max(self.min_gap_seconds, self.window.seconds if self.window else 0.0)
        recent = sorted(t for t in (*previous, now) if now - t < horizon)
        return tuple(recent[-(self.window.sends if self.window else 1) :])

    def _gap_wait(self, now: float, previous: Sequence[float]) -> float:
        if not previous or self.min_gap_seconds <= 0:
            return 0.0
        return max(0.0, max(previous) + self.min_gap_seconds - now)

    def _window_wait(self, now: float, previous: Sequence[float]) -> float:
        if self.window is None:
            return 0.0
        in_window = sorted(t for t in previous if now - t < self.window.seconds)
        excess = len(in_window) - self.window.sends
        if excess < 0:
            return 0.0
        # the send becomes allowed once the (excess + 1) oldest in the window have left it
        return in_window[excess] + self.window.seconds - now


ROUNDING = 1e-6
"""A wait shorter than this (seconds) is float rounding, not a wait: a client told to wait ``w`` seconds that comes
back ``w`` later must be let in, though ``now + w`` may land a trillionth of a second short of the instant ``w`` was
worked out from."""

OKTA_RESEND_POLICIES: Mapping[Channel, ResendPolicy] = MappingProxyType(
    {
        Channel.SMS: ResendPolicy(min_gap_seconds=30.0, window=Window(sends=15, seconds=300.0)),
        Channel.VOICE: ResendPolicy(min_gap_seconds=30.0, window=Window(sends=15, seconds=300.0)),
        Channel.EMAIL: ResendPolicy(window=Window(sends=30, seconds=60.0)),
    }
)


def policy_for(channel: Channel) -> ResendPolicy:
    """Okta's policy for a channel (see the module docstring for where the numbers come from)."""
    return OKTA_RESEND_POLICIES[channel]
