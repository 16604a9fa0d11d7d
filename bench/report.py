"""The table ``python -m bench`` prints, with each target and whether this run met it."""

from __future__ import annotations

from .memory import Sample
from .replicas import MEMORY, REDIS_ONE, Row, Section
from .signins import KINDS, SignInResult
from .startup import Startup
from .steps import StepResult

STEP_TARGET = 0.50
TOKEN_TARGET = 0.25
SIGN_INS_TARGET = 200.0
READY_TARGET = 0.300
PER_TRANSACTION_TARGET = 10 * 1024
BASELINE_SLACK = 0.10
"""After expiry, RSS within this fraction of the growth the transactions caused counts as back near baseline."""
RULE = "-" * 92


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def steps_table(results: list[StepResult]) -> list[str]:
    header = f"{'step':<12}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ceiling':>9}{'ratio':>8}  target"
    return [header, RULE, *(_step_row(result) for result in results)]


def _step_row(result: StepResult) -> str:
    if result.step == "bare":
        target = "(the ceiling: bare aiohttp JSON)"
    else:
        wanted = TOKEN_TARGET if result.step == "token" else STEP_TARGET
        target = f">= {wanted:.0%}: {verdict(result.ratio >= wanted)}"
    return (
        f"{result.step:<12}{result.concurrency:>8}{result.rate:>9.0f}{result.p50 * 1000:>9.2f}"
        f"{result.p99 * 1000:>9.2f}{result.ceiling:>9.0f}{result.ratio:>8.0%}  {target}"
    )


def sign_ins_table(results: list[SignInResult]) -> list[str]:
    header = f"{'complete sign-in':<34}{'users':>6}{'/s':>8}{'p50 ms':>9}{'p99 ms':>9}  target"
    return [header, RULE, *(_sign_in_row(result) for result in results)]


def _sign_in_row(result: SignInResult) -> str:
    measured = result.measured
    target = f">= {SIGN_INS_TARGET:.0f}/s: {verdict(measured.rate >= SIGN_INS_TARGET)}" if result.users > 1 else ""
    latency = f"{measured.percentile(0.5) * 1000:>9.1f}{measured.percentile(0.99) * 1000:>9.1f}"
    return f"{KINDS[result.kind]:<34}{result.users:>6}{measured.rate:>8.0f}{latency}  {target}"


def startup_table(results: list[Startup]) -> list[str]:
    header = f"{'ready (time to the first 200)':<42}{'median ms':>10}{'min ms':>8}{'max ms':>8}  target"
    rows = [
        f"{r.label:<42}{r.median * 1000:>10.0f}{min(r.seconds) * 1000:>8.0f}{max(r.seconds) * 1000:>8.0f}"
        + (f"  < {READY_TARGET * 1000:.0f} ms: {verdict(r.median < READY_TARGET)}" if r.held_to_target else "")
        for r in results
    ]
    return [header, RULE, *rows]


def memory_table(samples: list[Sample]) -> list[str]:
    header = (
        f"{'memory':<30}{'live txns':>10}{'journal':>8}{'RSS MiB':>9}{'+ RSS':>7}{'+ heap':>8}{'per txn':>9}  target"
    )
    first = samples[0]
    growth = max(s.heap_kib for s in samples) - first.heap_kib
    return [header, RULE, *(_memory_row(sample, first, growth) for sample in samples)]


def _memory_row(sample: Sample, first: Sample, growth: int) -> str:
    """Per transaction from RSS growth (the stricter measure); near baseline judged on the heap still in use."""
    extra, heap = sample.rss_kib - first.rss_kib, sample.heap_kib - first.heap_kib
    per, target = f"{'':>9}", ""
    if sample.transactions:
        per_bytes = extra * 1024 / sample.transactions
        per = f"{per_bytes / 1024:>7.1f}KB"
        target = f"< 10 KB/txn: {verdict(per_bytes < PER_TRANSACTION_TARGET)}"
    elif sample is not first:
        target = f"heap near baseline: {verdict(heap <= BASELINE_SLACK * growth)}"
    return (
        f"{sample.label:<30}{sample.transactions:>10,}{sample.journal:>8,}{sample.rss_kib / 1024:>9.1f}"
        f"{extra / 1024:>7.1f}{heap / 1024:>8.1f}{per}  {target}"
    )


def replicas_table(section: Section) -> list[str]:
    """Push sign-ins by store and worker count, each against (a) in the same run, then what Redis costs a sign-in.
    Per sign-in, from the counted rounds: CPU ms of the server's processes, of redis-server and of the load process,
    and Redis commands; and the share of the machine's CPU other processes took meanwhile."""
    header = (
        f"{'push sign-ins':<23}{'users':>6}{'/s':>6}{'p50 ms':>8}{'p99 ms':>8}{'vs (a)':>7}"
        f"{'srv ms':>7}{'redis ms':>9}{'load ms':>8}{'cmds':>5}{'other':>6}"
    )
    lines = [header, RULE]
    levels = list(dict.fromkeys(row.users for row in section.rows))
    for users in levels:
        level = {row.setup: row for row in section.rows if row.users == users}
        lines += [_replica_row(row, level[MEMORY]) for row in level.values()]
    for users in levels:
        lines.append(_redis_cost(users, *(row for row in section.rows if row.users == users)))
    return lines + section.notes


def _replica_row(row: Row, baseline: Row) -> str:
    start = f"{row.setup.label:<23}{row.users:>6}"
    if row.not_measured:
        return f"{start}  not measured ({row.not_measured})"
    if not row.usable:
        return f"{start}  FAILED: {row.failure or 'no round finished'}"
    measured = row.measured
    ratio = f"{row.rate / baseline.rate:>7.0%}" if baseline.usable else f"{'-':>7}"
    redis_cpu = f"{row.per_sign_in(row.redis_cpu) * 1000:>9.1f}" if row.setup.shared else f"{'-':>9}"
    commands = f"{row.per_sign_in(row.redis_commands):>5.0f}" if row.setup.shared else f"{'-':>5}"
    return (
        f"{start}{row.rate:>6.0f}{measured.percentile(0.5) * 1000:>8.1f}{measured.percentile(0.99) * 1000:>8.1f}"
        f"{ratio}{row.per_sign_in(row.server_cpu) * 1000:>7.1f}{redis_cpu}"
        f"{row.per_sign_in(row.load_cpu) * 1000:>8.1f}{commands}{row.other_share():>6.0%}"
    )


def _redis_cost(users: int, *rows: Row) -> str:
    """1/rate(b) - 1/rate(a): the time a sign-in costs more with the org in Redis; and where the CPU went."""
    found = {row.setup: row for row in rows}
    memory, redis = found.get(MEMORY), found.get(REDIS_ONE)
    start = f"Redis cost per sign-in at {users} user{'s' if users > 1 else ''}: "
    if memory is None or redis is None or not (memory.usable and redis.usable):
        return start + "not measured"
    extra = (1 / redis.rate - 1 / memory.rate) * 1000
    server = (redis.per_sign_in(redis.server_cpu) - memory.per_sign_in(memory.server_cpu)) * 1000
    return (
        f"{start}1/rate(b) - 1/rate(a) = {extra:.2f} ms "
        f"(CPU: server {server:+.2f} ms, redis-server +{redis.per_sign_in(redis.redis_cpu) * 1000:.2f} ms)"
    )
