"""500 interactions through the real FilmBot, as fast as it answers them.

What is measured: the stand-in runs in its own thread and event loop (tests/load/harness.py),
so the bot's loop runs only discord.py, the bot and a monitor sleeping 5 ms at a time. A
latency is the time from the stand-in sending an interaction over the gateway to the bot's
first callback arriving back (for a mention, to its reply message arriving): the bot's whole
round trip through discord.py, as Discord would time it against its 3-second deadline. A
loop lag is how late the monitor woke: how long something held the bot's loop. The two
threads share the GIL, so both numbers include a little of the stand-in's own work.

Any stall over 50 ms fails the test unless a garbage collection made most of it, or the bot's
thread was mostly off the CPU during a stall under 100 ms (other processes on this 2-core
machine, or the stand-in's thread holding the GIL): see `Stall.held_by_bot`. So the loop lag
p99 without collections is under 50 ms too; with them, one round has only ~100 samples and
its p99 is its worst collection, so that is printed, not asserted. A full
collection has to walk the whole in-memory catalogue (58,788 films) and takes 100-250 ms on
this machine, whoever triggers it. Those collections are printed, not failed on; freezing
the catalogue with gc.freeze() once it is loaded would remove them (bench/interactions.py
--freeze-gc shows the difference).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.harness import (
    LoadRun,
    load_bench,
    make_plan,
    median,
    percentile,
)

pytestmark = pytest.mark.slow

INTERACTIONS = 500
USERS_AT_ONCE = 16
DEADLINE = 3.0


def summary(run: LoadRun) -> str:
    latencies = run.result.latencies()
    return (
        f"{len(latencies)} answered in {run.result.seconds:.1f}s ({run.rate:.0f}/s); latency "
        f"p50 {median(latencies) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
        f"max {max(latencies, default=0) * 1000:.1f} ms; loop lag "
        f"p99 {percentile(run.lags, 0.99) * 1000:.1f} ms, max {max(run.lags) * 1000:.1f} ms; "
        f"{len(run.lags)} samples; longest garbage collection {run.gc_max * 1000:.1f} ms"
    )


async def test_every_interaction_is_answered_in_time_without_stalling_the_loop(
    tmp_path: Path,
) -> None:
    async with load_bench(tmp_path) as bench:
        await bench.run(make_plan(50, seed=1), 4)  # first calls build caches: not measured
        run = await bench.run(make_plan(INTERACTIONS), USERS_AT_ONCE)
        all_violations = [str(v) for v in bench.standin.fake.violations]
    print(summary(run))

    result = run.result
    assert len(result.outcomes) == INTERACTIONS
    assert [f"{o.action}: {o.problem}" for o in result.problems] == []
    assert result.violations == [] and all_violations == []
    assert len(result.latencies()) == INTERACTIONS
    assert max(result.latencies()) < DEADLINE
    held = [
        f"{stall.seconds * 1000:.0f} ms ({stall.cpu * 1000:.0f} ms on the CPU)"
        for stall in run.stalls_held_by_bot()
    ]
    assert held == [], f"something held the bot's loop: {held}; {summary(run)}"
