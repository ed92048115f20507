"""filmbot's use cases: every front end asks this service and renders the reply it gets.

It joins the storage layer to the domain core: the film index and the recommender live in
memory beside the database and are updated with every change, so no reply waits on a scan.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.core.chat import DEFAULT_SIMILAR_COUNT, MAX_SIMILAR_COUNT, Intent, parse_request
from bot.core.errors import FilmbotError, NotFoundError
from bot.core.film_lists import render_film_list
from bot.core.loading import Progress, read_chunks
from bot.core.matching import FilmIndex, Resolution
from bot.core.model import Film, FilmRef, ParsedReview, Review
from bot.core.prepare import PreparedReview, prepare_review
from bot.core.recommend import Recommender
from bot.core.replies import (
    Action,
    AuditLog,
    ChooseFilm,
    HelpReply,
    NoMatch,
    Notice,
    Reply,
    ReviewCard,
    ReviewPreview,
    SearchResults,
    SimilarFilms,
    Tone,
    UnreviewedCard,
)
from bot.core.review_format import parse_review, render_review
from bot.core.titles import fold
from bot.settings import Settings
from bot.storage.database import Database, ReviewVersion, SaveReport

log = logging.getLogger(__name__)

MAX_SEARCH_HITS = 5
UNREVIEWED_SUGGESTIONS = 5
# Past this many changed reviews, rebuilding the index at once beats updating film by film.
INCREMENTAL_REFRESH_LIMIT = 200


@dataclass(frozen=True, slots=True)
class LoadReport:
    files: int
    saved: SaveReport | None
    errors: tuple[FilmbotError, ...]
    # Films named by the CSV film lists among the files (catalogue films, not reviews).
    listed_films: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _NothingStored(Exception):
    """Raised inside a load's transaction to roll it back: a file was bad."""


# Who the audit log names for changes the program makes itself (the CLI, bundled reviews).
SYSTEM_ACTOR = "filmbot"


