"""How many examples each hypothesis campaign runs.

The defaults keep the whole suite within a few minutes on CI; set FILMBOT_FUZZ_SCALE=10 (or
more) for a long campaign on a quiet machine. Read here, in the tests, not by the bot.
"""

from __future__ import annotations

import os


def examples(default: int) -> int:
    scale = float(os.environ.get("FILMBOT_FUZZ_SCALE", "1") or "1")
    return max(1, int(default * scale))
