"""The store contract (:class:`mock_idx.model.store.OrgStore`), held to by every implementation: what is written reads
back equal, handles find what they name, and each first-wins operation has exactly one winner, also when many callers
race (in Redis, through the server; in memory, on the event loop). The last tests concern Redis only: key prefixes,
TTLs, and a Redis that goes away and comes back.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

import pytest
import redis.asyncio

from mock_idx.model.activation import ActivationChannel, ActivationIndex, OktaVerifyActivation
from mock_idx.model.directory import (
    ExpiredPushAnswer,
    NumberAnswer,
    OktaVerifyEnrollment,
    PushBehaviour,
    PushOutcome,
    User,
    UserStatus,
    VerifyMethod,
)
from mock_idx.model.errors import StoreUnavailable
from mock_idx.model.faults import FaultRule
from mock_idx.model.journal import JournalEntry, JournalRecord
from mock_idx.model.outbox import MESSAGES_PER_USER, Channel, Message, verification_email, verification_sms
from mock_idx.model.policy import Client, Policy
from mock_idx.model.push import PushChallenge, PushState, SignInContext
from mock_idx.model.store import Handle, OrgHeader, OrgIdentity, OrgStore, RecordKind
from mock_idx.model.tokens import AuthorizationServer, Grant, MintedToken, RefreshRecord
from mock_idx.model.transaction import Interaction, Step, Transaction
from mock_idx.storage.memory import GRACE_SECONDS as MEMORY_GRACE_SECONDS
from mock_idx.storage.memory import MemoryStore
from mock_idx.storage.redis_store import GRACE_SECONDS, RedisStore
from tests.support.net import free_port
from tests.support.redis_server import RedisServer

# --- records ---------------------------------------------------------------------------------------------------------


def a_user(login: str = "ada.lovelace@example.com") -> User:
    return User(
        login=login,
        password="correct horse battery staple",
        profile={"title": "Countess", "locale": "en_GB"},
        okta_verify=OktaVerifyEnrollment(
            methods=(VerifyMethod.PUSH,),
            push=PushBehaviour(
                outcome=PushOutcome.APPROVE,
                after_polls=2,
                after_seconds=1.5,
                number_challenge=True,
                number_answer=NumberAnswer.WRONG,
                when_expired=ExpiredPushAnswer.TERMINAL,
            ),
            device_name="Pixel 9",
        ),
    )


def a_policy() -> Policy:
    return Policy(
        poll_refresh_ms=250,
        push_lifetime=42.5,
        clients=(
            Client(
                client_id="app",
                redirect_uris=("http://localhost:7777/callback",),
                label="The App",
                client_secret="s3cret",
                post_logout_redirect_uris=("https://app.test/bye",),
            ),
        ),
        authorization_servers=("default", "aus1"),
    )


def a_push(login: str = "ada.lovelace@example.com", sent_at: float = 1_000.0) -> PushChallenge:
    return PushChallenge.send(
        transaction_id="txn-of-the-push",
        login=login,
        now=sent_at,
        lifetime=300.0,
        behaviour=PushBehaviour(outcome=PushOutcome.MANUAL, number_challenge=True),
        context=SignInContext(ip_address="10.0.0.7", user_agent="Firefox", app_label="The App", client_id="app"),
    )


def a_transaction(user: User | None = None) -> Transaction:
    user = user or a_user()
    return Transaction(
        interaction=Interaction(
            client_id="app",
            redirect_uri="http://localhost:7777/callback",
            scope="openid profile offline_access",
            code_challenge="x" * 43,
            code_challenge_method="S256",
            state="st",
            nonce="nn",
            authorization_server="default",
            client_label="The App",
        ),
        created_at=1_000.0,
        expires_at=1_600.0,
        step=Step.PUSH_WAITING,
        user=user,
        push=a_push(user.login),
        amr=("pwd",),
        auth_time=1_000.5,
    )


def a_refresh_record(user: User | None = None) -> RefreshRecord:
    grant = Grant(
        server=AuthorizationServer(id="default", issuer="http://127.0.0.1/oauth2/default", audience="api://default"),
        client_id="app",
        user=user or a_user(),
        scopes=("openid", "offline_access"),
        auth_time=1_000.0,
        amr=("pwd", "swk", "mfa"),
        nonce="nn",
    )
    return RefreshRecord(grant=grant, expires_at=9_000.0)


def a_rule(route: str = "/idp/idx/authenticators/poll", **fields: object) -> FaultRule:
    return FaultRule(route=route, **fields)  # type: ignore[arg-type]


def a_journal_record(path: str = "/idp/idx/identify", note: str = "") -> JournalRecord:
    return JournalRecord(
        time=1_000.25,
        method="POST",
        path=path,
        status=200,
        transaction="txn1",
        user="ada.lovelace@example.com",
        duration_ms=3.5,
        note=note,
    )


def a_message(login: str = "ada.lovelace@example.com", sent_at: float = 1_000.0, code: str = "123456") -> Message:
    return verification_email(
        login, login, code, f"http://127.0.0.1/email/verify/x?token={code}", sent_at, 300.0, "Example Org"
    )


def an_identity(name: str = "one") -> OrgIdentity:
    return OrgIdentity(
        password_id=f"autPassword{name}", okta_verify_id=f"autVerify{name}", signing_key_pem=f"PEM {name}"
    )


# --- the org itself --------------------------------------------------------------------------------------------------


async def test_the_first_identity_claimed_is_the_org_s(store: OrgStore):
    first = an_identity("one")
    assert await store.claim_identity(first) == first
    assert await store.claim_identity(an_identity("two")) == first
    assert await store.claim_identity(replace(first, signing_key_pem=None)) == first


async def test_an_identity_without_a_key_round_trips(store: OrgStore):
    keyless = OrgIdentity(password_id="aut1", okta_verify_id="aut2", signing_key_pem=None)
    assert await store.claim_identity(keyless) == keyless


async def test_of_racing_replicas_one_identity_wins_for_all(store: OrgStore):
    proposals = [an_identity(str(n)) for n in range(20)]
    answers = await asyncio.gather(*(store.claim_identity(p) for p in proposals))
    assert len(set(answers)) == 1
    assert answers[0] in proposals


async def test_a_new_org_has_no_offset_no_generation_and_no_policy(store: OrgStore):
    assert await store.header() == OrgHeader(clock_offset=0.0, generation=0)
    assert await store.policy() is None
    assert not await store.is_configured()
    assert await store.users() == []
    assert await store.fault_rules() == []
    assert await store.journal() == []


async def test_the_clock_only_adds(store: OrgStore):
    assert await store.advance_clock(1.5) == 1.5
    assert await store.advance_clock(0.0) == 1.5
    assert await store.advance_clock(2.25) == 3.75
    assert (await store.header()).clock_offset == 3.75


async def test_clock_advances_racing_are_all_counted(store: OrgStore):
    await asyncio.gather(*(store.advance_clock(1.0) for _ in range(50)))
    assert (await store.header()).clock_offset == 50.0


async def test_replacing_the_org_puts_policy_users_and_faults_in_force(store: OrgStore):
    users = [a_user("b@example.com"), a_user("a@example.com")]
    await store.replace_org(a_policy(), users, [a_rule(status=429, times=2), a_rule("/v1/token", drop=True)])
    assert await store.is_configured()
    assert await store.policy() == a_policy()
    assert await store.users() == users
    rules = await store.fault_rules()
    assert [(rule.id, rule.route, rule.status, rule.drop) for rule in rules] == [
        ("flt1", "/idp/idx/authenticators/poll", 429, False),
        ("flt2", "/v1/token", None, True),
    ]
    assert (await store.header()).generation == 1


async def test_replacing_the_org_forgets_everything_but_identity_clock_and_journal(store: OrgStore):
    identity = an_identity()
    await store.claim_identity(identity)
    await store.advance_clock(30.0)
    old_user = a_user("old@example.com")
    await store.replace_org(a_policy(), [old_user], [a_rule(times=1)])
    transaction = a_transaction(old_user)
    await store.save_transaction(transaction, keep_for=600)
    await store.claim_interaction_code(transaction.id, "code-1", keep_for=60)
    push = a_push(old_user.login)
    await store.save_push(push, keep_for=300)
    await store.settle_push(push.id, PushState.APPROVED, keep_for=300)
    await store.save_message(a_message(old_user.login), keep_for=300)
    await store.accept_totp_step("SECRET", 7, keep_for=90)
    await store.record_token("AT.1", MintedToken(1_400.0, 5_000.0), keep_for=3600)
    await store.put_refresh_token("rt", a_refresh_record(old_user), keep_for=3600)
    await store.fire_fault("flt1", 1)
    await store.append_journal(a_journal_record())

    new_user = a_user("new@example.com")
    new_policy = replace(a_policy(), push_lifetime=9.0)
    await store.replace_org(new_policy, [new_user], [a_rule("/new")])

    assert await store.claim_identity(an_identity("other")) == identity
    assert await store.header() == OrgHeader(clock_offset=30.0, generation=2)
    assert await store.policy() == new_policy
    assert await store.users() == [new_user]
    assert await store.user(old_user.login) is None
    assert await store.transaction(Handle.STATE_HANDLE, transaction.state_handle) is None
    assert await store.transaction(Handle.INTERACTION_CODE, "code-1") is None
    assert await store.take_interaction_code("code-1") is None
    assert await store.pushes_for(old_user.login) == []
    assert await store.push_state(push.id) is PushState.PENDING
    assert await store.messages_for(old_user.login) == []
    assert await store.accept_totp_step("SECRET", 7, keep_for=90)
    assert await store.minted_token("AT.1") is None
    assert await store.refresh_token("rt") is None
    assert [(rule.id, rule.route, rule.fired) for rule in await store.fault_rules()] == [("flt1", "/new", 0)]
    assert [entry.path for entry in await store.journal()] == ["/idp/idx/identify"], "the journal is kept"


# --- users -----------------------------------------------------------------------------------------------------------


async def test_a_user_round_trips_and_is_found_by_any_case_of_its_login(store: OrgStore):
    user = a_user("Ada.Lovelace@Example.com")
    await store.put_user(user)
    assert await store.user("ada.lovelace@example.com") == user
    assert await store.user("ADA.LOVELACE@EXAMPLE.COM") == user
    assert await store.user("someone@example.com") is None


async def test_users_are_listed_in_the_order_first_added_and_replaced_in_place(store: OrgStore):
    first, second, third = a_user("c@x.test"), a_user("a@x.test"), a_user("b@x.test")
    for user in (first, second, third):
        await store.put_user(user)
    changed = replace(second, login="A@x.test", password="new")
    await store.put_user(changed)
    assert await store.users() == [first, changed, third]


async def test_a_user_without_okta_verify_round_trips(store: OrgStore):
    user = User(login="plain", password="pw")
    await store.put_user(user)
    assert await store.user("plain") == user


# --- transactions and handles ----------------------------------------------------------------------------------------


async def test_a_transaction_round_trips_and_both_handles_find_it(store: OrgStore):
    transaction = a_transaction()
    await store.save_transaction(transaction, keep_for=600)
    assert await store.transaction(Handle.INTERACTION_HANDLE, transaction.interaction_handle) == transaction
    assert await store.transaction(Handle.STATE_HANDLE, transaction.state_handle) == transaction
    assert await store.transaction(Handle.INTERACTION_CODE, transaction.state_handle) is None
    assert await store.transaction(Handle.STATE_HANDLE, "02unknown") is None


@pytest.mark.parametrize("login", ["ada.lovelace@example.com", "Ada.Lovelace@Example.COM", "Åsa.Öberg@example.com"])
async def test_a_transaction_is_read_with_its_user_as_the_directory_holds_them_now(store: OrgStore, login: str):
    """Logins are case-insensitive, non-ASCII ones too (Redis's Lua lower-cases ASCII only; those are read apart)."""
    signed_in = a_user(login)
    transaction = a_transaction(signed_in)
    await store.save_transaction(transaction, keep_for=600)
    assert await store.transaction_with_user(Handle.STATE_HANDLE, transaction.state_handle) == (transaction, None)
    changed = replace(signed_in, login=login.lower(), status=UserStatus.SUSPENDED)
    await store.put_user(changed)
    for handle, value in (
        (Handle.STATE_HANDLE, transaction.state_handle),
        (Handle.INTERACTION_HANDLE, transaction.interaction_handle),
    ):
        assert await store.transaction_with_user(handle, value) == (transaction, changed)


async def test_a_transaction_without_a_user_or_no_transaction_is_read_with_no_user(store: OrgStore):
    await store.put_user(a_user())
    anonymous = a_transaction()
    anonymous.user = None
    await store.save_transaction(anonymous, keep_for=600)
    assert await store.transaction_with_user(Handle.STATE_HANDLE, anonymous.state_handle) == (anonymous, None)
    assert await store.transaction_with_user(Handle.STATE_HANDLE, "02unknown") == (None, None)


async def test_saving_again_replaces_the_transaction(store: OrgStore):
    transaction = a_transaction()
    await store.save_transaction(transaction, keep_for=600)
    transaction.step = Step.SUCCESS
    transaction.amr = ("pwd", "swk", "mfa")
    await store.save_transaction(transaction, keep_for=600)
    found = await store.transaction(Handle.STATE_HANDLE, transaction.state_handle)
    assert found is not None and found.step is Step.SUCCESS and found == transaction


async def test_a_new_transaction_is_fresh_each_read(store: OrgStore):
    """The store keeps records, not objects: changing what was read changes nothing stored."""
    transaction = a_transaction()
    await store.save_transaction(transaction, keep_for=600)
    read = await store.transaction(Handle.STATE_HANDLE, transaction.state_handle)
    assert read is not None
    read.step = Step.TIMED_OUT
    again = await store.transaction(Handle.STATE_HANDLE, transaction.state_handle)
    assert again is not None and again.step is Step.PUSH_WAITING


async def test_a_record_changed_after_it_was_saved_is_stored_as_it_was_saved(store: OrgStore):
    """The store keeps a copy made when saving: a later change to the saved object (a nested one included) is not
    stored until it is saved again."""
    user = a_user()
    await store.put_user(user)
    user.profile["firstName"] = "Changed"
    user.groups = ("changed",)
    stored = await store.user(user.login)
    assert stored is not None and stored.profile["firstName"] != "Changed" and stored.groups != ("changed",)


async def test_deleting_a_transaction_forgets_it_and_all_its_handles(store: OrgStore):
    transaction, other = a_transaction(), a_transaction()
    for each in (transaction, other):
        await store.save_transaction(each, keep_for=600)
    await store.claim_interaction_code(transaction.id, "code-of-one", keep_for=60)
    await store.delete_transaction(transaction)
    assert await store.transaction(Handle.INTERACTION_HANDLE, transaction.interaction_handle) is None
    assert await store.transaction(Handle.STATE_HANDLE, transaction.state_handle) is None
    assert await store.transaction(Handle.INTERACTION_CODE, "code-of-one") is None
    assert await store.take_interaction_code("code-of-one") is None
    assert await store.transaction(Handle.STATE_HANDLE, other.state_handle) == other
    await store.delete_transaction(transaction)  # twice is harmless


async def test_a_cancelled_sign_in_s_interaction_handle_finds_the_one_opened_in_its_place(store: OrgStore):
    """A cancel deletes the transaction and opens another with the same interaction handle (a new state handle): the
    handle finds the new one, also when the old one was saved just before."""
    old = a_transaction()
    await store.save_transaction(old, keep_for=600)
    await store.save_transaction(old, keep_for=600)
    await store.delete_transaction(old)
    reopened = a_transaction()
    reopened.interaction_handle = old.interaction_handle
    await store.save_transaction(reopened, keep_for=600)
    assert await store.transaction(Handle.INTERACTION_HANDLE, old.interaction_handle) == reopened
    assert await store.transaction(Handle.STATE_HANDLE, reopened.state_handle) == reopened
    assert await store.transaction(Handle.STATE_HANDLE, old.state_handle) is None


async def test_the_first_interaction_code_claimed_stays_and_finds_the_transaction(store: OrgStore):
    transaction = a_transaction()
    await store.save_transaction(transaction, keep_for=600)
    assert await store.claim_interaction_code(transaction.id, "first", keep_for=60) == "first"
    assert await store.claim_interaction_code(transaction.id, "second", keep_for=60) == "first"
    assert await store.transaction(Handle.INTERACTION_CODE, "first") == transaction
    assert await store.transaction(Handle.INTERACTION_CODE, "second") is None


async def test_of_racing_claims_one_code_is_in_force_for_all(store: OrgStore):
    transaction = a_transaction()
    await store.save_transaction(transaction, keep_for=600)
    codes = [f"code-{n}" for n in range(20)]
    answers = await asyncio.gather(*(store.claim_interaction_code(transaction.id, c, keep_for=60) for c in codes))
    assert len(set(answers)) == 1 and answers[0] in codes


async def test_a_code_is_spent_once(store: OrgStore):
    transaction = a_transaction()
    await store.save_transaction(transaction, keep_for=600)
    await store.claim_interaction_code(transaction.id, "the-code", keep_for=60)
    assert await store.take_interaction_code("the-code") == transaction.id
    assert await store.take_interaction_code("the-code") is None
    assert await store.transaction(Handle.INTERACTION_CODE, "the-code") is None
    assert await store.take_interaction_code("never-given") is None


async def test_of_racing_code_exchanges_exactly_one_spends_the_code(store: OrgStore):
    transaction = a_transaction()
    await store.save_transaction(transaction, keep_for=600)
    await store.claim_interaction_code(transaction.id, "the-code", keep_for=60)
    answers = await asyncio.gather(*(store.take_interaction_code("the-code") for _ in range(20)))
    assert answers.count(transaction.id) == 1
    assert answers.count(None) == 19


# --- pushes ----------------------------------------------------------------------------------------------------------


async def test_a_push_round_trips_and_is_listed_for_its_user_oldest_first(store: OrgStore):
    later, earlier = a_push(sent_at=2_000.0), a_push(sent_at=1_000.0)
    elsewhere = a_push("grace@example.com")
    for push in (later, earlier, elsewhere):
        await store.save_push(push, keep_for=300)
    assert await store.pushes_for("ADA.LOVELACE@example.com") == [earlier, later]
    assert await store.pushes_for("grace@example.com") == [elsewhere]
    assert await store.pushes_for("nobody@example.com") == []


async def test_saving_a_push_again_updates_it_without_listing_it_twice(store: OrgStore):
    push = a_push()
    await store.save_push(push, keep_for=300)
    push.polls = 3
    await store.save_push(push, keep_for=300)
    assert await store.pushes_for(push.login) == [push]


async def test_a_listed_push_shows_its_settled_state(store: OrgStore):
    push = a_push()
    await store.save_push(push, keep_for=300)
    assert await store.push_state(push.id) is PushState.PENDING
    assert await store.settle_push(push.id, PushState.DENIED, keep_for=300) == (True, PushState.DENIED)
    assert await store.push_state(push.id) is PushState.DENIED
    assert await store.pushes_for(push.login) == [replace(push, state=PushState.DENIED)]


async def test_the_first_decision_on_a_push_wins(store: OrgStore):
    push = a_push()
    await store.save_push(push, keep_for=300)
    assert await store.settle_push(push.id, PushState.APPROVED, keep_for=300) == (True, PushState.APPROVED)
    assert await store.settle_push(push.id, PushState.EXPIRED, keep_for=300) == (False, PushState.APPROVED)
    assert await store.settle_push(push.id, PushState.APPROVED, keep_for=300) == (False, PushState.APPROVED)
    assert await store.push_state(push.id) is PushState.APPROVED


async def test_of_racing_approvals_denials_and_expiries_exactly_one_decides_the_push(store: OrgStore):
    push = a_push()
    await store.save_push(push, keep_for=300)
    decisions = [(PushState.APPROVED, PushState.DENIED, PushState.EXPIRED)[n % 3] for n in range(50)]
    answers = await asyncio.gather(*(store.settle_push(push.id, d, keep_for=300) for d in decisions))
    winners = [state for won, state in answers if won]
    assert len(winners) == 1
    assert {state for _, state in answers} == {winners[0]}
    assert await store.push_state(push.id) is winners[0]


async def test_a_discarded_push_leaves_the_list_but_keeps_its_state(store: OrgStore):
    kept, discarded = a_push(sent_at=1.0), a_push(sent_at=2.0)
    for push in (kept, discarded):
        await store.save_push(push, keep_for=300)
    await store.settle_push(discarded.id, PushState.EXPIRED, keep_for=300)
    await store.discard_push(discarded)
    assert await store.pushes_for(kept.login) == [kept]
    assert await store.push_state(discarded.id) is PushState.EXPIRED
    await store.discard_push(discarded)  # twice is harmless


async def test_the_state_of_an_unknown_push_is_pending(store: OrgStore):
    assert await store.push_state("pshUnknown") is PushState.PENDING


# --- the fake inbox and phone ---------------------------------------------------------------------------------------


async def test_messages_round_trip_in_the_order_saved_under_any_case_of_the_login(store: OrgStore):
    first = a_message("Ada.Lovelace@Example.com", sent_at=2_000.0, code="111111")
    second = verification_sms("ada.lovelace@example.com", "+14155550100", "222222", 1_000.0, 300.0, "Example Org")
    elsewhere = a_message("grace@example.com")
    for message in (first, second, elsewhere):
        await store.save_message(message, keep_for=300)
    assert await store.messages_for("ADA.LOVELACE@example.com") == [first, second]
    assert await store.messages_for("grace@example.com") == [elsewhere]
    assert await store.messages_for("nobody@example.com") == []
    assert (await store.messages_for("grace@example.com"))[0].channel is Channel.EMAIL


async def test_a_message_without_code_or_link_round_trips(store: OrgStore):
    message = replace(a_message(), code=None, link=None, subject="")
    await store.save_message(message, keep_for=60)
    assert await store.messages_for(message.login) == [message]


async def test_only_the_newest_messages_of_a_user_are_kept(store: OrgStore):
    sent = [a_message(sent_at=float(n), code=f"{n:06d}") for n in range(MESSAGES_PER_USER + 5)]
    for message in sent:
        await store.save_message(message, keep_for=300)
    await store.save_message(a_message("grace@example.com"), keep_for=300)
    assert await store.messages_for(sent[0].login) == sent[5:]
    assert len(await store.messages_for("grace@example.com")) == 1


async def test_racing_messages_are_all_kept(store: OrgStore):
    sent = [a_message(code=f"{n:06d}") for n in range(20)]
    await asyncio.gather(*(store.save_message(message, keep_for=300) for message in sent))
    assert sorted(m.id for m in await store.messages_for(sent[0].login)) == sorted(m.id for m in sent)


# --- TOTP replay memory ----------------------------------------------------------------------------------------------


async def test_a_totp_step_is_accepted_once_and_never_an_earlier_one(store: OrgStore):
    assert await store.accept_totp_step("SECRETA", 100, keep_for=90)
    assert not await store.accept_totp_step("SECRETA", 100, keep_for=90)
    assert not await store.accept_totp_step("SECRETA", 99, keep_for=90)
    assert await store.accept_totp_step("SECRETB", 100, keep_for=90)
    assert await store.accept_totp_step("SECRETA", 101, keep_for=90)
    await store.forget_totp("SECRETA")
    assert await store.accept_totp_step("SECRETA", 50, keep_for=90)


async def test_of_racing_sign_ins_with_one_totp_code_exactly_one_is_accepted(store: OrgStore):
    answers = await asyncio.gather(*(store.accept_totp_step("SECRET", 1_234, keep_for=90) for _ in range(20)))
    assert answers.count(True) == 1


# --- tokens ----------------------------------------------------------------------------------------------------------


async def test_a_token_s_issue_and_expiry_are_recorded_and_revocation_makes_it_expire_at_zero(store: OrgStore):
    await store.record_token("AT.one", MintedToken(8_745.123, 12_345.678), keep_for=3600)
    assert await store.minted_token("AT.one") == MintedToken(8_745.123, 12_345.678)
    assert await store.minted_token("AT.other") is None
    await store.revoke_token("AT.one", keep_for=3600)
    minted = await store.minted_token("AT.one")
    assert minted is not None and minted.expires_at == 0.0


async def test_a_refresh_token_round_trips_and_is_spent_once(store: OrgStore):
    record = a_refresh_record()
    await store.put_refresh_token("rt-1", record, keep_for=3600)
    assert await store.refresh_token("rt-1") == record
    assert await store.refresh_token("rt-2") is None
    assert await store.take_refresh_token("rt-1") == record
    assert await store.take_refresh_token("rt-1") is None
    assert await store.refresh_token("rt-1") is None


async def test_rotating_a_refresh_token_many_times_leaves_one_record(store: OrgStore):
    """Rotation spends the old record as it stores the new one, so a client refreshing all day holds one record,
    not one per refresh (the store's memory, or Redis's, stays bounded however long a test suite runs)."""
    record = a_refresh_record()
    await store.put_refresh_token("rt-0", record, keep_for=3600)
    for n in range(1, 51):
        spent = await store.take_refresh_token(f"rt-{n - 1}")
        assert spent == record
        await store.put_refresh_token(f"rt-{n}", spent, keep_for=3600)
    await store.collect_garbage()
    assert await _refresh_records_held(store) == 1
    assert await store.refresh_token("rt-50") == record
    assert all([await store.refresh_token(f"rt-{n}") is None for n in range(50)])


async def _refresh_records_held(store: OrgStore) -> int:
    """How many refresh records the store holds, counted where each implementation keeps them."""
    if isinstance(store, MemoryStore):
        return len(store._org.refresh.items)
    assert isinstance(store, RedisStore)
    return len([key async for key in store._client.scan_iter(match=store.key("refresh", "*"))])


async def test_of_racing_refreshes_with_one_token_exactly_one_gets_its_record(store: OrgStore):
    record = a_refresh_record()
    await store.put_refresh_token("rt", record, keep_for=3600)
    answers = await asyncio.gather(*(store.take_refresh_token("rt") for _ in range(20)))
    assert answers.count(record) == 1
    assert answers.count(None) == 19


# --- Okta Verify activations (short-lived records) -------------------------------------------------------------------


def an_activation(login: str = "ada.lovelace@example.com") -> OktaVerifyActivation:
    return OktaVerifyActivation(
        token="ftLwsKNK2GuAOg0tTRLqlZk_JXCjMOWoEi",
        login=login,
        transaction_id="txn-enrolling",
        channel=ActivationChannel.SMS,
        created_at=1_000.0,
        expires_at=1_300.0,
    )


async def test_an_activation_and_a_user_s_index_of_them_round_trip(store: OrgStore):
    activation = an_activation()
    index = ActivationIndex(("older-token", activation.token))
    await store.put_record(RecordKind.OKTA_VERIFY_ACTIVATION, activation.token, activation, keep_for=300)
    await store.put_record(RecordKind.OKTA_VERIFY_ACTIVATIONS_OF_USER, "ada.lovelace@example.com", index, keep_for=300)
    assert await store.record(RecordKind.OKTA_VERIFY_ACTIVATION, activation.token) == activation
    assert await store.record(RecordKind.OKTA_VERIFY_ACTIVATIONS_OF_USER, "ada.lovelace@example.com") == index
    assert await store.record(RecordKind.OKTA_VERIFY_ACTIVATION, "other-token") is None
    used = replace(activation, activated_at=1_010.5)
    await store.put_record(RecordKind.OKTA_VERIFY_ACTIVATION, activation.token, used, keep_for=600)
    assert await store.record(RecordKind.OKTA_VERIFY_ACTIVATION, activation.token) == used


async def test_of_racing_phones_exactly_one_claims_an_activation(store: OrgStore):
    token = an_activation().token
    claims = await asyncio.gather(
        *(store.claim_once(RecordKind.OKTA_VERIFY_ACTIVATED, token, keep_for=600) for _ in range(20))
    )
    assert claims.count(True) == 1
    assert await store.claim_once(RecordKind.OKTA_VERIFY_ACTIVATED, "another-token", keep_for=600)


async def test_replacing_the_org_forgets_activations(store: OrgStore):
    activation = an_activation()
    await store.put_record(RecordKind.OKTA_VERIFY_ACTIVATION, activation.token, activation, keep_for=300)
    await store.put_record(
        RecordKind.OKTA_VERIFY_ACTIVATIONS_OF_USER, "ada.lovelace@example.com", ActivationIndex(("t",)), keep_for=300
    )
    assert await store.claim_once(RecordKind.OKTA_VERIFY_ACTIVATED, activation.token, keep_for=600)
    await store.replace_org(a_policy(), [], [])
    assert await store.record(RecordKind.OKTA_VERIFY_ACTIVATION, activation.token) is None
    assert await store.record(RecordKind.OKTA_VERIFY_ACTIVATIONS_OF_USER, "ada.lovelace@example.com") is None
    assert await store.claim_once(RecordKind.OKTA_VERIFY_ACTIVATED, activation.token, keep_for=600)


# --- fault rules -----------------------------------------------------------------------------------------------------


async def test_fault_rules_round_trip_with_new_ids_in_order(store: OrgStore):
    first = a_rule(user="ada", status=503, delay_ms=20, times=3, fraction=0.25, seed=7, id="ignored", fired=9)
    second = a_rule("/v1/*", drop=True)
    added = [await store.add_fault(first), await store.add_fault(second)]
    assert added == [replace(first, id="flt1", fired=0), replace(second, id="flt2")]
    assert await store.fault_rules() == added
    assert (await store.header()).generation == 2


async def test_removing_and_clearing_faults_change_the_generation(store: OrgStore):
    await store.add_fault(a_rule())
    await store.add_fault(a_rule())
    generation = (await store.header()).generation
    assert await store.remove_fault("flt1")
    assert not await store.remove_fault("flt1")
    assert [rule.id for rule in await store.fault_rules()] == ["flt2"]
    assert (await store.header()).generation == generation + 1
    await store.add_fault(a_rule())
    assert await store.clear_faults() == 2
    assert await store.fault_rules() == []
    assert (await store.header()).generation == generation + 3
    assert (await store.add_fault(a_rule())).id == "flt4"


async def test_a_fault_fires_its_times_and_then_is_left_out(store: OrgStore):
    rule = await store.add_fault(a_rule(times=2))
    forever = await store.add_fault(a_rule())
    assert await store.fire_fault(rule.id, rule.times)
    assert [r.fired for r in await store.fault_rules()] == [1, 0]
    assert await store.fire_fault(rule.id, rule.times)
    assert not await store.fire_fault(rule.id, rule.times)
    assert await store.fire_fault(forever.id, None)
    assert await store.fault_rules() == [replace(forever, fired=1)]
    assert await store.remove_fault(rule.id)  # an exhausted rule is still there to remove


async def test_of_racing_requests_a_fault_fires_exactly_its_times(store: OrgStore):
    rule = await store.add_fault(a_rule(times=5))
    answers = await asyncio.gather(*(store.fire_fault(rule.id, 5) for _ in range(20)))
    assert answers.count(True) == 5


async def test_matches_are_numbered_per_rule(store: OrgStore):
    one, two = await store.add_fault(a_rule(fraction=0.5)), await store.add_fault(a_rule(fraction=0.5))
    assert [await store.count_fault_match(one.id) for _ in range(3)] == [1, 2, 3]
    assert await store.count_fault_match(two.id) == 1
    numbers = await asyncio.gather(*(store.count_fault_match(two.id) for _ in range(20)))
    assert sorted(numbers) == list(range(2, 22))


# --- the journal -----------------------------------------------------------------------------------------------------


async def test_journal_entries_are_numbered_and_round_trip(store: OrgStore):
    records = [a_journal_record(f"/step/{n}", note="n" * n) for n in range(3)]
    entries = [await store.append_journal(record) for record in records]
    assert entries == [JournalEntry.numbered(n, record) for n, record in enumerate(records, start=1)]
    assert await store.journal() == entries


async def test_a_journal_entry_without_transaction_or_user_round_trips(store: OrgStore):
    record = replace(a_journal_record(), transaction=None, user=None)
    entry = await store.append_journal(record)
    assert await store.journal() == [entry] and entry.user is None


async def test_racing_appends_are_numbered_in_journal_order(store: OrgStore):
    entries = await asyncio.gather(*(store.append_journal(a_journal_record(f"/r/{n}")) for n in range(50)))
    assert sorted(entry.seq for entry in entries) == list(range(1, 51))
    assert [entry.seq for entry in await store.journal()] == list(range(1, 51))


@pytest.mark.store_options(journal_capacity=3)
async def test_the_oldest_journal_entries_fall_off_past_the_capacity(store: OrgStore):
    for n in range(5):
        await store.append_journal(a_journal_record(f"/r/{n}"))
    assert [(entry.seq, entry.path) for entry in await store.journal()] == [(3, "/r/2"), (4, "/r/3"), (5, "/r/4")]


@pytest.mark.store_options(journal_capacity=3)
async def test_a_journal_filled_to_its_capacity_keeps_every_entry_until_the_next(store: OrgStore):
    for n in range(3):
        await store.append_journal(a_journal_record(f"/r/{n}"))
    assert [entry.seq for entry in await store.journal()] == [1, 2, 3]
    await store.append_journal(a_journal_record("/r/3"))
    assert [entry.seq for entry in await store.journal()] == [2, 3, 4]


async def test_clearing_the_journal_keeps_its_numbering(store: OrgStore):
    await store.append_journal(a_journal_record())
    await store.clear_journal()
    assert await store.journal() == []
    assert (await store.append_journal(a_journal_record())).seq == 2


# --- housekeeping ----------------------------------------------------------------------------------------------------


async def test_collecting_garbage_keeps_what_can_still_matter(store: OrgStore):
    transaction = a_transaction()
    await store.save_transaction(transaction, keep_for=600)
    message = a_message()
    await store.save_message(message, keep_for=600)
    await store.collect_garbage()
    assert await store.transaction(Handle.STATE_HANDLE, transaction.state_handle) == transaction
    assert await store.messages_for(message.login) == [message]


async def test_in_memory_collection_frees_messages_once_the_clock_passed_them():
    """Redis frees them by TTL (see the key test below); in memory a sweep after the clock moved past a message's
    lifetime (and the grace) frees it, and only it."""
    store = MemoryStore()
    short, long = a_message(code="111111"), a_message(code="222222")
    await store.save_message(short, keep_for=60)
    await store.save_message(long, keep_for=3_600)
    await store.advance_clock(60 + MEMORY_GRACE_SECONDS + 1)
    await store.collect_garbage()
    assert await store.messages_for(short.login) == [long]
    await store.advance_clock(3_600)
    await store.collect_garbage()
    assert await store.messages_for(short.login) == []


# --- Redis only ------------------------------------------------------------------------------------------------------


@pytest.fixture
async def redis_client(redis_server: RedisServer):
    client = redis.asyncio.Redis.from_url(redis_server.url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def redis_store(redis_server: RedisServer):
    store = RedisStore.from_url(redis_server.url, f"test-{uuid.uuid4().hex[:12]}")
    try:
        yield store
    finally:
        await store.close()


async def test_two_prefixes_on_one_redis_are_two_orgs(redis_server: RedisServer):
    one = RedisStore.from_url(redis_server.url, f"one-{uuid.uuid4().hex[:8]}")
    two = RedisStore.from_url(redis_server.url, f"{one.prefix}.two")
    try:
        await one.claim_identity(an_identity("one"))
        user = a_user()
        await one.replace_org(a_policy(), [user], [a_rule()])
        transaction = a_transaction()
        await one.save_transaction(transaction, keep_for=600)
        await one.append_journal(a_journal_record())

        assert await two.claim_identity(an_identity("two")) == an_identity("two")
        assert await two.users() == [] and await two.fault_rules() == [] and await two.journal() == []
        assert await two.transaction(Handle.STATE_HANDLE, transaction.state_handle) is None
        await two.replace_org(Policy(), [], [])

        assert await one.claim_identity(an_identity("x")) == an_identity("one")
        assert await one.users() == [user]
        assert await one.transaction(Handle.STATE_HANDLE, transaction.state_handle) == transaction
        assert len(await one.journal()) == 1
    finally:
        await one.close()
        await two.close()


async def test_a_transaction_s_handles_never_expire_before_it(
    redis_store: RedisStore, redis_client: redis.asyncio.Redis
):
    """Saving again rewrites the handles only when they would expire before the record (its expiry slid past theirs):
    whatever the order of lifetimes saved, both handles last at least as long as the record they name."""
    transaction = a_transaction()
    record = f"{redis_store.prefix}:txn:{transaction.id}"
    handles = [
        f"{redis_store.prefix}:handle:{handle.value}:{value}"
        for handle, value in (
            (Handle.INTERACTION_HANDLE, transaction.interaction_handle),
            (Handle.STATE_HANDLE, transaction.state_handle),
        )
    ]
    for keep_for in (60, 30, 100, 500, 10, 2000):
        await redis_store.save_transaction(transaction, keep_for=keep_for)
        record_ttl = await redis_client.ttl(record)
        assert record_ttl > keep_for
        for key in handles:
            assert await redis_client.ttl(key) >= record_ttl
    assert await redis_store.transaction(Handle.INTERACTION_HANDLE, transaction.interaction_handle) == transaction


async def test_saving_a_transaction_again_leaves_its_handles_alone_while_they_outlast_it(
    redis_store: RedisStore, redis_client: redis.asyncio.Redis
):
    """A step on a busy sign-in writes the record alone: the handles it was opened with still outlast it."""
    transaction = a_transaction()
    await redis_store.save_transaction(transaction, keep_for=600)
    state_key = f"{redis_store.prefix}:handle:{Handle.STATE_HANDLE.value}:{transaction.state_handle}"
    await redis_client.expire(state_key, 100_000)  # a marker: a rewrite would set it back to twice the record's TTL
    transaction.step = Step.SUCCESS
    await redis_store.save_transaction(transaction, keep_for=600)
    assert await redis_client.ttl(state_key) > 10_000
    found = await redis_store.transaction(Handle.STATE_HANDLE, transaction.state_handle)
    assert found is not None and found.step is Step.SUCCESS


async def test_every_key_is_under_the_prefix(redis_store: RedisStore, redis_client: redis.asyncio.Redis):
    await _fill(redis_store)
    keys = [key async for key in redis_client.scan_iter(match=f"{redis_store.prefix}*")]
    assert keys and all(key.startswith(f"{redis_store.prefix}:".encode()) for key in keys)


async def test_records_with_a_lifetime_expire_and_the_org_s_do_not(
    redis_store: RedisStore, redis_client: redis.asyncio.Redis
):
    await _fill(redis_store)
    ttls = {}
    async for key in redis_client.scan_iter(match=f"{redis_store.prefix}:*"):
        ttls[key.decode().removeprefix(f"{redis_store.prefix}:").split(":")[0]] = await redis_client.pttl(key)
    lasting = {"org", "identity", "policy", "users", "user-order", "faults", "fault-ids", "fault-matches"}
    lasting |= {"fault-fired", "journal"}
    assert {kind for kind, ttl in ttls.items() if ttl == -1} == lasting
    expiring = {kind: ttl for kind, ttl in ttls.items() if kind not in lasting}
    assert set(expiring) == {
        "txn",
        "handle",
        "txn-code",
        "push",
        "push-state",
        "pushes",
        "messages",
        "totp",
        "jwt",
        "refresh",
    }
    # A transaction's handles are given twice its TTL, so that a busy sign-in's steps need not rewrite them (see
    # redis_store.SAVE_TRANSACTION and the test above); every other record is kept for its own lifetime.
    assert all(0 < ttl <= (600 + GRACE_SECONDS) * 1000 for kind, ttl in expiring.items() if kind != "handle")
    assert 0 < expiring["handle"] <= 2 * (600 + GRACE_SECONDS) * 1000


async def test_a_short_message_never_shortens_how_long_the_user_s_messages_are_kept(
    redis_store: RedisStore, redis_client: redis.asyncio.Redis
):
    await redis_store.save_message(a_message(code="111111"), keep_for=3_600)
    await redis_store.save_message(a_message(code="222222"), keep_for=60)
    ttl = await redis_client.ttl(redis_store.key("messages", "ada.lovelace@example.com"))
    assert 60 + GRACE_SECONDS < ttl <= 3_600 + GRACE_SECONDS


async def test_secrets_are_not_in_key_names(redis_store: RedisStore, redis_client: redis.asyncio.Redis):
    await redis_store.accept_totp_step("JBSWY3DPEHPK3PXP", 1, keep_for=60)
    await redis_store.put_refresh_token("refresh-token-value", a_refresh_record(), keep_for=60)
    keys = [key async for key in redis_client.scan_iter(match=f"{redis_store.prefix}:*")]
    assert len(keys) == 2
    assert not any(b"JBSWY3DPEHPK3PXP" in key or b"refresh-token-value" in key for key in keys)


async def test_a_stopped_redis_is_store_unavailable_until_it_is_back():
    with RedisServer() as server:
        store = RedisStore.from_url(server.url, "restarting")
        try:
            await store.advance_clock(5.0)
            server.stop()
            with pytest.raises(StoreUnavailable):
                await store.header()
            with pytest.raises(StoreUnavailable):
                await store.settle_push("psh1", PushState.APPROVED, keep_for=60)
            server.start()
            assert await store.header() == OrgHeader(clock_offset=0.0, generation=0)  # nothing was persisted
            assert await store.settle_push("psh1", PushState.APPROVED, keep_for=60) == (True, PushState.APPROVED)
        finally:
            await store.close()


async def test_a_redis_restarted_between_two_calls_serves_the_next_one():
    """The pooled connection died with the old server; the next call must not be the one that finds out. (The
    restart runs off the event loop, as it does for a replica whose loop goes on serving while Redis restarts.)"""
    with RedisServer() as server:
        store = RedisStore.from_url(server.url, "restarted")
        try:
            await store.advance_clock(5.0)
            await asyncio.to_thread(server.stop)
            await asyncio.to_thread(server.start)
            assert await store.advance_clock(1.0) == 1.0
        finally:
            await store.close()


async def test_a_store_at_an_address_where_nothing_listens_is_unavailable():
    store = RedisStore.from_url(f"redis://127.0.0.1:{free_port()}/0", "nowhere")
    try:
        with pytest.raises(StoreUnavailable):
            await store.claim_identity(an_identity())
    finally:
        await store.close()


@pytest.mark.parametrize("prefix", ["", "a:b", "org*", "x?", "[ab]", "with space"])
async def test_a_prefix_that_could_reach_another_org_s_keys_is_refused(prefix: str):
    client = redis.asyncio.Redis()
    try:
        with pytest.raises(ValueError, match="prefix"):
            RedisStore(client, prefix)
    finally:
        await client.aclose()


async def _fill(store: RedisStore) -> None:
    """One record of every kind, the lifetimes all 600 s."""
    await store.claim_identity(an_identity())
    await store.advance_clock(1.0)
    await store.replace_org(a_policy(), [a_user()], [a_rule(times=3)])
    transaction = a_transaction()
    await store.save_transaction(transaction, keep_for=600)
    await store.claim_interaction_code(transaction.id, "code", keep_for=600)
    push = a_push()
    await store.save_push(push, keep_for=600)
    await store.settle_push(push.id, PushState.APPROVED, keep_for=600)
    await store.save_message(a_message(), keep_for=600)
    await store.accept_totp_step("SECRET", 1, keep_for=600)
    await store.record_token("AT.1", MintedToken(0.5, 1.0), keep_for=600)
    await store.put_refresh_token("rt", a_refresh_record(), keep_for=600)
    await store.count_fault_match("flt1")
    await store.fire_fault("flt1", 3)
    await store.append_journal(a_journal_record())
