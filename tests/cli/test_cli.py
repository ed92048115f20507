"""The `filmbot` command end to end, on real files and a real SQLite catalogue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import DATA_DIR

GOOD_REVIEW = """Moon
Year: 2009
"One man, one base, one very long shift."
A lonely miner on the far side of the moon nears the end of his contract. The film is a small, sad marvel.
What It Does Well
Sam Rockwell carries the whole thing, and the model work still looks wonderful today.
Keep Exploring...
- Gattaca (1997)
- Solaris (1972)
"""

BAD_REVIEW = """Broken
"A tagline."
Some text that is fine.
Keep Exploring...
- Solaris (19x2)
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private catalogue; no bundled reviews unless a test asks for them."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "filmbot.db"
    monkeypatch.setenv("FILMBOT_DB", str(db))
    monkeypatch.setenv("FILMBOT_LOAD_BUNDLED", "false")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_load_then_review_as_json(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    review = write(env, "reviews/moon.txt", GOOD_REVIEW)
    assert main(["load", str(review.parent)]) == 0
    assert "1 reviews added" in capsys.readouterr().out
    assert main(["review", "moon", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["title"] == "Moon"
    assert card["year"] == 2009
    assert card["tagline"] == "One man, one base, one very long shift."
    assert "small, sad marvel" in card["summary"]
    assert card["keep_exploring"] == [
        {"title": "Gattaca", "year": 1997, "reviewed": False},
        {"title": "Solaris", "year": 1972, "reviewed": False},
    ]


def test_loading_twice_changes_nothing(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    review = write(env, "moon.txt", GOOD_REVIEW)
    assert main(["load", str(review)]) == 0
    capsys.readouterr()
    assert main(["load", str(review)]) == 0
    assert "0 reviews added, 0 updated, 1 unchanged, 0 new catalogue films" in (
        capsys.readouterr().out
    )


def test_a_bad_file_stops_the_whole_load(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(env, "reviews/moon.txt", GOOD_REVIEW)
    bad = write(env, "reviews/zz-broken.txt", BAD_REVIEW)
    assert main(["load", str(env / "reviews")]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:5" in err
    assert "nothing loaded" in err
    assert main(["review", "moon", "--json"]) == 1


def test_skip_bad_loads_the_good_files(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(env, "reviews/moon.txt", GOOD_REVIEW)
    bad = write(env, "reviews/zz-broken.txt", BAD_REVIEW)
    assert main(["load", "--skip-bad", str(env / "reviews")]) == 0
    captured = capsys.readouterr()
    assert f"{bad}:5" in captured.err
    assert "1 bad files skipped" in captured.out
    assert main(["review", "moon", "--json"]) == 0


def test_parse_prints_the_documented_json(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = write(env, "moon.txt", GOOD_REVIEW)
    assert main(["parse", str(one), "--json"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert set(parsed) == {"title", "year", "tagline", "sections", "keep_exploring"}
    assert parsed["sections"][1]["heading"] == "What It Does Well"
    assert main(["parse", str(one), str(one), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_parse_error_names_the_file(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(env, "broken.txt", BAD_REVIEW)
    assert main(["parse", str(bad)]) == 1
    assert f"{bad}:5" in capsys.readouterr().err


def test_find_reads_queries_from_stdin(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["load", str(DATA_DIR)]) == 0
    capsys.readouterr()
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("the host 2006\nthe host\nzzzzqqqq\n"))
    assert main(["find", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["query"] for row in rows] == ["the host 2006", "the host", "zzzzqqqq"]
    assert rows[0]["match"] == {"title": "The Host", "year": 2006, "reviewed": True}
    assert rows[1]["match"] is None
    assert sorted(a["year"] for a in rows[1]["alternatives"]) == [2006, 2013]
    assert rows[2]["match"] is None


def test_similar_json_never_lists_the_film_itself(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(DATA_DIR)]) == 0
    capsys.readouterr()
    assert main(["similar", "moon", "--json", "--count", "5"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5
    assert all(set(row) == {"title", "year", "reviewed", "score", "reasons"} for row in rows)
    assert ("Moon", 2009) not in {(row["title"], row["year"]) for row in rows}
    assert all(row["reasons"] for row in rows)


def test_export_then_load_gives_the_same_catalogue(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["load", str(DATA_DIR)]) == 0
    assert main(["export", str(env / "exported")]) == 0
    capsys.readouterr()
    original = _cards(capsys)
    monkeypatch.setenv("FILMBOT_DB", str(env / "second.db"))
    assert main(["load", str(env / "exported")]) == 0
    capsys.readouterr()
    assert _cards(capsys) == original
    exported = sorted(p.name for p in (env / "exported").iterdir())
    assert len(exported) == len(list((DATA_DIR / "reviews").glob("*.txt")))


def _cards(capsys: pytest.CaptureFixture[str]) -> list[object]:
    cards = []
    for path in sorted((DATA_DIR / "reviews").glob("*.txt")):
        title = path.read_text(encoding="utf-8").splitlines()[0]
        year = path.stem.rsplit("-", 1)[-1]
        assert main(["review", f"{title} {year}", "--json"]) == 0
        cards.append(json.loads(capsys.readouterr().out))
    return cards


def test_the_seed_review_answers_a_misspelt_query(
    env: Path, capsys: pytest.CaptureFixture[str], seed_review_path: Path
) -> None:
    """The foundation issue's done-when: load the seed, ask for "nevr let me go"."""
    assert main(["load", str(seed_review_path)]) == 0
    capsys.readouterr()
    assert main(["review", "nevr let me go", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["title"] == "Never Let Me Go"
    assert card["year"] == 2010
    assert card["tagline"] == "Love is the only thing they are allowed to own."
    assert len(card["keep_exploring"]) == 20
    assert 250 <= len(card["summary"]) <= 600


def test_a_new_database_loads_the_bundled_reviews(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILMBOT_LOAD_BUNDLED", "true")
    assert main(["review", "moon", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Moon"


def test_chat_without_a_token_from_a_fresh_process(env: Path) -> None:
    """The README's first command: no token, so `filmbot` is the terminal chat."""
    environment = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    environment["FILMBOT_LOAD_BUNDLED"] = "true"
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="what did you think of moon?\n1\nanything like the host 2006?\nhelp\nquit\n",
        capture_output=True,
        text=True,
        env=environment,
        cwd=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Moon (2009)" in result.stdout
    assert "Keep Exploring" in result.stdout
    assert "Films like The Host (2006)" in result.stdout
    assert "What I can do" in result.stdout
    assert "Traceback" not in result.stderr


def test_unknown_paths_and_bad_settings_fail_politely(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["load", str(env / "missing")]) == 1
    assert "no such file or directory" in capsys.readouterr().err
    monkeypatch.setenv("FILMBOT_SHARDS", "lots")
    assert main(["review", "moon"]) == 1
    assert "FILMBOT_SHARDS" in capsys.readouterr().err


def test_export_keeps_films_from_film_lists(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    films = write(env, "lists/watchlist.csv", 'title,year\nStalker,1979\n"Host, The",1960\n')
    review = write(env, "reviews/moon.txt", GOOD_REVIEW)
    assert main(["load", str(films), str(review)]) == 0
    assert main(["export", str(env / "exported")]) == 0
    monkeypatch.setenv("FILMBOT_DB", str(env / "second.db"))
    assert main(["load", str(env / "exported")]) == 0
    capsys.readouterr()
    assert main(["find", "--json", "stalker", "the host 1960", "gattaca"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["match"] for row in rows] == [
        {"title": "Stalker", "year": 1979, "reviewed": False},
        {"title": "The Host", "year": 1960, "reviewed": False},
        {"title": "Gattaca", "year": 1997, "reviewed": False},
    ]


def test_a_review_repeating_a_link_is_unchanged_after_export_and_reload(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repeated = GOOD_REVIEW + "- Gattaca (1997)\n- Moon (2009)\n"
    review = write(env, "moon.txt", repeated)
    assert main(["load", str(review)]) == 0
    assert main(["export", str(env / "exported")]) == 0
    capsys.readouterr()
    assert main(["load", str(env / "exported")]) == 0
    assert "0 updated, 1 unchanged" in capsys.readouterr().out
