"""`FakeDiscord`: Discord's HTTP API and gateway on 127.0.0.1, for the real discord.py client."""

# Waiting with a deadline is this API's job, so `timeout=` parameters are deliberate.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, TypeAlias

from aiohttp import web

from tests.standin import limits
from tests.standin.gateway import (
    INTENT_GUILD_MESSAGES,
    INTENT_MESSAGE_CONTENT,
    GatewaySession,
    serve_gateway,
)
from tests.standin.interactions import (
    Resolved,
    build_command_data,
    build_component_data,
    build_modal_data,
)
from tests.standin.limits import FLAG_EPHEMERAL, FLAG_LOADING, FieldError, errors_tree
from tests.standin.payloads import (
    JSON,
    ROLE_MENTION_PATTERN,
    USER_MENTION_PATTERN,
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeUser,
    Permission,
    iso_now,
    new_snowflake,
    shard_of,
)
from tests.standin.records import (
    CallbackAttempt,
    CommandUnavailable,
    InteractionResult,
    InteractionType,
    RecordedRequest,
    ResponseType,
    Signal,
    StandinUsageError,
    Violation,
)

API_PREFIX = "/api/v10"
ATTACHMENT_SIZE_LIMIT = 25 * 1024 * 1024
# Flags a bot may set when creating a message: suppress embeds, ephemeral, silent, components v2.
CREATABLE_FLAGS = 4 | FLAG_EPHEMERAL | 4096 | limits.FLAG_COMPONENTS_V2
MESSAGE_TYPE_DEFAULT = 0
MESSAGE_TYPE_REPLY = 19
MESSAGE_TYPE_CHAT_INPUT_COMMAND = 20

UserLike: TypeAlias = FakeMember | FakeUser | int
Handler: TypeAlias = Callable[["_Call"], Awaitable[web.StreamResponse]]


class _Call:
    """One REST request as the handlers see it."""

    def __init__(
        self,
        request: web.Request,
        match: re.Match[str],
        body: Any,
        files: list[FakeAttachment],
        record: RecordedRequest,
    ) -> None:
        self.request = request
        self.match = match
        self.body = body
        self.files = files
        self.record = record

    def __getitem__(self, group: str) -> str:
        return self.match.group(group)

    def int(self, group: str) -> int:
        return int(self.match.group(group))

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def path(self) -> str:
        return self.record.path

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query


def _reply(status: int, body: Any = None) -> web.Response:
    if body is None:
        return web.Response(status=status)
    # Exactly "application/json", no charset: discord.py's json_or_text compares the header.
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _error(status: int, code: int, message: str, errors: JSON | None = None) -> web.Response:
    body: JSON = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return _reply(status, body)