class FilmService:
    """The catalogue as the front ends see it: questions in, replies out."""

    def __init__(self, db: Database, index: FilmIndex, recommender: Recommender) -> None:
        self.db = db
        self.index = index
        self.recommender = recommender

    @classmethod
    async def start(cls, db: Database) -> FilmService:
        # One snapshot: another process writing meanwhile must not pair old films with new links.
        films, inputs = await db.catalogue()
        # Building the index is CPU work: a thread keeps the event loop answering meanwhile.
        index, recommender = await asyncio.to_thread(
            lambda: (
                FilmIndex(films),
                Recommender(films, inputs.keep_exploring, inputs.review_terms),
            )
        )
        log.info("catalogue ready: %d films, %d reviews", len(films), len(inputs.review_terms))
        return cls(db, index, recommender)

    # -- finding films -----------------------------------------------------------------

    def resolve(self, query: str) -> Resolution:
        return self.index.resolve(query)

    def autocomplete(self, text: str, limit: int = 25) -> list[Film]:
        return self.index.autocomplete(text, limit)

    # -- replies for everyone ----------------------------------------------------------

    async def chat(self, message: str) -> Reply:
        """Answer a free-form message (a Discord mention, a terminal line)."""
        request = parse_request(message)
        match request.intent:
            case Intent.HELP:
                return HelpReply()
            case Intent.RANDOM:
                return await self.random_review()
            case Intent.SEARCH:
                return await self.search(request.text)
            case Intent.SIMILAR:
                resolution = self.index.find_in_sentence(request.text)
                return await self._answer(resolution, Action.SIMILAR, request.count)
            case Intent.REVIEW:
                resolution = self.index.find_in_sentence(request.text)
                return await self._answer(resolution, Action.REVIEW)
            case Intent.EMPTY:
                if request.text:
                    return Notice(f"Which film? Try `/{request.text} moon`.")
                return HelpReply()

    async def review(self, query: str) -> Reply:
        return await self._answer(self.index.resolve(query), Action.REVIEW)

    async def similar(self, query: str, count: int = DEFAULT_SIMILAR_COUNT) -> Reply:
        return await self._answer(self.index.resolve(query), Action.SIMILAR, count)

    async def _answer(
        self, resolution: Resolution, action: Action, count: int = DEFAULT_SIMILAR_COUNT
    ) -> Reply:
        if resolution.match is not None:
            if action is Action.SIMILAR:
                return self.similar_to(resolution.match.id, count)
            return await self.review_of(resolution.match.id)
        if resolution.candidates:
            return ChooseFilm(resolution.query, resolution.candidates, action)
        return NoMatch(resolution.query, resolution.suggestions, action)

    async def review_of(self, film_id: int) -> Reply:
        """The card for one film: its review, or what we know of it when it has none."""
        review = await self.db.get_review(film_id)
        if review is not None:
            return review_card(review)
        film = self.index.get(film_id) or await self.db.get_film(film_id)
        if film is None:
            return Notice("That film is no longer in the catalogue.", Tone.ERROR)
        linked_from = await self.db.films_linking_to(film_id)
        # The reviews that recommend it are listed already; suggest other films beside them.
        shown = {f.id for f in linked_from}
        wider = self.recommender.similar(film_id, UNREVIEWED_SUGGESTIONS + len(shown))
        suggestions = [s for s in wider if s.film.id not in shown][:UNREVIEWED_SUGGESTIONS]
        return UnreviewedCard(film, tuple(linked_from), tuple(suggestions))

    def similar_to(self, film_id: int, count: int = DEFAULT_SIMILAR_COUNT) -> Reply:
        film = self.index.get(film_id)
        if film is None:
            return Notice("That film is no longer in the catalogue.", Tone.ERROR)
        count = max(1, min(MAX_SIMILAR_COUNT, count))
        return SimilarFilms(film, tuple(self.recommender.similar(film_id, count)))

    async def search(self, text: str) -> Reply:
        if not text.strip():
            return Notice("Search for what? Try `/search clones boarding school`.")
        hits = await self.db.search(text, MAX_SEARCH_HITS)
        return SearchResults(text, tuple(hits))

    async def random_review(self) -> Reply:
        film = await self.db.random_reviewed_film()
        if film is None:
            return Notice("There are no reviews yet.")
        return await self.review_of(film.id)

    async def audit_log(self, limit: int = 15) -> AuditLog:
        return AuditLog(tuple(await self.db.audit_entries(limit)))

    # -- changes -----------------------------------------------------------------------

    def preview(
        self, data: bytes | str, source: str, replaces: Film | None = None
    ) -> ReviewPreview:
        """Parse a moderator's review; raises ReviewFormatError with the line on bad input."""
        return self.preview_of(read_upload(data, source), replaces)

    def preview_of(self, review: PreparedReview, replaces: Film | None = None) -> ReviewPreview:
        """The preview of a prepared review, with the catalogue film it would attach to.

        Call it on the event loop: the film index is not safe to read from another thread
        while the loop updates it.
        """
        known = self.index.resolve(review.parsed.ref.label())
        return ReviewPreview(review, replaces, known.match)

    async def save(
        self, previews: Sequence[ReviewPreview], actor: str, *, edit_of: ReviewVersion | None = None
    ) -> SaveReport:
        report = await self.db.save_reviews([p.review for p in previews], actor, edit_of=edit_of)
        await self._refresh(f.film.id for f in report.outcomes)
        if edit_of is not None and edit_of.film_id not in {o.film.id for o in report.outcomes}:
            await self._refresh([edit_of.film_id])
        return report

    async def remove(self, film_id: int, actor: str, expected_version: int | None = None) -> Film:
        film = await self.db.remove_review(film_id, actor, expected_version=expected_version)
        await self._refresh([film_id])
        return film

    async def load(
        self,
        paths: Iterable[Path],
        actor: str,
        *,
        skip_bad: bool = False,
        progress: Progress | None = None,
    ) -> LoadReport:
        """load_files(), then bring the in-memory index up to date with what was stored."""
        report = await load_files(self.db, paths, actor, skip_bad=skip_bad, progress=progress)
        if report.saved is None:
            return report
        changed = [o.film.id for o in report.saved.outcomes if o.action != "unchanged"]
        if report.listed_films or len(changed) > INCREMENTAL_REFRESH_LIMIT:
            await self.reload()
        else:
            # A moderator's import of a few files: update those films, not the whole index.
            await self._refresh(changed)
        return report

    async def reload(self) -> None:
        """Rebuild the in-memory index and recommender from the database."""
        fresh = await FilmService.start(self.db)
        self.index, self.recommender = fresh.index, fresh.recommender

    async def _refresh(self, film_ids: Iterable[int]) -> None:
        """Bring the index and recommender up to date with the films just changed."""
        changed = set(film_ids)
        for film_id in changed:
            film = await self.db.get_film(film_id)
            if film is None:
                self.index.remove(film_id)
                self.recommender.remove_film(film_id)
                continue
            review = await self.db.get_review(film_id)
            for linked in review.keep_exploring if review else ():
                self.index.upsert(linked)
                self.recommender.upsert_film(linked)
            self.index.upsert(film)
            if review is None:
                self.recommender.remove_review(film_id)
                self.recommender.upsert_film(film)
            else:
                terms = await self.db.review_terms(film_id)
                self.recommender.update_review(film, [f.id for f in review.keep_exploring], terms)

    async def get_review(self, film_id: int) -> Review:
        review = await self.db.get_review(film_id)
        if review is None:
            raise NotFoundError("That film has no review.")
        return review


