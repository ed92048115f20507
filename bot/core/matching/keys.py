"""The looser keys a typed film name is compared by, beyond titles.title_key.

Three keys per title, tried in this order so a closer spelling always wins:
the title key itself, the key without spaces ("spiderman" for "Spider-Man"), and the
canonical key, where numbers are written one way and small words that people drop or
add ("the", "and", "part") are gone.
"""

from __future__ import annotations

import re

from bot.core.titles import ARTICLES, title_key

# Longer than any catalogue title (121 characters); cut there so odd input stays cheap.
MAX_QUERY_CHARS = 200

_ROMAN = {
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "xi": "11",
    "xii": "12",
    "xiii": "13",
    "xiv": "14",
    "xv": "15",
    "xvi": "16",
    "xvii": "17",
    "xviii": "18",
    "xix": "19",
    "xx": "20",
}
# "I", "V" and "X" are also words and letters ("I Am Curious", "V for Vendetta"), so they
# only count as numbers at the end of a title or after a word that numbers a sequel.
_AMBIGUOUS_ROMAN = {"i": "1", "v": "5", "x": "10"}
_SEQUEL_WORDS = frozenset({"part", "chapter", "episode", "vol", "volume", "book", "no"})
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_DROPPED_WORDS = frozenset({"the", "a", "an", "and", "part"})
# Every word canonical_key may drop or rewrite: a key with none of them is its own canonical key.
_CANONICAL_CHANGES = frozenset(
    _DROPPED_WORDS | _ROMAN.keys() | _AMBIGUOUS_ROMAN.keys() | _NUMBER_WORDS.keys()
)
_ARTICLE_WORDS = frozenset(a for a in ARTICLES if not a.endswith("'"))
_SUBTITLE_SEPARATOR = re.compile(r"\s*:\s+|\s+-\s+")
# A subtitle of one short word ("II", "Redux") names nothing on its own.
MIN_SUBTITLE_CHARS = 8
_YEAR = re.compile(r"^(?:18[89]\d|19\d\d|20\d\d)$")


def compact_key(key: str) -> str:
    """The key without spaces, for "spiderman", "walle" and other run-together spellings."""
    return key.replace(" ", "")


def canonical_key(key: str) -> str:
    """Numbers as digits, and "the", "and", "part" dropped: "godfather part ii" -> "godfather 2".

    Takes a title key (already folded). Returns the key unchanged when nothing would be left.
    """
    words = key.split()
    if _CANONICAL_CHANGES.isdisjoint(words):
        # Most titles: one set operation in C instead of a Python step per word (the index
        # computes this key for every title at start).
        return " ".join(words) or key
    out: list[str] = []
    last = len(words) - 1
    for i, word in enumerate(words):
        if word in _DROPPED_WORDS and last > 0:
            continue
        number = _ROMAN.get(word) or _NUMBER_WORDS.get(word)
        if (
            number is None
            and word in _AMBIGUOUS_ROMAN
            and i > 0
            and (i == last or words[i - 1] in _SEQUEL_WORDS)
        ):
            number = _AMBIGUOUS_ROMAN[word]
        out.append(number or word)
    return " ".join(out) or key


def is_year(word: str) -> bool:
    return _YEAR.match(word) is not None


def without_trailing_article(key: str) -> str | None:
    """ "three musketeers the" -> "three musketeers": a catalogue-order article left behind
    once a year or a comma split it from the title. None when there is none to drop."""
    head, _, tail = key.rpartition(" ")
    if head and tail in _ARTICLE_WORDS:
        return head
    return None


def allowed_edits(length: int) -> int:
    """How many typing slips a key of this length may carry and still be the same title.

    Short keys get none: with 58,000 titles nearly every short string is one slip from one.
    """
    if length < 4:
        return 0
    if length < 8:
        return 1
    if length < 16:
        return 2
    if length < 30:
        return 3
    return 4


def subtitle_keys(title: str) -> list[str]:
    """Keys of the parts after the main title: "Star Wars: Episode V - The Empire Strikes
    Back" gives "episode v" (too short, dropped) and "empire strikes back"."""
    cut = title[:MAX_QUERY_CHARS]
    if ":" not in cut and "-" not in cut:
        return []  # no separator can match: most titles, and the index reads every title
    parts = _SUBTITLE_SEPARATOR.split(cut)[1:]
    keys = [title_key(part) for part in parts]
    return [k for k in keys if len(k) >= MIN_SUBTITLE_CHARS and " " in k]
