"""The load's fast paths give exactly what the plain versions they replaced gave.

Each fast path (pruned summary search, fold by translate table, reading files in worker
processes, one statement per table for a whole batch) is checked against a plain reference
written here the simple way.
"""

from __future__ import annotations

import itertools
import os
import pickle
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import ReviewWriter, invented_films, write_reviews
from bot.core import loading, summary
from bot.core.model import FilmRef, ParsedReview, Section
from bot.core.prepare import count_words, prepare_review
from bot.core.review_format import parse_review_file
from bot.core.titles import fold
from bot.storage.database import Database, ReviewVersion

ROOT = Path(__file__).resolve().parents[2]
REAL_REVIEWS = sorted((ROOT / "data" / "reviews").glob("*.txt"))


# --- summary: pruned combination search against trying every combination ---------------


def _plain_value(combo: tuple[Any, ...]) -> float:
    value: float = sum(s.score - summary._SENTENCE_COST for s in combo)
    if any(s.identity for s in combo):
        value += summary._COVERAGE_BONUS
    if any(s.verdict for s in combo):
        value += summary._COVERAGE_BONUS
    for a, b in itertools.combinations(combo, 2):
        smaller = min(len(a.words), len(b.words)) or 1
        value -= summary._REDUNDANCY_PENALTY * max(0.0, len(a.words & b.words) / smaller - 0.3)
    return value


def _plain_best_combination(
    pool: list[Any],
    min_chars: int,
    max_chars: int,
    fewest: int,
    most: int,
    *,
    longest: bool = False,
) -> list[Any]:
    best: list[Any] = []
    best_key: tuple[float, ...] = ()
    for size in range(fewest, most + 1):
        for combo in itertools.combinations(pool, size):
            length = sum(len(s.text) for s in combo) + size - 1
            if not min_chars <= length <= max_chars:
                continue
            value = _plain_value(combo)
            key = (float(length), value) if longest else (value, -float(length))
            if not best or key > best_key:
                best, best_key = list(combo), key
    return best


def _sentence_pools() -> st.SearchStrategy[list[Any]]:
    # Few distinct scores and lengths, so ties (decided by combination order) are common.
    sentence = st.tuples(
        st.sampled_from([-1.0, 0.0, 0.5, 1.25, 2.0, 2.5]),
        st.integers(20, 260),
        st.frozensets(st.sampled_from("abcdefghij"), max_size=6),
        st.booleans(),
        st.booleans(),
    )
    return st.lists(sentence, min_size=0, max_size=12).map(
        lambda rows: sorted(
            (
                summary._Sentence(i, "x" * n, score, words, identity, verdict)
                for i, (score, n, words, identity, verdict) in enumerate(rows)
            ),
            key=lambda s: (-s.score, s.index),
        )
    )


@settings(max_examples=300, deadline=None)
@given(pool=_sentence_pools(), limits=st.sampled_from([(250, 600), (0, 600), (100, 300)]))
def test_pruned_search_picks_what_trying_every_combination_picks(
    pool: list[Any], limits: tuple[int, int]
) -> None:
    for longest in (False, True):
        fast = summary._best_combination(pool, *limits, 1, 4, longest=longest)
        plain = _plain_best_combination(pool, *limits, 1, 4, longest=longest)
        assert [s.index for s in fast] == [s.index for s in plain]


def _reviews_to_summarise() -> list[ParsedReview]:
    reviews = [parse_review_file(path) for path in REAL_REVIEWS]
    # Shorter cuts of the real reviews exercise the fallbacks (fewer, longer sentences).
    reviews += [
        ParsedReview(r.title, r.year, r.tagline, r.sections[:cut], ())
        for r in list(reviews)
        for cut in range(1, len(r.sections))
    ]
    writer = ReviewWriter(random.Random(11))
    reviews += [
        writer.review(film, [], words)
        for film, words in zip(
            invented_films(120, random.Random(12)), itertools.cycle([40, 90, 150, 300, 700])
        )
    ]
    return reviews


