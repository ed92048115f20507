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

Text similarity is the cosine of two reviews' term-weight vectors in which each shared
term's product is scaled by idf / idf_max, idf = ln((N + 1) / df), idf_max = ln(N + 1):
a rare shared term counts almost fully, one every review uses hardly at all, and the
result stays in [0, 1]. Unlike a plain TF-IDF cosine, a review's norm does not depend on
df, so adding or editing a review touches only its own posting entries and gives exactly
what a rebuild gives. A query scores only its strongest terms and reads at most the first
few hundred entries of each term's posting list (sorted by weight, on first use); for a
film named in very many lists, only the couple of hundred naming it most prominently
are read for reverse links and co-occurrence.
"""

from __future__ import annotations

import bisect
import heapq
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.core.collector import collector_paused
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
_MIN_TEXT_SIMILARITY = 0.05
# Query terms scored, and posting entries read per term: the speed/recall trade-off.
_QUERY_TERMS = 12
_POSTINGS_SCANNED = 250
# Lists read for reverse links and co-occurrence of a film that very many lists name.
_LISTS_SCANNED = 200
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


class Recommender:
    """Similar films for any film of the catalogue, kept up to date review by review."""

    def __init__(
        self,
        films: Iterable[Film],
        keep_exploring: Mapping[int, Sequence[int]],
        review_terms: Mapping[int, Mapping[str, float]],
    ) -> None:
        """A plain dict in review_terms is kept as it is, not copied: do not change it after."""
        self._films: dict[int, Film] = {film.id: film for film in films}
        self._lists: dict[int, tuple[int, ...]] = {}
        # film id -> {id of a reviewed film whose list names it: position in that list}
        self._named_in: dict[int, dict[int, int]] = {}
        self._terms: dict[int, dict[str, float]] = {}
        # term -> ids of the reviews using it, strongest weight first, ties by id; its length
        # is the term's df. Plain ids: a tuple per entry made the build several times slower.
        self._postings: dict[str, list[int]] = {}
        # Posting lists not sorted yet: sorting waits until a query or an edit reads one,
        # which keeps the cold build short.
        self._unsorted: set[str] = set()
        self._norms: dict[int, float] = {}
        self._title_keys: dict[int, str] = {}

        with collector_paused:
            for film_id, linked in keep_exploring.items():
                self._set_list(film_id, linked)
            self._load_terms(review_terms)

    def _load_terms(self, review_terms: Mapping[int, Mapping[str, float]]) -> None:
        """_replace_terms for every review at once, into an empty recommender: postings
        stay in review order until read (see _unsorted)."""
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for film_id, terms in review_terms.items():
            cleaned = _kept_terms(terms)
            if not cleaned:
                continue
            self._terms[film_id] = cleaned
            self._norms[film_id] = _norm(cleaned)
            for term in cleaned:
                postings[term].append(film_id)
        self._postings = dict(postings)
        self._unsorted = set(self._postings)

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
        for reviewer, position in self._naming_lists(film_id):
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
        self._title_keys.pop(film.id, None)

    def update_review(
        self, film: Film, keep_exploring: Sequence[int], terms: Mapping[str, float]
    ) -> None:
        """Add or replace one review's links and terms, as if rebuilt with it."""
        self.upsert_film(film)
        self._drop_list(film.id)
        self._set_list(film.id, keep_exploring)
        self._replace_terms(film.id, _clean_terms(terms))

    def remove_review(self, film_id: int) -> None:
        """Forget a review's links and terms; the film stays in the catalogue, unreviewed.

        Removing what is not there does nothing, so a retried removal is harmless.
        """
        film = self._films.get(film_id)
        if film is not None:
            self._films[film_id] = replace(film, reviewed=False)
        self._drop_list(film_id)
        self._replace_terms(film_id, {})

    def remove_film(self, film_id: int) -> None:
        """Take a film out of the catalogue with its review: it is never suggested again.

        Lists that still name it keep the id, so adding the film back restores those links,
        just as a rebuild from the same lists would.
        """
        self.remove_review(film_id)
        self._films.pop(film_id, None)
        self._title_keys.pop(film_id, None)

    # --- links -----------------------------------------------------------------------

    def _set_list(self, film_id: int, linked: Sequence[int]) -> None:
        unique = dict.fromkeys(linked)
        unique.pop(film_id, None)
        if not unique:
            return
        ordered = self._lists[film_id] = tuple(unique)
        named_in = self._named_in
        for position, other in enumerate(ordered):
            naming = named_in.get(other)
            if naming is None:
                named_in[other] = {film_id: position}
            else:
                naming[film_id] = position

    def _drop_list(self, film_id: int) -> None:
        for other in self._lists.pop(film_id, ()):
            naming = self._named_in[other]
            del naming[film_id]
            if not naming:
                del self._named_in[other]

    def _naming_lists(self, film_id: int) -> list[tuple[int, int]]:
        """(reviewer, position) for the lists naming the film: by reviewer id, or for a film
        named in very many lists, the ones naming it most prominently."""
        naming = self._named_in.get(film_id, {})
        if len(naming) <= _LISTS_SCANNED:
            return sorted(naming.items())
        lists = self._lists
        prominent = heapq.nsmallest(
            _LISTS_SCANNED,
            naming.items(),
            key=lambda pair: (pair[1] / len(lists[pair[0]]), pair[0]),
        )
        return sorted(prominent)

    # --- text similarity -------------------------------------------------------------

    def _posting(self, term: str) -> list[int]:
        posting = self._postings[term]
        if term in self._unsorted:
            posting.sort(key=self._posting_order(term))
            self._unsorted.discard(term)
        return posting

    def _posting_order(self, term: str) -> Callable[[int], tuple[float, int]]:
        terms_of = self._terms
        return lambda film_id: (-terms_of[film_id][term], film_id)

    def _replace_terms(self, film_id: int, terms: dict[str, float]) -> None:
        for term in self._terms.get(film_id, {}):
            posting = self._posting(term)
            order = self._posting_order(term)
            del posting[bisect.bisect_left(posting, order(film_id), key=order)]
            if not posting:
                del self._postings[term]
                self._unsorted.discard(term)
        self._terms.pop(film_id, None)
        self._norms.pop(film_id, None)
        if not terms:
            return
        self._terms[film_id] = terms
        self._norms[film_id] = _norm(terms)
        for term in terms:
            if term in self._postings:
                bisect.insort(self._posting(term), film_id, key=self._posting_order(term))
            else:
                self._postings[term] = [film_id]

    def _rarity(self, term: str, log_n: float) -> float:
        """idf / idf_max: near 1 for a term few reviews use, near 0 for one all use."""
        return 1.0 - math.log(len(self._postings[term])) / log_n

    def _text_scores(self, film_id: int) -> dict[int, float]:
        terms = self._terms.get(film_id)
        if not terms:
            return {}
        log_n = math.log(len(self._terms) + 1)
        strongest = sorted(
            (-(weight * self._rarity(term, log_n)), term)
            for term, weight in terms.items()
            if len(self._postings[term]) > 1
        )[:_QUERY_TERMS]
        dots: dict[int, float] = {}
        terms_of = self._terms
        for negative_factor, term in strongest:
            factor = -negative_factor
            for other in self._posting(term)[:_POSTINGS_SCANNED]:
                dots[other] = dots.get(other, 0.0) + terms_of[other][term] * factor
        dots.pop(film_id, None)
        query_norm = self._norms[film_id]
        norms = self._norms
        scores: dict[int, float] = {}
        for other, dot in dots.items():
            similarity = dot / (query_norm * norms[other])
            if similarity >= _MIN_TEXT_SIMILARITY:
                scores[other] = similarity
        return scores

    def _shared_terms(self, film_id: int, other: int) -> list[str]:
        mine, theirs = self._terms.get(film_id, {}), self._terms.get(other, {})
        log_n = math.log(len(self._terms) + 1)
        shared = (
            (-(mine[t] * theirs[t] * self._rarity(t, log_n)), t)
            for t in mine.keys() & theirs.keys()
        )
        return [term for _, term in sorted(shared)[:_REASON_TERMS]]

    # --- presentation ----------------------------------------------------------------

    def _is_reviewed(self, film_id: int) -> bool:
        return self._films[film_id].reviewed or film_id in self._lists or film_id in self._terms

    def _order(self, film_id: int) -> tuple[str, int]:
        key = self._title_keys.get(film_id)
        if key is None:
            key = self._title_keys[film_id] = display_title(self._films[film_id].title).casefold()
        return key, film_id

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


def _kept_terms(terms: Mapping[str, float]) -> dict[str, float]:
    """A review's terms as the constructor keeps them: the caller's own dict when it needs
    no cleaning. Copying every review's dict at start cost about 8 MB of peak memory and a
    sixth of the build; the service reads the terms for this and drops them."""
    if type(terms) is dict and (not terms or min(terms.values()) > 0):
        return terms
    return _clean_terms(terms)


def _clean_terms(terms: Mapping[str, float]) -> dict[str, float]:
    cleaned = dict(terms)
    if cleaned and min(cleaned.values()) <= 0:
        return {term: weight for term, weight in cleaned.items() if weight > 0}
    return cleaned


def _norm(terms: Mapping[str, float]) -> float:
    # fsum is exact whatever the order, so an edit and a rebuild agree to the last bit.
    # map(mul) squares in C: the build takes a norm of every review.
    weights = terms.values()
    return math.sqrt(math.fsum(map(operator.mul, weights, weights)))


def _shorten(reason: str) -> str:
    if len(reason) <= MAX_REASON_CHARS:
        return reason
    return reason[: MAX_REASON_CHARS - 1].rstrip() + "…"
