"""The fake world (users, roles, guilds, channels) and the JSON Discord would send for it."""

from __future__ import annotations

import datetime
import itertools
import re
import time
from dataclasses import dataclass, field
from enum import IntFlag
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
_INCREMENT = itertools.count(1)
# The low 22 bits of a snowflake are worker/process/increment; an ever-growing counter keeps ids
# unique even when many are made in the same millisecond.
_LOW_BITS = (1 << 22) - 1


def new_snowflake() -> int:
    """A fresh, unique snowflake whose timestamp is now."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_INCREMENT) & _LOW_BITS)


def snowflake_on_shard(shard_id: int, shard_count: int) -> int:
    """A fresh snowflake for a guild that Discord would put on `shard_id` of `shard_count`."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    ms += (shard_id - ms) % shard_count
    return (ms << 22) | (next(_INCREMENT) & _LOW_BITS)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord routes a guild to."""
    return (guild_id >> 22) % shard_count


def snowflake_time(snowflake: int) -> datetime.datetime:
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


def iso_now() -> str:
    return datetime.datetime.now(tz=datetime.UTC).isoformat()


class Permission(IntFlag):
    """Discord permission bits the tests are likely to need."""

    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    MANAGE_ROLES = 1 << 28
    USE_APPLICATION_COMMANDS = 1 << 31
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40


ALL_PERMISSIONS = (1 << 51) - 1
DEFAULT_EVERYONE_PERMISSIONS = int(
    Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.ADD_REACTIONS
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.USE_APPLICATION_COMMANDS
    | Permission.CREATE_PUBLIC_THREADS
    | Permission.SEND_MESSAGES_IN_THREADS
)


@dataclass(eq=False)
class FakeUser:
    name: str
    id: int = field(default_factory=new_snowflake)
    bot: bool = False
    global_name: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass(eq=False)
class FakeRole:
    name: str
    permissions: int = 0
    id: int = field(default_factory=new_snowflake)
    position: int = 1
    mentionable: bool = False

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass(eq=False)
class FakeMember:
    user: FakeUser
    roles: list[FakeRole] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        data: JSON = {
            "roles": [str(role.id) for role in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


class ChannelType:
    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4
    GUILD_NEWS = 5
    PUBLIC_THREAD = 11
    GUILD_FORUM = 15


@dataclass(eq=False)
class FakeChannel:
    name: str
    id: int = field(default_factory=new_snowflake)
    type: int = ChannelType.GUILD_TEXT
    position: int = 0
    topic: str | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self, guild_id: int) -> JSON:
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "topic": self.topic,
            "nsfw": False,
            "parent_id": None,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }


@dataclass(eq=False)
class FakeAttachment:
    """A file a user uploads (or the bot sends); the stand-in serves its bytes at `url`."""

    filename: str
    data: bytes
    content_type: str | None = None
    id: int = field(default_factory=new_snowflake)
    url: str = ""
    description: str | None = None

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type is not None:
            data["content_type"] = self.content_type
        if self.description is not None:
            data["description"] = self.description
        return data


@dataclass(eq=False)
class FakeGuild:
    """A guild; `@everyone` (id == guild id) is implicit, the bot member is added on start."""

    name: str
    id: int = field(default_factory=new_snowflake)
    owner_id: int | None = None
    roles: list[FakeRole] = field(default_factory=list)
    members: list[FakeMember] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS

    def __post_init__(self) -> None:
        if not self.channels:
            self.channels.append(FakeChannel("general"))
        if self.owner_id is None:
            humans = [member for member in self.members if not member.user.bot]
            self.owner_id = humans[0].id if humans else new_snowflake()

    @property
    def everyone_role(self) -> FakeRole:
        return FakeRole("@everyone", self.everyone_permissions, id=self.id, position=0)

    @property
    def text_channel(self) -> FakeChannel:
        for channel in self.channels:
            if channel.type == ChannelType.GUILD_TEXT:
                return channel
        raise LookupError(f"guild {self.name!r} has no text channel")

    def member(self, who: FakeMember | FakeUser | int) -> FakeMember:
        user_id = who if isinstance(who, int) else who.id
        for member in self.members:
            if member.id == user_id:
                return member
        raise LookupError(f"user {user_id} is not a member of guild {self.name!r}")

    def has_member(self, user_id: int) -> bool:
        return any(member.id == user_id for member in self.members)

    def channel(self, channel_id: int) -> FakeChannel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def role(self, role_id_or_name: int | str) -> FakeRole:
        for role in [self.everyone_role, *self.roles]:
            if role.id == role_id_or_name or role.name == role_id_or_name:
                return role
        raise LookupError(f"guild {self.name!r} has no role {role_id_or_name!r}")

    def permissions_of(self, member: FakeMember) -> int:
        """Guild-level permissions (channel overwrites are not modelled)."""
        if member.id == self.owner_id:
            return ALL_PERMISSIONS
        value = self.everyone_permissions
        for role in member.roles:
            value |= role.permissions
        if value & Permission.ADMINISTRATOR:
            return ALL_PERMISSIONS
        return value

    def create_payload(self, *, joined_at: str) -> JSON:
        """The GUILD_CREATE a bot receives on connect."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [role.payload() for role in [self.everyone_role, *self.roles]],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": self.text_channel.id if self.channels else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": joined_at,
            "large": False,
            "unavailable": False,
            # member_count == len(members) marks the guild as chunked: no REQUEST_GUILD_MEMBERS.
            "member_count": len(self.members),
            "voice_states": [],
            "members": [member.payload() for member in self.members],
            "channels": [channel.payload(self.id) for channel in self.channels],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


MENTION_PATTERN = re.compile(r"@everyone|@here|<@[!&]?\d+>")
USER_MENTION_PATTERN = re.compile(r"<@!?(\d+)>")
ROLE_MENTION_PATTERN = re.compile(r"<@&(\d+)>")
