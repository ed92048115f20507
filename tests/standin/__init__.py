"""A local stand-in for Discord (HTTP API + gateway) that the real discord.py client logs in to.

See README.md in this folder for how to use it.
"""

from tests.standin.payloads import (
    ALL_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    ChannelType,
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Permission,
    new_snowflake,
    shard_of,
    snowflake_on_shard,
)
from tests.standin.records import (
    CallbackAttempt,
    CommandUnavailable,
    InteractionResult,
    InteractionType,
    RecordedRequest,
    ResponseType,
    StandinUsageError,
    Violation,
    custom_ids,
    find_component,
    iter_components,
    message_text,
)
from tests.standin.server import FakeDiscord

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "CallbackAttempt",
    "ChannelType",
    "CommandUnavailable",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "InteractionResult",
    "InteractionType",
    "Permission",
    "RecordedRequest",
    "ResponseType",
    "StandinUsageError",
    "Violation",
    "custom_ids",
    "find_component",
    "iter_components",
    "message_text",
    "new_snowflake",
    "shard_of",
    "snowflake_on_shard",
]
