"""The engine's IDX side: a sign-in moved along one step at a time (identify, choose, answer, enroll, poll, resend,
skip, cancel), Okta Verify's push included.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .account_lockout import AccountLockout
from .authenticator_steps import Delivery, EmailLink
from .authenticators import AuthenticatorKey
from .clock import Instant
from .directory import User, UserStatus, VerifyMethod
from .errors import IdxError, Reason
from .lockout import is_locked
from .push import PushChallenge, SignInContext
from .recovery import recovery_choices
from .store import Handle
from .transaction import PUSH_RESENDABLE, Step, Transaction
from .user_states import as_sign_in_sees, refusal_mid_flight


class SignInSteps(AccountLockout):
    """Each IDX request's step, as the web layer asks for it (the lockout counting and self-service unlock come
    from :class:`~.account_lockout.AccountLockout`)."""

    # --- IDX: moving a sign-in along ---------------------------------------------------------------------------

    async def by_interaction_handle(self, handle: str) -> Transaction:
        transaction, user = await self._alive(Handle.INTERACTION_HANDLE, handle)
        self._still_admitted(transaction, user)
        return transaction

    async def by_state_handle(self, handle: str) -> Transaction:
        """The live sign-in a ``stateHandle`` names, refused (terminal) when its user can no longer sign in: suspended,
        deactivated or deleted since it began (:mod:`.user_states`)."""
        transaction, user = await self._alive(Handle.STATE_HANDLE, handle)
        self._still_admitted(transaction, user)
        return transaction

    def _still_admitted(self, transaction: Transaction, user: User | None) -> None:
        """Every step after the user is known asks the directory again (``user``: the transaction's user as the
        directory holds them now, read with it): a status changed mid-flight ends the sign-in, and nothing of it is
        changed. A sign-in activating its user goes on while they are activating, and an unlock's stand-in (a username
        naming no one) has nobody to ask about, and a sign-up's new user is ``STAGED`` until it is done."""
        if transaction.user is None or transaction.unlock_stand_in or transaction.step in (Step.TERMINAL, Step.SUCCESS):
            return
        if transaction.registering:  # the user this sign-up created is STAGED until its sign-in succeeds
            return
        token = transaction.interaction.activation_token
        if token is not None and user is not None and user.activation_token == token:
            return
        reason = refusal_mid_flight(user)
        if reason is not None:
            raise IdxError(reason, transaction)

    async def up_to_date(self, transaction: Transaction) -> Transaction:
        """The transaction brought up to date without a step (IDX introspect): a phone that answered between two
        polls, or a push that expired, shows now."""
        at = await self._instant()
        if transaction.step is Step.PUSH_WAITING:
            await self._catch_up_push(transaction, at.now)
        return await self._commit(transaction, at)

    async def find_transaction(
        self,
        *,
        state_handle: str | None = None,
        interaction_handle: str | None = None,
        interaction_code: str | None = None,
    ) -> Transaction | None:
        """The live transaction one of its handles names, or ``None``; unlike a step it neither raises nor keeps the
        transaction alive (the fault middleware only wants to know whose request it is)."""
        for handle, value in (
            (Handle.STATE_HANDLE, state_handle),
            (Handle.INTERACTION_HANDLE, interaction_handle),
            (Handle.INTERACTION_CODE, interaction_code),
        ):
            if value:
                transaction = await self.store.transaction(handle, value)
                return transaction if transaction and transaction.is_alive(await self.now()) else None
        return None

    async def identify(
        self, transaction: Transaction, identifier: str, password: str | None, delivery: Delivery | None = None
    ) -> Transaction:
        """The identify form: with the password (one form), or without it in an identifier-first org, where the
        password challenge comes next whoever the username names, but for a user with no password yet, whose email
        is the first factor (its code goes out at once, with links to ``delivery``'s org)."""
        at = await self._instant()
        policy = self.policy.authenticators
        if password is None and not policy.identifier_first:
            raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("credentials", "passcode"),))
        user = as_sign_in_sees(await self._user_up_to_date(identifier, at.now))
        if password is not None:  # a password to check: a locked user is refused, and a wrong one is counted
            transaction.require(Step.IDENTIFY)
            self._refuse_if_locked(user, transaction, IdxError(Reason.AUTHENTICATION_FAILED, transaction))
            user = await self._count_password(user, password, transaction, at)
        transaction.identify(user, password, at.now, policy)
        if password is not None:
            self._check_password_age(transaction, at)
        if password is None and transaction.current is not AuthenticatorKey.PASSWORD:
            if delivery is None:
                raise ValueError("identifying a user with no password sends an email: say where its links point")
            await self.steps.challenge_started(transaction, at.now, policy, delivery)
        elif password is None:
            transaction.name_identifier(identifier)
        return await self._commit(transaction, at)

    async def choose_authenticator(
        self,
        transaction: Transaction,
        authenticator_id: str,
        method: str | None,
        sign_in: SignInContext,
        delivery: Delivery,
        auto_challenge: bool | None = None,
    ) -> Transaction:
        """An authenticator chosen to verify with, with a method or not (Okta takes the ``aut…`` id, never an
        enrollment's). For Okta Verify, ``auto_challenge`` is the "Send push automatically" box, sent with a push
        (remembered for the user's next sign-ins when ticked, forgotten when not); email and phone get their code."""
        at = await self._instant()
        key = self.authenticators.key_of(authenticator_id)
        if key is None:
            raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "unknown authenticator")
        previous = transaction.push  # withdrawn from the phone once another choice is taken
        if key is not AuthenticatorKey.OKTA_VERIFY:
            transaction.choose(key, method)
            if previous is not None:
                await self.store.discard_push(previous)
            await self.steps.challenge_started(transaction, at.now, self.policy.authenticators, delivery)
            return await self._commit(transaction, at)
        verify_method = _parse_method(method, transaction)
        verify_method = transaction.choose_okta_verify(verify_method)
        if previous is not None:
            await self.store.discard_push(previous)
        if verify_method is VerifyMethod.PUSH:
            await self._remember_auto_challenge(transaction, auto_challenge)
            await self._send_push(transaction, sign_in, at)
        return await self._commit(transaction, at)

    async def answer(self, transaction: Transaction, credentials: dict[str, Any]) -> Transaction:
        """``/idp/idx/challenge/answer`` on any step but Okta Verify's code page (:meth:`answer_totp`): a password,
        a code sent by email or phone, a Google Authenticator code, a security question's answer, or the proof of a
        new enrollment."""
        at = await self._instant()
        policy = self.policy.authenticators
        if transaction.step is Step.CHALLENGE and transaction.current is AuthenticatorKey.PASSWORD:
            password = credentials.get("passcode")
            if not isinstance(password, str) or not password:
                raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("credentials", "passcode"),))
            user = as_sign_in_sees(await self._user_up_to_date(transaction.identifier, at.now))
            wrong = IdxError(Reason.PASSWORD_INVALID, transaction, fields=(("credentials", "passcode"),))
            self._refuse_if_locked(user, transaction, wrong)
            user = await self._count_password(user, password, transaction, at)
            transaction.answer_password(user, password, at.now, policy)
            self._check_password_age(transaction, at)
        else:
            passwords = self.policy.password_policy
            await self.steps.answer(transaction, credentials, at.now, policy, passwords, clock_start=at.wall)
        return await self._commit(transaction, at)

    # --- password recovery and expiry ----------------------------------------------------------------------------

    async def recover(self, transaction: Transaction) -> Transaction:
        """ "Forgot password?" (``/idp/idx/recover``): the username to recover comes next, or, on an identifier-first
        password challenge, the list of the org's recovery authenticators. Refused where the org has no self-service
        recovery (no recovery authenticator it has enabled), as the document offered no ``recover`` there."""
        at = await self._instant()
        choices = self._recovery_choices(transaction)
        named = None
        if transaction.is_password_challenge() and transaction.identifier:
            named = await self._recoverable(transaction.identifier, at.now)
        transaction.recover(choices, named)
        return await self._commit(transaction, at)

    async def identify_for_recovery(self, transaction: Transaction, identifier: str) -> Transaction:
        """The username on the ``identify-recovery`` form. Whoever it names (nobody included) the same list comes
        next; only a user who may recover is sent a code."""
        at = await self._instant()
        choices = self._recovery_choices(transaction)
        user = await self._recoverable(identifier, at.now)
        transaction.identify_for_recovery(user, identifier, choices)
        return await self._commit(transaction, at)

    async def _recoverable(self, identifier: str, now: float) -> User | None:
        """The user a recovery for ``identifier`` may send a code to, or ``None`` (answered as nobody, so the pages
        reveal nothing): a status sign-in answers as unknown (suspended, deactivated, not activated) bars it, and so
        does a lock unless the lockout policy shows lockout failures. Okta denies a locked user's reset when the
        policy hides lockout failures ("Forgot Password Denied", "Invalid User State"); where it shows them, the reset
        goes on and unlocks the account (:meth:`~.authenticator_steps.AuthenticatorSteps._change_password`)."""
        user = as_sign_in_sees(await self._user_up_to_date(identifier, now))
        if user is not None and is_locked(user) and not self.policy.lockout.show_lockout_failures:
            return None
        return user

    def _recovery_choices(self, transaction: Transaction) -> tuple[AuthenticatorKey, ...]:
        choices = recovery_choices(self.policy.password_policy.recovery, self.policy.authenticators)
        if not choices:
            raise IdxError(Reason.STEP_UNAVAILABLE, transaction, "self-service recovery is off in this org")
        return choices

    def _check_password_age(self, transaction: Transaction, at: Instant) -> None:
        """Right after the password was verified: has it expired (the user's status says so, or the policy's maximum
        age has passed since it was set), or will it soon (within the policy's warning days)?"""
        user = transaction.user
        if user is None or transaction.verified != (AuthenticatorKey.PASSWORD,):
            return
        passwords = self.policy.password_policy
        set_at = user.password_set_at(at.wall)
        expired = user.status is UserStatus.PASSWORD_EXPIRED or passwords.is_expired(set_at, at.now)
        warn = not expired and passwords.should_warn(set_at, at.now)
        days_left = passwords.days_until_expiry(set_at, at.now) if warn else None
        transaction.ask_password_change(expired=expired, days_left=days_left)

    async def enroll(self, transaction: Transaction, fields: dict[str, Any], delivery: Delivery) -> Transaction:
        """``/idp/idx/credential/enroll``: an authenticator chosen to set up (``authenticator.id``), the phone number
        to enroll (``authenticator.phoneNumber`` with ``methodType``), Okta Verify's activation channel
        (``authenticator.channel``), or the address or number its link goes to (``email`` / ``phoneNumber``).

        A sign-in opened with an activation token has no first factor to check the deny rules after (the token stood
        for it), and every step it has writes something (an enrollment, a code sent): so the rules are checked here,
        before anything is, and a denied user stays ``PROVISIONED`` with their token still good, as a denied sign-in
        leaves everything as it was."""
        at = await self._instant()
        policy = self.policy.authenticators
        if transaction.interaction.activation_token is not None and transaction.user is not None:
            transaction.check_access(transaction.user, policy)  # an activation's first factor was its token
        authenticator = fields.get("authenticator")
        if transaction.step is Step.OV_ENROLL_CHANNEL_DATA and authenticator is None:
            target = fields.get("email", fields.get("phoneNumber"))
            if not isinstance(target, str) or not target.strip():
                raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("email",),))
            await self.steps.activation_channel_target(transaction, target.strip(), at.now, policy, delivery)
            return await self._commit(transaction, at)
        if not isinstance(authenticator, dict):
            raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("authenticator",),))
        key = self.authenticators.key_of(str(authenticator.get("id", "")))
        if key is None:
            raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, "unknown authenticator")
        channel = authenticator.get("channel")
        if (
            transaction.step is Step.ENROLLMENT_DATA
            and key is AuthenticatorKey.PHONE
            and "phoneNumber" in authenticator
        ):
            method = authenticator.get("methodType")
            number = authenticator.get("phoneNumber")
            if not isinstance(number, str) or not number.strip():
                raise IdxError(Reason.FIELD_REQUIRED, transaction, fields=(("authenticator", "phoneNumber"),))
            method_text = method if isinstance(method, str) else None
            await self.steps.phone_number(transaction, number, method_text, at.now, policy, delivery)
        elif isinstance(channel, str) and key is AuthenticatorKey.OKTA_VERIFY and transaction.current is key:
            transaction.choose_channel(channel)
            if channel == "qrcode":
                await self.steps.enrollment_started(transaction, at.now, policy, delivery)
        else:
            transaction.choose_enrollment(key)
            await self.steps.enrollment_started(transaction, at.now, policy, delivery)
        return await self._commit(transaction, at)

    async def skip(self, transaction: Transaction) -> Transaction:
        """ "Set up later": optional authenticators are left for another sign-in."""
        at = await self._instant()
        transaction.skip(self.policy.authenticators)
        return await self._commit(transaction, at)

    async def email_link(self, token: str) -> EmailLink | None:
        """The live magic link a token names (which sign-in it is for, and the code its email carries)."""
        at = await self._instant()
        return await self.steps.email_link(token, at.now)

    async def open_email_link(self, token: str) -> bool:
        """An email's magic link opened in the browser of the sign-in it is for: whether it was good. The tab that
        waits for it moves on at its next poll."""
        at = await self._instant()
        return await self.steps.open_email_link(token, at.now) is not None

    async def _remember_auto_challenge(self, transaction: Transaction, auto_challenge: bool | None) -> None:
        """The user's "Send push automatically" choice, kept on their enrollment (in the directory and on this
        sign-in), as Okta keeps it per user."""
        user = transaction.user
        if auto_challenge is None or user is None or user.okta_verify is None:
            return
        if user.okta_verify.auto_challenge != auto_challenge:
            user.okta_verify.auto_challenge = auto_challenge
            stored = await self.store.user(user.login)
            if stored is not None and stored.okta_verify is not None:
                stored.okta_verify.auto_challenge = auto_challenge
                await self.store.put_user(stored)

    async def resend(self, transaction: Transaction, sign_in: SignInContext, delivery: Delivery) -> Transaction:
        """ "Send again": Okta Verify's push, the email or phone code, or Okta Verify's activation link."""
        at = await self._instant()
        if transaction.step in PUSH_RESENDABLE:
            await self._discard_push(transaction)
            await self._send_push(transaction, sign_in, at)
        elif transaction.unlock_stand_in:  # an unlock for nobody: the page as if sent again, nothing sent
            transaction.require(Step.CHALLENGE)
        else:
            await self.steps.resend(transaction, at.now, self.policy.authenticators, delivery)
        return await self._commit(transaction, at)

    async def send_code(self, transaction: Transaction) -> Transaction:
        """``currentAuthenticator.send`` on the Okta Verify code page (``/idp/idx/challenge/send``)."""
        at = await self._instant()
        transaction.send_code()
        return await self._commit(transaction, at)

    async def poll(self, transaction: Transaction, auto_challenge: bool | None = None) -> Transaction:
        """The app asks whether the phone has answered (a scripted phone may answer at this poll); the waiting page's
        "Send push automatically" box comes with it."""
        at = await self._instant()
        if transaction.step is not Step.PUSH_WAITING:  # Okta Verify's activation, an email's magic link
            await self.steps.poll(transaction, at.now, self.policy.authenticators)
            return await self._commit(transaction, at)
        transaction.require(Step.PUSH_WAITING)
        if transaction.push is None:  # never so: a waiting step always has its push
            raise IdxError(Reason.STEP_UNAVAILABLE, transaction)
        await self._remember_auto_challenge(transaction, auto_challenge)
        transaction.push.polls += 1
        await self._catch_up_push(transaction, at.now)
        return await self._commit(transaction, at)

    async def answer_totp(self, transaction: Transaction, code: str) -> Transaction:
        at = await self._instant()
        secret = transaction.totp_secret()
        transaction.answer_totp(await self.totp.verify(secret, code, at.now))
        return await self._commit(transaction, at)

    async def cancel(self, transaction: Transaction) -> Transaction:
        """Ends this sign-in and opens a fresh one for the same app, with a new stateHandle. The interaction handle
        stays, as at Okta: it names the app's interaction, which Okta's Java IDX SDK keeps across a cancel and
        introspects with."""
        at = await self._instant()
        await self._discard_push(transaction)
        await self.store.delete_transaction(transaction)
        return await self._open(transaction.interaction, at, interaction_handle=transaction.interaction_handle)

    async def _send_push(self, transaction: Transaction, sign_in: SignInContext, at: Instant) -> None:
        user = transaction.user
        assert user is not None and user.okta_verify is not None
        context = replace(
            sign_in, app_label=transaction.interaction.client_label, client_id=transaction.interaction.client_id
        )
        push = PushChallenge.send(
            transaction_id=transaction.id,
            login=user.login,
            now=at.now,
            lifetime=self.policy.push_lifetime,
            behaviour=user.okta_verify.push,
            context=context,
        )
        await self.store.save_push(push, self.policy.push_lifetime)
        transaction.start_push(push)

    async def _catch_up_push(self, transaction: Transaction, now: float) -> None:
        """Bring the waiting push up to date from the store (a tap on any replica), let it expire or the scripted
        phone answer, and show the outcome on the transaction."""
        push = transaction.push
        assert push is not None
        push.state = await self.store.push_state(push.id)
        due = push.due_state(now)
        if due is not None:
            transaction.push = push = await self._settle(push, due)
        transaction.apply_push_state()

    async def _discard_push(self, transaction: Transaction) -> None:
        if transaction.push is not None:
            await self.store.discard_push(transaction.push)


def _parse_method(method: str | None, transaction: Transaction) -> VerifyMethod | None:
    if method is None:
        return None
    try:
        return VerifyMethod(method)
    except ValueError:
        raise IdxError(Reason.INVALID_AUTHENTICATOR, transaction, f"unknown method {method!r}") from None
