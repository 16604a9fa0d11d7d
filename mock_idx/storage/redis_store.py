"""The shared store: one org in Redis, served by any number of replicas (``--store redis://…``).

Every key starts with ``{prefix}:``, so several orgs (parallel CI jobs) share one Redis. The layout, under the prefix:

- ``org`` (hash): ``clock_offset``, ``generation`` and ``journal_seq``; with ``identity`` (the signing key and ids),
  the only keys :meth:`RedisStore.replace_org` keeps, so the clock never jumps back and numbers never repeat.
- ``policy``; ``users`` (hash by lower-cased login) with ``user-order`` (list: first-added order).
- ``txn:{id}``; ``handle:{kind}:{value}`` (-> transaction id); ``txn-code:{id}`` (the code the transaction claimed).
- ``push:{id}``; ``push-state:{id}`` (set once: who decided it); ``pushes:{login}`` (sorted set, by time sent).
- ``messages:{login}`` (list, oldest first, trimmed to the newest ``MESSAGES_PER_USER``; its TTL is the longest
  message's, so a message that expired lingers in the list until trimmed or until the whole list goes).
- ``totp:{sha256 of the secret}`` (last accepted step); ``jwt:{jti}`` (expiry); ``refresh:{sha256 of the token}``.
- ``faults`` (hash by id), ``fault-ids`` (counter), ``fault-matches`` and ``fault-fired`` (hashes of counters).
- ``journal`` (list of ``"{seq} {entry}"``, trimmed to the capacity).

Why this shape: each method but ``replace_org`` is one round trip, and each first-wins operation is one Lua script
or one atomic command (GETDEL, HINCRBY…), so two replicas racing can never both win. TTLs only collect garbage: the
engine judges every expiry on the virtual clock, and a record outlives its ``keep_for`` by :data:`GRACE_SECONDS` of
real time.
Secrets that live long (TOTP secrets, refresh tokens) are keyed by their SHA-256, so a ``KEYS *`` shows none of them.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any, ParamSpec, TypeVar

import redis.asyncio
import redis.exceptions
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.typing import EncodableT, FieldT

from ..model.directory import User
from ..model.errors import StoreUnavailable
from ..model.faults import FaultRule
from ..model.journal import JournalEntry, JournalRecord
from ..model.outbox import MESSAGES_PER_USER, Message
from ..model.policy import Policy
from ..model.push import PushChallenge, PushState
from ..model.store import Handle, OrgHeader, OrgIdentity, RecordKind
from ..model.tokens import REVOKED, MintedToken, RefreshRecord
from ..model.transaction import Transaction
from .codec import CODEC, RECORD_TYPES

GRACE_SECONDS = 300.0
"""How long past its ``keep_for`` a record stays (as in the in-memory store): real and virtual time may drift apart
by a request's duration, and a record outliving its use by minutes costs nothing."""
TIMEOUT_SECONDS = 2.0
"""Connect and socket timeouts of :meth:`RedisStore.from_url`: a dead Redis makes a request fail (503) fast instead
of hanging it."""
WIPE_BATCH = 500
"""Keys scanned and unlinked per round trip by :meth:`RedisStore.replace_org`."""
KEPT_ON_REPLACE = ("org", "identity", "journal")
FORBIDDEN_IN_PREFIX = re.compile(r"[:*?\[\]\\\s]")
"""A prefix with ``:`` or a glob character could make one org's SCAN match another org's keys."""

P = ParamSpec("P")
R = TypeVar("R")

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
"""What a Redis that is down, restarting or unreachable raises (``BusyLoadingError`` is a ``ConnectionError``)."""


