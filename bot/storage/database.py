"""The catalogue in SQLite: every SQL statement filmbot runs lives in this module.

One aiosqlite connection serves the whole process. Writes are serialised by a lock and
batched: a load stores its files chunk by chunk as they are read, a dozen statements a
chunk, all inside one transaction, so a failed load leaves the database exactly as it was.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from bot.core.errors import BusyError, ConflictError, NotFoundError
from bot.core.model import AuditEntry, Film, FilmRef, Review, SearchHit, Section
from bot.core.prepare import PreparedReview
from bot.core.titles import title_key
from bot.storage.migrations import migrate

_FILM_COLUMNS = """
    f.id, f.title, f.year,
    EXISTS (SELECT 1 FROM reviews r WHERE r.film_id = f.id) AS reviewed,
    (SELECT json_group_array(alias) FROM
        (SELECT alias FROM film_aliases a WHERE a.film_id = f.id ORDER BY position)) AS aliases
"""

# Values asked for in one IN list (SQLite allows 32,766 parameters a statement).
_IN_LIST_SLICE = 500

_REVIEW_COLUMNS = """
    r.id, r.film_id, r.tagline, r.director, r.summary, r.summary_authored, r.word_count,
    r.source, r.content_hash, r.added_by, r.added_at, r.updated_at, r.version
