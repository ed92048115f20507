"""Synthetic review files shared by the safety tests, written once per test session."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from bench.synthetic import SyntheticReviews, distinct_films, invented_films, write_reviews
from bot.core.titles import title_key

REVIEW_COUNT = 10_000
# A stored review's source file -> its (heading, body) sections and linked "title key|year".
StoredRows = dict[str, tuple[tuple[tuple[str | None, str], ...], tuple[str, ...]]]
SEED = 20_240_7


@pytest.fixture(scope="session")
def ten_thousand_reviews(tmp_path_factory: pytest.TempPathFactory) -> SyntheticReviews:
    """10,000 review files of about 150 words, each linking to 3-8 of 20,000 films."""
    films = distinct_films(invented_films(2 * REVIEW_COUNT, random.Random(SEED)))
    folder = tmp_path_factory.mktemp("reviews") / "all"
    return write_reviews(folder, films[:REVIEW_COUNT], films, seed=SEED + 1)


def copy_files(paths: Sequence[Path], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for path in paths:
        shutil.copyfile(path, folder / path.name)
    return folder


def filmbot(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """`python -m bot ...` as a child process, without the bundled reviews or a `.env`."""
    env = {**os.environ, "FILMBOT_LOAD_BUNDLED": "false", "PYTHONUNBUFFERED": "1"}
    env.pop("FILMBOT_DB", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_filmbot(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    child = filmbot(*args, cwd=cwd)
    out, err = child.communicate(timeout=timeout)
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def stored_reviews(
    db_path: Path,
) -> dict[str, tuple[tuple[tuple[str | None, str], ...], tuple[str, ...]]]:
    """Each stored review's source file -> its sections and linked film keys, read with plain SQL."""
    with sqlite3.connect(db_path) as conn:
        sections: dict[int, list[tuple[str | None, str]]] = {}
        for review_id, heading, body in conn.execute(
            "SELECT review_id, heading, body FROM review_sections ORDER BY review_id, position"
        ):
            sections.setdefault(review_id, []).append((heading, body))
        links: dict[int, list[str]] = {}
        for review_id, title, year in conn.execute(
            "SELECT k.review_id, f.title, f.year FROM keep_exploring k "
            "JOIN films f ON f.id = k.film_id ORDER BY k.review_id, k.position"
        ):
            links.setdefault(review_id, []).append(f"{title_key(title)}|{year}")
        return {
            source: (tuple(sections.get(review_id, [])), tuple(links.get(review_id, [])))
            for review_id, source in conn.execute("SELECT id, source FROM reviews")
        }


def expected_rows(reviews: SyntheticReviews, paths: Sequence[Path], folder: Path) -> StoredRows:
    """What stored_reviews must say for these files once loaded from `folder`."""
    return {
        str(folder / path.name): (
            tuple((s.heading, s.text) for s in reviews.reviews[path].sections),
            tuple(f"{title_key(r.title)}|{r.year}" for r in reviews.reviews[path].keep_exploring),
        )
        for path in paths
    }