def _reaching_redis(method: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Turn "Redis cannot be reached" into :class:`StoreUnavailable`, the one failure the web layer answers 503 for.
    redis-py reconnects on the next call, so nothing else is needed for the org to carry on once Redis is back."""

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except UNREACHABLE as error:
            raise StoreUnavailable(f"the org's Redis cannot be reached: {error}") from error

    return call


# --- Lua: each script is one atomic step on the server ---------------------------------------------------------------

CLAIM_IDENTITY = """
local stored = redis.call('GET', KEYS[1])
if stored then return stored end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
"""

PUT_USER = """
if redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) end
"""

USERS_IN_ORDER = """
local users = {}
for _, login in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  local data = redis.call('HGET', KEYS[1], login)
  if data then table.insert(users, data) end
end
return users
"""

SAVE_TRANSACTION = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local ttl = tonumber(ARGV[2])
if redis.call('TTL', KEYS[3]) < ttl then
  redis.call('SET', KEYS[2], ARGV[3], 'EX', 2 * ttl)
  redis.call('SET', KEYS[3], ARGV[3], 'EX', 2 * ttl)
end
"""
"""A transaction and its two handles, written in one step (KEYS: the transaction, its interaction handle, its state
handle; ARGV: the record, its TTL, its id). The handles name the same id for the transaction's whole life (both are
set when it is opened and never change), so they are rewritten only when the state handle's key would expire before
the record, or is gone (a new transaction, one reopened with its app's interaction handle by a cancel, an org wiped):
then both get twice the record's TTL. So a handle outlives its transaction by at most one TTL (finding nothing, as
an expired one does: the record is gone), and a step on a busy sign-in writes one key, not three, where before every
save rewrote both handles only to slide their TTL."""

TRANSACTION_BY_HANDLE = """
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('GET', ARGV[1] .. id)
"""

TRANSACTION_WITH_USER = """
local id = redis.call('GET', KEYS[1])
if not id then return false end
local data = redis.call('GET', ARGV[1] .. id)
if not data then return false end
local ok, record = pcall(cjson.decode, data)
local user = ok and type(record) == 'table' and record.user
local login = type(user) == 'table' and user.login
if type(login) ~= 'string' then return {data, 'no-user'} end
if string.find(login, '[\\128-\\255]') then return {data, 'unread'} end
local stored = redis.call('HGET', KEYS[2], string.lower(login))
if not stored then return {data, 'unknown'} end
return {data, 'user', stored}
"""
"""A transaction by one of its handles (KEYS: the handle, the users' hash; ARGV: the transactions' key prefix) with its
user as the directory holds them, in one round trip instead of two: ``{record, 'user', user}``, ``{record,
'unknown'}`` (no such login), ``{record, 'no-user'}`` (the transaction has none), or false (no transaction). Lua
lower-cases ASCII only, so a login with any other character is left ``'unread'``, for Python's ``str.lower``."""

DELETE_TRANSACTION = """
local code = redis.call('GET', KEYS[4])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
if code then redis.call('DEL', ARGV[1] .. code) end
"""

CLAIM_INTERACTION_CODE = """
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return ARGV[1]
"""

