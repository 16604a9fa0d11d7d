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


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def steps_table(results: list[StepResult]) -> list[str]:
    lines = [f"{'step':<12}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ceiling':>9}{'ratio':>8}  target",
             "-" * 78]
    for result in results:
        if result.step == "bare":
            target = "(the ceiling: bare aiohttp JSON)"
        else:
            wanted = TOKEN_TARGET if result.step == "token" else STEP_TARGET
            target = f">= {wanted:.0%}: {verdict(result.ratio >= wanted)}"
        lines.append(f"{result.step:<12}{result.concurrency:>8}{result.rate:>9.0f}{result.p50 * 1000:>9.2f}"
                     f"{result.p99 * 1000:>9.2f}{result.ceiling:>9.0f}{result.ratio:>8.0%}  {target}")
    return lines


def sign_ins_table(results: list[SignInResult]) -> list[str]:
    lines = [f"{'sign-in':<34}{'users':>6}{'/s':>8}{'p50 ms':>9}{'p99 ms':>9}  target", "-" * 78]
    for result in results:
        measured = result.measured
        target = ""
        if result.users > 1:
            target = f">= {SIGN_INS_TARGET:.0f}/s: {verdict(measured.rate >= SIGN_INS_TARGET)}"
        lines.append(f"{KINDS[result.kind]:<34}{result.users:>6}{measured.rate:>8.0f}"
                     f"{measured.percentile(0.5) * 1000:>9.1f}{measured.percentile(0.99) * 1000:>9.1f}  {target}")
    return lines


def startup_table(results: list[Startup]) -> list[str]:
    lines = [f"{'ready':<42}{'median ms':>10}{'min ms':>8}{'max ms':>8}  target", "-" * 78]
    for result in results:
        target = f"< {READY_TARGET * 1000:.0f} ms: {verdict(result.median < READY_TARGET)}"
        lines.append(f"{result.label:<42}{result.median * 1000:>10.0f}{min(result.seconds) * 1000:>8.0f}"
                     f"{max(result.seconds) * 1000:>8.0f}  {target}")
    return lines


def memory_table(samples: list[Sample]) -> list[str]:
    baseline = samples[0].rss_kib
    lines = [f"{'memory':<32}{'live txns':>10}{'RSS MiB':>9}{'+ MiB':>8}{'per txn':>9}  target", "-" * 78]
    peak = max(samples, key=lambda s: s.transactions)
    growth = peak.rss_kib - baseline
    for sample in samples:
        extra = sample.rss_kib - baseline
        per = f"{extra * 1024 / sample.transactions / 1024:>7.1f}KB" if sample.transactions else f"{'':>9}"
        target = ""
        if sample.transactions:
            target = f"< 10 KB/txn: {verdict(extra * 1024 / sample.transactions < PER_TRANSACTION_TARGET)}"
        elif sample is not samples[0]:
            target = f"near baseline: {verdict(extra <= BASELINE_SLACK * growth)}"
        lines.append(f"{sample.label:<32}{sample.transactions:>10,}{sample.rss_kib / 1024:>9.1f}"
                     f"{extra / 1024:>8.1f}{per}  {target}")
    return lines
