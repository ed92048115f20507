"""Films like a given film, each with the reasons it was suggested.

Evidence, strongest first:
1. the film's own Keep Exploring list: curated, so always first and in the author's order;
2. reverse links: reviews whose Keep Exploring list names the film;
3. co-occurrence: films named in the same Keep Exploring lists as the film;
4. text similarity: TF-IDF cosine between the stored distinctive terms of two reviews, so
   reviews about the same subject find each other even when nobody linked them.
Signals 2-4 add up to a score below every curated score. Ties go to reviewed films, then
by title, then by id, so the order never depends on dict or set order.

Any film in the catalogue can be asked about: one with no links and no review gets an
empty list; an id the catalogue does not know raises NotFoundError.

IDF is log((N + 1) / df). Each review keeps three sums over its terms (sum of w², w²·ln df
and w²·(ln df)²), so its norm for any N is sqrt(L²·A - 2L·B + C) with L = ln(N + 1): adding
a review changes N without touching every other review, and only reviews sharing a term
whose df changed are recomputed. A query scores only its strongest terms and reads at most
the first few hundred entries of each term's posting list (sorted by weight).
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.core.errors import NotFoundError
from bot.core.model import Film
from bot.core.titles import display_title

__all__ = ["Recommender", "Suggestion"]

MAX_REASONS = 3
MAX_REASON_CHARS = 100
_TITLE_CHARS = 40

# Curated suggestions score in (CURATED_FLOOR, 2 * CURATED_FLOOR]; the rest stay below.
_CURATED_FLOOR = 10.0
_EVIDENCE_CAP = _CURATED_FLOOR - 0.01
_REVERSE_WEIGHT = 3.0
_REVERSE_POSITION_WEIGHT = 1.0
_COOCCURRENCE_WEIGHT = 1.2
_TEXT_WEIGHT = 5.0
_MIN_TEXT_SIMILARITY = 0.08
# Query terms scored, and posting entries read per term: the speed/recall trade-off.
_QUERY_TERMS = 12
_POSTINGS_SCANNED = 250
_TEXT_MARGIN = 20
_REASON_TERMS = 3


@dataclass(frozen=True, slots=True)
class Suggestion:
    film: Film
    score: float
    reasons: tuple[str, ...]


@dataclass(slots=True)
class _Evidence:
    curated_position: int | None = None
    curated_list_length: int = 0
    reverse_position: int | None = None
    reverse_list_length: int = 0
    cooccurrences: int = 0
    shared_list: int | None = None
    text: float = 0.0

    def score(self) -> float:
        if self.curated_position is not None:
            share = self.curated_position / max(self.curated_list_length, 1)
            return 2 * _CURATED_FLOOR - _CURATED_FLOOR * share
        total = 0.0
        if self.reverse_position is not None:
            share = self.reverse_position / max(self.reverse_list_length, 1)
            total += _REVERSE_WEIGHT + _REVERSE_POSITION_WEIGHT * (1 - share)
        if self.cooccurrences:
            total += _COOCCURRENCE_WEIGHT * math.log2(1 + self.cooccurrences)
        total += _TEXT_WEIGHT * self.text
        return min(total, _EVIDENCE_CAP)


@dataclass(slots=True)
class _NormSums:
    """Σw², Σw²·ln df, Σw²·(ln df)² over one review's terms."""

    squares: float
    weighted_log: float
    weighted_log_squared: float


