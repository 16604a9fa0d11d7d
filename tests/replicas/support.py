"""Two ``mock-idx serve`` processes on ports of their own, serving one org from Redis (issue #12): how the shared-org,
race and Redis-restart suites start them, talk to each one, and send a sign-in's requests to each in turn.

Each pair serves an org of its own (a fresh key prefix), so tests never see each other's users or sign-ins.
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt

from tests.support.processes import serving
from tests.support.redis_server import RedisServer, redis_url

SHARED_HOST = "idp.localhost"
"""The name both replicas are reached by, as behind one load balancer that passes ``Host`` on: every request carries
it, so both replicas are one issuer (a token minted by one names the issuer the other serves) although each listens
on a port of its own. A ``.localhost`` name is a loopback name, which the Host guard always accepts. (Giving both the
same ``--public-url`` would do the same, but :func:`tests.support.processes.serving` checks that the banner's issuer
names the process's own port.)"""
ISSUER = f"http://{SHARED_HOST}/oauth2/default"
CLIENT_ID = "test-client"
CLIENT_TIMEOUT = aiohttp.ClientTimeout(total=15)
"""Bounds every request, so a server that hangs fails the test with a timeout instead of stalling the run."""
PUSH_REJECTED = "api.authn.poll.error.push_rejected"
SESSION_EXPIRED = "idx.session.expired"


def org_store(server: RedisServer, name: str) -> str:
    """The ``--store`` URL of a new org on ``server``: a key prefix no other test uses."""
    return redis_url(server, f"{name}-{uuid.uuid4().hex[:12]}")


def serve_options(store: str, *options: str) -> tuple[str, ...]:
    return ("--store", store, "--poll-refresh-ms", "50", *options)


@dataclass(frozen=True)
class Process:
    """One started replica: its port and process (terminated when its :func:`started` block ends)."""

    port: int
    process: subprocess.Popen[str]


@contextmanager
def started(store: str, *options: str, count: int = 2) -> Iterator[list[Process]]:
    """``count`` replicas of the org in ``store``, started one after the other: the first puts its ``--scenario`` in
    force and the others join the org they find, as replicas do (two starting at the same instant would both find
    no org yet, a different case from the one these suites test)."""
    with ExitStack() as stack:
        processes = []
        for _ in range(count):
            port, process, _ = stack.enter_context(serving(*serve_options(store, *options)))
            processes.append(Process(port, process))
        yield processes


@dataclass
class Replica:
    """A running replica and a client of its own (paths resolve against its port)."""

    name: str
    process: subprocess.Popen[str]
    http: aiohttp.ClientSession

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Pair:
    """Replicas A and B of one org."""

    a: Replica
    b: Replica

    @property
    def both(self) -> tuple[Replica, Replica]:
        return self.a, self.b

    def other(self, replica: Replica) -> Replica:
        return self.b if replica is self.a else self.a

    def alternating(self) -> Alternating:
        """A client for a sign-in whose first request goes to A, the next to B, and so on."""
        return Alternating(self.both)


@asynccontextmanager
async def connected(processes: Sequence[Process]) -> AsyncIterator[Pair]:
    """Clients for the first two of ``processes``, closed afterwards."""
    first, second = processes[:2]
    async with client_of(first) as a, client_of(second) as b:
        yield Pair(Replica("A", first.process, a), Replica("B", second.process, b))


def client_of(process: Process) -> aiohttp.ClientSession:
    """A session whose paths resolve against the replica's own port, and whose requests name :data:`SHARED_HOST`."""
    return aiohttp.ClientSession(
        base_url=f"http://127.0.0.1:{process.port}", headers={"Host": SHARED_HOST}, timeout=CLIENT_TIMEOUT
    )


@dataclass
class Alternating:
    """An aiohttp-style client (what :class:`tests.support.idx.Flow` and the control helpers take) that sends each
    request to the next replica in turn and notes where each went: a sign-in driven through it only completes if
    every step finds what the other replica wrote. Answers are read whole before they are returned."""

    replicas: Sequence[Replica]
    sent: list[tuple[str, str]] = field(default_factory=list)
    """``(replica name, path)`` of every request, in order."""

    async def request(self, method: str, path: str, **options: Any) -> aiohttp.ClientResponse:
        replica = self.replicas[len(self.sent) % len(self.replicas)]
        self.sent.append((replica.name, path))
        response = await replica.http.request(method, path, **options)
        await response.read()
        return response

    async def post(self, path: str, **options: Any) -> aiohttp.ClientResponse:
        return await self.request("POST", path, **options)

    async def put(self, path: str, **options: Any) -> aiohttp.ClientResponse:
        return await self.request("PUT", path, **options)

    async def get(self, path: str, **options: Any) -> aiohttp.ClientResponse:
        return await self.request("GET", path, **options)


# --- what the tests ask a replica ------------------------------------------------------------------------------------


async def answer_of(response: aiohttp.ClientResponse) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of an answer (whatever its content type: IDX documents are ``application/ion+json``)."""
    body: dict[str, Any] = await response.json(content_type=None)
    return response.status, body


async def idx_step(replica: Replica, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """One IDX request, sent as okta-auth-js sends it."""
    return await answer_of(await replica.http.post(path, json=body))


async def poll(replica: Replica, state_handle: str) -> tuple[int, dict[str, Any]]:
    return await idx_step(replica, "/idp/idx/authenticators/poll", {"stateHandle": state_handle})


async def resume(replica: Replica, state_handle: str) -> tuple[int, dict[str, Any]]:
    """IDX introspect by state handle: the sign-in's current state, without a step."""
    return await idx_step(replica, "/idp/idx/introspect", {"stateToken": state_handle})


def message_keys(document: dict[str, Any]) -> list[str]:
    return [message["i18n"]["key"] for message in document.get("messages", {}).get("value", [])]


def remediation_names(document: dict[str, Any]) -> list[str]:
    return [form["name"] for form in document.get("remediation", {}).get("value", [])]


def push_outcome(document: dict[str, Any]) -> str:
    """What an IDX answer shows of a push: ``approved`` (an interaction code), ``denied`` (Okta's "you have chosen to
    reject this login", with resend), ``expired`` (Okta's "push no longer pending": resend, no message) or
    ``pending`` (still polling); anything else is described as it is, for the assertion's message."""
    remediations = remediation_names(document)
    if "successWithInteractionCode" in document and not remediations:
        return "approved"
    if remediations == ["resend", "select-authenticator-authenticate"]:
        keys = message_keys(document)
        if keys == [PUSH_REJECTED]:
            return "denied"
        if not keys:
            return "expired"
    if remediations and remediations[0] == "challenge-poll":
        return "pending"
    return f"unexpected: remediations {remediations}, messages {message_keys(document)}"


async def introspect(replica: Replica, token: str) -> dict[str, Any]:
    """RFC 7662 introspection of an access token, by the client it was issued to."""
    form = {"token": token, "token_type_hint": "access_token", "client_id": CLIENT_ID}
    status, body = await answer_of(await replica.http.post("/oauth2/default/v1/introspect", data=form))
    assert status == 200, body
    return body


async def signing_keys(replica: Replica) -> dict[str, Any]:
    status, jwks = await answer_of(await replica.http.get("/oauth2/default/v1/keys"))
    assert status == 200, jwks
    return jwks


async def verified_claims(replica: Replica, token: str, audience: str) -> dict[str, Any]:
    """The token's claims, its signature checked (PyJWT) against the key ``replica`` publishes at ``/v1/keys``, with
    its issuer, audience and expiry."""
    key = jwt.PyJWKSet.from_dict(await signing_keys(replica))[jwt.get_unverified_header(token)["kid"]]
    claims: dict[str, Any] = jwt.decode(token, key.key, algorithms=["RS256"], audience=audience, issuer=ISSUER)
    return claims


async def gather_all(*calls: Any) -> list[Any]:
    """Run ``calls`` at once; every one runs to its end even if another fails (the first failure is raised then), so
    no request is left half-read when the test fails."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results
