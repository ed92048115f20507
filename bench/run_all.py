"""Every benchmark, one after the other in its own process, summed up in one table.

find.py and similar.py print their own tables; the rows that say the most are taken from
them. ingest.py and startup.py give their rows as JSON. A benchmark that fails, or whose
table cannot be read, gets a row saying so; its own output is printed below the table.

    .venv/bin/python -m bench            (or: python -m bench.run_all)
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.report import Result, from_json, table

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# Rows of find.py's table worth a line here, by how their label starts, with the targets
# bench/README.md gives them: (target text, the number must be at least / at most this).
_FIND_ROWS: dict[str, tuple[str, float, float] | None] = {
    "top-1 overall": (">= 97%", 97.0, float("inf")),
    "p50 per query": None,
    "p99 per query (all runs)": ("<= 5 ms", 0.0, 5.0),
    "autocomplete p99": ("< 5 ms", 0.0, 4.999),
    "index build": ("<= 2 s", 0.0, 2.0),
    "index memory (RSS": ("<= 100 MB", 0.0, 100.0),
}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SIMILAR_ROW = re.compile(
    r"^(?P<measure>\S.*?)\s+(?P<runs>\d+)\s+(?P<p50>[\d.]+)\s+(?P<p99>[\d.]+)\s+"
    r"(?P<max>[\d.]+)\s+(?P<target>.+?)\s+(?P<verdict>ok|MISSED)$"
)


@dataclass(frozen=True, slots=True)
class Bench:
    name: str
    command: list[str]
    read: Callable[[str], list[Result]]


def read_find(output: str) -> list[Result]:
    results = []
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3:
            continue
        label, ours, baseline = cells
        start = next((s for s in _FIND_ROWS if label.startswith(s)), None)
        if start is None:
            continue
        goal = _FIND_ROWS[start]
        number = _NUMBER.search(ours)
        if goal is None or number is None:
            results.append(Result("find", label, ours, baseline))
        else:
            met = goal[1] <= float(number.group()) <= goal[2]
            results.append(Result("find", label, ours, baseline, goal[0], met))
    return results


def read_similar(output: str) -> list[Result]:
    results = []
    for line in output.splitlines():
        row = _SIMILAR_ROW.match(line.strip())
        if row:
            results.append(
                Result(
                    "similar",
                    row["measure"],
                    f"p50 {row['p50']} ms, p99 {row['p99']} ms",
                    target=row["target"],
                    met=row["verdict"] == "ok",
                )
            )
    return results


def read_json(output: str) -> list[Result]:
    return from_json(output.strip().splitlines()[-1])


BENCHES = (
    Bench("find", [sys.executable, "-m", "bench.find", "--rounds", "3"], read_find),
    Bench("similar", [sys.executable, str(BENCH / "similar.py")], read_similar),
    Bench("ingest", [sys.executable, "-m", "bench.ingest", "--json"], read_json),
    Bench("startup", [sys.executable, "-m", "bench.startup", "--json"], read_json),
)


def run(bench: Bench) -> tuple[list[Result], str, float]:
    started = time.perf_counter()
    done = subprocess.run(bench.command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    try:
        results = bench.read(done.stdout) if done.returncode == 0 else []
    except (ValueError, KeyError, IndexError):
        results = []
    if not results:
        why = f"exit code {done.returncode}" if done.returncode else "table not understood"
        results = [Result(bench.name, f"did not run: {why} (output below)", "-", met=False)]
        return results, output, seconds
    return results, "", seconds


def main() -> None:
    results: list[Result] = []
    problems: list[str] = []
    timings = []
    for bench in BENCHES:
        print(f"running {bench.name}...", file=sys.stderr, flush=True)
        rows, problem, seconds = run(bench)
        results.extend(rows)
        timings.append(f"{bench.name} {seconds:.0f} s")
        if problem:
            problems.append(f"--- {bench.name} ---\n{problem}")
    print(table(results))
    print(f"\nRun times: {', '.join(timings)}.")
    for problem in problems:
        print(problem)


if __name__ == "__main__":
    main()
