"""The engine's admin side: what the control API, the device page and the inbox do as an admin or a phone would
(users and groups, pushes answered, codes read, Okta Verify activated, the clock moved, the org reset).
"""

from __future__ import annotations

from dataclasses import replace

from .activation import OktaVerifyActivation, parse_activation_uri
from .authenticator_steps import HISTORY_KEPT
from .clock import Instant
from .directory import OktaVerifyEnrollment, User, UserStatus, VerifyMethod
from .engine_core import EngineCore
from .errors import ControlError, NotFound
from .faults import FaultRule
from .outbox import Channel, Message
from .policy import Policy
from .push import PushAlreadyAnswered, PushChallenge, PushState
from .totp import TotpCode, current_code
from .user_lifecycle import PASSWORD_EXPIRABLE, check_status_allows
from .user_replacement import replacing


class OrgAdmin(EngineCore):
    """The phone and the admin."""

    # --- the phone and the admin (control API, device page) ----------------------------------------------------

    async def put_user(self, user: User) -> User:
        """Add or replace a user. A replaced user keeps what the server learned about the account (their id, the
        sign-out a suspension made, their lockout count, a pending activation: :func:`.user_replacement.replacing`).
        A new TOTP secret starts with no used codes; the same secret keeps them spent. A user given no
        ``password_changed_at`` set their password now, or, when it is the one they had, when they set that one (and
        keep its history)."""
        previous = await self.store.user(user.login)
        user = replacing(previous, user)
        if user.password_changed_at is None:
            user = await self._password_dates(user, previous)
        if previous and previous.okta_verify:
            same_secret = (
                user.okta_verify is not None and user.okta_verify.totp_secret == previous.okta_verify.totp_secret
            )
            if not same_secret:
                await self.totp.forget(previous.okta_verify.totp_secret)
        await self.store.put_user(user)
        return user

    async def _password_dates(self, user: User, previous: User | None) -> User:
        if previous is not None and previous.password == user.password:
            history = user.password_history or previous.password_history
            return replace(user, password_changed_at=previous.password_changed_at, password_history=history)
        if user.password is None:
            return user
        history = user.password_history or (
            (previous.password, *previous.password_history) if previous and previous.password else ()
        )
        return replace(user, password_changed_at=await self.now(), password_history=history[:HISTORY_KEPT])

    async def expire_password(self, login: str) -> User:
        """Okta's ``lifecycle/expire_password``: the user's status becomes ``PASSWORD_EXPIRED``, so their next sign-in
        asks for a new password once the current one is verified. The password itself still works."""
        user = await self.user(login)
        check_status_allows(user, PASSWORD_EXPIRABLE, "expire the password of")
        user = replace(user, status=UserStatus.PASSWORD_EXPIRED)
        await self.store.put_user(user)
        return user

    async def set_groups(self, login: str, groups: list[str] | tuple[str, ...]) -> User:
        """Move a user between groups, as an admin does: password, phone and ids stay; the next token they get
        carries the new groups."""
        user = replace(await self.user(login), groups=tuple(dict.fromkeys(groups)))
        await self.store.put_user(user)
        return user

    async def users(self) -> list[User]:
        return await self.store.users()

    async def find_user(self, login: str) -> User | None:
        return await self.store.user(login)

    async def user(self, login: str) -> User:
        return await self._existing_user(login)

    async def pending_pushes(self, login: str) -> list[PushChallenge]:
        """The pushes waiting on the user's phone, oldest first; answered and expired ones are forgotten on the way."""
        await self.user(login)
        now = await self.now()
        pending = []
        for push in await self.store.pushes_for(login):
            due = push.due_state(now)
            if due is not None:
                push = await self._settle(push, due)
            if push.is_pending:
                pending.append(push)
            else:
                await self.store.discard_push(push)
        return pending

    async def approve_push(self, login: str, answer: int | None = None, push_id: str | None = None) -> PushChallenge:
        push = await self._pending_push(login, push_id)
        return await self._answer(push, push.approval(answer))

    async def deny_push(self, login: str, push_id: str | None = None) -> PushChallenge:
        return await self._answer(await self._pending_push(login, push_id), PushState.DENIED)

    async def messages(self, login: str, channel: Channel | None = None) -> list[Message]:
        """The emails, texts and calls the user was sent (all, or one channel's), newest first, expired ones left
        out."""
        await self.user(login)
        return await self.outbox.messages(login, await self.now(), channel)

    async def totp_code(self, login: str) -> TotpCode:
        enrollment = (await self.user(login)).okta_verify
        if enrollment is None or not enrollment.supports(VerifyMethod.TOTP):
            raise NotFound(f"{login!r} has no Okta Verify code")
        return current_code(enrollment.totp_secret, await self.now())

    async def pending_activations(self, login: str) -> list[OktaVerifyActivation]:
        """The Okta Verify activations (QR codes, links) the user's phone can still use, oldest first."""
        await self.user(login)
        return await self.activations.pending(login, await self.now())

    async def activate_okta_verify(self, login: str, uri: str | None = None) -> User:
        """The user's phone scans a QR code or opens a link: the activation ``uri`` names (an ``oktaverify://`` URI,
        an activation link or a bare token; ``None``: the user's newest pending one) is used, and the user gets a
        fresh Okta Verify enrollment (push and code, a new secret, pushes answered by hand), replacing any earlier
        one. The first activation wins; a used, expired or unknown one is refused and changes nothing."""
        at = await self._instant()
        user = await self.user(login)
        token = None if uri is None else parse_activation_uri(uri)
        if uri is not None and token is None:
            raise ControlError("uri must be an oktaverify:// activation URI, an activation link or its token")
        await self.activations.activate(user.login, token, at.now, keep_for=self.policy.transaction_lifetime)
        return await self.put_user(replace(user, okta_verify=OktaVerifyEnrollment()))

    async def clock_offset(self) -> float:
        """How far the virtual clock is ahead of wall time, in seconds."""
        return (await self.store.header()).clock_offset

    async def advance_clock(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        offset = await self.store.advance_clock(seconds)
        self.header_reads.forget()
        now = Instant.current(offset).now
        await self.sweep(now)
        return now

    async def is_configured(self) -> bool:
        """Whether a replica has already put a scenario in force in this org's store."""
        return await self.store.is_configured()

    async def reset(
        self,
        policy: Policy | None = None,
        users: list[User] | tuple[User, ...] = (),
        faults: list[FaultRule] | tuple[FaultRule, ...] = (),
    ) -> None:
        """Forget every sign-in, push, token, message, Okta Verify activation, user and fault rule, and put ``policy``
        (or the one in force), ``users`` and ``faults`` in force; the signing key, the clock and the journal stay."""
        await self._instant()
        await self.store.replace_org(policy or self.policy, list(users), list(faults))
        self.header_reads.forget()

    async def _answer(self, push: PushChallenge, state: PushState) -> PushChallenge:
        won, winner = await self.store.settle_push(push.id, state, self.policy.push_lifetime)
        if not won:
            raise PushAlreadyAnswered(winner)
        return replace(push, state=winner)

    async def _pending_push(self, login: str, push_id: str | None) -> PushChallenge:
        pending = await self.pending_pushes(login)
        if push_id is not None:
            pending = [p for p in pending if p.id == push_id]
        if not pending:
            raise NotFound(f"no pending push for {login!r}")
        return pending[-1]
