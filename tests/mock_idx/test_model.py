"""The engine without HTTP, on both stores: clock, expiry, push settlement, single use, and that every change is
written back (a fresh engine over the same store, like a second replica, sees it)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from mock_idx.model.authenticator_steps import Delivery
from mock_idx.model.clients import ad_hoc_client
from mock_idx.model.clock import isoformat
from mock_idx.model.directory import OktaVerifyEnrollment, PushBehaviour, PushOutcome, User
from mock_idx.model.engine import CodeExchange, Engine
from mock_idx.model.errors import IdxError, OAuthError, Reason
from mock_idx.model.policy import DEFAULT_POLICY
from mock_idx.model.push import PushAlreadyAnswered, PushState, SignInContext
from mock_idx.model.store import OrgStore
from mock_idx.model.tokens import AuthorizationServer
from mock_idx.model.transaction import Interaction, Step, Transaction
from mock_idx.storage.memory import MemoryStore
from tests.support.pkce import challenge as pkce_challenge
from tests.support.pkce import new_verifier
from tests.support.stores import redis_server, store

__all__ = ["redis_server", "store"]

LOGIN = "u@example.com"
ORG = AuthorizationServer(id=None, issuer="http://org.test", audience="http://org.test")


async def engine_with_user(store: OrgStore, outcome: PushOutcome = PushOutcome.MANUAL) -> Engine:
    engine = await Engine.join(store)
    await engine.reset(DEFAULT_POLICY)
    await engine.put_user(User(LOGIN, "pw", okta_verify=OktaVerifyEnrollment(push=PushBehaviour(outcome))))
    return engine


async def open_push(engine: Engine, login: str = LOGIN, challenge: str = "x" * 43) -> Transaction:
    transaction = await engine.interact(
        Interaction("c", "http://localhost/cb", "openid", challenge, "S256", "s", None, None)
    )
    transaction = await engine.identify(transaction, login, "pw")
    return await engine.choose_authenticator(
        transaction, engine.authenticators.okta_verify_id, "push", SignInContext(), Delivery("http://127.0.0.1")
    )


async def test_the_clock_only_moves_forward_and_every_replica_sees_it(store: OrgStore) -> None:
    engine = await engine_with_user(store)
    before = await engine.now()
    assert await engine.advance_clock(120) >= before + 120
    with pytest.raises(ValueError, match="forward"):
        await engine.advance_clock(-1)
    other = await Engine.join(store)
    assert await other.clock_offset() == 120 and await other.now() >= before + 120


def test_isoformat_is_okta_style() -> None:
    assert isoformat(0) == "1970-01-01T00:00:00.000Z"
    assert isoformat(1796255249.6302404) == "2026-12-02T23:47:29.630Z"


def test_isoformat_truncates_to_the_millisecond_as_strftime_did() -> None:
    """The same text as the ``strftime`` it replaced, milliseconds cut (not rounded), on and around their edges."""
    for timestamp in (1796255249.9996, 1796255249.0004, 1796255249.999999, 1796255250.0, 86399.9999, 951782400.5):
        moment = datetime.fromtimestamp(timestamp, tz=UTC)
        by_strftime = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        assert isoformat(timestamp) == by_strftime


async def test_a_second_replica_joins_the_org_with_its_key_and_authenticator_ids(store: OrgStore) -> None:
    first = await engine_with_user(store)
    second = await Engine.join(store)
    assert second.jwks() == first.jwks() and second.authenticators == first.authenticators
    assert [u.login for u in await second.users()] == [LOGIN]


async def test_expired_transactions_are_invisible_at_once(store: OrgStore) -> None:
    engine = await engine_with_user(store)
    transaction = await open_push(engine)
    await engine.advance_clock(engine.policy.transaction_lifetime + 1)
    with pytest.raises(IdxError) as refused:
        await engine.by_state_handle(transaction.state_handle)
    assert refused.value.reason is Reason.SESSION_EXPIRED
    assert await engine.find_transaction(state_handle=transaction.state_handle) is None


async def test_each_step_is_written_back_so_another_replica_continues_the_sign_in(store: OrgStore) -> None:
    first = await engine_with_user(store)
    second = await Engine.join(store)
    transaction = await open_push(first)
    await second.approve_push(LOGIN)
    resumed = await second.by_state_handle(transaction.state_handle)
    assert resumed.step is Step.PUSH_WAITING
    assert (await second.poll(resumed)).step is Step.SUCCESS
    seen_by_first = await first.up_to_date(await first.by_state_handle(transaction.state_handle))
    assert seen_by_first.step is Step.SUCCESS
    assert seen_by_first.interaction_code == resumed.interaction_code is not None


async def test_approval_reaches_only_its_own_transaction(store: OrgStore) -> None:
    engine = await engine_with_user(store)
    await engine.put_user(User("v@example.com", "pw", okta_verify=OktaVerifyEnrollment()))
    mine = await open_push(engine)
    other = await open_push(engine, "v@example.com")
    await engine.approve_push(LOGIN)
    assert (await engine.up_to_date(mine)).step is Step.SUCCESS
    assert (await engine.up_to_date(other)).step is Step.PUSH_WAITING


async def test_an_answered_push_cannot_be_answered_again_and_leaves_the_phone(store: OrgStore) -> None:
    engine = await engine_with_user(store)
    await open_push(engine)
    push = (await engine.pending_pushes(LOGIN))[0]
    assert (await engine.deny_push(LOGIN)).state is PushState.DENIED
    assert await engine.pending_pushes(LOGIN) == []
    with pytest.raises(PushAlreadyAnswered):
        await engine._answer(push, PushState.APPROVED)


async def test_racing_taps_and_expiry_settle_a_push_exactly_once(store: OrgStore) -> None:
    engine = await engine_with_user(store)
    transaction = await open_push(engine)
    assert transaction.push is not None
    push = transaction.push
    states = [PushState.APPROVED, PushState.DENIED, PushState.EXPIRED] * 17
    results = await asyncio.gather(*(store.settle_push(push.id, state, 60) for state in states))
    winners = [state for won, state in results if won]
    assert len(winners) == 1 and {state for _, state in results} == set(winners)


async def test_an_interaction_code_is_redeemed_once_even_when_presented_twenty_times_at_once(store: OrgStore) -> None:
    engine = await engine_with_user(store, PushOutcome.APPROVE)
    verifier = new_verifier()
    challenge = pkce_challenge(verifier)
    transaction = await open_push(engine, challenge=challenge)
    transaction = await engine.poll(transaction)
    assert transaction.step is Step.SUCCESS and transaction.interaction_code
    exchange = CodeExchange(ad_hoc_client("c"), None, transaction.interaction_code, verifier, ORG)
    replicas = [engine, await Engine.join(store)]
    results = await asyncio.gather(
        *(replicas[i % 2].exchange_interaction_code(exchange) for i in range(20)), return_exceptions=True
    )
    redeemed = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, OAuthError)]
    assert len(redeemed) == 1 and len(refused) == 19
    assert all(r.error == "invalid_grant" for r in refused)


async def test_a_refused_step_leaves_the_stored_transaction_as_it_was(store: OrgStore) -> None:
    engine = await engine_with_user(store)
    transaction = await engine.interact(
        Interaction("c", "http://localhost/cb", "openid", "x" * 43, "S256", "s", None, None)
    )
    with pytest.raises(IdxError):
        await engine.identify(await engine.by_state_handle(transaction.state_handle), LOGIN, "wrong")
    stored = await engine.by_state_handle(transaction.state_handle)
    assert stored.step is Step.IDENTIFY and stored.user is None


async def test_reset_keeps_the_key_and_clock_but_forgets_everything_else(store: OrgStore) -> None:
    engine = await engine_with_user(store)
    transaction = await open_push(engine)
    await engine.advance_clock(10)
    keys = engine.jwks()
    await engine.reset()
    assert await engine.users() == [] and await engine.clock_offset() == 10
    assert await engine.find_transaction(state_handle=transaction.state_handle) is None
    assert (await Engine.join(store)).jwks() == keys


async def test_advancing_the_clock_past_a_sign_ins_lifetime_frees_it_from_memory() -> None:
    """The in-memory store runs its collection on the same virtual clock as expiry: a sweep after the clock moved
    past a transaction's lifetime frees it (a load test that advances the clock does not grow without bound)."""
    store = MemoryStore()
    engine = await engine_with_user(store)
    await open_push(engine)
    assert len(store._org.transactions.items) == 1
    await engine.advance_clock(engine.policy.transaction_lifetime + 2)
    assert store._org.transactions.items == {} and store._org.pushes.items == {}
