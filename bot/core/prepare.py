"""Everything computed from a review once, when it is loaded, so replies never recompute it."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from dataclasses import dataclass

from bot.core.model import FilmRef, ParsedReview, pickled_as_arguments, reading_minutes
from bot.core.summary import summarise
from bot.core.terms import review_terms
from bot.core.titles import title_key

_WORD = re.compile(r"\w+(?:['’]\w+)*")
# _WORD for ASCII text, where \w is exactly these characters: the narrower class is faster.
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]+(?:'[A-Za-z0-9_]+)*")


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class PreparedReview:
    """A parsed review with its summary, distinctive terms, word count and content hash."""

    parsed: ParsedReview
    summary: str
    summary_authored: bool
    word_count: int
    content_hash: str
    source: str | None
    # The distinctive terms as JSON, encoded where the review is prepared: a big load
    # prepares reviews in worker processes, and encoding them all was a fifth of the work
    # left to the process that stores them.
    terms_json: str = "{}"

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


def content_hash(review: ParsedReview) -> str:
    """A hash of what the review says, not where it came from: reloading it changes nothing."""
    canonical = review.to_json() | {
        "director": review.director,
        "aliases": list(review.aliases),
        "summary": review.summary,
    }
    encoded = json.dumps(canonical, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def count_words(text: str) -> int:
    return len((_ASCII_WORD if text.isascii() else _WORD).findall(text))


# Keep Exploring lists name the same films again and again across a load's reviews.
_link_key = functools.lru_cache(maxsize=1 << 16)(title_key)


def distinct_links(review: ParsedReview) -> tuple[FilmRef, ...]:
    """Keep Exploring without repeats and without the film itself, as the catalogue stores it.

    Done before hashing, so a file that repeats a link hashes like its exported copy.
    """
    own = (title_key(review.title), review.year)
    seen = {own}
    kept: list[FilmRef] = []
    for ref in review.keep_exploring:
        key = (_link_key(ref.title), ref.year)
        if key not in seen:
            seen.add(key)
            kept.append(ref)
    return tuple(kept)


def prepare_review(review: ParsedReview, source: str | None = None) -> PreparedReview:
    links = distinct_links(review)
    if links != review.keep_exploring:
        review = dataclasses.replace(review, keep_exploring=links)
    body = review.body_text()
    if review.summary:
        summary, authored = review.summary, True
    else:
        summary = summarise(review.sections, title=review.title, tagline=review.tagline)
        authored = False
    return PreparedReview(
        parsed=review,
        summary=summary,
        summary_authored=authored,
        word_count=count_words(body),
        content_hash=content_hash(review),
        source=source,
        terms_json=json.dumps(review_terms(body), ensure_ascii=False),
    )
