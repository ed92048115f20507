"""How film titles are written for people and keyed for comparison."""

from __future__ import annotations

import re
import unicodedata

# Articles that catalogues move to the end ("Three Musketeers, The").
ARTICLES = ("the", "a", "an", "le", "la", "les", "l'", "el", "il", "der", "die", "das")

_TRAILING_ARTICLE = re.compile(
    r"^(?P<rest>.+?),\s*(?P<article>the|a|an|le|la|les|l'|el|il|der|die|das)"
    r"(?P<after>\s*(?:[:(\-].*)?)$",
    re.IGNORECASE,
)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an|le|la|les|el|il|der|die|das)\s+|^l'", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def display_title(title: str) -> str:
    """Write a title as people do: "Three Musketeers, The" becomes "The Three Musketeers".

    Also handles a subtitle after the article ("Host, The: Part 2") and collapses spaces.
    """
    # split() and strip() know the same spaces as \s: this is _SPACES.sub(" ", ...).strip().
    text = " ".join(title.split())
    if "," not in text:
        # Every title without a trailing article, nearly all of them: the match needs a comma.
        return text
    m = _TRAILING_ARTICLE.match(text)
    if not m:
        return text
    article = m.group("article")
    article = article[0].upper() + article[1:]
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{m.group('rest')}{m.group('after')}".strip()


class _WithoutCombiningMarks(dict[int, int | None]):
    """A str.translate table that drops combining marks, filled in as characters are met.

    fold() runs on every sentence of every review at load time; translate() does in C what
    a Python loop over the characters did, with the same result.
    """

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_COMBINING_MARKS = _WithoutCombiningMarks()


def _ascii_fold_table() -> dict[int, str | None]:
    """fold()'s steps for each ASCII character: lower case, "&" to " and ", apostrophes
    dropped, other punctuation and "_" to spaces; whitespace is kept as it is."""
    table: dict[int, str | None] = {}
    for code in range(128):
        char = chr(code)
        if char == "'":
            table[code] = None
        elif char == "&":
            table[code] = " and "
        elif char.isalnum() or char.isspace():
            table[code] = char.lower()
        else:
            table[code] = " "
    return table


# For str.translate(); summaries fold whole reviews with it at once.
ASCII_FOLD_TABLE = _ascii_fold_table()


def fold(text: str) -> str:
    """Lowercase, strip accents, `&` to "and", punctuation to spaces, single spaces."""
    if text.isascii():
        # No accents or compatibility forms to undo: one translate does all the steps below
        # (fold runs on every sentence of every review at load time).
        return " ".join(text.translate(ASCII_FOLD_TABLE).split())
    text = unicodedata.normalize("NFKD", text.replace("\u00a0", " "))
    if not text.isascii():
        text = text.translate(_COMBINING_MARKS)
    text = text.casefold().replace("&", " and ")
    # Apostrophes join ("don't" -> "dont") rather than split, as people type them both ways.
    text = text.replace("'", "").replace("\u2019", "")
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


def title_key(title: str) -> str:
    """The key two spellings of one title share: folded, article-free, in people's order."""
    folded = fold(display_title(title))
    article = _LEADING_ARTICLE.match(folded)
    stripped = folded[article.end() :] if article else folded
    return stripped or folded
