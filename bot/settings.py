"""Settings, read once from the environment and `.env`: nothing else reads os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values
from platformdirs import user_data_path

from bot.core.errors import FilmbotError

BUNDLED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def default_db_path() -> Path:
    return user_data_path("filmbot", appauthor=False) / "filmbot.db"


@dataclass(frozen=True, slots=True)
class Settings:
    # repr=False: settings get logged and printed; the token must never be.
    discord_token: str | None = field(default=None, repr=False)
    db_path: Path = field(default_factory=default_db_path)
    data_dir: Path = BUNDLED_DATA_DIR
    load_bundled: bool = True
    dev_guild_id: int | None = None
    mod_role_ids: frozenset[int] = frozenset()
    admin_guild_ids: frozenset[int] = frozenset()
    # None: one shard (plain Bot); 0: let Discord choose (AutoShardedBot); n: n shards.
    shard_count: int | None = None
    # This process's slice of the shards (a shard cluster); empty: all of them.
    shard_ids: tuple[int, ...] = ()
    log_level: str = "INFO"

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, dotenv_path: Path | None = Path(".env")
    ) -> Settings:
        """Real environment variables win over `.env` entries."""
        values: dict[str, str] = {}
        if dotenv_path is not None and dotenv_path.is_file():
            values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        values.update(os.environ if environ is None else environ)

        def get(name: str) -> str:
            return (values.get(name) or "").strip()

        return cls(
            discord_token=get("DISCORD_TOKEN") or None,
            db_path=Path(get("FILMBOT_DB")).expanduser()
            if get("FILMBOT_DB")
            else default_db_path(),
            data_dir=Path(get("FILMBOT_DATA_DIR")) if get("FILMBOT_DATA_DIR") else BUNDLED_DATA_DIR,
            load_bundled=_flag("FILMBOT_LOAD_BUNDLED", get("FILMBOT_LOAD_BUNDLED"), default=True),
            dev_guild_id=_snowflake("FILMBOT_DEV_GUILD_ID", get("FILMBOT_DEV_GUILD_ID")),
            mod_role_ids=_snowflakes("FILMBOT_MOD_ROLE_IDS", get("FILMBOT_MOD_ROLE_IDS")),
            admin_guild_ids=_snowflakes("FILMBOT_ADMIN_GUILD_IDS", get("FILMBOT_ADMIN_GUILD_IDS")),
            shard_count=_shards(get("FILMBOT_SHARDS")),
            shard_ids=_shard_ids(get("FILMBOT_SHARD_IDS"), _shards(get("FILMBOT_SHARDS"))),
            log_level=(get("FILMBOT_LOG_LEVEL") or "INFO").upper(),
        )


def _flag(name: str, raw: str, *, default: bool) -> bool:
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise FilmbotError(f"{name} must be true or false, not {raw!r}")


def _snowflake(name: str, raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise FilmbotError(f"{name} must be a Discord id (digits only), not {raw!r}")
    return int(raw)


def _snowflakes(name: str, raw: str) -> frozenset[int]:
    parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
    return frozenset(i for i in (_snowflake(name, p) for p in parts) if i is not None)


def _shards(raw: str) -> int | None:
    if not raw:
        return None
    if raw.lower() == "auto":
        return 0
    if not raw.isdigit() or int(raw) < 1:
        raise FilmbotError(f"FILMBOT_SHARDS must be 'auto' or a positive number, not {raw!r}")
    return int(raw)


def _shard_ids(raw: str, shard_count: int | None) -> tuple[int, ...]:
    if not raw:
        return ()
    ids = sorted(_snowflakes("FILMBOT_SHARD_IDS", raw))
    if not shard_count:
        raise FilmbotError("FILMBOT_SHARD_IDS needs FILMBOT_SHARDS set to the total shard count")
    if ids[-1] >= shard_count:
        raise FilmbotError(
            f"FILMBOT_SHARD_IDS: shard ids run from 0 to {shard_count - 1} "
            f"when FILMBOT_SHARDS is {shard_count}"
        )
    return tuple(ids)
