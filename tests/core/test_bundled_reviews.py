"""The reviews we ship: they parse, and their summaries keep the reviewer's verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.prepare import prepare_review
from bot.core.review_format import parse_review_file
from bot.core.summary import split_sentences
from tests.conftest import DATA_DIR

REVIEWS = sorted((DATA_DIR / "reviews").glob("*.txt"))
# The sentence that gives each review's verdict, found by a phrase unique to it.
VERDICT_PHRASES = {
    "the-host-2013.txt": "is a misfire, but an honest",
}


def verdict_sentence(path: Path) -> str:
    sentences = split_sentences(parse_review_file(path).body_text())
    phrase = VERDICT_PHRASES.get(path.name, "verdict")
    found = [s for s in sentences if phrase in s.lower() or phrase in s]
    assert len(found) == 1, f"{path.name}: expected one verdict sentence, found {found}"
    return found[0]


def test_there_are_enough_bundled_reviews() -> None:
    assert len(REVIEWS) >= 12


@pytest.mark.parametrize("path", REVIEWS, ids=lambda p: p.name)
def test_summary_keeps_the_verdict_and_the_limits(path: Path) -> None:
    prepared = prepare_review(parse_review_file(path), source=str(path))
    summary = prepared.summary
    assert 250 <= len(summary) <= 600
    assert 2 <= len(split_sentences(summary)) <= 4
    assert verdict_sentence(path) in summary


def test_keep_exploring_lists_link_the_bundled_reviews_together() -> None:
    reviews = [parse_review_file(p) for p in REVIEWS]
    reviewed = {r.ref for r in reviews}
    linked_to_reviewed = sum(1 for r in reviews for ref in r.keep_exploring if ref in reviewed)
    assert linked_to_reviewed >= len(reviews)
    titles = [r.title for r in reviews]
    assert titles.count("The Host") == 2
