"""Synthetic review files in the review site's format, for benchmarks and crash tests.

Each file is what render_review writes for a generated ParsedReview: title, `Year:` line,
quoted tagline, an intro paragraph, headed sections and a Keep Exploring list of "-" / title /
year triples. The ParsedReview is kept, so a test knows exactly what every file must load as.
The words are invented (syllables) mixed with common English, so summaries and distinctive
terms have real work to do; nothing is taken from any real review.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.model import FilmRef, ParsedReview, Section
from bot.core.review_format import render_review
from bot.core.titles import title_key

REVIEW_WORDS = 150
LINKS_PER_REVIEW = (3, 8)
_SYLLABLES = ("ka", "lo", "mir", "den", "sa", "tor", "vel", "ri", "on", "bra", "li", "gem", "nu")
_COMMON = (
    "the", "film", "is", "a", "of", "and", "to", "in", "that", "it", "with", "as", "for",
    "its", "but", "on", "this", "not", "by", "at", "from", "his", "her", "story", "camera",
    "light", "music", "scene", "actor", "night", "city", "house", "quiet", "slow", "memory",
    "love", "fear", "years", "ending", "score", "voice", "face", "world", "long", "small",
    "strange", "cold", "warm",
)  # fmt: skip
_TOPICS = 40
_WORDS_PER_TOPIC = 30


@dataclass(frozen=True, slots=True)
class SyntheticReviews:
    """Review files on disk and what each one says."""

    directory: Path
    paths: list[Path]
    reviews: dict[Path, ParsedReview]


def _invented_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def invented_films(count: int, rng: random.Random) -> list[FilmRef]:
    """`count` distinct made-up films: two or three capitalised invented words and a year."""
    films: dict[tuple[str, int], FilmRef] = {}
    while len(films) < count:
        words = [_invented_word(rng).capitalize() for _ in range(rng.randint(2, 3))]
        ref = FilmRef(" ".join(words), rng.randint(1925, 2020))
        films.setdefault((title_key(ref.title), ref.year or 0), ref)
    return list(films.values())


def distinct_films(refs: Sequence[FilmRef]) -> list[FilmRef]:
    """One ref per film as the catalogue keys them (title key and year), first spelling kept."""
    seen: dict[tuple[str, int], FilmRef] = {}
    for ref in refs:
        seen.setdefault((title_key(ref.title), ref.year or 0), ref)
    return list(seen.values())


class ReviewWriter:
    """Invented review text: a topic vocabulary per review, common words and filler."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.topics = [
            [_invented_word(rng) for _ in range(_WORDS_PER_TOPIC)] for _ in range(_TOPICS)
        ]
        self.filler = [_invented_word(rng) for _ in range(800)]

    def sentence(self, topic: list[str], words: int) -> str:
        rng = self.rng
        picked = []
        for _ in range(words):
            roll = rng.random()
            pool = topic if roll < 0.3 else _COMMON if roll < 0.75 else self.filler
            picked.append(rng.choice(pool))
        return " ".join(picked).capitalize() + "."

    def paragraph(self, topic: list[str], words: int) -> str:
        sentences = []
        while words > 0:
            length = min(words, self.rng.randint(8, 16))
            sentences.append(self.sentence(topic, length))
            words -= length
        return " ".join(sentences)

    def heading(self, topic: list[str]) -> str:
        return " ".join(self.rng.choice(topic).capitalize() for _ in range(self.rng.randint(2, 4)))

    def review(self, ref: FilmRef, links: Sequence[FilmRef], words: int) -> ParsedReview:
        topic = self.rng.choice(self.topics)
        intro = words // 3
        per_section = (words - intro) // 2
        sections = [Section(None, self.paragraph(topic, intro))]
        for _ in range(2):
            halves = (per_section // 2, per_section - per_section // 2)
            body = "\n\n".join(self.paragraph(topic, n) for n in halves)
            sections.append(Section(self.heading(topic), body))
        tagline = self.sentence(topic, self.rng.randint(5, 9))
        return ParsedReview(
            title=ref.title,
            year=ref.year,
            tagline=tagline,
            sections=tuple(sections),
            keep_exploring=tuple(links),
        )


def write_reviews(
    directory: Path,
    reviewed: Sequence[FilmRef],
    linkable: Sequence[FilmRef],
    *,
    seed: int,
    words: int = REVIEW_WORDS,
    links: tuple[int, int] = LINKS_PER_REVIEW,
) -> SyntheticReviews:
    """One file per reviewed film, linking to films drawn from `linkable` (never itself).

    Films must be distinct by title key and year (see distinct_films): two files naming one
    film would make the load refuse the batch.
    """
    rng = random.Random(seed)
    writer = ReviewWriter(rng)
    directory.mkdir(parents=True, exist_ok=True)
    width = len(str(len(reviewed)))
    paths: list[Path] = []
    reviews: dict[Path, ParsedReview] = {}
    for number, ref in enumerate(reviewed):
        own_key = (title_key(ref.title), ref.year)
        chosen = [
            other
            for other in rng.sample(linkable, min(len(linkable), links[1] + 1))
            if (title_key(other.title), other.year) != own_key
        ][: rng.randint(*links)]
        review = writer.review(ref, chosen, words)
        path = directory / f"review-{number:0{width}d}.txt"
        path.write_text(render_review(review), encoding="utf-8")
        paths.append(path)
        reviews[path] = review
    return SyntheticReviews(directory, paths, reviews)
