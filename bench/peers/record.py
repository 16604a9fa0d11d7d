"""``python -m bench --peers --record``: the run's table written into bench/README.md, between two markers, in place
of the last recorded run, so re-recording after a change is one command."""

from __future__ import annotations

from pathlib import Path

from .processes import ROOT

README = ROOT / "bench" / "README.md"
START = "<!-- peers-run:start (python -m bench --peers --record rewrites this part) -->"
END = "<!-- peers-run:end -->"


class NoMarkers(RuntimeError):
    """The README has lost its markers: nothing is written rather than the wrong part replaced."""


def record(heading: str, lines: list[str], readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    before, start, rest = text.partition(START)
    _recorded, end, after = rest.partition(END)
    if not start or not end:
        raise NoMarkers(f"{readme} has no {START} ... {END} block")
    block = "\n".join([heading, "", "```", *(line.rstrip() for line in lines), "```"])
    readme.write_text(f"{before}{START}\n{block}\n{END}{after}", encoding="utf-8")
