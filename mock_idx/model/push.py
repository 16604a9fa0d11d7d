"""Okta Verify push challenges: what the phone shows, and how it is answered.

A push is answered in one of three ways: a person taps on the device page, a test calls the control API, or the user's
scripted :class:`~.directory.PushBehaviour` answers it when the app polls; or nobody does and it expires. Each way
decides a :class:`PushState` here (:meth:`PushChallenge.approval`, :meth:`PushChallenge.due_state`), and the engine
settles it in the store, where the first decision wins: every path behaves the same, including "a wrong number counts
as a denial", and a tap racing the expiry has exactly one outcome.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from enum import Enum

from .directory import NumberAnswer, PushBehaviour, PushOutcome
from .ids import okta_id
from .policy import DEFAULT_CLIENT_LABEL


class PushState(str, Enum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    EXPIRED = "expired"


@dataclass(frozen=True)
class SignInContext:
    """What Okta Verify tells the person about the sign-in it asks them to approve. The web layer knows where the
    request came from (address, browser); the engine adds which app it is for, from the transaction."""

    ip_address: str = "127.0.0.1"
    user_agent: str = ""
    app_label: str = DEFAULT_CLIENT_LABEL
    client_id: str = ""
    location: str = "Localhost"


@dataclass
class PushChallenge:
    transaction_id: str
    login: str
    created_at: float
    expires_at: float
    behaviour: PushBehaviour
    context: SignInContext
    correct_answer: int | None = None
    options: tuple[int, ...] = ()
    state: PushState = PushState.PENDING
    polls: int = 0
    id: str = field(default_factory=lambda: okta_id("psh"))

    @classmethod
    def send(
        cls,
        *,
        transaction_id: str,
        login: str,
        now: float,
        lifetime: float,
        behaviour: PushBehaviour,
        context: SignInContext,
    ) -> PushChallenge:
        push = cls(
            transaction_id=transaction_id,
            login=login,
            created_at=now,
            expires_at=now + lifetime,
            behaviour=behaviour,
            context=context,
        )
        if behaviour.number_challenge:
            push.correct_answer, push.options = _number_challenge()
        return push

    @property
    def is_number_challenge(self) -> bool:
        return self.correct_answer is not None

    @property
    def is_pending(self) -> bool:
        return self.state is PushState.PENDING

    def due_state(self, now: float) -> PushState | None:
        """What a pending push becomes at ``now`` with nobody tapping: expired, or the scripted phone's answer once its
        moment has come; ``None`` while it keeps waiting."""
        if not self.is_pending:
            return None
        if now >= self.expires_at:
            return PushState.EXPIRED
        if self._scripted_answer_is_due(now):
            return self._scripted_answer()
        return None

    def approval(self, answer: int | None = None) -> PushState:
        """What "Yes, it's me" (and, in a number challenge, a number) decides: a wrong number is a denial."""
        if self.is_number_challenge and answer is not None and answer != self.correct_answer:
            return PushState.DENIED
        return PushState.APPROVED

    def seconds_left(self, now: float) -> float:
        return max(0.0, self.expires_at - now)

    def _scripted_answer_is_due(self, now: float) -> bool:
        behaviour = self.behaviour
        if behaviour.outcome in (PushOutcome.MANUAL, PushOutcome.TIMEOUT):
            return False
        if behaviour.after_seconds is not None:
            return now - self.created_at >= behaviour.after_seconds
        return self.polls > behaviour.after_polls

    def _scripted_answer(self) -> PushState:
        if self.behaviour.outcome is PushOutcome.DENY:
            return PushState.DENIED
        if self.is_number_challenge and self.behaviour.number_answer is NumberAnswer.WRONG:
            return self.approval(answer=next(n for n in self.options if n != self.correct_answer))
        return self.approval(answer=self.correct_answer)


class PushAlreadyAnswered(Exception):
    def __init__(self, state: PushState) -> None:
        super().__init__(f"this push is already {state.value}")
        self.state = state


def _number_challenge() -> tuple[int, tuple[int, ...]]:
    """A correct two-digit answer and the three distinct numbers the phone offers, in random order."""
    options = tuple(secrets.SystemRandom().sample(range(10, 100), 3))
    return secrets.choice(options), options
