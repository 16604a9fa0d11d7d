"""The engine without HTTP: clock, store eviction, push settlement and memory hygiene."""

from __future__ import annotations

import pytest

from mock_idx.model.clock import VirtualClock, isoformat
from mock_idx.model.directory import OktaVerifyEnrollment, PushBehaviour, PushOutcome, User
from mock_idx.model.engine import Engine
from mock_idx.model.errors import IdxError, Reason
from mock_idx.model.push import SignInContext
from mock_idx.model.tokens import SigningKey
from mock_idx.model.transaction import Interaction, Step


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


def engine_with_user(key: SigningKey, outcome: PushOutcome = PushOutcome.MANUAL) -> Engine:
    engine = Engine(key=key)
    engine.put_user(User("u@example.com", "pw", okta_verify=OktaVerifyEnrollment(push=PushBehaviour(outcome))))
    return engine


def open_push(engine: Engine):
    transaction = engine.interact(Interaction("c", "http://x/cb", "openid", "x" * 43, "S256", "s", None, None))
    engine.identify(transaction, "u@example.com", "pw")
    engine.choose_authenticator(transaction, engine.authenticators.okta_verify_id, "push", SignInContext())
    return transaction


def test_the_clock_only_moves_forward():
    clock = VirtualClock()
    before = clock.now()
    assert clock.advance(120) >= before + 120
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_isoformat_is_okta_style():
    assert isoformat(0) == "1970-01-01T00:00:00.000Z"


def test_expired_transactions_are_invisible_at_once_and_freed_by_a_sweep(key):
    engine = engine_with_user(key)
    transaction = open_push(engine)
    engine.clock.advance(engine.policy.transaction_lifetime + 1)
    with pytest.raises(IdxError) as refused:
        engine.by_state_handle(transaction.state_handle)
    assert refused.value.reason is Reason.SESSION_EXPIRED
    engine.sweep()
    assert len(engine.store) == 0 and len(engine.pushes) == 0


def test_settled_pushes_nobody_looks_at_again_are_freed(key):
    engine = engine_with_user(key)
    open_push(engine)
    engine.approve_push("u@example.com")
    engine.sweep()
    assert len(engine.pushes) == 0 and len(engine.store) == 1


def test_approval_reaches_only_its_own_transaction(key):
    engine = engine_with_user(key)
    engine.put_user(User("v@example.com", "pw", okta_verify=OktaVerifyEnrollment()))
    mine = open_push(engine)
    other = engine.interact(Interaction("c", "http://x/cb", "openid", "x" * 43, "S256", "s", None, None))
    engine.identify(other, "v@example.com", "pw")
    engine.choose_authenticator(other, engine.authenticators.okta_verify_id, "push", SignInContext())
    engine.approve_push("u@example.com")
    assert engine.up_to_date(mine).step is Step.SUCCESS
    assert engine.up_to_date(other).step is Step.PUSH_WAITING


def test_reset_keeps_the_key_and_clock_but_forgets_everything_else(key):
    engine = engine_with_user(key)
    open_push(engine)
    engine.clock.advance(10)
    engine.reset()
    assert len(engine.store) == 0 and len(engine.directory) == 0 and engine.clock.offset == 10