async def load_files(
    db: Database,
    paths: Iterable[Path],
    actor: str,
    *,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Store review files and film lists: all or nothing, unless `skip_bad` stores the good ones.

    Each chunk of files is stored (in the one transaction) while the next is read. After a
    bad file, without `skip_bad`, the rest are still read, to report every bad file.
    """
    files, errors, listed = 0, [], 0
    try:
        async with db.saving(actor) as saving:
            async with aclosing(read_chunks(list(paths), progress)) as chunks:
                async for chunk in chunks:
                    files += chunk.files
                    errors += chunk.errors
                    listed += len(chunk.films)
                    if skip_bad or not errors:
                        await saving.add(chunk.reviews, chunk.films)
            if errors and not skip_bad:
                raise _NothingStored
    except _NothingStored:
        return LoadReport(files, None, tuple(errors), listed)
    return LoadReport(files, saving.report, tuple(errors), listed)


async def export_catalogue(db: Database, directory: Path) -> list[Path]:
    """Write the catalogue back to files; loading the folder restores it.

    Each review becomes a file in the review format; films that no review names (from film
    lists) go to one `title,year` CSV beside them.
    """
    reviews = await db.all_reviews()
    named = {r.film.id for r in reviews} | {f.id for r in reviews for f in r.keep_exploring}
    others = [f for f in await db.all_films() if f.id not in named]
    return await asyncio.to_thread(write_catalogue_files, directory, reviews, others)


@asynccontextmanager
async def open_catalogue(settings: Settings) -> AsyncIterator[Database]:
    """The catalogue's database, loading the bundled reviews into a brand-new one first.

    Commands that only read or write the database (load, export, backup) stop here: they
    need no in-memory index, which takes a second to build for a big catalogue.
    """
    async with await Database.open(settings.db_path) as db:
        if settings.load_bundled and await db.count_films() == 0 and settings.data_dir.is_dir():
            report = await load_files(db, [settings.data_dir], SYSTEM_ACTOR, skip_bad=True)
            for error in report.errors:
                log.warning("bundled review skipped: %s", error)
        yield db


@asynccontextmanager
async def open_service(settings: Settings) -> AsyncIterator[FilmService]:
    """The catalogue and its in-memory index, for the bot and the terminal chat."""
    async with open_catalogue(settings) as db:
        yield await FilmService.start(db)


def read_upload(data: bytes | str, source: str) -> PreparedReview:
    """Parse and prepare a review a moderator sent: CPU work, safe to run in a thread."""
    return prepare_review(parse_review(data, source), source=source)


def as_parsed_review(review: Review) -> ParsedReview:
    """The review as its file would say it: the inverse of loading."""
    return ParsedReview(
        title=review.film.title,
        year=review.film.year,
        tagline=review.tagline,
        sections=review.sections,
        keep_exploring=tuple(FilmRef(f.title, f.year) for f in review.keep_exploring),
        director=review.director,
        aliases=review.aliases,
        summary=review.summary if review.summary_is_authored else None,
    )


CATALOGUE_FILE = "catalogue-films.csv"


def write_catalogue_files(
    directory: Path, reviews: Sequence[Review], other_films: Sequence[Film]
) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for review in reviews:
        path = directory / export_file_name(review.film, used)
        path.write_text(render_review(as_parsed_review(review)), encoding="utf-8")
        written.append(path)
    if other_films:
        path = directory / CATALOGUE_FILE
        refs = [FilmRef(f.title, f.year) for f in other_films]
        path.write_text(render_film_list(refs), encoding="utf-8")
        written.append(path)
    return written


def export_file_name(film: Film, used: set[str]) -> str:
    slug = "-".join("".join(c if c.isalnum() else " " for c in fold(film.title)).split())[:80]
    stem = f"{slug or 'film'}-{film.year}" if film.year else slug or "film"
    name, n = f"{stem}.txt", 2
    while name in used:
        name, n = f"{stem}-{n}.txt", n + 1
    used.add(name)
    return name


def review_card(review: Review) -> ReviewCard:
    return ReviewCard(
        film=review.film,
        tagline=review.tagline,
        summary=review.summary,
        keep_exploring=review.keep_exploring,
        reading_minutes=review.reading_minutes,
        added_by=review.added_by,
        sections=review.sections,
        version=review.version,
    )
