"""The engine's self-service registration steps: "Sign up" on the identify page, the sign-up form, and the new user it
creates, who then enrolls what the org requires through the ordinary enrollment steps.

When the user exists: as at Okta, from the moment the sign-up form is accepted (``/idp/idx/enroll/new``), with status
``STAGED`` and no password; the sign-in's success activates them (``ACTIVE``). Someone who abandons the form after that
keeps the address taken, as at Okta ("A user with this Email already exists" on a second try).
"""

from __future__ import annotations

from typing import Any

from .directory import User, UserStatus
from .engine_core import EngineCore
from .errors import IdxError, Reason
from .registration import EMAIL, ProblemKind, check_profile, first_problem, profile_values
from .store import RecordKind
from .transaction import Step, Transaction

SIGN_UP_CLAIM_SECONDS = 60.0
"""How long a login being signed up stays claimed: long enough for the racing request to find the user created."""

_REFUSALS = {
    ProblemKind.MISSING: Reason.FIELD_REQUIRED,
    ProblemKind.WRONG_TYPE: Reason.FIELD_WRONG_TYPE,
    ProblemKind.CONTROL_CHARACTERS: Reason.FIELD_INVALID,
    ProblemKind.NOT_AN_EMAIL: Reason.PROFILE_EMAIL_INVALID,
    ProblemKind.TOO_SHORT: Reason.FIELD_TOO_SHORT,
    ProblemKind.TOO_LONG: Reason.FIELD_TOO_LONG,
}


class SignUpSteps(EngineCore):
    """Each sign-up request's step, as the web layer asks for it."""

    async def start_sign_up(self, transaction: Transaction) -> Transaction:
        """``/idp/idx/enroll`` (``select-enroll-profile``): the sign-up form, when the org lets people sign up; refused
        as any step the page does not offer otherwise."""
        at = await self._instant()
        if not self.policy.registration.enabled:
            transaction.require()
        transaction.start_sign_up()
        return await self._commit(transaction, at)

    async def back_to_sign_in(self, transaction: Transaction) -> Transaction:
        """``/idp/idx/identify/select`` (``select-identify``): from the sign-up form back to the identify page."""
        at = await self._instant()
        transaction.back_to_sign_in()
        return await self._commit(transaction, at)

    async def sign_up(self, transaction: Transaction, user_profile: Any) -> Transaction:
        """``/idp/idx/enroll/new``: the sign-up form's ``userProfile``, checked against the profile enrollment policy;
        the user is created (login = their email) and goes on to enroll the authenticators the org requires."""
        at = await self._instant()
        policy = self.policy.registration
        if not policy.enabled:
            transaction.require()
        transaction.require(Step.ENROLL_PROFILE)
        if user_profile is None:
            user_profile = {}
        if not isinstance(user_profile, dict):
            raise IdxError(Reason.MALFORMED_REQUEST, transaction, "userProfile must be an object")
        refused = first_problem(check_profile(policy, user_profile))
        if refused is not None:
            kind, attributes = refused
            fields = tuple(("userProfile", attribute.name) for attribute in attributes)
            raise IdxError(_REFUSALS[kind], transaction, attributes[0].label, fields)
        profile = profile_values(policy, user_profile)
        login = profile[EMAIL]
        email = policy.attribute(EMAIL)
        label = email.label if email is not None else "Email"
        user = User(login=login, password=None, profile=profile, groups=policy.groups, status=UserStatus.STAGED)
        transaction.check_access(user, self.policy.authenticators)  # a deny rule on the new users' group: nobody made
        taken = await self.store.user(login) is not None
        if taken or not await self.store.claim_once(RecordKind.NEW_USER, login.lower(), SIGN_UP_CLAIM_SECONDS):
            raise IdxError(Reason.LOGIN_NOT_UNIQUE, transaction, label, (("userProfile", EMAIL),))
        await self.store.put_user(user)
        transaction.signed_up(user, at.now, self.policy.authenticators)
        return await self._commit(transaction, at)