@pytest.mark.parametrize("limits", [(250, 600), (120, 300), (400, 900)])
def test_summaries_are_the_ones_the_plain_search_gives(
    limits: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    reviews = _reviews_to_summarise()
    low, high = limits

    def summaries() -> list[str]:
        return [
            summary.summarise(
                r.sections, title=r.title, tagline=r.tagline, min_chars=low, max_chars=high
            )
            for r in reviews
        ]

    fast = summaries()
    monkeypatch.setattr(summary, "_best_combination", _plain_best_combination)
    assert fast == summaries()


# --- fold: translate table against a loop over the characters ----------------------------


def _plain_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("\u00a0", " "))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("&", " and ")
    text = text.replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^\w\s]+", " ", text).replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_fold_is_the_character_loop(text: str) -> None:
    assert fold(text) == _plain_fold(text)


def test_fold_of_accented_titles() -> None:
    for text in ("Amélie", "Les Misérables", "Ångström & Ørsted", "Ｆｕｌｌ", "İstanbul", "naïve"):
        assert fold(text) == _plain_fold(text)
    assert fold("Amélie") == "amelie"


# --- reading files in worker processes against reading them here --------------------------


def test_files_read_in_worker_processes_come_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    films = invented_films(200, random.Random(3))
    written = write_reviews(tmp_path / "in", films[:120], films, seed=4)
    (tmp_path / "in" / "broken.txt").write_text("Keep Exploring\n", encoding="utf-8")
    (tmp_path / "in" / "list.csv").write_text("title,year\nMoon,2009\n", encoding="utf-8")
    (tmp_path / "in" / "bad-list.csv").write_text("title,year\nMoon,20x9\n", encoding="utf-8")
    (tmp_path / "in" / "zz-again.txt").write_bytes(written.paths[0].read_bytes())
    monkeypatch.setattr(loading, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(loading, "_FILES_PER_TASK", 16)
    seen: list[int] = []
    parallel = loading.read_batch([tmp_path / "in"], lambda done, _: seen.append(done), processes=2)
    serial = loading.read_batch([tmp_path / "in"], processes=1)
    assert seen == list(range(1, parallel.files + 1))
    assert parallel.reviews == serial.reviews
    assert [r.parsed for r in parallel.reviews] == [written.reviews[p] for p in written.paths]
    assert parallel.films == serial.films == [FilmRef("Moon", 2009)]

    def described(errors: list[Any]) -> list[tuple[Any, ...]]:
        return [(type(e), e.source, e.line, e.problem) for e in errors]

    assert described(parallel.errors) == described(serial.errors)
    assert len(parallel.errors) == 3
    assert "also reviewed in" in str(parallel.errors[-1])


def test_a_prepared_review_pickles_to_an_equal_one_with_every_field_set() -> None:
    # Worker processes send reviews back pickled as constructor arguments (model.py).
    parsed = ParsedReview(
        title="Moon",
        year=2009,
        tagline="Alone on the far side.",
        sections=(Section(None, "Sam is alone."), Section("Verdict", "Quietly great.")),
        keep_exploring=(FilmRef("Solaris", 1972), FilmRef("Silent Running", None)),
        director="Duncan Jones",
        aliases=("Moon (film)",),
        summary="A man alone on the Moon.",
    )
    prepared = prepare_review(parsed, source="moon.txt")
    copy = pickle.loads(pickle.dumps(prepared))
    assert copy == prepared
    assert copy.parsed.aliases == ("Moon (film)",) and copy.terms_json == prepared.terms_json
    assert type(copy.parsed.keep_exploring[1]) is FilmRef


# --- counting words of ASCII text with a narrower pattern -------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_word_counts_are_the_general_patterns(text: str) -> None:
    assert count_words(text) == len(re.findall(r"\w+(?:['’]\w+)*", text))


# --- collecting files with os.scandir against Path.rglob ---------------------------------


def _plain_collect(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in loading.REVIEW_SUFFIXES | loading.FILM_LIST_SUFFIXES
        and p.stem.lower() not in loading.DOCUMENT_STEMS
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def test_collected_files_are_the_ones_rglob_finds_in_its_order(tmp_path: Path) -> None:
    root = tmp_path / "in"
    names = [
        "a/b.txt", "a-c.txt", "a.txt", "A.TXT", "z.Md", "list.CSV", "notes.rtf", "x..txt",
        "a.", ".hidden.txt", ".git/config.txt", "deep/.cache/x.md", "deep/er/y.markdown",
        "README.md", "sub/LICENSE.txt", "sub/readme.en.md", "sub/Changelog.md", "txt",
        "sub/space name.txt", "ünï/çode.txt",
    ]  # fmt: skip
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    (root / "folder.txt").mkdir()
    (root / "linked.txt").symlink_to(root / "a.txt")
    (root / "broken.txt").symlink_to(root / "missing.txt")
    (root / "linked-dir").symlink_to(root / "deep")
    collected = loading.collect_files([root])
    assert collected == _plain_collect(root)
    assert root / "linked.txt" in collected and root / "deep" / "er" / "y.markdown" in collected
    assert root / "sub" / "readme.en.md" in collected and root / "README.md" not in collected


# --- a batch in one go against its reviews saved one at a time -----------------------------


def _review(title: str, year: int, tagline: str, links: list[FilmRef]) -> Any:
    parsed = ParsedReview(
        title=title,
        year=year,
        tagline=tagline,
        sections=(Section(None, f"{title} is a quiet film."), Section("Cast", "Good cast.")),
        keep_exploring=tuple(links),
        aliases=(f"{title} Alias",) if year % 2 else (),
    )
    return prepare_review(parsed, source=f"{title}.txt")


async def _catalogue(db: Database) -> dict[str, Any]:
    reviews = await db.all_reviews()
    return {
        "films": sorted((f.title, f.year, f.reviewed, f.aliases) for f in await db.all_films()),
        "reviews": sorted(
            (
                r.film.label(),
                r.tagline,
                r.version,
                r.summary,
                r.sections,
                tuple(f.label() for f in r.keep_exploring),
                r.content_hash,
            )
            for r in reviews
        ),
        "search": sorted(h.film.label() for h in await db.search("quiet", 50)),
        "audit": sorted((e.action, e.film_label) for e in await db.audit_entries(100)),
    }


async def test_a_batch_saves_what_its_reviews_saved_one_by_one_save(tmp_path: Path) -> None:
    moon, her = FilmRef("Moon", 2009), FilmRef("Her", 2013)
    first = [_review("Moon", 2009, "One.", [her]), _review("Gattaca", 1997, "Two.", [moon])]
    second = [
        _review("Moon", 2009, "One.", [her]),  # unchanged
        _review("Gattaca", 1997, "Changed.", [moon, her]),  # updated
        _review("Her", 2013, "Three.", []),  # added, was only linked
        _review("Solaris", 1972, "Four.", [moon]),
        _review("Solaris", 1972, "Four again.", [her]),  # the same film twice in one batch
    ]
    states = []
    for one_by_one in (False, True):
        async with await Database.open(tmp_path / f"{one_by_one}.db") as db:
            for batch in (first, second):
                if one_by_one:
                    for review in batch:
                        await db.save_reviews([review], "tester")
                else:
                    report = await db.save_reviews(batch, "tester")
            gattaca = next(f for f in await db.all_films() if f.title == "Gattaca")
            await db.save_reviews(
                [_review("Gattaca", 1997, "Edited.", [])],
                "mod",
                edit_of=ReviewVersion(gattaca.id, 2),
            )
            states.append(await _catalogue(db))
            assert await db.integrity_check() == "ok"
    assert [o.action for o in report.outcomes] == [
        "unchanged",
        "updated",
        "added",
        "added",
        "updated",
    ]
    assert states[0] == states[1]


# --- the same file gives the same summary in every process --------------------------------


def test_a_summary_does_not_depend_on_the_string_hash_seed() -> None:
    """Processes reading one load's files must agree: a float sum over a set did not.

    The file is a synthetic review (bench/synthetic.py) whose two best summaries tie up to
    float rounding; summing in set order picked one or the other by PYTHONHASHSEED.
    """
    script = (
        "import sys; from pathlib import Path; "
        "from bot.core.review_format import parse_review_file; "
        "from bot.core.summary import summarise; "
        "r = parse_review_file(Path(sys.argv[1])); "
        "print(summarise(r.sections, title=r.title, tagline=r.tagline))"
    )
    summaries = {
        subprocess.run(
            [sys.executable, "-c", script, str(Path(__file__).parent / "data" / "summary-tie.txt")],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3, 6)
    }
    assert len(summaries) == 1, summaries


@settings(max_examples=2000)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=200))
def test_fold_of_ascii_text_is_the_general_fold(text: str) -> None:
    # fold() answers ASCII text with one translate; the general path must agree.
    assert fold(text) == _plain_fold(text)
