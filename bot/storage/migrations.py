"""Forward-only schema migrations, numbered SQL files tracked by `PRAGMA user_version`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from bot.core.errors import FilmbotError

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    folder = resources.files("bot.storage") / "migrations"
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


LATEST_VERSION = len(available_migrations())


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection, target: int | None = None) -> int:
    """Apply every migration above the database's version, each in its own transaction."""
    current = await schema_version(conn)
    if current > LATEST_VERSION:
        raise FilmbotError(
            f"the database is at schema version {current}, newer than this filmbot "
            f"({LATEST_VERSION}); upgrade filmbot"
        )
    for migration in available_migrations():
        if migration.version <= current or (target is not None and migration.version > target):
            continue
        # executescript commits first; the explicit BEGIN makes each file all-or-nothing.
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{migration.sql}\n"
                f"PRAGMA user_version = {migration.version};\nCOMMIT;"
            )
        except Exception:
            if conn.in_transaction:
                await conn.rollback()
            raise
        current = migration.version
    return current
