"""The `filmbot` command: load and inspect the catalogue, chat in the terminal, run the bot."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from bot.core.errors import FilmbotError
from bot.core.matching import Resolution
from bot.core.model import Film
from bot.core.replies import Reply, ReviewCard, SimilarFilms, UnreviewedCard
from bot.core.review_format import parse_review_file
from bot.service import (
    SYSTEM_ACTOR,
    FilmService,
    LoadReport,
    export_catalogue,
    load_files,
    open_catalogue,
    open_service,
)
from bot.settings import Settings
from bot.storage.database import Database
from bot.terminal.chat import run_chat
from bot.terminal.render import render


class CommandFailed(Exception):
    """The command could not do what was asked; the message says why."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="filmbot",
        description="Film reviews and recommendations, in Discord and in the terminal. "
        "With no command: the Discord bot if DISCORD_TOKEN is set, else the terminal chat.",
    )
    parser.add_argument("--db", type=Path, help="the catalogue's SQLite file (default: FILMBOT_DB)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    load = commands.add_parser("load", help="load review files, folders and CSV film lists")
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    load.add_argument("--skip-bad", action="store_true", help="store the good files, list the bad")

    parse = commands.add_parser("parse", help="show what review files say, without storing them")
    parse.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parse.add_argument("--json", action="store_true")

    review = commands.add_parser("review", help="a film's review card")
    review.add_argument("query", nargs="+", metavar="QUERY")
    review.add_argument("--json", action="store_true")

    similar = commands.add_parser("similar", help="films similar to one, with reasons")
    similar.add_argument("query", nargs="+", metavar="QUERY")
    similar.add_argument("--count", type=int, default=10)
    similar.add_argument("--json", action="store_true")

    find = commands.add_parser("find", help="which film each query means (stdin: one per line)")
    find.add_argument("queries", nargs="*", metavar="QUERY")
    find.add_argument("--json", action="store_true")

    export = commands.add_parser("export", help="write every review back to files")
    export.add_argument("directory", type=Path, metavar="DIR")

    backup = commands.add_parser("backup", help="copy the catalogue safely, even while in use")
    backup.add_argument("target", type=Path, metavar="PATH")

    commands.add_parser("chat", help="talk to filmbot in the terminal")
    commands.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.load()
        if args.db is not None:
            settings = _with_db(settings, args.db)
        logging.basicConfig(
            level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
        )
        command = args.command or ("run" if settings.discord_token else "chat")
        if command == "run":
            from bot.discord.launcher import run_bot  # discord.py is only imported to run it

            return run_bot(settings)
        return asyncio.run(_run_command(command, args, settings))
    except (FilmbotError, CommandFailed) as error:
        print(f"filmbot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`filmbot find ... | head`): not an error worth a traceback.
        sys.stderr.close()
        return 0


def _with_db(settings: Settings, db: Path) -> Settings:
    return dataclasses.replace(settings, db_path=db)


async def _run_command(command: str, args: argparse.Namespace, settings: Settings) -> int:
    if command == "parse":
        return _parse(args.files, as_json=args.json)
    if command in ("load", "export", "backup"):
        async with open_catalogue(settings) as db:
            match command:
                case "load":
                    return await _load(db, args.paths, skip_bad=args.skip_bad)
                case "export":
                    written = await export_catalogue(db, args.directory)
                    print(f"exported {len(written)} reviews to {args.directory}")
                    return 0
                case "backup":
                    await db.backup(args.target)
                    print(f"backed up {settings.db_path} to {args.target}")
                    return 0
    async with open_service(settings) as service:
        match command:
            case "review":
                return await _review(service, " ".join(args.query), as_json=args.json)
            case "similar":
                return await _similar(service, " ".join(args.query), args.count, args.json)
            case "find":
                return _find(service, args.queries, as_json=args.json)
            case "chat":
                await run_chat(service)
                return 0
    raise CommandFailed(f"unknown command {command!r}")


def _parse(files: Sequence[Path], *, as_json: bool) -> int:
    parsed = [parse_review_file(path) for path in files]
    if as_json:
        payload: Any = [p.to_json() for p in parsed] if len(parsed) > 1 else parsed[0].to_json()
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for path, review in zip(files, parsed, strict=True):
        print(f"{path}: {review.ref.label()}")
        if review.tagline:
            print(f"  tagline: “{review.tagline}”")
        headings = [s.heading for s in review.sections if s.heading]
        print(f"  {len(review.sections)} sections: {', '.join(headings) or '(no headings)'}")
        related = ", ".join(r.label() for r in review.keep_exploring)
        print(f"  keep exploring ({len(review.keep_exploring)}): {related}")
    return 0


def _progress_bar(stream: TextIO) -> Callable[[int, int], None] | None:
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < 50 or (done % 25 and done != total):
            return
        filled = 30 * done // total
        stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} files")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


async def _load(db: Database, paths: Sequence[Path], *, skip_bad: bool) -> int:
    report: LoadReport = await load_files(
        db, paths, SYSTEM_ACTOR, skip_bad=skip_bad, progress=_progress_bar(sys.stderr)
    )
    for error in report.errors:
        print(f"filmbot: {error}", file=sys.stderr)
    if report.saved is None:
        print(
            f"filmbot: nothing loaded: {len(report.errors)} of {report.files} files are bad "
            "(fix them, or use --skip-bad to load the rest)",
            file=sys.stderr,
        )
        return 1
    saved = report.saved
    print(
        f"{report.files} files: {saved.count('added')} reviews added, "
        f"{saved.count('updated')} updated, {saved.count('unchanged')} unchanged, "
        f"{saved.films_added} new catalogue films"
        + (f", {len(report.errors)} bad files skipped" if report.errors else "")
    )
    return 0


def _film_json(film: Film) -> dict[str, Any]:
    return {"title": film.title, "year": film.year, "reviewed": film.reviewed}


async def _review(service: FilmService, query: str, *, as_json: bool) -> int:
    reply = await service.review(query)
    if as_json:
        if not isinstance(reply, ReviewCard):
            _fail_with(reply)
        print(
            json.dumps(
                {
                    "title": reply.film.title,
                    "year": reply.film.year,
                    "tagline": reply.tagline,
                    "summary": reply.summary,
                    "keep_exploring": [_film_json(f) for f in reply.keep_exploring],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(render(reply).text)
    return 0 if isinstance(reply, ReviewCard | UnreviewedCard) else 1


async def _similar(service: FilmService, query: str, count: int, as_json: bool) -> int:
    reply = await service.similar(query, count)
    if as_json:
        if not isinstance(reply, SimilarFilms):
            _fail_with(reply)
        rows = [
            _film_json(s.film) | {"score": round(s.score, 4), "reasons": list(s.reasons)}
            for s in reply.suggestions
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(render(reply).text)
    return 0 if isinstance(reply, SimilarFilms) else 1


def _fail_with(reply: Reply) -> NoReturn:
    raise CommandFailed(render(reply).text)


def _find(service: FilmService, queries: Sequence[str], *, as_json: bool) -> int:
    lines = list(queries) if queries else [line.rstrip("\n") for line in sys.stdin]
    for query in lines:
        resolution = service.resolve(query)
        if as_json:
            print(json.dumps(_resolution_json(resolution), ensure_ascii=False))
        else:
            print(f"{query!r} -> {_resolution_text(resolution)}")
    return 0


def _resolution_json(resolution: Resolution) -> dict[str, Any]:
    alternatives = resolution.candidates or resolution.suggestions
    return {
        "query": resolution.query,
        "match": _film_json(resolution.match) if resolution.match else None,
        "score": round(resolution.score, 2),
        "alternatives": [_film_json(f) for f in alternatives],
    }


def _resolution_text(resolution: Resolution) -> str:
    if resolution.match:
        return f"{resolution.match.label()} (score {resolution.score:.0f})"
    if resolution.candidates:
        return "which one? " + "; ".join(f.label() for f in resolution.candidates)
    if resolution.suggestions:
        return "no match; did you mean " + "; ".join(f.label() for f in resolution.suggestions)
    return "no match"


if __name__ == "__main__":
    sys.exit(main())
