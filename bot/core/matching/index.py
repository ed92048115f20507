"""FilmIndex: from what a person types to the one film meant, or an honest "which one?"."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.collector import collector_paused
from bot.core.matching.keys import (
    MAX_QUERY_CHARS,
    allowed_edits,
    canonical_key,
    compact_key,
    is_year,
    subtitle_keys,
    without_trailing_article,
)
from bot.core.matching.sentence import (
    MAX_SENTENCE_CHARS,
    folded_words,
    quoted_parts,
    strip_filler,
    word_ngrams,
)
from bot.core.model import Film
from bot.core.titles import title_key

MAX_SUGGESTIONS = 5
MAX_AUTOCOMPLETE = 25

# Confidence of each way a film can be found, best first. A closer spelling scores higher,
# so a caller can tell "you typed the title" from "you probably meant".
SCORE_EXACT = 100.0
SCORE_COMPACT = 98.0
SCORE_CANONICAL = 96.0
SCORE_SUBTITLE = 92.0
SCORE_PREFIX = 90.0
# A fuzzy match scores its similarity, but never as high as a spelling the index knows.
SCORE_FUZZY_CAP = 95.0
# Off by a year is a common slip (release vs festival year); further off casts doubt.
YEAR_SLACK = 1
PENALTY_NEAR_YEAR = 3.0
PENALTY_WRONG_YEAR = 20.0
# "Did you mean" keeps only somewhat similar titles: below this a suggestion is noise.
SUGGESTION_CUTOFF = 60.0
# A lone lowercase word in a sentence that happens to be a title: worth a "did you mean".
SCORE_HUNCH = 50.0
# Autocomplete shows near spellings only when fairly close: a list of noise helps nobody.
AUTOCOMPLETE_CUTOFF = 70.0
# A word this short alone in a sentence ("dr", "go") names a film only by accident.
MIN_LONE_WORD = 3
# A prefix shared by more titles than this tells nothing; stop collecting there.
PREFIX_SCAN_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a query means: one film, several sharing a title, or "did you mean" ideas."""

    query: str
    match: Film | None
    score: float
    candidates: tuple[Film, ...] = ()
    suggestions: tuple[Film, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.match is None and len(self.candidates) > 1


@dataclass(frozen=True, slots=True)
class _Found:
    """Films a key points at, before a year or a tie picks among them."""

    films: tuple[Film, ...]
    score: float
    year: int | None


def film_order(film: Film) -> tuple[bool, int, str, int]:
    """Reviewed first, then newest, then title: the order a "which one?" list is shown in."""
    return (not film.reviewed, -(film.year or 0), film.title.casefold(), film.id)


def _sorted_films(films: Iterable[Film]) -> tuple[Film, ...]:
    unique = {f.id: f for f in films}
    return tuple(sorted(unique.values(), key=film_order))


def _query_key(text: str) -> str:
    # "$" folds to nothing; keep such titles findable by their own characters.
    return title_key(text) or text.casefold().strip()


def _readings(key: str) -> list[tuple[str, int | None]]:
    """The ways to read a query: with each year-like word taken as a year, then as typed.

    "host 2006" reads as ("host", 2006) and ("host 2006", None); "1984" only as itself,
    since a year alone names no title.
    """
    words = key.split()
    readings: list[tuple[str, int | None]] = []
    for i in range(len(words) - 1, -1, -1):
        if is_year(words[i]) and len(words) > 1:
            rest = " ".join(words[:i] + words[i + 1 :])
            readings.append((rest, int(words[i])))
    readings.append((key, None))
    return readings


class _KeyTable:
    """Films by one kind of key, with the keys kept sorted for prefix search."""

    __slots__ = ("films", "sorted_keys")

    def __init__(self) -> None:
        self.films: dict[str, list[Film]] = {}
        self.sorted_keys: list[str] = []

    def add(self, key: str, film: Film) -> bool:
        """Add the film under the key, keeping the keys sorted; True when the key is new."""
        bucket = self.films.get(key)
        if bucket is None:
            self.films[key] = [film]
            bisect.insort(self.sorted_keys, key)
            return True
        bucket.append(film)
        return False

    def discard(self, key: str, film_id: int) -> bool:
        """Drop the film from the key; True when the key is left with no film."""
        bucket = self.films.get(key)
        if bucket is None:
            return False
        bucket[:] = [f for f in bucket if f.id != film_id]
        if bucket:
            return False
        del self.films[key]
        i = bisect.bisect_left(self.sorted_keys, key)
        if i < len(self.sorted_keys) and self.sorted_keys[i] == key:
            del self.sorted_keys[i]
        return True

    def resort(self) -> None:
        self.sorted_keys = sorted(self.films)

    def with_prefix(self, prefix: str, limit: int) -> Iterator[str]:
        keys = self.sorted_keys
        i = bisect.bisect_left(keys, prefix)
        end = min(len(keys), i + limit)
        while i < end and keys[i].startswith(prefix):
            yield keys[i]
            i += 1


class FilmIndex:
    """Every film the bot knows, searchable by title, alias, prefix, typo and sentence."""

    def __init__(self, films: Iterable[Film] = ()) -> None:
        self._films: dict[int, Film] = {}
        self._keys_of: dict[int, tuple[tuple[str, str, str], ...]] = {}
        self._subtitles_of: dict[int, tuple[str, ...]] = {}
        self._exact = _KeyTable()
        self._compact = _KeyTable()
        self._canonical = _KeyTable()
        self._reviewed = _KeyTable()
        # "The Empire Strikes Back" is how people name "Star Wars: Episode V - The Empire...".
        self._subtitles = _KeyTable()
        self._reviewed_films: dict[int, Film] = {}
        # Canonical keys by length: a typo changes length by at most the edits allowed,
        # so fuzzy search only reads the few lengths near the query's.
        self._by_length: dict[int, list[str]] = {}
        with collector_paused:
            self._load(films)
            for table in (
                self._exact,
                self._compact,
                self._canonical,
                self._reviewed,
                self._subtitles,
            ):
                table.resort()
            for key in self._canonical.sorted_keys:
                self._by_length.setdefault(len(key), []).append(key)

    # ----- changes -----------------------------------------------------------------

    def upsert(self, film: Film) -> None:
        """Add the film, or replace the one with its id (a moderator's edit)."""
        self._remove_keys(film.id)
        self._add(film)

    def remove(self, film_id: int) -> None:
        self._remove_keys(film_id)

    def _load(self, films: Iterable[Film]) -> None:
        """What upsert does for each film, in bulk: keys go into the tables unsorted, for
        the constructor to sort once. Startup and every reload build the whole index, so
        this loop touches the dicts directly rather than through _KeyTable.add."""
        exact, compact_films = self._exact.films, self._compact.films
        canonical_films, reviewed = self._canonical.films, self._reviewed.films
        subtitle_films = self._subtitles.films
        for film in films:
            if film.id in self._films:
                self._remove_keys(film.id)  # the later film of an id wins, as with upsert
            keys, subtitles = self._record(film)
            for subtitle in subtitles:
                subtitle_films.setdefault(subtitle, []).append(film)
            for key, compact, canonical in keys:
                exact.setdefault(key, []).append(film)
                compact_films.setdefault(compact, []).append(film)
                canonical_films.setdefault(canonical, []).append(film)
                if film.reviewed:
                    reviewed.setdefault(key, []).append(film)

    def _add(self, film: Film) -> None:
        keys, subtitles = self._record(film)
        for subtitle in subtitles:
            self._subtitles.add(subtitle, film)
        for key, compact, canonical in keys:
            self._exact.add(key, film)
            self._compact.add(compact, film)
            if self._canonical.add(canonical, film):
                self._by_length.setdefault(len(canonical), []).append(canonical)
            if film.reviewed:
                self._reviewed.add(key, film)

    def _record(self, film: Film) -> tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]:
        """Note the film and its keys, (key, compact, canonical) per distinct name and the
        subtitle keys that are not also a name's key; the caller files it under them."""
        self._films[film.id] = film
        if film.reviewed:
            self._reviewed_films[film.id] = film
        names = (film.title, *film.aliases) if film.aliases else (film.title,)
        keys: dict[str, tuple[str, str, str]] = {}
        for name in names:
            key = _query_key(name[:MAX_QUERY_CHARS])
            if key and key not in keys:
                keys[key] = (key, compact_key(key), canonical_key(key))
        film_keys = self._keys_of[film.id] = tuple(keys.values())
        subtitles: tuple[str, ...] = ()
        found = [sub for name in names for sub in subtitle_keys(name)]
        if found:  # most titles have no subtitle: no sets to build for them
            subtitles = tuple(set(found) - keys.keys())
        self._subtitles_of[film.id] = subtitles
        return film_keys, subtitles

    def _remove_keys(self, film_id: int) -> None:
        if self._films.pop(film_id, None) is None:
            return
        self._reviewed_films.pop(film_id, None)
        for subtitle in self._subtitles_of.pop(film_id, ()):
            self._subtitles.discard(subtitle, film_id)
        for key, compact, canonical in self._keys_of.pop(film_id, ()):
            self._exact.discard(key, film_id)
            self._compact.discard(compact, film_id)
            self._reviewed.discard(key, film_id)
            if self._canonical.discard(canonical, film_id):
                # While the constructor is still loading, the length lists are not built yet.
                same_length = self._by_length.get(len(canonical), [])
                if canonical in same_length:
                    same_length.remove(canonical)

    # ----- reading -----------------------------------------------------------------

    def get(self, film_id: int) -> Film | None:
        return self._films.get(film_id)

    def __len__(self) -> int:
        return len(self._films)

    def reviewed(self) -> list[Film]:
        """Every reviewed film, alphabetical by title (article ignored), then newest."""
        return sorted(
            self._reviewed_films.values(),
            key=lambda f: (_query_key(f.title), film_order(f)),
        )

    # ----- resolving a typed name --------------------------------------------------

    def resolve(self, query: str) -> Resolution:
        """The film a typed name means: exact, then a known respelling, prefix, or typo."""
        key = _query_key(query[:MAX_QUERY_CHARS])
        if not key:
            return Resolution(query, None, 0.0)
        readings = _readings(key)
        found = self._find_exact(readings)
        prefix_ideas: tuple[Film, ...] = ()
        if found is None:
            found, prefix_ideas = self._find_prefix(readings)
        if found is None:
            found, subtitle_ideas = self._find_subtitle(readings)
            prefix_ideas += subtitle_ideas
        similar: list[tuple[float, str]] = []
        if found is None:
            found, similar = self._find_fuzzy(readings)
        if found is not None:
            return _resolution(query, found)
        return self._no_match(query, prefix_ideas, similar)

    def _lookup(self, key: str) -> tuple[list[Film], float] | None:
        """The films one key names, by the closest spelling that knows it."""
        for variant, slip in ((key, 0.0), (without_trailing_article(key), 1.0)):
            if not variant:
                continue
            films = self._exact.films.get(variant)
            if films:
                return films, SCORE_EXACT - slip
            films = self._compact.films.get(compact_key(variant))
            if films:
                return films, SCORE_COMPACT - slip
            films = self._canonical.films.get(canonical_key(variant))
            if films:
                return films, SCORE_CANONICAL - slip
        return None

    def _find_exact(self, readings: list[tuple[str, int | None]]) -> _Found | None:
        """A year that fits beats the query read whole; a year that fits no film comes last
        ("the host 1999" still finds The Hosts, and asks which)."""
        unfitting: _Found | None = None
        for key, year in readings:
            hit = self._lookup(key)
            if hit is None:
                continue
            films, score = hit
            if year is None or _fits_year(films, year):
                return _Found(tuple(films), score, year)
            unfitting = unfitting or _Found(tuple(films), score, year)
        return unfitting

    def _find_prefix(
        self, readings: list[tuple[str, int | None]]
    ) -> tuple[_Found | None, tuple[Film, ...]]:
        """The one title that starts with the query's words ("dr strangelove")."""
        ideas: list[Film] = []
        for key, year in readings:
            for table, prefix in (
                (self._exact, key + " "),
                (self._canonical, canonical_key(key) + " "),
            ):
                keys = list(table.with_prefix(prefix, PREFIX_SCAN_LIMIT))
                if not keys:
                    continue
                groups = [table.films[k] for k in keys]
                chosen = _pick_group(groups, year)
                if chosen is not None:
                    return _Found(tuple(chosen), SCORE_PREFIX, year), ()
                ideas.extend(f for group in groups for f in group)
        return None, _sorted_films(ideas)[:MAX_SUGGESTIONS]

    def _find_subtitle(
        self, readings: list[tuple[str, int | None]]
    ) -> tuple[_Found | None, tuple[Film, ...]]:
        """The one title whose subtitle the query is ("the two towers")."""
        ideas: list[Film] = []
        for key, year in readings:
            films = self._subtitles.films.get(key)
            if not films:
                continue
            by_title: dict[str, list[Film]] = {}
            for film in films:
                by_title.setdefault(self._keys_of[film.id][0][0], []).append(film)
            chosen = _pick_group(list(by_title.values()), year)
            if chosen is not None:
                return _Found(tuple(chosen), SCORE_SUBTITLE, year), ()
            ideas.extend(films)
        return None, _sorted_films(ideas)[:MAX_SUGGESTIONS]

    def _near_keys(self, key: str) -> list[tuple[str, float, int]]:
        """Canonical keys of similar length that look like the key: (key, similarity 0..100,
        typing slips). One pass serves both the typo match and "did you mean"."""
        edits = allowed_edits(len(key))
        width = max(edits, 1)
        near: list[tuple[str, float, int]] = []
        for size in range(max(1, len(key) - width), len(key) + width + 1):
            bucket = self._by_length.get(size)
            if not bucket:
                continue
            for choice, similarity, _ in process.extract(
                key, bucket, scorer=fuzz.ratio, score_cutoff=SUGGESTION_CUTOFF, limit=None
            ):
                # OSA counts a swap of two letters as one slip, as people make them.
                slips = OSA.distance(key, choice, score_cutoff=edits + 1)
                near.append((choice, similarity, slips))
        return near

    def _similar_keys(self, key: str, limit: int) -> list[str]:
        """The most similar canonical keys of about the same length, best first.

        For autocomplete, which runs on every key press: a finished title with a slip has
        about the length of the title meant, so one length either side is enough.
        """
        width = 1
        scored: list[tuple[float, str]] = []
        for size in range(max(1, len(key) - width), len(key) + width + 1):
            bucket = self._by_length.get(size)
            if bucket:
                scored.extend(
                    (similarity, choice)
                    for choice, similarity, _ in process.extract(
                        key,
                        bucket,
                        scorer=fuzz.ratio,
                        score_cutoff=AUTOCOMPLETE_CUTOFF,
                        limit=limit,
                    )
                )
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [choice for _, choice in scored[:limit]]

    def _find_fuzzy(
        self, readings: list[tuple[str, int | None]]
    ) -> tuple[_Found | None, list[tuple[float, str]]]:
        """The one title a slip or two away, and the similar titles seen on the way.

        A tie that neither year, review nor closeness settles is no match: a wrong film
        is worse than a "did you mean".
        """
        best: list[tuple[tuple[float, ...], str, int | None, float]] = []
        similar: list[tuple[float, str]] = []
        for key, year in readings:
            canonical = canonical_key(key)
            edits = allowed_edits(len(canonical))
            for choice, similarity, slips in self._near_keys(canonical):
                similar.append((similarity, choice))
                # "rocky 6" is not a slip for "rocky 5": numbers must agree exactly.
                if slips > edits or _digits(choice) != _digits(canonical):
                    continue
                films = self._canonical.films[choice]
                rank = (
                    -slips,
                    1.0 if year is not None and _fits_year(films, year) else 0.0,
                    similarity,
                    1.0 if choice[:1] == canonical[:1] else 0.0,
                    1.0 if any(f.reviewed for f in films) else 0.0,
                )
                longest = max(len(choice), len(canonical), 1)
                best.append((rank, choice, year, 100.0 * (1.0 - slips / longest)))
            if year is not None and any(rank[1] for rank, _, _, _ in best):
                break  # "casablanka 1942" found Casablanca of 1942: no need to read on.
        if not best:
            return None, similar
        best.sort(key=lambda item: item[0], reverse=True)
        top_rank, choice, year, score = best[0]
        if len({c for rank, c, _, _ in best if rank == top_rank}) > 1:
            return None, similar
        films = self._canonical.films[choice]
        return _Found(tuple(films), min(SCORE_FUZZY_CAP, score), year), similar

    def _no_match(
        self, query: str, ideas: tuple[Film, ...], similar: list[tuple[float, str]]
    ) -> Resolution:
        scored: list[tuple[float, Film]] = [(SCORE_PREFIX - 10.0, f) for f in ideas]
        for similarity, choice in sorted(similar, reverse=True)[: MAX_SUGGESTIONS * 2]:
            scored.extend((similarity, f) for f in self._canonical.films[choice])
        scored.sort(key=lambda item: (-item[0], film_order(item[1])))
        suggestions: dict[int, Film] = {}
        for _, film in scored:
            suggestions.setdefault(film.id, film)
            if len(suggestions) == MAX_SUGGESTIONS:
                break
        best = scored[0][0] if scored else 0.0
        return Resolution(query, None, best, suggestions=tuple(suggestions.values()))

    # ----- a sentence that names a film ---------------------------------------------

    def find_in_sentence(self, text: str) -> Resolution:
        """The film a chat message names: "have you reviewed never let me go?"."""
        cut = text[:MAX_SENTENCE_CHARS]
        for quoted in quoted_parts(cut):
            quoted_result = self.resolve(quoted)
            if quoted_result.match is not None or quoted_result.ambiguous:
                return Resolution(
                    text,
                    quoted_result.match,
                    quoted_result.score,
                    quoted_result.candidates,
                    quoted_result.suggestions,
                )
        words, capitals = folded_words(cut)
        if not words:
            return Resolution(text, None, 0.0)
        folded = " ".join(words)
        whole = _query_key(folded)
        found = self._find_exact(_readings(whole))
        core = _query_key(strip_filler(folded))
        if found is None and core != whole:
            found = self._find_exact(_readings(core))
        if found is None:
            # "have you reviewed dr strangelove": the rest of the sentence starts a title.
            found, _ = self._find_prefix(_readings(core))
        if found is None:
            found, _ = self._find_subtitle(_readings(core))
        hunch: tuple[Film, ...] = ()
        if found is None:
            found, hunch = self._find_in_ngrams(words, capitals)
        if found is not None:
            return _resolution(text, found)
        result = self.resolve(core)
        if result.match is None and not result.ambiguous and hunch:
            return Resolution(text, None, SCORE_HUNCH, suggestions=hunch[:MAX_SUGGESTIONS])
        return Resolution(text, result.match, result.score, result.candidates, result.suggestions)

    def _find_in_ngrams(
        self, words: list[str], capitals: list[bool]
    ) -> tuple[_Found | None, tuple[Film, ...]]:
        """The longest run of words that is a known title; a year elsewhere picks among
        films sharing it; among runs of one length, one with a reviewed film wins.

        A lone lowercase word ("i'm bored", "a horror film") names a film by accident more
        often than not, so it is only a hunch, unless the film is reviewed.
        """
        found_size = 0
        hits: list[_Found] = []
        hunches: list[Film] = []
        for start, end in word_ngrams(words):
            if hits and end - start < found_size:
                break
            if end - start == 1 and len(words[start]) < MIN_LONE_WORD:
                continue
            hit = self._lookup(_query_key(" ".join(words[start:end])))
            if hit is None:
                continue
            films, score = hit
            if end - start == 1 and not capitals[start] and not any(f.reviewed for f in films):
                hunches.extend(films)
                continue
            outside = words[:start] + words[end:]
            year = next((int(w) for w in outside if is_year(w)), None)
            if year is not None and not _fits_year(films, year):
                year = None
            found_size = end - start
            hits.append(_Found(tuple(films), score - 2.0, year))
        if not hits:
            return None, _sorted_films(hunches)
        best = next((h for h in hits if any(f.reviewed for f in h.films)), hits[0])
        return best, ()

    # ----- autocomplete ----------------------------------------------------------------

    def autocomplete(self, text: str, limit: int = MAX_AUTOCOMPLETE) -> list[Film]:
        """Films for a half-typed name: titles starting with it (reviewed first), then
        near spellings. Nothing typed yet suggests reviewed films, newest first."""
        limit = max(0, min(limit, MAX_AUTOCOMPLETE))
        if limit == 0:
            return []
        key = _query_key(text[:MAX_QUERY_CHARS])
        if not key:
            newest = sorted(self._reviewed_films.values(), key=film_order)
            return newest[:limit]
        chosen: dict[int, Film] = {}

        def take(films: Iterable[Film]) -> bool:
            for film in sorted(films, key=film_order):
                chosen.setdefault(film.id, film)
                if len(chosen) >= limit:
                    return True
            return False

        exact = self._exact.films.get(key, [])
        if take(f for f in exact if f.reviewed) or take(exact):
            return list(chosen.values())
        for table in (self._reviewed, self._exact):
            for prefix_key in table.with_prefix(key, limit * 4):
                if take(table.films[prefix_key]):
                    return list(chosen.values())
        canonical = canonical_key(key)
        for prefix_key in self._canonical.with_prefix(canonical, limit * 2):
            if take(self._canonical.films[prefix_key]):
                return list(chosen.values())
        if not chosen:
            # Nothing starts with the text, so it has a slip in it: offer near spellings.
            for choice in self._similar_keys(canonical, limit):
                if take(self._canonical.films[choice]):
                    break
        return list(chosen.values())


