"""What a replaced user record keeps of the stored one (:func:`mock_idx.model.user_replacement.replacing`): the
account's state, decided field by field, while the body decides who the user is. Over HTTP: the sign-out in
test_signed_out_everywhere.py, the lockout count in test_lockout.py, the pending activation in
test_account_activation.py."""

from __future__ import annotations

import pytest

from mock_idx.model.directory import User, UserStatus
from mock_idx.model.user_replacement import replacing

LOGIN = "ann@example.com"
T0 = 1_800_000_000.0


def _stored(
    status: UserStatus = UserStatus.ACTIVE,
    *,
    failed_passwords: tuple[float, ...] = (),
    locked_at: float | None = None,
    activation_token: str | None = None,
    signed_out_at: float | None = None,
) -> User:
    return User(
        login=LOGIN,
        password="old",
        status=status,
        failed_passwords=failed_passwords,
        locked_at=locked_at,
        activation_token=activation_token,
        signed_out_at=signed_out_at,
    )


def _body(status: UserStatus = UserStatus.ACTIVE) -> User:
    return User(login=LOGIN, password="new", profile={"firstName": "Renamed"}, groups=("Staff",), status=status)


def test_a_new_user_is_stored_as_given() -> None:
    body = _body()
    assert replacing(None, body) is body


def test_the_body_decides_who_the_user_is_and_the_account_keeps_its_id_and_sign_out() -> None:
    stored = _stored(signed_out_at=T0)
    replaced = replacing(stored, _body())
    assert (replaced.password, replaced.profile["firstName"], replaced.groups) == ("new", "Renamed", ("Staff",))
    assert replaced.id == stored.id
    assert replaced.signed_out_at == T0


def test_a_count_of_wrong_passwords_survives_a_replacement() -> None:
    replaced = replacing(_stored(failed_passwords=(T0, T0 + 1)), _body())
    assert replaced.failed_passwords == (T0, T0 + 1) and replaced.locked_at is None


def test_a_lock_kept_by_the_body_keeps_when_it_happened() -> None:
    stored = _stored(UserStatus.LOCKED_OUT, failed_passwords=(T0,), locked_at=T0)
    replaced = replacing(stored, _body(UserStatus.LOCKED_OUT))
    assert (replaced.status, replaced.locked_at, replaced.failed_passwords) == (UserStatus.LOCKED_OUT, T0, (T0,))


def test_a_body_that_lifts_a_lock_unlocks_with_a_fresh_count() -> None:
    stored = _stored(UserStatus.LOCKED_OUT, failed_passwords=(T0,), locked_at=T0)
    replaced = replacing(stored, _body())
    assert (replaced.status, replaced.locked_at, replaced.failed_passwords) == (UserStatus.ACTIVE, None, ())


def test_a_body_that_locks_has_no_lock_time() -> None:
    assert replacing(_stored(), _body(UserStatus.LOCKED_OUT)).locked_at is None


@pytest.mark.parametrize("status", [UserStatus.STAGED, UserStatus.PROVISIONED])
def test_a_pending_activation_survives_while_the_user_is_still_activating(status: UserStatus) -> None:
    stored = _stored(UserStatus.PROVISIONED, activation_token="tok")
    assert replacing(stored, _body(status)).activation_token == "tok"


@pytest.mark.parametrize("status", [s for s in UserStatus if s not in (UserStatus.STAGED, UserStatus.PROVISIONED)])
def test_a_body_that_ends_the_activation_ends_its_token(status: UserStatus) -> None:
    stored = _stored(UserStatus.PROVISIONED, activation_token="tok")
    assert replacing(stored, _body(status)).activation_token is None