"""


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    film: Film
    action: str  # "added", "updated" or "unchanged"


@dataclass(frozen=True, slots=True)
class SaveReport:
    outcomes: tuple[SaveOutcome, ...]
    films_added: int = 0

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)


@dataclass(frozen=True, slots=True)
class ReviewVersion:
    """The review a moderator opened for editing and the version they saw."""

    film_id: int
    version: int


@dataclass(slots=True)
class RecommendationInputs:
    keep_exploring: dict[int, list[int]] = field(default_factory=dict)
    review_terms: dict[int, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _ReviewContent:
    """The rows a review owns besides its own: sections, links and its search entry."""

    title: str
    tagline: str
    body: str
    sections: tuple[Section, ...]
    links: list[int]


@dataclass(slots=True)
class _ReviewWrites:
    """Rows a batch of reviews will write, gathered first so each table gets one statement."""

    next_id: int
    titles: list[tuple[str, int]] = field(default_factory=list)
    aliases: dict[int, tuple[str, ...]] = field(default_factory=dict)
    inserted: list[tuple[Any, ...]] = field(default_factory=list)
    updated: list[tuple[Any, ...]] = field(default_factory=list)
    # Reviews stored before this batch whose sections, links and search entry are replaced.
    replaced: list[int] = field(default_factory=list)
    contents: dict[int, _ReviewContent] = field(default_factory=dict)
    audit: list[tuple[Any, ...]] = field(default_factory=list)

    def plan(
        self,
        review: PreparedReview,
        film_id: int,
        ids: Mapping[FilmRef, int],
        existing: dict[int, tuple[int, str, int]],
        actor: str,
    ) -> tuple[int, str]:
        """Decide what saving one review does (added, updated, unchanged) and note its rows."""
        parsed = review.parsed
        now = _now()
        current = existing.get(film_id)
        if current is not None and current[1] == review.content_hash:
            return film_id, "unchanged"
        self.titles.append((parsed.title, film_id))
        self.aliases[film_id] = parsed.aliases
        values = (
            parsed.tagline,
            parsed.director,
            review.summary,
            int(review.summary_authored),
            review.word_count,
            review.terms_json,
            review.source,
            review.content_hash,
        )
        if current is None:
            review_id, action, version = self.next_id, "added", 1
            self.next_id += 1
            self.inserted.append((review_id, *values, film_id, actor, now, now))
        else:
            review_id, version = current[0], current[2] + 1
            action = "updated"
            self.updated.append((*values, now, version, review_id))
            if review_id not in self.contents:
                self.replaced.append(review_id)
        existing[film_id] = (review_id, review.content_hash, version)
        linked = [ids[ref] for ref in parsed.keep_exploring]
        self.contents[review_id] = _ReviewContent(
            title=parsed.title,
            tagline=parsed.tagline or "",
            body=parsed.body_text(),
            sections=parsed.sections,
            links=[fid for fid in dict.fromkeys(linked) if fid != film_id],
        )
        self.audit.append((now, actor, action, film_id, parsed.ref.label(), review.source or ""))
        return film_id, action


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _film_from_row(row: Sequence[Any]) -> Film:
    aliases = tuple(json.loads(row[4])) if row[4] else ()
    return Film(id=row[0], title=row[1], year=row[2], reviewed=bool(row[3]), aliases=aliases)


class ReviewSaving:
    """Reviews stored as they are added, inside one write transaction (Database.saving()).

    A load adds its files' reviews chunk by chunk while the rest are still being read, so
    storing overlaps reading. What a whole batch would look up once is kept across chunks:
    the films' ids, the stored reviews' hashes and versions, the next review id.

    A review that names a film without a year (its own film, or a Keep Exploring link) is
    stored last: a year-less name means the only film of that title, which a later chunk may
    add. So a load stores what one batch of all its reviews would, except that of two reviews
    of the same film, one naming a film without a year, that one is stored last.
    """

    def __init__(self, db: Database, actor: str, edit_of: ReviewVersion | None) -> None:
        self._db = db
        self._actor = actor
        self._edit_of = edit_of
        self.begun = False
        self._films_before = 0
        self._next_id = 1
        self._existing: dict[int, tuple[int, str, int]] = {}
        self._ids: dict[FilmRef, int] = {}
        self._added = 0
        self._later: list[tuple[int, PreparedReview]] = []
        self._later_films: list[FilmRef] = []
        self._outcomes: list[tuple[int, int, str]] = []
        self._films_added = 0
        self._report: SaveReport | None = None

    @property
    def report(self) -> SaveReport:
        if self._report is None:
            raise RuntimeError("the saving has not finished")
        return self._report

    async def add(self, reviews: Sequence[PreparedReview], films: Sequence[FilmRef] = ()) -> None:
        """Store these reviews and catalogue films (stored for good when the block ends)."""
        now: list[tuple[int, PreparedReview]] = []
        for position, review in enumerate(reviews, start=self._added):
            parsed = review.parsed
            if parsed.year is None or any(r.year is None for r in parsed.keep_exploring):
                self._later.append((position, review))
            else:
                now.append((position, review))
        self._added += len(reviews)
        self._later_films.extend(f for f in films if f.year is None)
        await self._store(now, [f for f in films if f.year is not None])

    async def finish(self) -> None:
        await self._store(self._later, self._later_films)
        self._later, self._later_films = [], []
        if self.begun:
            self._films_added = await self._db.count_films() - self._films_before

    async def make_report(self) -> None:
        self._outcomes.sort()
        film_ids = [film_id for _, film_id, _ in self._outcomes]
        films = {f.id: f for f in await self._db.films_by_ids(list(dict.fromkeys(film_ids)))}
        self._report = SaveReport(
            tuple(SaveOutcome(films[fid], action) for _, fid, action in self._outcomes),
            films_added=self._films_added,
        )

    async def _begin(self) -> None:
        db = self._db
        await db._begin_writing()
        self.begun = True
        self._films_before = await db.count_films()
        self._next_id = await self._next_review_id()
        self._existing = {
            row[0]: (row[1], row[2], row[3])
            for row in await db._fetchall("SELECT film_id, id, content_hash, version FROM reviews")
        }

    async def _store(
        self, reviews: Sequence[tuple[int, PreparedReview]], films: Sequence[FilmRef]
    ) -> None:
        if not reviews and not films:
            return
        if not self.begun:
            await self._begin()
        db = self._db
        refs = [r.parsed.ref for _, r in reviews]
        refs += [ref for _, r in reviews for ref in r.parsed.keep_exploring]
        refs += films
        ids = self._ids
        # Year-less refs come only in the last store (finish()), so keeping them is safe.
        ids.update(await db._film_ids_for([ref for ref in dict.fromkeys(refs) if ref not in ids]))
        writes = _ReviewWrites(self._next_id)
        for position, review in reviews:
            film_id = ids[review.parsed.ref]
            if self._edit_of is not None:
                film_id = await self._claim_film_for_edit(self._edit_of, film_id, self._existing)
            film_id, action = writes.plan(review, film_id, ids, self._existing, self._actor)
            self._outcomes.append((position, film_id, action))
        await self._write(writes)
        self._next_id = writes.next_id

    async def _next_review_id(self) -> int:
        # What SQLite itself would give the next row (the table is not AUTOINCREMENT).
        row = await self._db._fetchone("SELECT coalesce(max(id), 0) + 1 FROM reviews")
        return int(row[0]) if row else 1

    async def _write(self, writes: _ReviewWrites) -> None:
        """A batch's changes in a few statements each over many rows, not a few per review.

        A review saved twice in one batch keeps only its last text, as saving the two one
        after the other would leave it.
        """
        conn = self._db._conn
        await conn.executemany("UPDATE films SET title = ? WHERE id = ?", writes.titles)
        await conn.executemany(
            "DELETE FROM film_aliases WHERE film_id = ?", [(f,) for f in writes.aliases]
        )
        await conn.executemany(
            "INSERT INTO film_aliases (film_id, position, alias) VALUES (?, ?, ?)",
            [
                (f, i, alias)
                for f, aliases in writes.aliases.items()
                for i, alias in enumerate(aliases)
            ],
        )
        await conn.executemany(
            """
            INSERT INTO reviews (id, tagline, director, summary, summary_authored, word_count,
                terms, source, content_hash, film_id, added_by, added_at, updated_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            """,
            writes.inserted,
        )
        await conn.executemany(
            """
            UPDATE reviews SET tagline = ?, director = ?, summary = ?, summary_authored = ?,
                word_count = ?, terms = ?, source = ?, content_hash = ?, updated_at = ?,
                version = ?
            WHERE id = ?
            """,
            writes.updated,
        )
        replaced = [(review_id,) for review_id in writes.replaced]
        for table in ("review_sections", "keep_exploring"):
            await conn.executemany(f"DELETE FROM {table} WHERE review_id = ?", replaced)
        await conn.executemany("DELETE FROM review_search WHERE rowid = ?", replaced)
        contents = writes.contents.items()
        await conn.executemany(
            "INSERT INTO review_sections (review_id, position, heading, body) VALUES (?, ?, ?, ?)",
            [(r, i, s.heading, s.text) for r, c in contents for i, s in enumerate(c.sections)],
        )
        await conn.executemany(
            "INSERT INTO keep_exploring (review_id, position, film_id) VALUES (?, ?, ?)",
            [(r, i, film_id) for r, c in contents for i, film_id in enumerate(c.links)],
        )
        await conn.executemany(
            "INSERT INTO review_search (rowid, title, tagline, body) VALUES (?, ?, ?, ?)",
            [(r, c.title, c.tagline, c.body) for r, c in contents],
        )
        await conn.executemany(
            "INSERT INTO audit_log (at, actor, action, film_id, film_label, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            writes.audit,
        )

    async def _claim_film_for_edit(
        self,
        edit_of: ReviewVersion,
        new_film_id: int,
        existing: dict[int, tuple[int, str, int]],
    ) -> int:
        """Check the edited review's version and move it to its new film if it was renamed."""
        old_film_id = edit_of.film_id
        current = existing.get(old_film_id)
        if current is None:
            raise NotFoundError("That review was removed while you were editing it.")
        if current[2] != edit_of.version:
            raise ConflictError(
                "Someone changed this review since you opened it; open it again to see "
                "their version, then make your edit."
            )
        if new_film_id != old_film_id:
            if new_film_id in existing:
                raise ConflictError("That film already has a review; edit that one instead.")
            await self._db._conn.execute(
                "UPDATE reviews SET film_id = ? WHERE id = ?", (new_film_id, current[0])
            )
            existing[new_film_id] = existing.pop(old_film_id)
        return new_film_id


class Database:
    """The catalogue. Open with `await Database.open(path)` or `async with Database.open(...)`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    # -- lifecycle ---------------------------------------------------------------------

    @classmethod
    async def open(cls, path: Path | str, *, migrate_to: int | None = None) -> Self:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA busy_timeout = 5000")
            await migrate(conn, migrate_to)
        except BaseException:
            await conn.close()
            raise
        return cls(conn, path)

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _begin_writing(self) -> None:
        """BEGIN IMMEDIATE, which waits up to the busy timeout for another process's write."""
        try:
            await self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            raise BusyError(
                "The catalogue is busy with another change (a big load, perhaps): "
                "try again in a moment. Nothing was stored."
            ) from error

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self._begin_writing()
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    @asynccontextmanager
    async def _snapshot(self) -> AsyncIterator[None]:
        """Reads that must agree with each other, though another process may be writing.

        One read transaction sees one committed state (WAL gives each reader its snapshot);
        the lock keeps this process's own writes from starting inside it.
        """
        async with self._write_lock:
            await self._conn.execute("BEGIN")
            try:
                yield
            finally:
                await self._conn.execute("COMMIT")

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def _fetchall_in(self, sql: str, values: Sequence[Any]) -> list[sqlite3.Row]:
        """Rows of `sql`, whose `{marks}` stands for the values of an IN list.

        Asked in slices: SQLite refuses a statement with more than 32,766 parameters, and a
        load or an export of that many reviews would otherwise ask for them all at once.
        """
        rows: list[sqlite3.Row] = []
        for start in range(0, len(values), _IN_LIST_SLICE):
            part = values[start : start + _IN_LIST_SLICE]
            rows += await self._fetchall(sql.format(marks=",".join("?" * len(part))), part)
        return rows

    # -- health ------------------------------------------------------------------------

    async def schema_version(self) -> int:
        row = await self._fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def integrity_check(self) -> str:
        row = await self._fetchone("PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"

    async def backup(self, target: Path | str) -> None:
        """Copy the live database with SQLite's online backup API (safe while the bot runs)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        async with aiosqlite.connect(target) as destination:
            await self._conn.backup(destination)

    # -- films -------------------------------------------------------------------------

    async def count_films(self) -> int:
        row = await self._fetchone("SELECT count(*) FROM films")
        return int(row[0]) if row else 0

    async def count_reviews(self) -> int:
        row = await self._fetchone("SELECT count(*) FROM reviews")
        return int(row[0]) if row else 0

    async def all_films(self) -> list[Film]:
        rows = await self._fetchall(
            """
            SELECT f.id, f.title, f.year, r.film_id IS NOT NULL, a.aliases
            FROM films f
            LEFT JOIN reviews r ON r.film_id = f.id
            LEFT JOIN (SELECT film_id, json_group_array(alias) AS aliases
                       FROM (SELECT film_id, alias FROM film_aliases ORDER BY film_id, position)
                       GROUP BY film_id) a ON a.film_id = f.id
            ORDER BY f.id
            """
        )
        return [_film_from_row(row) for row in rows]

    async def get_film(self, film_id: int) -> Film | None:
        row = await self._fetchone(
            f"SELECT {_FILM_COLUMNS} FROM films f WHERE f.id = ?", (film_id,)
        )
        return _film_from_row(row) if row else None

    async def films_by_ids(self, film_ids: Sequence[int]) -> list[Film]:
        rows = await self._fetchall_in(
            f"SELECT {_FILM_COLUMNS} FROM films f WHERE f.id IN ({{marks}})", film_ids
        )
        by_id = {row[0]: _film_from_row(row) for row in rows}
        return [by_id[i] for i in film_ids if i in by_id]

    async def random_reviewed_film(self) -> Film | None:
        row = await self._fetchone(
            f"SELECT {_FILM_COLUMNS} FROM films f "
            "WHERE f.id = (SELECT film_id FROM reviews ORDER BY random() LIMIT 1)"
        )
        return _film_from_row(row) if row else None

    async def films_linking_to(self, film_id: int) -> list[Film]:
        """Reviewed films whose Keep Exploring lists name this film."""
        rows = await self._fetchall(
            f"""
            SELECT {_FILM_COLUMNS} FROM films f
            WHERE f.id IN (SELECT r.film_id FROM keep_exploring k
                           JOIN reviews r ON r.id = k.review_id WHERE k.film_id = ?)
            ORDER BY f.title, f.year
            """,
            (film_id,),
        )
        return [_film_from_row(row) for row in rows]

    async def add_films(self, refs: Iterable[FilmRef]) -> list[Film]:
        """Add catalogue films (from a film list); the ones already known are left as they are."""
        async with self._transaction():
            ids = await self._film_ids_for(list(refs))
        return await self.films_by_ids(list(dict.fromkeys(ids.values())))

    async def _film_ids_for(self, refs: Sequence[FilmRef]) -> dict[FilmRef, int]:
        """Film ids for refs, creating the missing films. Call inside a transaction.

        A ref without a year names the single film of that title when there is one, so
        "Moon" in a Keep Exploring list links to the reviewed "Moon (2009)".
        """
        now = _now()
        # title_key is the costly part of a big load's film lookup: once per distinct ref.
        key_of = {ref: title_key(ref.title) for ref in dict.fromkeys(refs)}
        await self._conn.executemany(
            "INSERT OR IGNORE INTO films (title, title_key, year, created_at) VALUES (?, ?, ?, ?)",
            [(r.title, key, r.year, now) for r, key in key_of.items() if r.year is not None],
        )
        keys = sorted(set(key_of.values()))
        known: dict[tuple[str, int], int] = {}
        years_by_key: dict[str, list[tuple[int, int]]] = {}
        for film_id, key, year in await self._fetchall_in(
            "SELECT id, title_key, coalesce(year, 0) FROM films WHERE title_key IN ({marks})",
            keys,
        ):
            known[(key, year)] = film_id
            years_by_key.setdefault(key, []).append((year, film_id))
        result: dict[FilmRef, int] = {}
        undated_missing: list[FilmRef] = []
        for ref in refs:
            key = key_of[ref]
            if ref.year is not None:
                result[ref] = known[(key, ref.year)]
                continue
            same_title = years_by_key.get(key, [])
            if (key, 0) in known:
                result[ref] = known[(key, 0)]
            elif len(same_title) == 1:
                result[ref] = same_title[0][1]
            else:
                undated_missing.append(ref)
        for ref in dict.fromkeys(undated_missing):
            cursor = await self._conn.execute(
                "INSERT INTO films (title, title_key, year, created_at) VALUES (?, ?, NULL, ?)",
                (ref.title, key_of[ref], now),
            )
            assert cursor.lastrowid is not None
            result[ref] = cursor.lastrowid
        return result

    # -- reviews: reading --------------------------------------------------------------

    async def get_review(self, film_id: int) -> Review | None:
        async with self._snapshot():
            row = await self._fetchone(
                f"SELECT {_REVIEW_COLUMNS} FROM reviews r WHERE r.film_id = ?", (film_id,)
            )
            if row is None:
                return None
            return (await self._reviews_from_rows([row]))[0]

    async def all_reviews(self) -> list[Review]:
        async with self._snapshot():
            rows = await self._fetchall(f"SELECT {_REVIEW_COLUMNS} FROM reviews r ORDER BY r.id")
            return await self._reviews_from_rows(rows)

    async def _reviews_from_rows(self, rows: Sequence[Sequence[Any]]) -> list[Review]:
        review_ids = [row[0] for row in rows]
        sections: dict[int, list[Section]] = {i: [] for i in review_ids}
        for review_id, heading, body in await self._fetchall_in(
            "SELECT review_id, heading, body FROM review_sections "
            "WHERE review_id IN ({marks}) ORDER BY review_id, position",
            review_ids,
        ):
            sections[review_id].append(Section(heading, body))
        links: dict[int, list[int]] = {i: [] for i in review_ids}
        for review_id, film_id in await self._fetchall_in(
            "SELECT review_id, film_id FROM keep_exploring "
            "WHERE review_id IN ({marks}) ORDER BY review_id, position",
            review_ids,
        ):
            links[review_id].append(film_id)
        film_ids = list(
            dict.fromkeys([row[1] for row in rows] + [f for ids in links.values() for f in ids])
        )
        films = {film.id: film for film in await self.films_by_ids(film_ids)}
        reviews = []
        for row in rows:
            film = films[row[1]]
            reviews.append(
                Review(
                    id=row[0],
                    film=film,
                    tagline=row[2],
                    director=row[3],
                    summary=row[4],
                    summary_is_authored=bool(row[5]),
                    word_count=row[6],
                    source=row[7],
                    content_hash=row[8],
                    added_by=row[9],
                    added_at=datetime.fromisoformat(row[10]),
                    updated_at=datetime.fromisoformat(row[11]),
                    version=row[12],
                    sections=tuple(sections[row[0]]),
                    keep_exploring=tuple(films[i] for i in links[row[0]]),
                    aliases=film.aliases,
                )
            )
        return reviews

    async def catalogue(self) -> tuple[list[Film], RecommendationInputs]:
        """Every film and the recommender's inputs, as of one moment."""
        async with self._snapshot():
            return await self.all_films(), await self._recommendation_inputs()

    async def recommendation_inputs(self) -> RecommendationInputs:
        async with self._snapshot():
            return await self._recommendation_inputs()

    async def _recommendation_inputs(self) -> RecommendationInputs:
        inputs = RecommendationInputs()
        # 10,000 reviews hold 400,000 terms but only tens of thousands of distinct words and
        # weights: sharing one object for each keeps startup memory tens of MB lower.
        weights: dict[float, float] = {}

        def shared(pairs: list[tuple[str, float]]) -> dict[str, float]:
            return {sys.intern(term): weights.setdefault(weight, weight) for term, weight in pairs}

        for film_id, terms in await self._fetchall("SELECT film_id, terms FROM reviews"):
            inputs.review_terms[film_id] = json.loads(terms, object_pairs_hook=shared)
            inputs.keep_exploring[film_id] = []
        for film_id, linked in await self._fetchall(
            "SELECT r.film_id, k.film_id FROM keep_exploring k "
            "JOIN reviews r ON r.id = k.review_id ORDER BY r.film_id, k.position"
        ):
            inputs.keep_exploring[film_id].append(linked)
        return inputs

    async def review_terms(self, film_id: int) -> dict[str, float]:
        row = await self._fetchone("SELECT terms FROM reviews WHERE film_id = ?", (film_id,))
        return dict(json.loads(row[0])) if row else {}

    async def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        """Full-text search over reviews, best first: every word if possible, else any word."""
        words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w][:20]
        if not words:
            return []
        quoted = ['"' + w.replace('"', "") + '"' for w in words]
        for query in (" AND ".join(quoted), " OR ".join(quoted)):
            rows = await self._fetchall(
                """
                SELECT r.film_id, snippet(review_search, 2, '**', '**', '…', 24), s.rank
                FROM review_search s JOIN reviews r ON r.id = s.rowid
                WHERE review_search MATCH ? ORDER BY s.rank LIMIT ?
                """,
                (query, limit),
            )
            if rows:
                films = {f.id: f for f in await self.films_by_ids([row[0] for row in rows])}
                return [SearchHit(films[row[0]], row[1], float(row[2])) for row in rows]
        return []

    # -- reviews: writing --------------------------------------------------------------

    async def save_reviews(
        self,
        reviews: Sequence[PreparedReview],
        actor: str,
        *,
        films: Sequence[FilmRef] = (),
        edit_of: ReviewVersion | None = None,
    ) -> SaveReport:
        """Store reviews and catalogue films in one transaction: all of it lands, or none.

        A review is identified by its film (title and year). Loading the same content again
        changes nothing; changed content updates the review in place and bumps its version.
        `edit_of` names the review a moderator opened and the version they saw: the one
        review saved replaces it (even under a new title), or ConflictError if someone
        changed it meanwhile.
        """
        if edit_of is not None and len(reviews) != 1:
            raise ValueError("an edit saves exactly one review")
        async with self.saving(actor, edit_of=edit_of) as saving:
            await saving.add(reviews, films)
        return saving.report

    @asynccontextmanager
    async def saving(
        self, actor: str, *, edit_of: ReviewVersion | None = None
    ) -> AsyncIterator[ReviewSaving]:
        """A write transaction that stores reviews as they are added (a load, chunk by chunk).

        Everything added lands together when the block ends, or, if it raises, nothing does;
        the saving's report is ready after the block.
        """
        async with self._write_lock:
            saving = ReviewSaving(self, actor, edit_of)
            try:
                yield saving
                await saving.finish()
            except BaseException:
                if saving.begun:
                    await self._conn.execute("ROLLBACK")
                raise
            if saving.begun:
                await self._conn.execute("COMMIT")
        await saving.make_report()

    async def remove_review(
        self, film_id: int, actor: str, *, expected_version: int | None = None
    ) -> Film:
        async with self._transaction():
            row = await self._fetchone(
                "SELECT id, version FROM reviews WHERE film_id = ?", (film_id,)
            )
            if row is None:
                raise NotFoundError("That film has no review to remove.")
            if expected_version is not None and row[1] != expected_version:
                raise ConflictError("Someone changed this review since you opened it.")
            film = await self.get_film(film_id)
            assert film is not None
            await self._conn.execute("DELETE FROM review_search WHERE rowid = ?", (row[0],))
            await self._conn.execute("DELETE FROM reviews WHERE id = ?", (row[0],))
            await self._audit(actor, "removed", film_id, film.label(), "")
        removed = await self.get_film(film_id)
        assert removed is not None
        return removed

    # -- audit log ---------------------------------------------------------------------

    async def _audit(
        self, actor: str, action: str, film_id: int | None, label: str, detail: str
    ) -> None:
        await self._conn.execute(
            "INSERT INTO audit_log (at, actor, action, film_id, film_label, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (_now(), actor, action, film_id, label, detail),
        )

    async def audit_entries(self, limit: int = 20) -> list[AuditEntry]:
        rows = await self._fetchall(
            "SELECT at, actor, action, film_label, detail FROM audit_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [AuditEntry(datetime.fromisoformat(r[0]), r[1], r[2], r[3], r[4]) for r in rows]