def _digits(key: str) -> str:
    return "".join(c for c in key if c.isdigit())


def _fits_year(films: Iterable[Film], year: int) -> bool:
    return any(f.year is not None and abs(f.year - year) <= YEAR_SLACK for f in films)


def _pick_group(groups: list[list[Film]], year: int | None) -> list[Film] | None:
    """Among titles sharing a prefix, the one meant: the only one, the only one of the
    year asked, or the only one reviewed. None when the prefix names several."""
    if len(groups) == 1:
        return groups[0]
    if year is not None:
        fitting = [g for g in groups if _fits_year(g, year)]
        if len(fitting) == 1:
            return fitting[0]
        groups = fitting or groups
    reviewed = [g for g in groups if any(f.reviewed for f in g)]
    if len(reviewed) == 1:
        return reviewed[0]
    return None


def _resolution(query: str, found: _Found) -> Resolution:
    """One film, or a "which one?" among films sharing the title, narrowed by the year."""
    films = _sorted_films(found.films)
    score = found.score
    if found.year is not None:
        same = [f for f in films if f.year == found.year]
        near = [f for f in films if f.year is not None and abs(f.year - found.year) <= YEAR_SLACK]
        if same:
            films = tuple(same)
        elif near:
            films, score = tuple(near), score - PENALTY_NEAR_YEAR
        elif len(films) == 1:
            score -= PENALTY_WRONG_YEAR
    if len(films) == 1:
        return Resolution(query, films[0], score)
    return Resolution(query, None, score, candidates=films)
