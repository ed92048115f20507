"""The stand-in's gateway: one `GatewaySession` per websocket a shard opens."""

# Waiting with a deadline is this API's job, so `timeout=` parameters are deliberate.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import secrets
import zlib
from collections.abc import Callable
from typing import Any, Protocol

from aiohttp import WSMsgType, web

from tests.standin.payloads import JSON, FakeGuild, shard_of

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_VOICE_STATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_MESSAGE_CONTENT = 1 << 15

CLOSE_UNKNOWN_ERROR = 4000
CLOSE_DECODE_ERROR = 4002
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_INVALID_SHARD = 4010


class GatewayHub(Protocol):
    """What a gateway session needs from the stand-in."""

    heartbeat_interval_ms: int

    @property
    def gateway_url(self) -> str: ...

    def token_is_valid(self, token: str) -> bool: ...

    def ready_user(self) -> JSON: ...

    def application_payload(self) -> JSON: ...

    def all_guilds(self) -> list[FakeGuild]: ...

    def joined_at(self) -> str: ...

    def session_changed(self) -> None: ...


class _Compressor(Protocol):
    def __call__(self, data: bytes) -> bytes: ...


def _zlib_stream() -> _Compressor:
    # One compressor per connection: the client keeps one inflate context for the whole stream,
    # and Z_SYNC_FLUSH ends every message with 00 00 ff ff, the marker the client waits for.
    compressor = zlib.compressobj()

    def compress(data: bytes) -> bytes:
        return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)

    return compress


def _zstd_stream() -> _Compressor:
    # discord.py only asks for zstd-stream when `zstandard` (or 3.14's compression.zstd) exists.
    try:
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        from compression import zstd  # type: ignore[import-not-found]

        stdlib_compressor: Any = zstd.ZstdCompressor()

        def compress_stdlib(data: bytes) -> bytes:
            return bytes(stdlib_compressor.compress(data, mode=zstd.ZstdCompressor.FLUSH_BLOCK))

        return compress_stdlib
    compressor: Any = zstandard.ZstdCompressor().compressobj()

    def compress(data: bytes) -> bytes:
        flushed = compressor.compress(data) + compressor.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
        return bytes(flushed)

    return compress


