"""`filmbot load` killed with SIGKILL at random moments never leaves a half-loaded catalogue.

A real `python -m bot load` child process loads 10,000 review files into a real SQLite file
that already holds 2,000 of them; it is killed while reading the first files, as soon as it
starts writing, and at random moments while it writes some files and reads the next. After
each kill the file must pass `PRAGMA integrity_check` and hold either the 2,000 reviews it
had or all 10,000, each of them with every section and Keep Exploring link its file has. A
last, uninterrupted load then completes the catalogue.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from bench.synthetic import SyntheticReviews
from tests.safety.conftest import (
    StoredRows,
    copy_files,
    expected_rows,
    filmbot,
    run_filmbot,
    stored_reviews,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc"),
]

ALREADY_LOADED = 2_000
KILL_TIMEOUT = 60.0


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (the load's file-reading workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent pid is the second field after the parenthesised command name.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wal_bytes(db_path: Path) -> int:
    wal = db_path.with_name(db_path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def _kill_load(folder: Path, db_path: Path, moment: str, delay: float) -> str:
    """Start a load, SIGKILL it `delay` seconds after it starts `moment` ("reading" or
    "writing"); returns what it was doing when killed."""
    child = filmbot("--db", str(db_path), "load", str(folder), cwd=db_path.parent)
    started = time.monotonic()
    writing_since: float | None = None
    while child.poll() is None and time.monotonic() - started < KILL_TIMEOUT:
        now = time.monotonic()
        # The database is closed between runs, so its WAL grows only once the load writes.
        if writing_since is None and _wal_bytes(db_path) > 0:
            writing_since = now
        since = started if moment == "reading" else writing_since
        if since is not None and now - since >= delay:
            break
        time.sleep(0.002)
    workers = _children(child.pid)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, "the load ended before it could be killed"
    # Workers reading files stop once they find their parent gone; none may be left behind.
    deadline = time.monotonic() + 15
    while workers and time.monotonic() < deadline:
        workers = [pid for pid in workers if _alive(pid)]
        time.sleep(0.05)
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    child.communicate(timeout=30)
    assert not workers, f"workers {workers} outlived their killed parent"
    return "writing" if writing_since is not None else "reading"


def _restore(snapshot: Path, db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(snapshot, db_path)


def _check_whole(db_path: Path, allowed: Mapping[int, StoredRows]) -> int:
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        reviews = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM review_search").fetchone()[0]
        audited = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert reviews in allowed, f"{reviews} reviews: a load was cut in half"
    assert indexed == audited == reviews
    assert stored_reviews(db_path) == allowed[reviews]
    return int(reviews)


def test_a_killed_load_leaves_all_or_nothing(
    ten_thousand_reviews: SyntheticReviews, tmp_path: Path
) -> None:
    reviews = ten_thousand_reviews
    first = copy_files(reviews.paths[:ALREADY_LOADED], tmp_path / "first")
    everything = reviews.directory
    db_path = tmp_path / "catalogue.db"

    loaded = run_filmbot("--db", str(db_path), "load", str(first), cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    before = expected_rows(reviews, reviews.paths[:ALREADY_LOADED], first)
    after = before | expected_rows(reviews, reviews.paths[ALREADY_LOADED:], everything)
    allowed = {ALREADY_LOADED: before, len(reviews.paths): after}
    assert _check_whole(db_path, allowed) == ALREADY_LOADED

    snapshot = tmp_path / "after-first-load.db"
    shutil.copyfile(db_path, snapshot)
    rng = random.Random(os.environ.get("FILMBOT_CRASH_SEED", "7"))
    # Writing starts once the first chunk of files is read, then overlaps the reading of
    # the rest: kill before it, as it starts, and twice while both go on.
    kills = [
        ("reading", rng.uniform(0.05, 0.25)),
        ("writing", rng.uniform(0.0, 0.05)),
        ("writing", rng.uniform(0.2, 1.0)),
        ("writing", rng.uniform(0.5, 1.2)),
    ]
    outcomes = []
    for moment, delay in kills:
        doing = _kill_load(everything, db_path, moment, delay)
        stored = _check_whole(db_path, allowed)
        # A kill that lands after the commit finds everything stored: also all-or-nothing.
        outcomes.append((doing, "nothing new" if stored == ALREADY_LOADED else "all"))
        _restore(snapshot, db_path)
    assert ("reading", "nothing new") in outcomes, outcomes
    assert ("writing", "nothing new") in outcomes, outcomes

    final = run_filmbot("--db", str(db_path), "load", str(everything), cwd=tmp_path)
    assert final.returncode == 0, final.stderr
    assert f"{len(reviews.paths) - ALREADY_LOADED} reviews added" in final.stdout
    assert _check_whole(db_path, allowed) == len(reviews.paths)
