"""Okta Verify push challenges: what the phone shows, and how it is answered.

A push is answered in one of three ways: a person taps on the device page, a test calls the control API, or the user's
scripted :class:`~.directory.PushBehaviour` answers it when the app polls. All three end in
:meth:`PushChallenge.approve` or :meth:`PushChallenge.deny`, so every path behaves the same, including "a wrong
number counts as a denial".
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

    def settle(self, now: float) -> PushState:
        """Bring the push up to date: expire it, or let the scripted phone answer when its moment has come."""
        if not self.is_pending:
            return self.state
        if now >= self.expires_at:
            self.state = PushState.EXPIRED
        elif self._scripted_answer_is_due(now):
            self._answer_as_scripted()
        return self.state

    def record_poll(self, now: float) -> PushState:
        self.polls += 1
        return self.settle(now)

    def approve(self, answer: int | None = None) -> PushState:
        """The person tapped "Yes, it's me" (and, in a number challenge, a number). A wrong number is a denial."""
        self._require_pending()
        if self.is_number_challenge and answer is not None and answer != self.correct_answer:
            self.state = PushState.DENIED
        else:
            self.state = PushState.APPROVED
        return self.state

    def deny(self) -> PushState:
        """The person tapped "No, it's not me"."""
        self._require_pending()
        self.state = PushState.DENIED
        return self.state

    def seconds_left(self, now: float) -> float:
        return max(0.0, self.expires_at - now)

    def _require_pending(self) -> None:
        if not self.is_pending:
            raise PushAlreadyAnswered(self.state)

    def _scripted_answer_is_due(self, now: float) -> bool:
        behaviour = self.behaviour
        if behaviour.outcome in (PushOutcome.MANUAL, PushOutcome.TIMEOUT):
            return False
        if behaviour.after_seconds is not None:
            return now - self.created_at >= behaviour.after_seconds
        return self.polls > behaviour.after_polls

    def _answer_as_scripted(self) -> None:
        if self.behaviour.outcome is PushOutcome.DENY:
            self.deny()
        elif self.is_number_challenge and self.behaviour.number_answer is NumberAnswer.WRONG:
            self.approve(answer=next(n for n in self.options if n != self.correct_answer))
        else:
            self.approve(answer=self.correct_answer)


class PushAlreadyAnswered(Exception):
    def __init__(self, state: PushState) -> None:
        super().__init__(f"this push is already {state.value}")
        self.state = state


def _number_challenge() -> tuple[int, tuple[int, ...]]:
    """A correct two-digit answer and the three distinct numbers the phone offers, in random order."""
    options = tuple(secrets.SystemRandom().sample(range(10, 100), 3))
    return secrets.choice(options), options


class PushRegistry:
    """Pending pushes by user, so a phone (device page, control API) finds what awaits it without scanning sign-ins."""

    def __init__(self) -> None:
        self._by_login: dict[str, dict[str, PushChallenge]] = {}

    def add(self, push: PushChallenge) -> None:
        self._by_login.setdefault(push.login.lower(), {})[push.id] = push

    def pending_for(self, login: str, now: float) -> list[PushChallenge]:
        """Pending pushes, oldest first; answered and expired ones are forgotten on the way."""
        pushes = self._by_login.get(login.lower(), {})
        for push in list(pushes.values()):
            if push.settle(now) is not PushState.PENDING:
                del pushes[push.id]
        return sorted(pushes.values(), key=lambda p: p.created_at)

    def forget_settled(self, now: float) -> None:
        """Drop answered and expired pushes of every user (pushes nobody looked at again would otherwise linger)."""
        for login in list(self._by_login):
            if not self.pending_for(login, now):
                del self._by_login[login]

    def discard(self, push: PushChallenge) -> None:
        self._by_login.get(push.login.lower(), {}).pop(push.id, None)

    def clear(self) -> None:
        self._by_login.clear()

    def __len__(self) -> int:
        return sum(len(p) for p in self._by_login.values())
