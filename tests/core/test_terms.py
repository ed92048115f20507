"""review_terms' fast path (runs split on ASCII text, a per-run table read with map())
gives exactly what the plain definition gives: every token matched, keyed and counted."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import terms
from bot.core.terms import REVIEW_VOCABULARY, content_words, review_terms

ROOT = Path(__file__).resolve().parents[2]
REAL_REVIEWS = sorted((ROOT / "data" / "reviews").glob("*.txt"))


def plain_review_terms(text: str, limit: int = 40) -> dict[str, float]:
    """review_terms written the simple way: one pass over every match of the token pattern."""
    counts: Counter[str] = Counter()
    written_lower: set[str] = set()
    capitalised: list[tuple[list[str], int]] = []
    for match in terms._TOKEN.finditer(text):
        token = match.group()
        keys = [key for key in content_words(token) if key not in REVIEW_VOCABULARY]
        counts.update(keys)
        if token[0].islower():
            written_lower.update(keys)
        else:
            capitalised.append((keys, match.start()))
    names: set[str] = set()
    for keys, start in capitalised:
        if not terms._SENTENCE_BOUNDARY.search(text, max(0, start - 8), start):
            names.update(keys)
    for name in names - written_lower:
        del counts[name]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    if not ranked:
        return {}
    top = ranked[0][1]
    return {term: round(count / top, 4) for term, count in ranked}


WORDS = [
    "Kathy", "kathy", "Tommy", "story", "stories", "Stories", "don't", "Don't", "café",
    "Café", "naïve", "Ærø", "straße", "İstanbul", "1990s", "9Lives", "_under_score",
    "'tis", "it’s", "foo_bar", "Hailsham", "hailsham", "boxes", "Boxes", "abc9", "x", "9lives", "_memory", "2Tommy",
    "memory", "Memory", "memories", "the", "The", "film", "Film", "O'Brien", "o'brien",
]  # fmt: skip
SEPARATORS = [" ", "  ", "\n", "\n\n", ". ", "! ", "? ", "… ", ": ", "; ", ', "', " (", " — "]
words_and_gaps = st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS))
texts = st.lists(words_and_gaps, max_size=80).map(lambda parts: "".join(map("".join, parts)))
odd_texts = st.text(alphabet="aAbBzZé É9_'’ .\n&-\"ßİ", max_size=120)


@settings(max_examples=400, deadline=None)
@given(st.one_of(texts, odd_texts), st.integers(min_value=1, max_value=50))
def test_review_terms_agrees_with_the_plain_definition(text: str, limit: int) -> None:
    assert review_terms(text, limit) == plain_review_terms(text, limit)


@pytest.mark.parametrize("path", REAL_REVIEWS, ids=lambda path: path.name)
def test_bundled_reviews_give_the_plain_terms(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert review_terms(text) == plain_review_terms(text)


def test_a_full_table_starts_again_without_changing_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(terms._TokenTable, "MAX_RUNS", 5)
    monkeypatch.setattr(terms, "_TOKEN_TABLE", terms._TokenTable())
    text = "Kathy remembers Hailsham. Stories of kathy and the boxes, boxes, boxes."
    for _ in range(3):
        assert review_terms(text) == plain_review_terms(text)
        assert len(terms._TOKEN_TABLE) <= 5 + len(text.split())


def test_a_name_mid_sentence_is_left_out_and_a_lowered_one_kept() -> None:
    text = "Memories of Hailsham stay. Hailsham is a school. The memory of Kathy and kathy."
    result = review_terms(text)
    assert "hailsham" not in result
    assert "kathy" in result
    assert result["memory"] == 1.0
