"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
# The review site's own example review, beside the checkout (read-only, never copied in).
SEED_DIR = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def seed_review_path() -> Path:
    paths = sorted(SEED_DIR.glob("*.txt"))
    if not paths:
        pytest.skip("no seed review beside the checkout")
    return paths[0]