SAVE_PUSH = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
if redis.call('TTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
"""

PUSHES_FOR = """
local found = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local data = redis.call('GET', ARGV[1] .. id)
  if data then
    table.insert(found, data)
    table.insert(found, redis.call('GET', ARGV[2] .. id) or '')
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return found
"""

SAVE_MESSAGE = """
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
"""

SETTLE_PUSH = """
local winner = redis.call('GET', KEYS[1])
if winner then return {0, winner} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return {1, ARGV[1]}
"""

ACCEPT_TOTP_STEP = """
local last = redis.call('GET', KEYS[1])
if last and tonumber(last) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""

ADD_FAULT = """
local id = 'flt' .. redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('HINCRBY', KEYS[3], 'generation', 1)
return id
"""

REMOVE_FAULT = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HINCRBY', KEYS[4], 'generation', 1)
return 1
"""

CLEAR_FAULTS = """
local rules = redis.call('HGETALL', KEYS[1])
local fired = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('HINCRBY', KEYS[4], 'generation', 1)
return {rules, fired}
"""

FAULT_RULES = """
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
"""

FIRE_FAULT = """
local fired = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if ARGV[2] ~= '' and fired >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return 1
"""

APPEND_JOURNAL = """
local seq = redis.call('HINCRBY', KEYS[1], 'journal_seq', 1)
local length = redis.call('RPUSH', KEYS[2], seq .. ' ' .. ARGV[1])
if length > tonumber(ARGV[2]) then redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1) end
return seq
"""
"""One journal entry, numbered; the oldest dropped past the capacity (``LTRIM`` only then: within the capacity it
would keep every entry, so it is not sent, one command less on every request)."""


class RedisStore:
    """Every method of :class:`~mock_idx.model.store.OrgStore`, over one Redis shared by every replica of the org."""

    def __init__(self, client: redis.asyncio.Redis, prefix: str, journal_capacity: int = 20_000) -> None:
        if not prefix or FORBIDDEN_IN_PREFIX.search(prefix):
            raise ValueError(
                f"a Redis key prefix must be non-empty, without ':', spaces or glob characters: {prefix!r}"
            )
        if journal_capacity < 1:
            raise ValueError(f"the journal keeps at least one entry, not {journal_capacity}")
        self._client = client
        self._prefix = prefix
        self._journal_capacity = journal_capacity
        self._claim_identity = client.register_script(CLAIM_IDENTITY)
        self._put_user = client.register_script(PUT_USER)
        self._users_in_order = client.register_script(USERS_IN_ORDER)
        self._save_transaction = client.register_script(SAVE_TRANSACTION)
        self._transaction_by_handle = client.register_script(TRANSACTION_BY_HANDLE)
        self._transaction_with_user = client.register_script(TRANSACTION_WITH_USER)
        self._delete_transaction = client.register_script(DELETE_TRANSACTION)
        self._claim_interaction_code = client.register_script(CLAIM_INTERACTION_CODE)
        self._save_push = client.register_script(SAVE_PUSH)
        self._pushes_for = client.register_script(PUSHES_FOR)
        self._settle_push = client.register_script(SETTLE_PUSH)
        self._save_message = client.register_script(SAVE_MESSAGE)
        self._accept_totp_step = client.register_script(ACCEPT_TOTP_STEP)
        self._add_fault = client.register_script(ADD_FAULT)
        self._remove_fault = client.register_script(REMOVE_FAULT)
        self._clear_faults = client.register_script(CLEAR_FAULTS)
        self._fault_rules = client.register_script(FAULT_RULES)
        self._fire_fault = client.register_script(FIRE_FAULT)
        self._append_journal = client.register_script(APPEND_JOURNAL)

    @classmethod
    def from_url(cls, redis_url: str, prefix: str, journal_capacity: int = 20_000) -> RedisStore:
        """A store on the Redis at ``redis_url``; nothing connects until the first call. No retries: a retried
        script could run twice (a first-wins step would then tell its winner it lost), and a dead Redis should fail
        the request at once, not after a backoff."""
        client = redis.asyncio.Redis.from_url(
            redis_url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
            **_without_maintenance_notifications(),
        )
        return cls(client, prefix, journal_capacity)

    @property
    def prefix(self) -> str:
        return self._prefix

    def key(self, *parts: str) -> str:
        """The full key of a record: ``{prefix}:{part}:{part}…``."""
        return ":".join((self._prefix, *parts))

    async def close(self) -> None:
        await self._client.aclose()

    # --- the org itself ----------------------------------------------------------------------------------------

    @_reaching_redis
    async def claim_identity(self, proposed: OrgIdentity) -> OrgIdentity:
        stored = await self._claim_identity(keys=[self.key("identity")], args=[CODEC.encode(proposed)])
        return CODEC.decode(OrgIdentity, stored)

    @_reaching_redis
    async def header(self) -> OrgHeader:
        offset, generation = await self._client.hmget(self.key("org"), ["clock_offset", "generation"])
        return OrgHeader(clock_offset=float(offset or 0.0), generation=int(generation or 0))

    @_reaching_redis
    async def advance_clock(self, seconds: float) -> float:
        return float(await self._client.hincrbyfloat(self.key("org"), "clock_offset", seconds))

    @_reaching_redis
    async def policy(self) -> Policy | None:
        data = await self._client.get(self.key("policy"))
        return CODEC.decode(Policy, data) if data is not None else None

    @_reaching_redis
    async def is_configured(self) -> bool:
        return bool(await self._client.exists(self.key("policy")))

    @_reaching_redis
    async def replace_org(self, policy: Policy, users: list[User], faults: list[FaultRule]) -> None:
        """Wipe (every key of the prefix but :data:`KEPT_ON_REPLACE`, in batches), then write the new org in one
        transaction. Not atomic as a whole: a request racing the reset may leave its record behind, found only through
        that request's own handles."""
        await self._wipe()
        by_login: dict[FieldT, EncodableT] = {user.login.lower(): CODEC.encode(user) for user in users}
        rules: dict[FieldT, EncodableT] = {
            f"flt{number}": CODEC.encode(replace(rule, id="", fired=0)) for number, rule in enumerate(faults, start=1)
        }
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.set(self.key("policy"), CODEC.encode(policy))
            if by_login:
                pipe.hset(self.key("users"), mapping=by_login)
                pipe.rpush(self.key("user-order"), *by_login)
            if rules:
                pipe.hset(self.key("faults"), mapping=rules)
                pipe.set(self.key("fault-ids"), len(rules))
            pipe.hincrby(self.key("org"), "generation", 1)
            await pipe.execute()

    async def _wipe(self) -> None:
        kept = {self.key(name).encode() for name in KEPT_ON_REPLACE}
        batch: list[bytes] = []
        async for key in self._client.scan_iter(match=f"{self._prefix}:*", count=WIPE_BATCH):
            encoded = key if isinstance(key, bytes) else str(key).encode()
            if encoded not in kept:
                batch.append(encoded)
            if len(batch) >= WIPE_BATCH:
                await self._client.unlink(*batch)
                batch.clear()
        if batch:
            await self._client.unlink(*batch)

    # --- users -------------------------------------------------------------------------------------------------

    @_reaching_redis
    async def put_user(self, user: User) -> None:
        await self._put_user(
            keys=[self.key("users"), self.key("user-order")], args=[user.login.lower(), CODEC.encode(user)]
        )

    @_reaching_redis
    async def user(self, login: str) -> User | None:
        data = await self._client.hget(self.key("users"), login.lower())
        return CODEC.decode(User, data) if data is not None else None

    @_reaching_redis
    async def users(self) -> list[User]:
        found = await self._users_in_order(keys=[self.key("users"), self.key("user-order")])
        return [CODEC.decode(User, data) for data in found]

    # --- sign-ins (transactions) -------------------------------------------------------------------------------

    @_reaching_redis
    async def save_transaction(self, transaction: Transaction, keep_for: float) -> None:
        keys = [
            self.key("txn", transaction.id),
            self._handle(Handle.INTERACTION_HANDLE, transaction.interaction_handle),
            self._handle(Handle.STATE_HANDLE, transaction.state_handle),
        ]
        await self._save_transaction(keys=keys, args=[CODEC.encode(transaction), _ttl(keep_for), transaction.id])

    @_reaching_redis
    async def transaction(self, handle: Handle, value: str) -> Transaction | None:
        data = await self._transaction_by_handle(keys=[self._handle(handle, value)], args=[self.key("txn", "")])
        return CODEC.decode(Transaction, data) if data is not None else None

    @_reaching_redis
    async def transaction_with_user(self, handle: Handle, value: str) -> tuple[Transaction | None, User | None]:
        found = await self._transaction_with_user(
            keys=[self._handle(handle, value), self.key("users")], args=[self.key("txn", "")]
        )
        if not found:
            return None, None
        transaction = CODEC.decode(Transaction, found[0])
        answer = _text(found[1])
        if answer == "user":
            return transaction, CODEC.decode(User, found[2])
        if answer == "unread" and transaction.user is not None:
            return transaction, await self.user(transaction.user.login)
        return transaction, None

    @_reaching_redis
    async def delete_transaction(self, transaction: Transaction) -> None:
        keys = [
            self.key("txn", transaction.id),
            self._handle(Handle.INTERACTION_HANDLE, transaction.interaction_handle),
            self._handle(Handle.STATE_HANDLE, transaction.state_handle),
            self.key("txn-code", transaction.id),
        ]
        await self._delete_transaction(keys=keys, args=[self._handle(Handle.INTERACTION_CODE, "")])

    @_reaching_redis
    async def claim_interaction_code(self, transaction_id: str, code: str, keep_for: float) -> str:
        keys = [self.key("txn-code", transaction_id), self._handle(Handle.INTERACTION_CODE, code)]
        in_force = await self._claim_interaction_code(keys=keys, args=[code, transaction_id, _ttl(keep_for)])
        return _text(in_force)

    @_reaching_redis
    async def take_interaction_code(self, code: str) -> str | None:
        transaction_id = await self._client.getdel(self._handle(Handle.INTERACTION_CODE, code))
        return _text(transaction_id) if transaction_id is not None else None

    def _handle(self, handle: Handle, value: str) -> str:
        return self.key("handle", handle.value, value)

    # --- pushes ------------------------------------------------------------------------------------------------

    @_reaching_redis
    async def save_push(self, push: PushChallenge, keep_for: float) -> None:
        keys = [self.key("push", push.id), self.key("pushes", push.login.lower())]
        await self._save_push(keys=keys, args=[CODEC.encode(push), _ttl(keep_for), repr(push.created_at), push.id])

    @_reaching_redis
    async def pushes_for(self, login: str) -> list[PushChallenge]:
        found = await self._pushes_for(
            keys=[self.key("pushes", login.lower())], args=[self.key("push", ""), self.key("push-state", "")]
        )
        pushes = []
        for data, state in zip(found[::2], found[1::2], strict=True):
            push = CODEC.decode(PushChallenge, data)
            pushes.append(replace(push, state=PushState(_text(state))) if state else push)
        return sorted(pushes, key=lambda push: push.created_at)

    @_reaching_redis
    async def push_state(self, push_id: str) -> PushState:
        state = await self._client.get(self.key("push-state", push_id))
        return PushState(_text(state)) if state is not None else PushState.PENDING

    @_reaching_redis
    async def settle_push(self, push_id: str, state: PushState, keep_for: float) -> tuple[bool, PushState]:
        decided, winner = await self._settle_push(
            keys=[self.key("push-state", push_id)], args=[state.value, _ttl(keep_for)]
        )
        return bool(decided), PushState(_text(winner))

    @_reaching_redis
    async def discard_push(self, push: PushChallenge) -> None:
        await self._client.zrem(self.key("pushes", push.login.lower()), push.id)

    # --- the fake inbox and phone -------------------------------------------------------------------------------

    @_reaching_redis
    async def save_message(self, message: Message, keep_for: float) -> None:
        await self._save_message(
            keys=[self.key("messages", message.login.lower())],
            args=[CODEC.encode(message), _ttl(keep_for), MESSAGES_PER_USER],
        )

    @_reaching_redis
    async def messages_for(self, login: str) -> list[Message]:
        found = await self._client.lrange(self.key("messages", login.lower()), 0, -1)
        return [CODEC.decode(Message, data) for data in found]

    # --- TOTP replay memory ------------------------------------------------------------------------------------

    @_reaching_redis
    async def accept_totp_step(self, secret: str, step: int, keep_for: float) -> bool:
        accepted = await self._accept_totp_step(keys=[self.key("totp", _digest(secret))], args=[step, _ttl(keep_for)])
        return bool(accepted)

    @_reaching_redis
    async def forget_totp(self, secret: str) -> None:
        await self._client.delete(self.key("totp", _digest(secret)))

    # --- tokens ------------------------------------------------------------------------------------------------

    @_reaching_redis
    async def record_token(self, jti: str, minted: MintedToken, keep_for: float) -> None:
        await self._client.set(self.key("jwt", jti), str(minted), ex=_ttl(keep_for))

    @_reaching_redis
    async def minted_token(self, jti: str) -> MintedToken | None:
        data = await self._client.get(self.key("jwt", jti))
        return MintedToken.parse(_text(data)) if data is not None else None

    @_reaching_redis
    async def revoke_token(self, jti: str, keep_for: float) -> None:
        await self._client.set(self.key("jwt", jti), str(REVOKED), ex=_ttl(keep_for))

    @_reaching_redis
    async def put_refresh_token(self, token: str, record: RefreshRecord, keep_for: float) -> None:
        await self._client.set(self.key("refresh", _digest(token)), CODEC.encode(record), ex=_ttl(keep_for))

    @_reaching_redis
    async def refresh_token(self, token: str) -> RefreshRecord | None:
        data = await self._client.get(self.key("refresh", _digest(token)))
        return CODEC.decode(RefreshRecord, data) if data is not None else None

    @_reaching_redis
    async def take_refresh_token(self, token: str) -> RefreshRecord | None:
        data = await self._client.getdel(self.key("refresh", _digest(token)))
        return CODEC.decode(RefreshRecord, data) if data is not None else None

    # --- short-lived records (keys hashed: a session id or a code is a bearer secret) ----------------------------

    @_reaching_redis
    async def put_record(self, kind: RecordKind, key: str, record: object, keep_for: float) -> None:
        await self._client.set(self.key(kind.value, _digest(key)), CODEC.encode(record), ex=_ttl(keep_for))

    @_reaching_redis
    async def record(self, kind: RecordKind, key: str) -> object | None:
        data = await self._client.get(self.key(kind.value, _digest(key)))
        return CODEC.decode(RECORD_TYPES[kind], data) if data is not None else None

    @_reaching_redis
    async def take_record(self, kind: RecordKind, key: str) -> object | None:
        data = await self._client.getdel(self.key(kind.value, _digest(key)))
        return CODEC.decode(RECORD_TYPES[kind], data) if data is not None else None

    @_reaching_redis
    async def delete_record(self, kind: RecordKind, key: str) -> None:
        await self._client.delete(self.key(kind.value, _digest(key)))

    @_reaching_redis
    async def claim_once(self, kind: RecordKind, key: str, keep_for: float) -> bool:
        return bool(await self._client.set(self.key(kind.value, _digest(key)), b"1", nx=True, ex=_ttl(keep_for)))

    # --- fault rules -------------------------------------------------------------------------------------------

    @_reaching_redis
    async def fault_rules(self) -> list[FaultRule]:
        stored, fired = await self._fault_rules(keys=[self.key("faults"), self.key("fault-fired")])
        return [rule for rule in _fault_rules(stored, fired) if not rule.exhausted]

    @_reaching_redis
    async def add_fault(self, rule: FaultRule) -> FaultRule:
        stored = replace(rule, id="", fired=0)
        rule_id = await self._add_fault(
            keys=[self.key("fault-ids"), self.key("faults"), self.key("org")], args=[CODEC.encode(stored)]
        )
        return replace(stored, id=_text(rule_id))

    @_reaching_redis
    async def remove_fault(self, rule_id: str) -> bool:
        keys = [self.key("faults"), self.key("fault-matches"), self.key("fault-fired"), self.key("org")]
        return bool(await self._remove_fault(keys=keys, args=[rule_id]))

    @_reaching_redis
    async def clear_faults(self) -> int:
        """How many rules were in force (exhausted ones, already out of :meth:`fault_rules`, not counted)."""
        keys = [self.key("faults"), self.key("fault-fired"), self.key("fault-matches"), self.key("org")]
        stored, fired = await self._clear_faults(keys=keys)
        return sum(not rule.exhausted for rule in _fault_rules(stored, fired))

    @_reaching_redis
    async def count_fault_match(self, rule_id: str) -> int:
        return int(await self._client.hincrby(self.key("fault-matches"), rule_id, 1))

    @_reaching_redis
    async def fire_fault(self, rule_id: str, times: int | None) -> bool:
        limit = "" if times is None else str(times)
        return bool(await self._fire_fault(keys=[self.key("fault-fired")], args=[rule_id, limit]))

    # --- the journal -------------------------------------------------------------------------------------------

    @_reaching_redis
    async def append_journal(self, record: JournalRecord) -> JournalEntry:
        """Numbered by a counter kept through :meth:`replace_org` and :meth:`clear_journal`, so a number is never
        given twice in the org's life (a reader that noted "up to 42" never sees a different 42)."""
        unnumbered = CODEC.encode(JournalEntry.numbered(0, record))
        seq = await self._append_journal(
            keys=[self.key("org"), self.key("journal")], args=[unnumbered, self._journal_capacity]
        )
        return JournalEntry.numbered(int(seq), record)

    @_reaching_redis
    async def journal(self) -> list[JournalEntry]:
        items = await self._client.lrange(self.key("journal"), 0, -1)
        entries = []
        for item in items:
            seq, _, data = _bytes(item).partition(b" ")
            entries.append(replace(CODEC.decode(JournalEntry, data), seq=int(seq)))
        return entries

    @_reaching_redis
    async def clear_journal(self) -> None:
        await self._client.delete(self.key("journal"))

    # --- housekeeping ------------------------------------------------------------------------------------------

    async def collect_garbage(self) -> None:
        """Nothing to do: every record that can be forgotten carries its TTL."""


