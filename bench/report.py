"""One result row of a benchmark, and the table they are printed in."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Result:
    benchmark: str
    measure: str
    ours: str
    baseline: str = "-"
    target: str = "-"
    # None: the row has no target (information only).
    met: bool | None = None

    @property
    def verdict(self) -> str:
        return "-" if self.met is None else "yes" if self.met else "NO"


HEADERS = ("benchmark", "measure", "ours", "baseline", "target", "met?")


def table(results: Sequence[Result]) -> str:
    """A Markdown table, readable as it is in a terminal."""
    rows = [HEADERS] + [
        (r.benchmark, r.measure, r.ours, r.baseline, r.target, r.verdict) for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def to_json(results: Sequence[Result]) -> str:
    return json.dumps([asdict(r) for r in results])


def from_json(text: str) -> list[Result]:
    return [Result(**row) for row in json.loads(text)]