class GatewaySession:
    """One websocket connection; after IDENTIFY it is one shard of the bot."""

    def __init__(self, hub: GatewayHub, socket: web.WebSocketResponse, compress: str | None):
        self.hub = hub
        self.socket = socket
        self.compress_mode = compress
        self._compress: _Compressor | None = None
        if compress == "zlib-stream":
            self._compress = _zlib_stream()
        elif compress == "zstd-stream":
            self._compress = _zstd_stream()
        self.session_id = secrets.token_hex(16)
        self.sequence = 0
        self.shard_id = 0
        self.shard_count = 1
        self.intents = 0
        self.identify: JSON | None = None
        self.identified = False
        self.ready = False
        self.closed = False
        self.guild_ids: list[int] = []
        self.received: list[JSON] = []
        self.sent_events: list[tuple[str, JSON]] = []
        # Highest sequence a client heartbeat acknowledged; the client sends its last seen
        # sequence, so it proves every dispatch up to that number has been parsed.
        self.heartbeat_sequence = -1
        self._send_lock = asyncio.Lock()
        self._heartbeat_seen = asyncio.Event()

    def __repr__(self) -> str:
        return (
            f"<GatewaySession shard={self.shard_id}/{self.shard_count} "
            f"ready={self.ready} guilds={self.guild_ids}>"
        )

    def has_intent(self, intent: int) -> bool:
        return bool(self.intents & intent)

    async def _send(self, payload: JSON) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        if self._compress is None:
            await self.socket.send_str(text)
        else:
            await self.socket.send_bytes(self._compress(text.encode()))

    async def send_op(self, op: int, data: Any) -> None:
        async with self._send_lock:
            await self._send({"op": op, "d": data, "s": None, "t": None})

    async def dispatch(self, event: str, data: JSON) -> int:
        """Send an op 0 event; returns its sequence number."""
        async with self._send_lock:
            self.sequence += 1
            sequence = self.sequence
            await self._send({"op": OP_DISPATCH, "d": data, "s": sequence, "t": event})
            self.sent_events.append((event, data))
            return sequence

    async def sync(self, timeout: float = 5.0) -> None:
        """Return once the client has parsed every dispatch sent so far.

        Asks for a heartbeat (op 1, as Discord does); the client answers from its read loop,
        after handling every earlier message, with the last sequence it saw.
        """
        target = self.sequence
        if self.heartbeat_sequence >= target:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        await self.send_op(OP_HEARTBEAT, None)
        while self.heartbeat_sequence < target:
            if self.closed:
                raise ConnectionError(f"shard {self.shard_id} disconnected during sync")
            self._heartbeat_seen.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"shard {self.shard_id} did not acknowledge sequence {target}")
            try:
                await asyncio.wait_for(self._heartbeat_seen.wait(), remaining)
            except TimeoutError:
                continue

    async def run(self) -> None:
        """Serve the connection until the client closes it."""
        await self.send_op(OP_HELLO, {"heartbeat_interval": self.hub.heartbeat_interval_ms})
        try:
            async for message in self.socket:
                if message.type is WSMsgType.TEXT:
                    payload = json.loads(message.data)
                elif message.type is WSMsgType.BINARY:
                    await self.socket.close(code=CLOSE_DECODE_ERROR, message=b"Error decoding")
                    break
                else:
                    break
                self.received.append(payload)
                await self._handle(payload)
        finally:
            self.closed = True
            self._heartbeat_seen.set()
            self.hub.session_changed()

    async def _handle(self, payload: JSON) -> None:
        op = payload.get("op")
        data = payload.get("d")
        handlers: dict[int, Callable[[Any], Any]] = {
            OP_HEARTBEAT: self._on_heartbeat,
            OP_IDENTIFY: self._on_identify,
            OP_RESUME: self._on_resume,
            OP_REQUEST_MEMBERS: self._on_request_members,
        }
        handler = handlers.get(op) if isinstance(op, int) else None
        if handler is not None:
            await handler(data)

    async def _on_heartbeat(self, data: Any) -> None:
        if isinstance(data, int):
            self.heartbeat_sequence = max(self.heartbeat_sequence, data)
        elif data is None:
            self.heartbeat_sequence = max(self.heartbeat_sequence, 0)
        self._heartbeat_seen.set()
        await self.send_op(OP_HEARTBEAT_ACK, None)

    async def _on_identify(self, data: JSON) -> None:
        if not self.hub.token_is_valid(str(data.get("token", ""))):
            await self.socket.close(
                code=CLOSE_AUTHENTICATION_FAILED, message=b"Authentication failed."
            )
            return
        shard = data.get("shard") or [0, 1]
        shard_id, shard_count = int(shard[0]), int(shard[1])
        if shard_count < 1 or not 0 <= shard_id < shard_count:
            await self.socket.close(code=CLOSE_INVALID_SHARD, message=b"Invalid shard.")
            return
        self.identify = data
        self.shard_id, self.shard_count = shard_id, shard_count
        self.intents = int(data.get("intents", 0))
        self.identified = True
        guilds = [g for g in self.hub.all_guilds() if shard_of(g.id, shard_count) == shard_id]
        self.guild_ids = [guild.id for guild in guilds]
        self.hub.session_changed()
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": self.hub.ready_user(),
                "guilds": [{"id": str(guild.id), "unavailable": True} for guild in guilds],
                "session_id": self.session_id,
                "resume_gateway_url": self.hub.gateway_url,
                "shard": [shard_id, shard_count],
                "application": self.hub.application_payload(),
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": [],
                "guild_join_requests": [],
                "user_settings": {},
                "_trace": ["standin-gateway"],
            },
        )
        bot_id = self.hub.ready_user()["id"]
        for guild in guilds:
            payload = guild.create_payload(joined_at=self.hub.joined_at())
            if not self.has_intent(INTENT_GUILD_MEMBERS):
                # Without the privileged members intent Discord only sends the bot's own member.
                payload["members"] = [m for m in payload["members"] if m["user"]["id"] == bot_id]
            await self.dispatch("GUILD_CREATE", payload)
        self.ready = True
        self.hub.session_changed()

    async def _on_resume(self, data: JSON) -> None:
        # Sessions do not survive a connection here: ask the client to identify afresh.
        await self.send_op(OP_INVALID_SESSION, False)

    async def _on_request_members(self, data: JSON) -> None:
        guild_id = int(data.get("guild_id", 0))
        guild = next((g for g in self.hub.all_guilds() if g.id == guild_id), None)
        members = [] if guild is None else guild.members
        wanted = data.get("user_ids")
        if wanted:
            ids = {int(user_id) for user_id in wanted}
            members = [member for member in members if member.id in ids]
        query = data.get("query")
        if query:
            members = [m for m in members if m.user.name.lower().startswith(str(query).lower())]
        limit = data.get("limit") or 0
        if limit:
            members = members[:limit]
        chunk: JSON = {
            "guild_id": str(guild_id),
            "members": [member.payload() for member in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)


async def serve_gateway(
    hub: GatewayHub, request: web.Request, sessions: list[GatewaySession]
) -> web.WebSocketResponse:
    """The websocket handler behind `/gateway`."""
    socket = web.WebSocketResponse(max_msg_size=0)
    await socket.prepare(request)
    encoding = request.query.get("encoding", "json")
    compress = request.query.get("compress")
    if encoding != "json" or compress not in (None, "zlib-stream", "zstd-stream"):
        await socket.close(code=CLOSE_DECODE_ERROR, message=b"Unsupported encoding")
        return socket
    try:
        session = GatewaySession(hub, socket, compress)
    except ImportError:
        await socket.close(code=CLOSE_DECODE_ERROR, message=b"zstd unavailable in the stand-in")
        return socket
    sessions.append(session)
    hub.session_changed()
    await session.run()
    return socket