def _without_maintenance_notifications() -> dict[str, Any]:
    """Client options that turn off redis-py's maintenance notifications (a Redis Enterprise feature, RESP3 only).
    Left at their default (``"auto"``, redis-py 7 and later), they also switch off the pool's check for connections
    the server closed, so the first call after a Redis restart would fail instead of reconnecting."""
    try:
        from redis.maint_notifications import MaintNotificationsConfig
    except ImportError:  # an older redis-py: no such notifications, nothing to turn off
        return {}
    return {"maint_notifications_config": MaintNotificationsConfig(enabled=False)}


def _ttl(keep_for: float) -> int:
    """Whole seconds a record is kept: its ``keep_for`` and the grace, rounded up."""
    return math.ceil(max(keep_for, 0.0) + GRACE_SECONDS)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _bytes(value: bytes | str) -> bytes:
    """What Redis answered, as bytes whether or not the client decodes responses."""
    return value if isinstance(value, bytes) else value.encode()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _fault_rules(stored: list[bytes | str], fired: list[bytes | str]) -> list[FaultRule]:
    """Rules from a flat HGETALL answer, in the order they were added (``flt1``, ``flt2``…), each with its count.
    Rebuilt through ``replace`` (which runs ``__init__``), so a decoded rule is an ordinary one."""
    counts = {_text(rule_id): int(count) for rule_id, count in zip(fired[::2], fired[1::2], strict=True)}
    rules = [
        replace(CODEC.decode(FaultRule, data), id=_text(rule_id), fired=counts.get(_text(rule_id), 0))
        for rule_id, data in zip(stored[::2], stored[1::2], strict=True)
    ]
    return sorted(rules, key=lambda rule: int(rule.id.removeprefix("flt")))
