"""The peer table as ``python -m bench --peers`` prints it.

Every figure is the server's own; ``mock-idx x`` is how many times better mock-idx did than that server on that row
(rate over rate for throughput; time over time and memory over memory, the other way round, for ready and RSS), so
1.0 or more means mock-idx did at least as well, on every line alike. Lines under 1.0 are marked ``UNDER`` and listed
again at the end.
"""

from __future__ import annotations

from .run import Cell, Figure, Row, Table
from .servers import MOCK_IDX

RULE = "-" * 108
TARGET = 1.0


def peers_table(table: Table) -> list[str]:
    header = (
        f"{'row':<24}{'n':>3}  {'server':<20}{'rate':>9}{'p50 ms':>9}{'p99 ms':>9}{'cpu ms':>8}{'JWTs':>6}"
        f"{'mock-idx x':>12}"
    )
    lines = [header, RULE]
    under: list[str] = []
    for row in table.rows:
        mine = _mock_idx_cell(row)
        for number, cell in enumerate(row.cells):
            start = f"{row.workload.name if number == 0 else '':<24}{row.clients if number == 0 else '':>3}  "
            lines.append(start + _cell(cell, mine, row, under))
    lines += ["", f"{'':<27}{'server':<20}{'median ms':>9}{'min ms':>9}{'max ms':>9}{'':>14}{'mock-idx x':>12}", RULE]
    lines += _figures("ready (start -> 200)", table.ready, under)
    lines += ["", f"{'':<27}{'server':<20}{'RSS MiB':>9}{'':>18}{'':>14}{'mock-idx x':>12}", RULE]
    lines += _figures("RSS after the run", table.memory, under)
    lines += ["", f"rows where mock-idx is under {TARGET:.1f}x a peer: {len(under) or 'none'}"]
    lines += [f"  UNDER {line}" for line in under]
    return lines + table.notes


def _mock_idx_cell(row: Row) -> Cell | None:
    for cell in row.cells:
        if cell.server is MOCK_IDX:
            return cell
    return None


def _cell(cell: Cell, mine: Cell | None, row: Row, under: list[str]) -> str:
    name = f"{cell.server.name:<20}"
    if cell.not_measured:
        return f"{name}not measured: {cell.not_measured}"
    if not cell.usable:
        return f"{name}FAILED: {cell.failure or 'no round finished'}"
    signatures = f"{cell.signatures:>6}" if cell.signatures is not None else f"{'':>6}"
    figures = (
        f"{cell.rate:>9.0f}{cell.percentile(0.5) * 1000:>9.2f}{cell.percentile(0.99) * 1000:>9.2f}"
        f"{cell.cpu_per_operation * 1000:>8.3f}{signatures}"
    )
    ratio = ""
    if cell.server is not MOCK_IDX:
        if mine is not None and mine.usable and cell.rate:
            times = mine.rate / cell.rate
            ratio = f"{times:>12.2f}"
            if times < TARGET:
                ratio += "  UNDER"
                under.append(f"{row.workload.name}, {row.clients}: {cell.server.name} {times:.2f}x")
        else:
            ratio = f"{'-':>12}"
    return f"{name}{figures}{ratio}"


def _figures(label: str, figures: list[Figure], under: list[str]) -> list[str]:
    mine = next((f for f in figures if f.server is MOCK_IDX), None)
    lines = []
    for number, figure in enumerate(figures):
        start = f"{label if number == 0 else '':<27}{figure.server.name:<20}"
        if figure.not_measured or not figure.values:
            lines.append(f"{start}not measured: {figure.not_measured or 'no value'}")
            continue
        spread = f"{min(figure.values):>9.0f}{max(figure.values):>9.0f}" if len(figure.values) > 1 else f"{'':>18}"
        ratio = ""
        if figure.server is not MOCK_IDX:
            if mine is not None and mine.values and mine.value:
                times = figure.value / mine.value
                ratio = f"{times:>12.2f}"
                if times < TARGET:
                    ratio += "  UNDER"
                    under.append(f"{label}: {figure.server.name} {times:.2f}x")
            else:
                ratio = f"{'-':>12}"
        lines.append(f"{start}{figure.value:>9.0f}{spread}{'':>14}{ratio}")
    return lines
