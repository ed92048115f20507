"""What the stand-in records: requests, violations, interactions and their outcome."""

# Waiting with a deadline is this API's job, so `timeout=` parameters are deliberate.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.standin.limits import FLAG_EPHEMERAL, FLAG_LOADING
from tests.standin.payloads import JSON, FakeChannel, FakeGuild, FakeMember

if TYPE_CHECKING:
    from tests.standin.server import FakeDiscord


class StandinUsageError(Exception):
    """The test asked for something a Discord user could not do (unknown command, bad value...)."""


class CommandUnavailable(StandinUsageError):
    """The user cannot see this command (default_member_permissions)."""


class InteractionType:
    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class ResponseType:
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


@dataclass
class Violation:
    """Something real Discord would reject or that would hurt users (a ping, a late answer).

    kind is one of: "limit" (Invalid Form Body), "empty_message", "ping", "deadline",
    "double_response", "invalid_response_type", "unknown_interaction", "followup_before_response",
    "expired_token", "unknown_message", "unknown_route", "missing_permissions", "not_delivered".
    """

    kind: str
    detail: str
    method: str = ""
    path: str = ""
    payload: Any = None
    errors: JSON | None = None

    def __str__(self) -> str:
        where = f" [{self.method} {self.path}]" if self.method else ""
        return f"{self.kind}: {self.detail}{where}"


@dataclass
class RecordedRequest:
    """One HTTP request the bot made, with the stand-in's answer."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[tuple[str, bytes]]
    at: float
    status: int = 0
    response: Any = None


@dataclass
class CallbackAttempt:
    """One POST /interactions/{id}/{token}/callback."""

    payload: JSON
    status: int
    latency: float


class Signal:
    """Wakes every waiter whenever anything in the stand-in changes."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            event = self._event
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {what}")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue


@dataclass(eq=False)
class InteractionResult:
    """An interaction the stand-in sent, updated live as the bot answers it."""

    fake: FakeDiscord
    id: int
    token: str
    type: int
    payload: JSON
    user: FakeMember
    guild: FakeGuild
    channel: FakeChannel
    dispatched_at: float
    callbacks: list[CallbackAttempt] = field(default_factory=list)
    response: JSON | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    modal_submitted: bool = False
    in_flight: int = 0
    last_activity: float = 0.0
    expired: bool = False

    def __repr__(self) -> str:
        return (
            f"<InteractionResult id={self.id} type={self.type} response_type={self.response_type}"
            f" latency={self.latency} violations={[v.kind for v in self.violations]}>"
        )

    @property
    def acknowledged(self) -> bool:
        return self.response is not None

    @property
    def response_type(self) -> int | None:
        return None if self.response is None else int(self.response["type"])

    @property
    def latency(self) -> float | None:
        """Seconds from dispatching the interaction to the first callback request arriving."""
        return self.callbacks[0].latency if self.callbacks else None

    @property
    def rejected_callbacks(self) -> list[CallbackAttempt]:
        return [attempt for attempt in self.callbacks if attempt.status >= 400]

    @property
    def modal(self) -> JSON | None:
        if self.response_type == ResponseType.MODAL and self.response is not None:
            data: JSON = self.response["data"]
            return data
        return None

    @property
    def choices(self) -> list[JSON] | None:
        if self.response_type == ResponseType.AUTOCOMPLETE_RESULT and self.response is not None:
            choices: list[JSON] = self.response["data"].get("choices", [])
            return choices
        return None

    @property
    def original(self) -> JSON | None:
        """The original response message as it is now (None when none or deleted)."""
        if self.original_message_id is None:
            return None
        return self.fake.messages.get(self.original_message_id)

    @property
    def followups(self) -> list[JSON]:
        return [self.fake.messages[mid] for mid in self.followup_ids if mid in self.fake.messages]

    @property
    def messages(self) -> list[JSON]:
        original = self.original
        return ([original] if original is not None else []) + self.followups

    @property
    def message(self) -> JSON | None:
        """What the user sees last: the original response, else the latest follow-up."""
        original = self.original
        if original is not None:
            return original
        followups = self.followups
        return followups[-1] if followups else None

    @property
    def ephemeral(self) -> bool:
        message = self.message
        if message is not None:
            return bool(message["flags"] & FLAG_EPHEMERAL)
        if self.response is not None:
            return bool((self.response.get("data") or {}).get("flags", 0) & FLAG_EPHEMERAL)
        return False

    @property
    def thinking(self) -> bool:
        """A deferred response still shows "<bot> is thinking..."."""
        original = self.original
        return original is not None and bool(original["flags"] & FLAG_LOADING)

    def _settled_now(self) -> bool:
        return bool(self.callbacks) and self.in_flight == 0 and not self.thinking

    async def wait_until(
        self, predicate: Callable[[InteractionResult], bool], timeout: float = 5.0
    ) -> InteractionResult:
        await self.fake.signal.wait_for(
            lambda: predicate(self), timeout, f"a condition on {self!r}"
        )
        return self

    async def wait_settled(self, settle: float = 0.1, timeout: float = 5.0) -> InteractionResult:
        """Wait for a first answer, for any "thinking" to resolve, then `settle` s of quiet."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            what = "the bot to answer" if not self.callbacks else "the deferred answer"
            await self.fake.signal.wait_for(
                self._settled_now, deadline - loop.time(), f"{what} ({self!r})"
            )
            quiet = loop.time() - self.last_activity
            if quiet >= settle:
                return self
            if loop.time() + (settle - quiet) > deadline:
                raise TimeoutError(f"interaction {self.id} never went quiet")
            await asyncio.sleep(settle - quiet)


def iter_components(components: list[Any]) -> Iterator[JSON]:
    """Every component in a message or modal, depth first (rows, containers, sections, labels)."""
    for component in components:
        if not isinstance(component, dict):
            continue
        yield component
        yield from iter_components(component.get("components") or [])
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from iter_components([child])


def find_component(message: JSON, custom_id: str) -> JSON | None:
    return next(
        (
            c
            for c in iter_components(message.get("components") or [])
            if c.get("custom_id") == custom_id
        ),
        None,
    )


def custom_ids(message: JSON) -> list[str]:
    return [
        c["custom_id"] for c in iter_components(message.get("components") or []) if "custom_id" in c
    ]


def message_text(message: JSON | None) -> str:
    """Content, embed text and text displays of a message in one string, for assertions."""
    if message is None:
        return ""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [
            (embed.get("author") or {}).get("name") or "",
            embed.get("title") or "",
            embed.get("description") or "",
        ]
        for embed_field in embed.get("fields") or []:
            parts += [embed_field.get("name") or "", embed_field.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
    for component in iter_components(message.get("components") or []):
        for key in ("content", "label", "placeholder"):
            if isinstance(component.get(key), str):
                parts.append(component[key])
    return "\n".join(part for part in parts if part)
