"""The moves that end differently by flow, now that each flow's transitions are a class of their own over one record
(:mod:`mock_idx.model.transaction_state`): a met challenge ends an unlock, asks a recovery for its new password, and
moves any other sign-in on; ``skip`` is taken only by the enrollment list and the expiring password, and refused
elsewhere exactly as any step out of place is, with the transaction left as it was."""

from __future__ import annotations

import copy

import pytest

from mock_idx.model.authenticators import AuthenticatorKey, AuthenticatorPolicy
from mock_idx.model.directory import User
from mock_idx.model.errors import IdxError, Reason
from mock_idx.model.transaction import Interaction, Step, Transaction

POLICY = AuthenticatorPolicy()


def a_sign_in(step: Step, **fields: object) -> Transaction:
    transaction = Transaction(
        Interaction("app", "http://localhost/cb", "openid", "x" * 43, "S256", "st", None, None), 0.0, 600.0
    )
    transaction.user = User("u@example.com", "pw")
    transaction.step = step
    for name, value in fields.items():
        setattr(transaction, name, value)
    return transaction


def test_a_met_challenge_ends_an_unlock_and_counts_no_factor() -> None:
    transaction = a_sign_in(Step.CHALLENGE, unlocking=True, current=AuthenticatorKey.EMAIL, method="email")
    transaction.factor_verified(AuthenticatorKey.EMAIL, "email", POLICY)
    assert transaction.step is Step.ACCOUNT_UNLOCKED
    assert (transaction.verified, transaction.amr, transaction.current) == ((), (), None)


def test_a_met_challenge_counts_for_a_recovery_and_asks_for_the_new_password() -> None:
    transaction = a_sign_in(Step.CHALLENGE, recovering=True, current=AuthenticatorKey.EMAIL, method="email")
    transaction.factor_verified(AuthenticatorKey.EMAIL, "email", POLICY)
    assert transaction.step is Step.RESET_PASSWORD and transaction.current is AuthenticatorKey.PASSWORD
    assert (transaction.verified, transaction.amr) == ((AuthenticatorKey.EMAIL,), ("email",))


def test_a_met_challenge_moves_any_other_sign_in_on_as_the_policy_says() -> None:
    transaction = a_sign_in(Step.CHALLENGE, current=AuthenticatorKey.EMAIL, method="email")
    expected = copy.deepcopy(transaction)
    expected.verified, expected.amr = (AuthenticatorKey.EMAIL,), ("email",)
    expected.advance(POLICY)
    transaction.factor_verified(AuthenticatorKey.EMAIL, "email", POLICY)
    assert transaction == expected and transaction.step is not Step.CHALLENGE


def test_skip_on_an_expiring_password_keeps_it_and_goes_on() -> None:
    transaction = a_sign_in(Step.PASSWORD_EXPIRING, days_to_expiry=3, verified=(AuthenticatorKey.PASSWORD,))
    expected = copy.deepcopy(transaction)
    expected.days_to_expiry = None
    expected.advance(POLICY)
    transaction.skip(POLICY)
    assert transaction == expected and transaction.step is not Step.PASSWORD_EXPIRING


def test_skip_on_the_optional_enrollment_list_sets_them_aside() -> None:
    transaction = a_sign_in(Step.SELECT_ENROLL, optional=True, verified=(AuthenticatorKey.PASSWORD,))
    transaction.skip(POLICY)
    assert transaction.skipped_optional and transaction.step is not Step.SELECT_ENROLL


@pytest.mark.parametrize(
    ("step", "fields", "reason"),
    [
        (Step.SELECT_ENROLL, {"optional": False}, Reason.STEP_UNAVAILABLE),
        *(
            (step, {}, Reason.STEP_UNAVAILABLE)
            for step in Step
            if step not in (Step.SELECT_ENROLL, Step.PASSWORD_EXPIRING, Step.TIMED_OUT, Step.TERMINAL)
        ),
        (Step.TIMED_OUT, {}, Reason.VERIFICATION_TIMED_OUT),
        (Step.TERMINAL, {"terminal": Reason.ACCESS_DENIED}, Reason.ACCESS_DENIED),
    ],
)
def test_skip_elsewhere_is_refused_and_changes_nothing(step: Step, fields: dict[str, object], reason: Reason) -> None:
    transaction = a_sign_in(step, **fields)
    before = copy.deepcopy(transaction)
    with pytest.raises(IdxError) as refused:
        transaction.skip(POLICY)
    assert refused.value.reason is reason and refused.value.transaction is transaction
    assert transaction == before
