"""The table ``python -m bench`` prints, with each target and whether this run met it."""

from __future__ import annotations

from .memory import Sample
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
        f"  < {READY_TARGET * 1000:.0f} ms: {verdict(r.median < READY_TARGET)}"
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