class Recommender:
    """Similar films for any film of the catalogue, kept up to date review by review."""

    def __init__(
        self,
        films: Iterable[Film],
        keep_exploring: Mapping[int, Sequence[int]],
        review_terms: Mapping[int, Mapping[str, float]],
    ) -> None:
        self._films: dict[int, Film] = {film.id: film for film in films}
        self._lists: dict[int, tuple[int, ...]] = {}
        # film id -> {id of a reviewed film whose list names it: position in that list}
        self._named_in: dict[int, dict[int, int]] = {}
        self._terms: dict[int, dict[str, float]] = {}
        self._df: dict[str, int] = {}
        # term -> [(-weight, film id)] kept sorted: strongest first, ties by id.
        self._postings: dict[str, list[tuple[float, int]]] = {}
        self._sums: dict[int, _NormSums] = {}

        for film_id, linked in keep_exploring.items():
            self._set_list(film_id, linked)
        for film_id, terms in review_terms.items():
            cleaned = _clean_terms(terms)
            if not cleaned:
                continue
            self._terms[film_id] = cleaned
            for term, weight in cleaned.items():
                self._df[term] = self._df.get(term, 0) + 1
                self._postings.setdefault(term, []).append((-weight, film_id))
        for posting in self._postings.values():
            posting.sort()
        for film_id in self._terms:
            self._sums[film_id] = self._norm_sums(film_id)

    # --- queries ---------------------------------------------------------------------

    def similar(self, film_id: int, count: int = 10) -> list[Suggestion]:
        """Up to `count` films like this one, best first, each with at most three reasons."""
        film = self._films.get(film_id)
        if film is None:
            raise NotFoundError(f"No film with id {film_id} in the catalogue.")
        if count <= 0:
            return []
        evidence: dict[int, _Evidence] = {}

        def entry(other: int) -> _Evidence:
            found = evidence.get(other)
            if found is None:
                found = evidence[other] = _Evidence()
            return found

        curated = self._lists.get(film_id, ())
        for position, other in enumerate(curated):
            item = entry(other)
            item.curated_position, item.curated_list_length = position, len(curated)
        for reviewer, position in sorted(self._named_in.get(film_id, {}).items()):
            item = entry(reviewer)
            item.reverse_position = position
            item.reverse_list_length = len(self._lists[reviewer])
            for other in self._lists[reviewer]:
                if other != film_id:
                    shared = entry(other)
                    shared.cooccurrences += 1
                    if shared.shared_list is None:
                        shared.shared_list = reviewer
        text_scores = self._text_scores(film_id)
        for other, similarity in text_scores.items():
            if other in evidence:
                evidence[other].text = similarity
        best_text = heapq.nlargest(
            count + _TEXT_MARGIN,
            (item for item in text_scores.items() if item[0] not in evidence),
            key=lambda item: (item[1], -item[0]),
        )
        for other, similarity in best_text:
            entry(other).text = similarity
        candidates = [
            (round(item.score(), 9), other, item)
            for other, item in evidence.items()
            if other != film_id and other in self._films
        ]
        candidates.sort(key=lambda c: (-c[0], not self._is_reviewed(c[1]), *self._order(c[1])))
        return [
            Suggestion(self._films[other], score, self._reasons(film_id, other, item))
            for score, other, item in candidates[:count]
        ]

    # --- changes ---------------------------------------------------------------------

    def upsert_film(self, film: Film) -> None:
        """Add a film to the catalogue or replace its title, year, aliases or reviewed flag."""
        self._films[film.id] = film

    def update_review(
        self, film: Film, keep_exploring: Sequence[int], terms: Mapping[str, float]
    ) -> None:
        """Add or replace one review's links and terms, as if rebuilt with it."""
        self._films[film.id] = film
        self._drop_list(film.id)
        self._set_list(film.id, keep_exploring)
        self._replace_terms(film.id, _clean_terms(terms))

    def remove_review(self, film_id: int) -> None:
        """Forget a review's links and terms; the film stays in the catalogue, unreviewed."""
        film = self._films.get(film_id)
        if film is None:
            raise NotFoundError(f"No film with id {film_id} in the catalogue.")
        self._films[film_id] = replace(film, reviewed=False)
        self._drop_list(film_id)
        self._replace_terms(film_id, {})

    # --- links -----------------------------------------------------------------------

    def _set_list(self, film_id: int, linked: Sequence[int]) -> None:
        ordered = tuple(dict.fromkeys(other for other in linked if other != film_id))
        if not ordered:
            return
        self._lists[film_id] = ordered
        for position, other in enumerate(ordered):
            self._named_in.setdefault(other, {})[film_id] = position

    def _drop_list(self, film_id: int) -> None:
        for other in self._lists.pop(film_id, ()):
            naming = self._named_in[other]
            del naming[film_id]
            if not naming:
                del self._named_in[other]

    # --- text similarity -------------------------------------------------------------

    def _replace_terms(self, film_id: int, terms: dict[str, float]) -> None:
        old = self._terms.pop(film_id, {})
        self._sums.pop(film_id, None)
        changed_df: set[str] = set()
        for term, weight in old.items():
            posting = self._postings[term]
            del posting[bisect.bisect_left(posting, (-weight, film_id))]
            if term not in terms:
                changed_df.add(term)
                self._df[term] -= 1
                if not posting:
                    del self._postings[term], self._df[term]
        for term, weight in terms.items():
            bisect.insort(self._postings.setdefault(term, []), (-weight, film_id))
            if term not in old:
                changed_df.add(term)
                self._df[term] = self._df.get(term, 0) + 1
        if terms:
            self._terms[film_id] = terms
        stale = {other for term in changed_df for _, other in self._postings.get(term, ())}
        stale.discard(film_id)
        for other in stale:
            self._sums[other] = self._norm_sums(other)
        if terms:
            self._sums[film_id] = self._norm_sums(film_id)

    def _norm_sums(self, film_id: int) -> _NormSums:
        squares = weighted_log = weighted_log_squared = 0.0
        terms = self._terms[film_id]
        for term in sorted(terms):
            square = terms[term] * terms[term]
            log_df = math.log(self._df[term])
            squares += square
            weighted_log += square * log_df
            weighted_log_squared += square * log_df * log_df
        return _NormSums(squares, weighted_log, weighted_log_squared)

    def _norm(self, film_id: int, log_n: float) -> float:
        sums = self._sums[film_id]
        value = (
            log_n * log_n * sums.squares - 2 * log_n * sums.weighted_log + sums.weighted_log_squared
        )
        return math.sqrt(max(value, 1e-12))

    def _text_scores(self, film_id: int) -> dict[int, float]:
        terms = self._terms.get(film_id)
        if not terms:
            return {}
        log_n = math.log(len(self._terms) + 1)
        weighted = sorted(
            (
                (-(weight * (log_n - math.log(self._df[term]))), term)
                for term, weight in terms.items()
                if self._df[term] > 1
            ),
        )[:_QUERY_TERMS]
        dots: dict[int, float] = {}
        for query_weight, term in weighted:
            idf = log_n - math.log(self._df[term])
            factor = -query_weight * idf
            for negative_weight, other in self._postings[term][:_POSTINGS_SCANNED]:
                dots[other] = dots.get(other, 0.0) - negative_weight * factor
        dots.pop(film_id, None)
        query_norm = self._norm(film_id, log_n)
        scores: dict[int, float] = {}
        for other, dot in dots.items():
            similarity = dot / (query_norm * self._norm(other, log_n))
            if similarity >= _MIN_TEXT_SIMILARITY:
                scores[other] = similarity
        return scores

    def _shared_terms(self, film_id: int, other: int) -> list[str]:
        mine, theirs = self._terms.get(film_id, {}), self._terms.get(other, {})
        log_n = math.log(len(self._terms) + 1)
        shared = (
            (-(mine[t] * theirs[t] * (log_n - math.log(self._df[t])) ** 2), t)
            for t in mine.keys() & theirs.keys()
        )
        return [term for _, term in sorted(shared)[:_REASON_TERMS]]

    # --- presentation ----------------------------------------------------------------

    def _is_reviewed(self, film_id: int) -> bool:
        return self._films[film_id].reviewed or film_id in self._lists or film_id in self._terms

    def _order(self, film_id: int) -> tuple[str, int]:
        return display_title(self._films[film_id].title).casefold(), film_id

    def _title(self, film_id: int) -> str:
        film = self._films.get(film_id)
        title = display_title(film.title) if film else f"film {film_id}"
        return title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1].rstrip() + "…"

    def _reasons(self, film_id: int, other: int, item: _Evidence) -> tuple[str, ...]:
        reasons: list[str] = []
        if item.curated_position is not None:
            reasons.append(f"in the Keep Exploring list of {self._title(film_id)}")
        if item.reverse_position is not None:
            reasons.append(f"its review recommends {self._title(film_id)}")
        if item.cooccurrences > 1:
            reasons.append(
                f"often recommended alongside {self._title(film_id)} ({item.cooccurrences} lists)"
            )
        elif item.cooccurrences == 1 and item.shared_list is not None:
            reasons.append(
                f"recommended alongside {self._title(film_id)} by {self._title(item.shared_list)}"
            )
        if item.text:
            terms = self._shared_terms(film_id, other)
            if terms:
                listed = (
                    terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
                )
                reasons.append(f"also about {listed}")
        return tuple(_shorten(reason) for reason in reasons[:MAX_REASONS])


def _clean_terms(terms: Mapping[str, float]) -> dict[str, float]:
    return {term: float(weight) for term, weight in terms.items() if term and weight > 0}


def _shorten(reason: str) -> str:
    if len(reason) <= MAX_REASON_CHARS:
        return reason
    return reason[: MAX_REASON_CHARS - 1].rstrip() + "…"