def _true(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true")


class FakeDiscord:
    """A local Discord for one test: HTTP API, gateway, and a record of what the bot did.

    Use as `async with FakeDiscord(guilds=[...]) as fake:`; then `async with fake.running(bot):`
    (or `with fake.patched_discord():` and start the bot yourself).
    """

    def __init__(
        self,
        guilds: Sequence[FakeGuild] = (),
        *,
        shards: int = 1,
        bot_name: str = "filmbot",
        token: str | None = None,
        deadline: float = 3.0,
        token_lifetime: float = 15 * 60.0,
        heartbeat_interval: float = 41.25,
        require_silent_mentions: bool = True,
    ) -> None:
        self.guilds: list[FakeGuild] = list(guilds)
        self.shards = shards
        self.token = token
        self.deadline = deadline
        self.token_lifetime = token_lifetime
        self.heartbeat_interval_ms = int(heartbeat_interval * 1000)
        self.require_silent_mentions = require_silent_mentions
        self.bot_user = FakeUser(bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.owner = FakeUser(f"{bot_name}-owner")
        for guild in self.guilds:
            if not guild.has_member(self.bot_user.id):
                guild.members.append(FakeMember(self.bot_user))

        self.signal = Signal()
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.sessions: list[GatewaySession] = []
        self.interactions: list[InteractionResult] = []
        self.messages: dict[int, JSON] = {}
        self.deleted_messages: dict[int, JSON] = {}
        self.attachments: dict[int, FakeAttachment] = {}
        self.reactions: list[tuple[int, str]] = []
        self.commands: dict[int | None, list[JSON]] = {}
        self.command_syncs: list[tuple[int | None, list[JSON]]] = []
        self._interactions_by_token: dict[str, InteractionResult] = {}
        self._last_user_message: dict[int, int] = {}
        self._joined_at = iso_now()
        self._runner: web.AppRunner | None = None
        self._socket: socket.socket | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._add_routes()

    # --- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("GET", "/attachments/{id}/{filename}", self._attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        await web.SockSite(self._runner, self._socket).start()

    async def close(self) -> None:
        for session in self.sessions:
            if not session.socket.closed:
                await session.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def patched_discord(self) -> Iterator[None]:
        """Point discord.py at the stand-in (REST base and default gateway), then restore.

        A plain `Client` never asks `/gateway`: it connects to `DiscordWebSocket.DEFAULT_GATEWAY`
        (as does `AutoShardedClient` given `shard_count`), so that class attribute is set too.
        """
        import yarl
        from discord.gateway import DiscordWebSocket
        from discord.http import Route

        old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE = self.api_base
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            Route.BASE = old_base
            DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    @contextlib.asynccontextmanager
    async def running(
        self, bot: Any, token: str = "standin-token", *, ready_timeout: float = 10.0
    ) -> AsyncIterator[Any]:
        """Patch discord.py, `bot.start(token)`, wait until ready; close the bot on exit."""
        with self.patched_discord():
            task = asyncio.create_task(bot.start(token), name="standin-bot")
            try:
                ready = asyncio.create_task(self.wait_ready(timeout=ready_timeout))
                await asyncio.wait({ready, task}, return_when=asyncio.FIRST_COMPLETED)
                if not ready.done():
                    ready.cancel()
                    task.result()  # raises the bot's own error
                    raise RuntimeError("the bot stopped before it was ready")
                ready.result()
                yield bot
            finally:
                await bot.close()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, 5.0)

    # --- gateway hub (see gateway.GatewayHub) ------------------------------------------------

    def token_is_valid(self, token: str) -> bool:
        token = token.removeprefix("Bot ").strip()
        return bool(token) and (self.token is None or token == self.token)

    def ready_user(self) -> JSON:
        payload = self.bot_user.payload()
        payload.update({"verified": True, "mfa_enabled": False, "flags": 0, "locale": "en-US"})
        return payload

    def application_payload(self) -> JSON:
        return {"id": str(self.application_id), "flags": 0}

    def all_guilds(self) -> list[FakeGuild]:
        return self.guilds

    def joined_at(self) -> str:
        return self._joined_at

    def session_changed(self) -> None:
        self.signal.fire()

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        return await serve_gateway(self, request, self.sessions)

    # --- waiting -----------------------------------------------------------------------------

    @property
    def live_sessions(self) -> list[GatewaySession]:
        return [session for session in self.sessions if session.identified and not session.closed]

    def _all_shards_ready(self) -> bool:
        live = [s for s in self.live_sessions if s.ready]
        if not live:
            return False
        count = live[-1].shard_count
        return {s.shard_id for s in live if s.shard_count == count} >= set(range(count))

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Until every shard identified, got READY and its guilds, and parsed them."""
        await self.signal.wait_for(self._all_shards_ready, timeout, "the bot to identify")
        await self.sync(timeout=timeout)

    async def sync(self, timeout: float = 5.0) -> None:
        """Until the bot has parsed every gateway event sent so far (on every shard)."""
        await asyncio.gather(*(s.sync(timeout) for s in self.live_sessions if s.ready))

    def session_for(self, guild: FakeGuild | int) -> GatewaySession:
        guild_id = guild if isinstance(guild, int) else guild.id
        for session in reversed(self.live_sessions):
            if session.ready and shard_of(guild_id, session.shard_count) == session.shard_id:
                return session
        raise StandinUsageError(f"no connected shard serves guild {guild_id}; is the bot running?")

    async def dispatch(self, event: str, data: JSON, *, guild: FakeGuild | int) -> int:
        """Send any gateway event to the shard that serves `guild`; returns its sequence."""
        return await self.session_for(guild).dispatch(event, data)

    async def wait_commands_synced(self, *names: str, timeout: float = 10.0) -> None:
        """Until the bot has bulk-overwritten its commands (and, if given, these names exist)."""

        def synced() -> bool:
            if not self.command_syncs:
                return False
            registered = {c["name"] for commands in self.commands.values() for c in commands}
            return set(names) <= registered

        await self.signal.wait_for(synced, timeout, f"command sync of {names or 'any command'}")

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        await self.signal.wait_for(predicate, timeout, "a condition")

    # --- the world ---------------------------------------------------------------------------

    def guild(self, guild_id: int) -> FakeGuild:
        for guild in self.guilds:
            if guild.id == guild_id:
                return guild
        raise StandinUsageError(f"unknown guild {guild_id}")

    def _guild_of_channel(self, channel_id: int) -> tuple[FakeGuild, FakeChannel] | None:
        for guild in self.guilds:
            channel = guild.channel(channel_id)
            if channel is not None:
                return guild, channel
        return None

    def _find_user(self, user_id: int) -> FakeUser | None:
        if user_id == self.bot_user.id:
            return self.bot_user
        for guild in self.guilds:
            if guild.has_member(user_id):
                return guild.member(user_id).user
        return None

    def add_attachment(
        self, filename: str, data: bytes, content_type: str | None = None
    ) -> FakeAttachment:
        """A file a user uploads; pass it as an attachment option or in send_message."""
        attachment = FakeAttachment(filename, data, content_type)
        return self._store_attachment(attachment)

    def _store_attachment(self, attachment: FakeAttachment) -> FakeAttachment:
        attachment.url = f"{self.base_url}/attachments/{attachment.id}/{attachment.filename}"
        self.attachments[attachment.id] = attachment
        return attachment

    def attachment_bytes(self, attachment: JSON | FakeAttachment) -> bytes:
        """The bytes behind an attachment payload of a recorded message."""
        attachment_id = (
            attachment.id if isinstance(attachment, FakeAttachment) else int(attachment["id"])
        )
        return self.attachments[attachment_id].data

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        attachment = self.attachments.get(int(request.match_info["id"]))
        if attachment is None or attachment.filename != request.match_info["filename"]:
            return web.Response(status=404, text="Not Found")
        return web.Response(
            body=attachment.data, content_type=attachment.content_type or "application/octet-stream"
        )

    # --- REST plumbing -----------------------------------------------------------------------

    def _route(self, method: str, pattern: str, handler: Handler) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        self._routes.append((method, re.compile(f"^{regex}$"), handler))

    def _add_routes(self) -> None:
        r = self._route
        r("GET", "/users/@me", self._get_me)
        r("GET", "/users/{user_id}", self._get_user)
        r("GET", "/gateway", self._get_gateway)
        r("GET", "/gateway/bot", self._get_gateway_bot)
        r("GET", "/oauth2/applications/@me", self._get_application)
        r("GET", "/applications/@me", self._get_application)
        r("GET", "/applications/{app_id}/commands", self._get_commands)
        r("PUT", "/applications/{app_id}/commands", self._put_commands)
        r("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands)
        r("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands)
        r("POST", "/interactions/{interaction_id}/{token}/callback", self._callback)
        r("POST", "/webhooks/{app_id}/{token}", self._followup)
        for method in ("GET", "PATCH", "DELETE"):
            r(method, "/webhooks/{app_id}/{token}/messages/{message_id}", self._webhook_message)
        r("GET", "/channels/{channel_id}", self._get_channel)
        r("GET", "/channels/{channel_id}/messages", self._get_channel_messages)
        r("POST", "/channels/{channel_id}/messages", self._post_channel_message)
        for method in ("GET", "PATCH", "DELETE"):
            r(method, "/channels/{channel_id}/messages/{message_id}", self._channel_message)
        r("POST", "/channels/{channel_id}/typing", self._typing)
        for method in ("PUT", "DELETE"):
            r(
                method,
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._reaction,
            )
        r("GET", "/guilds/{guild_id}", self._get_guild)
        r("GET", "/guilds/{guild_id}/channels", self._get_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self._get_guild_roles)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[FakeAttachment]]:
        files: list[FakeAttachment] = []
        if request.content_type.startswith("multipart/"):
            body: Any = None
            reader = await request.multipart()
            while True:
                part: Any = await reader.next()
                if part is None:
                    break
                name = part.name or ""
                if name == "payload_json":
                    body = json.loads(await part.text())
                elif part.filename is not None:
                    data = bytes(await part.read(decode=False))
                    content_type = part.headers.get("Content-Type")
                    files.append(FakeAttachment(part.filename, data, content_type))
            return body, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), files

    def _interaction_for_path(self, path: str) -> InteractionResult | None:
        match = re.match(r"^/(?:interactions/\d+|webhooks/\d+)/([^/]+)", path)
        return None if match is None else self._interactions_by_token.get(match.group(1))

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        path = "/" + request.match_info["tail"]
        interaction = self._interaction_for_path(path)
        if interaction is not None:
            interaction.in_flight += 1
            interaction.last_activity = arrived
        record = RecordedRequest(request.method, path, dict(request.query), None, [], arrived)
        self.requests.append(record)
        try:
            body, files = await self._read_body(request)
            record.body = body
            record.files = [(f.filename, f.data) for f in files]
            response = await self._route_request(request, path, body, files, record, arrived)
            record.status = response.status
            if isinstance(response, web.Response) and response.body is not None:
                with contextlib.suppress(ValueError, TypeError):
                    record.response = json.loads(bytes(response.body))  # type: ignore[arg-type]
            return response
        finally:
            if interaction is not None:
                interaction.in_flight -= 1
                interaction.last_activity = loop.time()
            self.signal.fire()

    async def _route_request(
        self,
        request: web.Request,
        path: str,
        body: Any,
        files: list[FakeAttachment],
        record: RecordedRequest,
        arrived: float,
    ) -> web.StreamResponse:
        route_exists = False
        for method, regex, handler in self._routes:
            match = regex.match(path)
            if match is None:
                continue
            route_exists = True
            if method != request.method:
                continue
            webhook = path.startswith(("/webhooks/", "/interactions/"))
            if not webhook and not self._authorised(request):
                return _error(401, 0, "401: Unauthorized")
            call = _Call(request, match, body, files, record)
            call.record.at = arrived
            return await handler(call)
        detail = "method not allowed" if route_exists else "no such route in the stand-in"
        self._violate("unknown_route", detail, request.method, path, body)
        if route_exists:
            return _error(405, 0, "405: Method Not Allowed")
        return _error(404, 0, "404: Not Found")

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bot ") and self.token_is_valid(header)

    def _violate(
        self,
        kind: str,
        detail: str,
        method: str = "",
        path: str = "",
        payload: Any = None,
        errors: JSON | None = None,
        interaction: InteractionResult | None = None,
    ) -> Violation:
        violation = Violation(kind, detail, method, path, payload, errors)
        self.violations.append(violation)
        if interaction is not None:
            interaction.violations.append(violation)
        return violation

    def _invalid_form(
        self,
        call: _Call,
        errors: list[FieldError],
        interaction: InteractionResult | None = None,
    ) -> web.Response:
        tree = errors_tree(errors)
        detail = "; ".join(str(error) for error in errors)
        self._violate("limit", detail, call.method, call.path, call.body, tree, interaction)
        return _error(400, 50035, "Invalid Form Body", tree)

    def _empty_message(
        self, call: _Call, interaction: InteractionResult | None = None
    ) -> web.Response:
        self._violate(
            "empty_message",
            "Cannot send an empty message",
            call.method,
            call.path,
            call.body,
            interaction=interaction,
        )
        return _error(400, 50006, "Cannot send an empty message")

    def _check_ping(
        self, call: _Call, payload: JSON, interaction: InteractionResult | None = None
    ) -> None:
        if limits.mentions_silenced(payload):
            return
        tokens = limits.mention_tokens(payload)
        if tokens or self.require_silent_mentions:
            found = f"mentions {tokens}" if tokens else "no mention in this text"
            self._violate(
                "ping",
                f"message sent without allowed_mentions=AllowedMentions.none() ({found})",
                call.method,
                call.path,
                payload,
                interaction=interaction,
            )

    # --- messages ----------------------------------------------------------------------------

    def _mentions(self, content: str, allowed: JSON | None, guild: FakeGuild | None) -> JSON:
        parse = None if allowed is None else allowed.get("parse", [])
        allowed_users = {int(u) for u in (allowed or {}).get("users", [])}
        allowed_roles = {int(r) for r in (allowed or {}).get("roles", [])}
        users: list[JSON] = []
        for match in USER_MENTION_PATTERN.finditer(content):
            user_id = int(match.group(1))
            user = self._find_user(user_id)
            if user is None or any(u["id"] == str(user_id) for u in users):
                continue
            if parse is None or "users" in parse or user_id in allowed_users:
                payload = user.payload()
                if guild is not None and guild.has_member(user_id):
                    payload["member"] = guild.member(user_id).payload(with_user=False)
                users.append(payload)
        roles = [
            match.group(1)
            for match in ROLE_MENTION_PATTERN.finditer(content)
            if parse is None or "roles" in parse or int(match.group(1)) in allowed_roles
        ]
        everyone = ("@everyone" in content or "@here" in content) and (
            parse is None or "everyone" in parse
        )
        return {"mentions": users, "mention_roles": roles, "mention_everyone": everyone}

    def _attachments_for(
        self, body: JSON, files: list[FakeAttachment], existing: list[JSON]
    ) -> list[JSON]:
        """Kept attachments (listed by id in `attachments`) plus the newly uploaded files."""
        listed = body.get("attachments")
        kept: list[JSON]
        if listed is None:
            kept = list(existing)
        else:
            existing_ids = {a["id"]: a for a in existing}
            kept = [
                existing_ids[str(a.get("id"))] for a in listed if str(a.get("id")) in existing_ids
            ]
        descriptions = {
            str(a.get("id")): a.get("description") for a in listed or [] if isinstance(a, dict)
        }
        for index, upload in enumerate(files):
            upload.description = descriptions.get(str(index))
            kept.append(self._store_attachment(upload).payload())
        return kept

    def _build_message(
        self,
        body: JSON,
        files: list[FakeAttachment],
        *,
        channel_id: int,
        guild: FakeGuild | None,
        flags: int,
        message_type: int = MESSAGE_TYPE_DEFAULT,
        interaction: InteractionResult | None = None,
    ) -> JSON:
        message_id = new_snowflake()
        message: JSON = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "author": self.bot_user.payload(),
            "content": body.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "attachments": self._attachments_for(body, files, []),
            "embeds": [self._normalise_embed(embed) for embed in body.get("embeds") or []],
            "components": body.get("components") or [],
            "pinned": False,
            "type": message_type,
            "flags": flags,
            **self._mentions(body.get("content") or "", body.get("allowed_mentions"), guild),
        }
        if guild is not None:
            message["guild_id"] = str(guild.id)
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if interaction is not None:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
            metadata: JSON = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.user.payload(),
                "authorizing_integration_owners": {"0": str(interaction.guild.id)},
            }
            if interaction.type == InteractionType.APPLICATION_COMMAND:
                metadata["name"] = interaction.payload["data"]["name"]
                metadata["command_type"] = interaction.payload["data"].get("type", 1)
            if interaction.original_message_id is not None:
                metadata["original_response_message_id"] = str(interaction.original_message_id)
            if "message" in interaction.payload:
                metadata["interacted_message_id"] = interaction.payload["message"]["id"]
            message["interaction_metadata"] = metadata
        self.messages[message_id] = message
        return message

    @staticmethod
    def _normalise_embed(embed: JSON) -> JSON:
        return {"type": "rich", **embed}

    def _apply_edit(self, message: JSON, body: JSON, files: list[FakeAttachment]) -> JSON:
        """The message after an edit (not yet stored)."""
        edited = dict(message)
        if "content" in body:
            edited["content"] = body["content"] or ""
        if "embeds" in body:
            edited["embeds"] = [self._normalise_embed(e) for e in body["embeds"] or []]
        if "components" in body:
            edited["components"] = body["components"] or []
        if "attachments" in body or files:
            edited["attachments"] = self._attachments_for(body, files, message["attachments"])
        if "flags" in body and body["flags"] is not None:
            # Only "suppress embeds" can change on an edit; ephemeral and v2 stay as created.
            edited["flags"] = (message["flags"] & ~4) | (body["flags"] & 4)
        if "content" in body or "allowed_mentions" in body:
            guild_id = message.get("guild_id")
            guild = self.guild(int(guild_id)) if guild_id else None
            edited.update(self._mentions(edited["content"], body.get("allowed_mentions"), guild))
        edited["flags"] &= ~FLAG_LOADING
        if not message["flags"] & FLAG_LOADING:
            edited["edited_timestamp"] = iso_now()
        return edited

    async def _announce(self, event: str, message: JSON) -> None:
        """MESSAGE_CREATE/UPDATE/DELETE to the bot for a visible guild message it can see."""
        if message["flags"] & FLAG_EPHEMERAL or "guild_id" not in message:
            return
        guild_id = int(message["guild_id"])
        try:
            session = self.session_for(guild_id)
        except StandinUsageError:
            return
        if not session.has_intent(INTENT_GUILD_MESSAGES):
            return
        if event == "MESSAGE_DELETE":
            data = {
                "id": message["id"],
                "channel_id": message["channel_id"],
                "guild_id": message["guild_id"],
            }
        else:
            data = dict(message)
            author_id = int(message["author"]["id"])
            guild = self.guild(guild_id)
            if guild.has_member(author_id):
                data["member"] = guild.member(author_id).payload(with_user=False)
            mentioned = any(int(u["id"]) == self.bot_user.id for u in message["mentions"])
            if not (
                session.has_intent(INTENT_MESSAGE_CONTENT)
                or author_id == self.bot_user.id
                or mentioned
            ):
                data.update(content="", embeds=[], attachments=[], components=[])
        await session.dispatch(event, data)

    def _validate_create(
        self, call: _Call, body: Any, interaction: InteractionResult | None
    ) -> web.Response | None:
        """400 for a message payload Discord would refuse at creation; records the ping check."""
        if not isinstance(body, dict):
            return self._invalid_form(
                call,
                [
                    FieldError(
                        (), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
                    )
                ],
                interaction,
            )
        errors = limits.check_message(body)
        if errors:
            return self._invalid_form(call, errors, interaction)
        candidate = dict(body)
        candidate["attachments"] = body.get("attachments") or call.files
        if limits.is_empty_message(candidate):
            return self._empty_message(call, interaction)
        self._check_ping(call, body, interaction)
        return None

    def _validate_edit(
        self, call: _Call, message: JSON, body: Any, interaction: InteractionResult | None
    ) -> tuple[web.Response | None, JSON | None]:
        if not isinstance(body, dict):
            body = {}
        errors = limits.check_message(body)
        if errors:
            return self._invalid_form(call, errors, interaction), None
        edited = self._apply_edit(message, body, call.files)
        if limits.is_empty_message(edited):
            return self._empty_message(call, interaction), None
        if message["flags"] & FLAG_LOADING:
            # Resolving a "thinking" message posts it for the first time: it can ping.
            self._check_ping(call, body, interaction)
        return None, edited

    # --- REST handlers: identity, gateway, application ---------------------------------------

    async def _get_me(self, call: _Call) -> web.Response:
        return _reply(200, self.ready_user())

    async def _get_user(self, call: _Call) -> web.Response:
        user = self._find_user(call.int("user_id"))
        if user is None:
            return _error(404, 10013, "Unknown User")
        return _reply(200, user.payload())

    async def _get_gateway(self, call: _Call) -> web.Response:
        return _reply(200, {"url": self.gateway_url})

    async def _get_gateway_bot(self, call: _Call) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return _reply(
            200, {"url": self.gateway_url, "shards": self.shards, "session_start_limit": limit}
        )

    async def _get_application(self, call: _Call) -> web.Response:
        return _reply(
            200,
            {
                "id": str(self.application_id),
                "name": self.bot_user.name,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "bot": self.bot_user.payload(),
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": self.owner.payload(),
                "team": None,
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "approximate_guild_count": len(self.guilds),
            },
        )

    # --- REST handlers: application commands -------------------------------------------------

    def _scope(self, call: _Call) -> int | None:
        guild_id = call.match.groupdict().get("guild_id")
        return None if guild_id is None else int(guild_id)

    async def _get_commands(self, call: _Call) -> web.Response:
        if call.int("app_id") != self.application_id:
            return _error(403, 50001, "Missing Access")
        return _reply(200, self.commands.get(self._scope(call), []))

    async def _put_commands(self, call: _Call) -> web.Response:
        if call.int("app_id") != self.application_id:
            return _error(403, 50001, "Missing Access")
        scope = self._scope(call)
        errors = limits.check_commands(call.body)
        if errors:
            return self._invalid_form(call, errors)
        previous = {(c.get("type", 1), c["name"]): c["id"] for c in self.commands.get(scope, [])}
        stored: list[JSON] = []
        for command in call.body:
            kind = command.get("type", 1)
            entry: JSON = {
                "default_member_permissions": None,
                "contexts": None,
                "integration_types": [0],
                "nsfw": False,
                "options": [],
                **command,
                "id": previous.get((kind, command["name"])) or str(new_snowflake()),
                "application_id": str(self.application_id),
                "type": kind,
                "version": str(new_snowflake()),
                "description": command.get("description", ""),
            }
            if scope is not None:
                entry["guild_id"] = str(scope)
            stored.append(entry)
        self.commands[scope] = stored
        self.command_syncs.append((scope, stored))
        return _reply(200, stored)

    def command(self, name: str, guild: FakeGuild | int | None = None) -> JSON:
        """A registered command by name: the guild's own first, then global."""
        guild_id = guild if isinstance(guild, int) or guild is None else guild.id
        scopes: list[int | None] = [guild_id, None] if guild_id is not None else [None]
        if guild_id is None:
            scopes += [scope for scope in self.commands if scope is not None]
        for scope in scopes:
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        known = sorted({c["name"] for commands in self.commands.values() for c in commands})
        raise StandinUsageError(f"command /{name} is not registered (registered: {known})")

    # --- REST handlers: interactions ---------------------------------------------------------

    def _interaction_message(self, interaction: InteractionResult) -> JSON | None:
        """The current version of the message a component (or its modal) came from."""
        source = interaction.payload.get("message")
        return None if source is None else self.messages.get(int(source["id"]))

    async def _callback(self, call: _Call) -> web.Response:
        loop = asyncio.get_running_loop()
        interaction = self._interactions_by_token.get(call["token"])
        if interaction is None or interaction.id != call.int("interaction_id"):
            self._violate(
                "unknown_interaction",
                "callback for an interaction the stand-in never sent",
                call.method,
                call.path,
                call.body,
            )
            return _error(404, 10062, "Unknown interaction")
        body = call.body if isinstance(call.body, dict) else {}
        latency = call.record.at - interaction.dispatched_at
        attempt = CallbackAttempt(body, 0, latency)
        interaction.callbacks.append(attempt)
        response = await self._answer_callback(call, interaction, body, latency, loop.time())
        attempt.status = response.status
        return response

    async def _answer_callback(
        self, call: _Call, interaction: InteractionResult, body: JSON, latency: float, now: float
    ) -> web.Response:
        if interaction.acknowledged:
            self._violate(
                "double_response",
                f"second response (type {body.get('type')}) to interaction {interaction.id}",
                call.method,
                call.path,
                body,
                interaction=interaction,
            )
            return _error(400, 40060, "Interaction has already been acknowledged.")
        if interaction.expired or latency > self.deadline:
            first = not interaction.expired
            interaction.expired = True
            if first:
                self._violate(
                    "deadline",
                    f"first response after {latency:.3f}s (limit {self.deadline}s)",
                    call.method,
                    call.path,
                    body,
                    interaction=interaction,
                )
            return _error(404, 10062, "Unknown interaction")

        kind = body.get("type")
        data = body.get("data") or {}
        allowed = {
            InteractionType.APPLICATION_COMMAND: {4, 5, 9},
            InteractionType.AUTOCOMPLETE: {8},
            InteractionType.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
            InteractionType.MODAL_SUBMIT: {4, 5, 6, 7},
        }[interaction.type]
        if (
            interaction.type == InteractionType.MODAL_SUBMIT
            and "message" not in interaction.payload
        ):
            allowed -= {6, 7}
        if kind not in allowed:
            error = FieldError(
                ("type",),
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Value must be one of {sorted(allowed)}.",
            )
            tree = errors_tree([error])
            self._violate(
                "invalid_response_type",
                f"response type {kind} to an interaction of type {interaction.type}",
                call.method,
                call.path,
                body,
                tree,
                interaction,
            )
            return _error(400, 50035, "Invalid Form Body", tree)

        info: JSON = {"id": str(interaction.id), "type": interaction.type}
        resource: JSON = {"type": kind}
        if kind == ResponseType.CHANNEL_MESSAGE:
            rejected = self._validate_create(call, data, interaction)
            if rejected is not None:
                return rejected
            message = self._build_message(
                data,
                call.files,
                channel_id=interaction.channel.id,
                guild=interaction.guild,
                flags=(data.get("flags") or 0) & CREATABLE_FLAGS,
                message_type=self._interaction_message_type(interaction),
                interaction=interaction,
            )
            interaction.original_message_id = int(message["id"])
            resource["message"] = message
            await self._announce("MESSAGE_CREATE", message)
        elif kind == ResponseType.DEFERRED_CHANNEL_MESSAGE:
            flags = FLAG_LOADING | ((data.get("flags") or 0) & FLAG_EPHEMERAL)
            message = self._build_message(
                {},
                [],
                channel_id=interaction.channel.id,
                guild=interaction.guild,
                flags=flags,
                message_type=self._interaction_message_type(interaction),
                interaction=interaction,
            )
            interaction.original_message_id = int(message["id"])
            resource["message"] = message
            info["response_message_loading"] = True
        elif kind in (ResponseType.DEFERRED_UPDATE_MESSAGE, ResponseType.UPDATE_MESSAGE):
            source = self._interaction_message(interaction)
            if source is None:
                self._violate(
                    "unknown_message",
                    "update of a message that no longer exists",
                    call.method,
                    call.path,
                    body,
                    interaction=interaction,
                )
                return _error(404, 10008, "Unknown Message")
            interaction.original_message_id = int(source["id"])
            if kind == ResponseType.UPDATE_MESSAGE:
                rejected, edited = self._validate_edit(call, source, data, interaction)
                if rejected is not None or edited is None:
                    return rejected or _error(400, 50035, "Invalid Form Body")
                self.messages[int(source["id"])] = edited
                resource["message"] = edited
                await self._announce("MESSAGE_UPDATE", edited)
        elif kind == ResponseType.AUTOCOMPLETE_RESULT:
            errors = limits.check_autocomplete(data)
            if errors:
                return self._invalid_form(call, errors, interaction)
        elif kind == ResponseType.MODAL:
            errors = limits.check_modal(data)
            if errors:
                return self._invalid_form(call, errors, interaction)
        interaction.response = body
        shown: JSON | None = resource.get("message")
        if shown is not None:
            info["response_message_id"] = shown["id"]
            info["response_message_ephemeral"] = bool(shown["flags"] & FLAG_EPHEMERAL)
        return _reply(200, {"interaction": info, "resource": resource})

    @staticmethod
    def _interaction_message_type(interaction: InteractionResult) -> int:
        if interaction.type == InteractionType.APPLICATION_COMMAND:
            return MESSAGE_TYPE_CHAT_INPUT_COMMAND
        return MESSAGE_TYPE_DEFAULT

    def _webhook_interaction(
        self, call: _Call
    ) -> tuple[InteractionResult | None, web.Response | None]:
        interaction = self._interactions_by_token.get(call["token"])
        if interaction is None or call.int("app_id") != self.application_id:
            self._violate(
                "unknown_interaction",
                "webhook call with an unknown token",
                call.method,
                call.path,
                call.body,
            )
            return None, _error(404, 10015, "Unknown Webhook")
        now = asyncio.get_running_loop().time()
        if now - interaction.dispatched_at > self.token_lifetime:
            self._violate(
                "expired_token",
                "interaction token older than 15 minutes",
                call.method,
                call.path,
                call.body,
                interaction=interaction,
            )
            return None, _error(401, 50027, "Invalid Webhook Token")
        if not interaction.acknowledged:
            self._violate(
                "followup_before_response",
                "webhook call before the interaction was acknowledged",
                call.method,
                call.path,
                call.body,
                interaction=interaction,
            )
            return None, _error(404, 10015, "Unknown Webhook")
        return interaction, None

    async def _followup(self, call: _Call) -> web.Response:
        interaction, failure = self._webhook_interaction(call)
        if interaction is None:
            return failure or _error(404, 10015, "Unknown Webhook")
        body = call.body if isinstance(call.body, dict) else {}
        rejected = self._validate_create(call, body, interaction)
        if rejected is not None:
            return rejected
        original = interaction.original
        if original is not None and original["flags"] & FLAG_LOADING:
            # The first follow-up after a defer fills in the "thinking" message; it keeps the
            # defer's ephemerality whatever flags the follow-up asks for.
            message = self._apply_edit(original, body, call.files)
            message.update(
                self._mentions(message["content"], body.get("allowed_mentions"), interaction.guild)
            )
            self.messages[int(original["id"])] = message
            await self._announce("MESSAGE_CREATE", message)
        else:
            message = self._build_message(
                body,
                call.files,
                channel_id=interaction.channel.id,
                guild=interaction.guild,
                flags=(body.get("flags") or 0) & CREATABLE_FLAGS,
                message_type=self._interaction_message_type(interaction),
                interaction=interaction,
            )
            interaction.followup_ids.append(int(message["id"]))
            await self._announce("MESSAGE_CREATE", message)
        if _true(call.query.get("wait")):
            return _reply(200, message)
        return _reply(204)

    async def _webhook_message(self, call: _Call) -> web.Response:
        interaction, failure = self._webhook_interaction(call)
        if interaction is None:
            return failure or _error(404, 10015, "Unknown Webhook")
        ref = call["message_id"]
        message_id = interaction.original_message_id if ref == "@original" else int(ref)
        own = {interaction.original_message_id, *interaction.followup_ids}
        message = (
            self.messages.get(message_id) if message_id in own and message_id is not None else None
        )
        if message is None or message_id is None:
            self._violate(
                "unknown_message",
                f"webhook message {ref} does not exist",
                call.method,
                call.path,
                call.body,
                interaction=interaction,
            )
            return _error(404, 10008, "Unknown Message")
        if call.method == "GET":
            return _reply(200, message)
        if call.method == "DELETE":
            self.deleted_messages[message_id] = self.messages.pop(message_id)
            await self._announce("MESSAGE_DELETE", message)
            return _reply(204)
        rejected, edited = self._validate_edit(call, message, call.body, interaction)
        if rejected is not None or edited is None:
            return rejected or _error(400, 50035, "Invalid Form Body")
        was_loading = bool(message["flags"] & FLAG_LOADING)
        self.messages[message_id] = edited
        await self._announce("MESSAGE_CREATE" if was_loading else "MESSAGE_UPDATE", edited)
        return _reply(200, edited)

    # --- REST handlers: channels, guilds -----------------------------------------------------

    def _channel(self, call: _Call) -> tuple[FakeGuild, FakeChannel] | None:
        return self._guild_of_channel(call.int("channel_id"))

    async def _get_channel(self, call: _Call) -> web.Response:
        found = self._channel(call)
        if found is None:
            return _error(404, 10003, "Unknown Channel")
        guild, channel = found
        return _reply(200, channel.payload(guild.id))

    async def _get_channel_messages(self, call: _Call) -> web.Response:
        channel_id = call.int("channel_id")
        if self._guild_of_channel(channel_id) is None:
            return _error(404, 10003, "Unknown Channel")
        limit = int(call.query.get("limit", "50"))
        visible = [
            m
            for m in self.messages.values()
            if int(m["channel_id"]) == channel_id and not m["flags"] & FLAG_EPHEMERAL
        ]
        visible.sort(key=lambda m: int(m["id"]), reverse=True)
        return _reply(200, visible[:limit])

    async def _post_channel_message(self, call: _Call) -> web.Response:
        found = self._channel(call)
        if found is None:
            self._violate(
                "unknown_message",
                "message to an unknown channel",
                call.method,
                call.path,
                call.body,
            )
            return _error(404, 10003, "Unknown Channel")
        guild, channel = found
        needed = Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES
        if guild.permissions_of(guild.member(self.bot_user.id)) & needed != needed:
            self._violate(
                "missing_permissions",
                f"bot cannot send in #{channel.name}",
                call.method,
                call.path,
                call.body,
            )
            return _error(403, 50013, "Missing Permissions")
        body = call.body if isinstance(call.body, dict) else {}
        rejected = self._validate_create(call, body, None)
        if rejected is not None:
            return rejected
        reference = body.get("message_reference")
        referenced: JSON | None = None
        if reference:
            referenced = self.messages.get(int(reference.get("message_id", 0)))
            if referenced is None and reference.get("fail_if_not_exists", True):
                error = FieldError(
                    ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
                return self._invalid_form(call, [error])
        message = self._build_message(
            body,
            call.files,
            channel_id=channel.id,
            guild=guild,
            flags=(body.get("flags") or 0) & CREATABLE_FLAGS & ~FLAG_EPHEMERAL,
            message_type=MESSAGE_TYPE_REPLY if referenced is not None else MESSAGE_TYPE_DEFAULT,
        )
        if referenced is not None:
            message["message_reference"] = {
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": referenced["channel_id"],
                "guild_id": str(guild.id),
            }
            message["referenced_message"] = referenced
            self.messages[int(message["id"])] = message
        await self._announce("MESSAGE_CREATE", message)
        return _reply(200, message)

    async def _channel_message(self, call: _Call) -> web.Response:
        message = self.messages.get(call.int("message_id"))
        if message is None or int(message["channel_id"]) != call.int("channel_id"):
            self._violate(
                "unknown_message",
                "no such message in this channel",
                call.method,
                call.path,
                call.body,
            )
            return _error(404, 10008, "Unknown Message")
        if call.method == "GET":
            return _reply(200, message)
        is_own = int(message["author"]["id"]) == self.bot_user.id
        if call.method == "DELETE":
            found = self._channel(call)
            may_manage = found is not None and bool(
                found[0].permissions_of(found[0].member(self.bot_user.id))
                & Permission.MANAGE_MESSAGES
            )
            if not (is_own or may_manage):
                self._violate(
                    "missing_permissions", "deleting another user's message", call.method, call.path
                )
                return _error(403, 50013, "Missing Permissions")
            self.deleted_messages[int(message["id"])] = self.messages.pop(int(message["id"]))
            await self._announce("MESSAGE_DELETE", message)
            return _reply(204)
        if not is_own:
            self._violate(
                "missing_permissions",
                "editing another user's message",
                call.method,
                call.path,
                call.body,
            )
            return _error(403, 50005, "Cannot edit a message authored by another user")
        rejected, edited = self._validate_edit(call, message, call.body, None)
        if rejected is not None or edited is None:
            return rejected or _error(400, 50035, "Invalid Form Body")
        self.messages[int(message["id"])] = edited
        await self._announce("MESSAGE_UPDATE", edited)
        return _reply(200, edited)

    async def _typing(self, call: _Call) -> web.Response:
        if self._channel(call) is None:
            return _error(404, 10003, "Unknown Channel")
        return _reply(204)

    async def _reaction(self, call: _Call) -> web.Response:
        if call.int("message_id") not in self.messages:
            return _error(404, 10008, "Unknown Message")
        entry = (call.int("message_id"), call["emoji"])
        if call.method == "PUT":
            self.reactions.append(entry)
        elif entry in self.reactions:
            self.reactions.remove(entry)
        return _reply(204)

    async def _get_guild(self, call: _Call) -> web.Response:
        try:
            guild = self.guild(call.int("guild_id"))
        except StandinUsageError:
            return _error(404, 10004, "Unknown Guild")
        payload = guild.create_payload(joined_at=self._joined_at)
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            payload.pop(key, None)
        return _reply(200, payload)

    async def _get_guild_channels(self, call: _Call) -> web.Response:
        try:
            guild = self.guild(call.int("guild_id"))
        except StandinUsageError:
            return _error(404, 10004, "Unknown Guild")
        return _reply(200, [channel.payload(guild.id) for channel in guild.channels])

    async def _get_guild_roles(self, call: _Call) -> web.Response:
        try:
            guild = self.guild(call.int("guild_id"))
        except StandinUsageError:
            return _error(404, 10004, "Unknown Guild")
        return _reply(200, [role.payload() for role in [guild.everyone_role, *guild.roles]])

    async def _get_member(self, call: _Call) -> web.Response:
        try:
            guild = self.guild(call.int("guild_id"))
            return _reply(200, guild.member(call.int("user_id")).payload())
        except (StandinUsageError, LookupError):
            return _error(404, 10007, "Unknown Member")

    # --- acting as users ---------------------------------------------------------------------

    def _place(
        self, user: UserLike, guild: FakeGuild | None, channel: FakeChannel | None
    ) -> tuple[FakeMember, FakeGuild, FakeChannel]:
        if guild is None:
            if channel is not None:
                found = self._guild_of_channel(channel.id)
                if found is None:
                    raise StandinUsageError(f"channel {channel.name!r} is in no guild")
                guild = found[0]
            elif len(self.guilds) == 1:
                guild = self.guilds[0]
            else:
                raise StandinUsageError("several guilds: say which with guild=")
        channel = channel or guild.text_channel
        try:
            member = guild.member(user)
        except LookupError as error:
            raise StandinUsageError(str(error)) from None
        return member, guild, channel

    def _attachment_payload(self, attachment: FakeAttachment) -> JSON:
        if attachment.id not in self.attachments:
            self._store_attachment(attachment)
        return attachment.payload()

    async def _interact(
        self,
        kind: int,
        data: JSON,
        member: FakeMember,
        guild: FakeGuild,
        channel: FakeChannel,
        *,
        message: JSON | None = None,
    ) -> InteractionResult:
        interaction_id = new_snowflake()
        token = "standin." + secrets.token_urlsafe(32)
        permissions = guild.permissions_of(member)
        bot_permissions = guild.permissions_of(guild.member(self.bot_user.id))
        payload: JSON = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel.id),
            "channel": {**channel.payload(guild.id), "permissions": str(permissions)},
            "member": member.payload(permissions=permissions),
            "token": token,
            "version": 1,
            "app_permissions": str(bot_permissions),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if message is not None:
            payload["message"] = message
        session = self.session_for(guild)
        loop = asyncio.get_running_loop()
        result = InteractionResult(
            fake=self,
            id=interaction_id,
            token=token,
            type=kind,
            payload=payload,
            user=member,
            guild=guild,
            channel=channel,
            dispatched_at=loop.time(),
        )
        result.last_activity = result.dispatched_at
        self.interactions.append(result)
        self._interactions_by_token[token] = result
        await session.dispatch("INTERACTION_CREATE", payload)
        return result

    async def slash(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: UserLike,
        guild: FakeGuild | None = None,
        channel: FakeChannel | None = None,
        wait: bool = True,
        settle: float = 0.1,
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Run `/command` ("reviews add" for a subcommand) as `user`; see InteractionResult.

        With wait (default) returns once the bot answered, any "thinking" resolved and the
        interaction was quiet for `settle` seconds; raises TimeoutError if it never answers.
        """
        member, guild, channel = self._place(user, guild, channel)
        top, *path = command.split()
        registered = self.command(top, guild)
        self._check_visible(registered, member, guild)
        resolved = Resolved(guild, self._attachment_payload)
        data = build_command_data(registered, path, options or {}, resolved)
        result = await self._interact(
            InteractionType.APPLICATION_COMMAND, data, member, guild, channel
        )
        if wait:
            await result.wait_settled(settle=settle, timeout=timeout)
        return result

    def _check_visible(self, command: JSON, member: FakeMember, guild: FakeGuild) -> None:
        required = command.get("default_member_permissions")
        if required is None:
            return
        needed = int(required)
        permissions = guild.permissions_of(member)
        if needed == 0 and not permissions & Permission.ADMINISTRATOR:
            raise CommandUnavailable(f"/{command['name']} is for administrators only")
        if permissions & needed != needed:
            raise CommandUnavailable(
                f"{member.user.name} lacks permissions {needed:#x} to see /{command['name']}"
            )

    async def autocomplete(
        self,
        command: str,
        option: str,
        value: str,
        *,
        user: UserLike,
        options: Mapping[str, Any] | None = None,
        guild: FakeGuild | None = None,
        channel: FakeChannel | None = None,
        timeout: float = 5.0,
    ) -> list[JSON]:
        """Type `value` into `option` of `/command`; the choices the user would see.

        A rejected or late answer shows the user nothing: [] (and a violation is recorded).
        The InteractionResult is `fake.interactions[-1]`.
        """
        member, guild, channel = self._place(user, guild, channel)
        top, *path = command.split()
        registered = self.command(top, guild)
        self._check_visible(registered, member, guild)
        resolved = Resolved(guild, self._attachment_payload)
        given = {**(options or {}), option: value}
        data = build_command_data(registered, path, given, resolved, focused=option)
        result = await self._interact(InteractionType.AUTOCOMPLETE, data, member, guild, channel)
        await result.wait_until(lambda r: bool(r.callbacks) and r.in_flight == 0, timeout)
        return list(result.choices or [])

    def _message(self, message: JSON | int) -> JSON:
        message_id = message if isinstance(message, int) else int(message["id"])
        current = self.messages.get(message_id)
        if current is None:
            raise StandinUsageError(f"message {message_id} does not exist (deleted?)")
        return current

    async def _component(
        self,
        message: JSON | int,
        custom_id: str,
        values: Sequence[Any] | None,
        user: UserLike,
        wait: bool,
        settle: float,
        timeout: float,
    ) -> InteractionResult:
        current = self._message(message)
        found = self._guild_of_channel(int(current["channel_id"]))
        if found is None:
            raise StandinUsageError("message is not in a guild channel")
        member, guild, channel = self._place(user, found[0], found[1])
        if current["flags"] & FLAG_EPHEMERAL:
            owner = (current.get("interaction_metadata") or {}).get("user", {}).get("id")
            if owner is not None and int(owner) != member.id:
                raise StandinUsageError(
                    "only the user who ran the command sees this ephemeral message"
                )
        data = build_component_data(
            current, custom_id, values, Resolved(guild, self._attachment_payload)
        )
        result = await self._interact(
            InteractionType.MESSAGE_COMPONENT, data, member, guild, channel, message=current
        )
        if wait:
            await result.wait_settled(settle=settle, timeout=timeout)
        return result

    async def click(
        self,
        message: JSON | int,
        custom_id: str,
        *,
        user: UserLike,
        wait: bool = True,
        settle: float = 0.1,
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Press the button `custom_id` on `message` (a message payload or id)."""
        return await self._component(message, custom_id, None, user, wait, settle, timeout)

    async def select(
        self,
        message: JSON | int,
        custom_id: str,
        values: Sequence[Any],
        *,
        user: UserLike,
        wait: bool = True,
        settle: float = 0.1,
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Choose `values` in the select menu `custom_id` (option values; users/roles for the
        user/role selects)."""
        return await self._component(message, custom_id, list(values), user, wait, settle, timeout)

    async def submit_modal(
        self,
        modal: InteractionResult | JSON,
        values: Mapping[str, Any],
        *,
        user: UserLike | None = None,
        wait: bool = True,
        settle: float = 0.1,
        timeout: float = 5.0,
    ) -> InteractionResult:
        """Fill in and submit the modal a bot opened: `values` maps text input custom_id to text."""
        opener = (
            modal
            if isinstance(modal, InteractionResult)
            else next(
                (r for r in reversed(self.interactions) if r.modal is modal or r.modal == modal),
                None,
            )
        )
        if opener is None or opener.modal is None:
            raise StandinUsageError("that modal was never opened by the bot")
        if opener.modal_submitted:
            raise StandinUsageError("this modal was already submitted")
        member = opener.user if user is None else opener.guild.member(user)
        if member.id != opener.user.id:
            raise StandinUsageError("only the user the modal was shown to can submit it")
        data = build_modal_data(opener.modal, values)
        message = opener.payload.get("message")
        current = None if message is None else self.messages.get(int(message["id"]))
        opener.modal_submitted = True
        result = await self._interact(
            InteractionType.MODAL_SUBMIT,
            data,
            member,
            opener.guild,
            opener.channel,
            message=current,
        )
        if wait:
            await result.wait_settled(settle=settle, timeout=timeout)
        return result

    async def send_message(
        self,
        content: str,
        *,
        user: UserLike,
        channel: FakeChannel | None = None,
        guild: FakeGuild | None = None,
        reply_to: JSON | int | None = None,
        mention_author: bool = True,
        attachments: Sequence[FakeAttachment] = (),
    ) -> JSON:
        """Post a message as `user` (MESSAGE_CREATE to the bot); returns once the bot parsed it.

        Without the message content intent the bot gets empty content unless it is mentioned,
        as on Discord. Use wait_for_bot_messages() for its replies.
        """
        member, guild, channel = self._place(user, guild, channel)
        message_id = new_snowflake()
        message: JSON = {
            "id": str(message_id),
            "channel_id": str(channel.id),
            "guild_id": str(guild.id),
            "author": member.user.payload(),
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "attachments": [self._attachment_payload(a) for a in attachments],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": MESSAGE_TYPE_DEFAULT,
            "flags": 0,
            **self._mentions(content, None, guild),
        }
        if reply_to is not None:
            referenced = self._message(reply_to)
            message["type"] = MESSAGE_TYPE_REPLY
            message["message_reference"] = {
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": referenced["channel_id"],
                "guild_id": str(guild.id),
            }
            message["referenced_message"] = referenced
            author = referenced["author"]
            if mention_author and all(user["id"] != author["id"] for user in message["mentions"]):
                # A reply pings the replied-to author unless the user switches that off.
                message["mentions"].append(author)
        self.messages[message_id] = message
        self._last_user_message[channel.id] = message_id
        session = self.session_for(guild)
        if not session.has_intent(INTENT_GUILD_MESSAGES):
            self._violate(
                "not_delivered", "the bot lacks the GUILD_MESSAGES intent; it never sees messages"
            )
        await self._announce("MESSAGE_CREATE", message)
        await session.sync()
        self.signal.fire()
        return message

    def bot_messages(
        self,
        channel: FakeChannel | None = None,
        *,
        after: JSON | int | None = None,
        include_ephemeral: bool = False,
    ) -> list[JSON]:
        """Messages the bot posted (optionally in one channel, after a message), oldest first."""
        after_id = 0 if after is None else (after if isinstance(after, int) else int(after["id"]))
        found = [
            m
            for m in self.messages.values()
            if int(m["author"]["id"]) == self.bot_user.id
            and int(m["id"]) > after_id
            and (channel is None or int(m["channel_id"]) == channel.id)
            and (include_ephemeral or not m["flags"] & FLAG_EPHEMERAL)
            and not m["flags"] & FLAG_LOADING
        ]
        return sorted(found, key=lambda m: int(m["id"]))

    async def wait_for_bot_messages(
        self,
        channel: FakeChannel | None = None,
        count: int = 1,
        *,
        after: JSON | int | None = None,
        timeout: float = 5.0,
    ) -> list[JSON]:
        """The first `count` bot messages in `channel` after `after` (default: the last message
        send_message() posted there)."""
        if after is None and channel is not None:
            after = self._last_user_message.get(channel.id)
        await self.signal.wait_for(
            lambda: len(self.bot_messages(channel, after=after)) >= count,
            timeout,
            f"{count} bot message(s)",
        )
        return self.bot_messages(channel, after=after)[:count]

    # --- assertions and measurements ---------------------------------------------------------

    def response_latencies(self, kind: int | None = None) -> list[float]:
        """Dispatch-to-first-callback seconds of every answered interaction (of one type)."""
        return [
            r.latency
            for r in self.interactions
            if r.latency is not None and (kind is None or r.type == kind)
        ]

    def assert_no_violations(self) -> None:
        if self.violations:
            lines = "\n".join(f"  - {v}" for v in self.violations)
            raise AssertionError(f"{len(self.violations)} Discord violation(s):\n{lines}")

    def violations_of(self, kind: str) -> list[Violation]:
        return [violation for violation in self.violations if violation.kind == kind]

    def unexpected_requests(self) -> list[Violation]:
        """Requests to routes the stand-in (and so, for filmbot's needs, Discord) lacks."""
        return self.violations_of("unknown_route")
