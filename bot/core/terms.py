"""The distinctive terms of a review: the words it keeps using, for text similarity.

Terms are folded (lower case, no accents, apostrophes joined), plurals are folded to the
singular by a few conservative rules, and stopwords, words of one or two letters, numbers
and the vocabulary every review shares ("film", "scene", "character") are left out. So are
names: a word capitalised inside a sentence and never written in lower case ("Kathy",
"Hailsham") says who is in the film, not what it is about, and would read oddly in
"also about ...".
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from itertools import chain

from bot.core.titles import fold

__all__ = [
    "STOPWORDS",
    "content_words",
    "folded_content_words",
    "review_terms",
    "singular",
]


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Folded forms, as fold() writes them ("don't" -> "dont").
STOPWORDS = _word_set(
    """a about above across after again against all almost along already also although always
    am among an and another any anyone anything are around as at away back be became because
    become been before being below between both but by came can cannot come comes could did
    didnt do does doesnt doing done dont down during each either else enough even ever every
    everything few for from further get gets getting give given gives go goes going gone got
    had has have having he hed hes her here hers herself him himself his how however i id if
    ill im in into is isnt it its itself ive just least less let lets like likely made make
    makes making many may maybe me might mine more most much must my myself near never new next
    no nor not nothing now of off often oh on once one ones only onto or other others our ours
    ourselves out over own perhaps put quite rather really said same say says see seem seems
    seen several she shes should since so some someone something sometimes somehow still such
    take takes than that thats the their theirs them themselves then there theres these they
    theyre thing things this those though through thus till to together too took toward
    towards under unless until up upon us used very via was wasnt way ways we well went were
    what whatever when where whether which while who whole whom whose why will with within
    without wont would yet you youd youll your youre yours yourself youve"""
)
# Words every film review uses, whatever the film is about.
REVIEW_VOCABULARY = _word_set(
    """film movie cinema picture scene shot character cast actor actress role performance
    director directed directing screen screenplay script plot story watch watching watched
    viewer audience minute hour time year moment end ending beginning start part kind sort lot
    bit feel feels felt look looks looked little big great good best better bad worse worst
    first last second third two three four five ten hundred long short real really actually
    almost simply truly pretty quite also even especially"""
)

_TOKEN = re.compile(r"[^\W\d_][\w'’]*")
# Characters _TOKEN allows in a token but not at its start.
_NOT_TOKEN_START = "0123456789_'"
# On ASCII text, \w is letters, digits and "_": every other character ends a run of them.
_ASCII_NON_TOKEN_TO_SPACE = str.maketrans(
    dict.fromkeys((chr(c) for c in range(128) if not re.match(r"[\w']", chr(c))), " ")
)
_SENTENCE_BOUNDARY = re.compile(r"(?:^|[.!?…:;]|\n)[\s\"'“‘(\[«—–-]*$")
_MIN_LENGTH = 3
# One character of a token, and one a token can start with (see _TOKEN).
_TOKEN_CHAR = re.compile(r"[\w'’]")
_TOKEN_START = re.compile(r"[^\W\d_]")


def singular(word: str) -> str:
    """Fold a plural to its singular by rules safe enough for keys ("stories" -> "story")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """Folded, singular words of the text with stopwords and short words left out."""
    return folded_content_words(fold(text))


def folded_content_words(folded: str) -> list[str]:
    """content_words() of text that is already fold()ed, for callers that need both."""
    return [word for word in map(_content_word, folded.split()) if word is not None]


# Reviews share most of their words, so each folded word is judged once per process.
@functools.lru_cache(maxsize=1 << 16)
def _content_word(folded_word: str) -> str | None:
    if folded_word in STOPWORDS:
        return None
    word = singular(folded_word)
    if len(word) >= _MIN_LENGTH and word not in STOPWORDS and word.isalpha():
        return word
    return None


def _token_words(token: str) -> list[str]:
    plain = token.replace("'", "")
    if not (plain.isascii() and plain.isalpha()):
        return content_words(token)
    # The common case, without fold()'s Unicode work: the same result, several times faster.
    word = plain.lower()
    if word in STOPWORDS:
        return []
    word = singular(word)
    return [word] if len(word) >= _MIN_LENGTH and word not in STOPWORDS else []


class _TokenTable(dict[str, tuple[str, ...]]):
    """The keys of each run of token characters, and its case, filled in as runs are met.

    A run's keys depend on the run alone, and reviews share most of their words, so each
    distinct run is worked out once per process. review_terms reads the table with map(),
    which keeps its per-token work in C: a Python loop over the tokens cost more than all
    the rest of review_terms.
    """

    # Runs of any text end up here; beyond this many the table starts again.
    MAX_RUNS = 1 << 16

    def __init__(self) -> None:
        super().__init__()
        # Runs whose token starts with a capital and has keys: it may be a name.
        self.capitalised: set[str] = set()
        # For each key, the runs written in lower case that give it.
        self.lowercase_runs: dict[str, set[str]] = {}

    def __missing__(self, run: str) -> tuple[str, ...]:
        token = run.lstrip(_NOT_TOKEN_START)
        keys = tuple(key for key in _token_words(token) if key not in REVIEW_VOCABULARY)
        self[run] = keys
        if not keys:
            return keys
        if token[0].islower():
            for key in keys:
                self.lowercase_runs.setdefault(key, set()).add(run)
        else:
            self.capitalised.add(run)
        return keys

    def written_lower(self, key: str, runs: set[str]) -> bool:
        """Whether one of the runs (all of them already in the table) writes key in lower case."""
        return not self.lowercase_runs.get(key, _NO_RUNS).isdisjoint(runs)

    def make_room(self) -> None:
        if len(self) > self.MAX_RUNS:
            self.clear()
            self.capitalised.clear()
            self.lowercase_runs.clear()


_NO_RUNS: frozenset[str] = frozenset()
_TOKEN_TABLE = _TokenTable()


def _token_runs(text: str) -> list[str]:
    """The tokens of the text, or on ASCII text the runs of token characters that hold them.

    A run's token is the run without the digits, "_" and apostrophes it starts with (see
    _TOKEN); splitting is twice as fast as _TOKEN.findall, and the table strips once per run.
    """
    if text.isascii():
        return text.translate(_ASCII_NON_TOKEN_TO_SPACE).split()
    return _TOKEN.findall(text)


class _Weights(dict[int, float]):
    """count -> round(count / top, 4) for one top count, filled in as counts are met.

    round() to digits goes through a decimal conversion; reviews repeat the same few counts.
    """

    def __init__(self, top: int) -> None:
        super().__init__()
        self.top = top

    def __missing__(self, count: int) -> float:
        weight = round(count / self.top, 4)
        self[count] = weight
        return weight


@functools.lru_cache(maxsize=256)
def _weights(top: int) -> _Weights:
    return _Weights(top)


def review_terms(text: str, limit: int = 40) -> dict[str, float]:
    """The review's `limit` most used distinctive terms, weighted by count / top count.

    Ordered by weight, then alphabetically, so the same text always gives the same dict.
    """
    table = _TOKEN_TABLE
    table.make_room()
    runs = _token_runs(text)
    # Reading the table fills it in for every run of this text before anything below.
    counts = Counter(chain.from_iterable(map(table.__getitem__, runs)))
    if not counts:
        return {}
    distinct = set(runs)
    # A sentence-initial capital says nothing; a capital mid-sentence, never lowered, does.
    # Only tokens with a key never written in lower case need their places looked at.
    names: set[str] = set()
    for run in table.capitalised.intersection(distinct):
        never_lowered = [key for key in table[run] if not table.written_lower(key, distinct)]
        if not never_lowered:
            continue
        if _written_mid_sentence(text, run.lstrip(_NOT_TOKEN_START)):
            names.update(never_lowered)
    for name in names:
        del counts[name]
    if not counts:
        return {}
    # By count descending, then term: sorting is stable, also in reverse.
    ranked = sorted(counts)
    ranked.sort(key=counts.__getitem__, reverse=True)
    del ranked[limit:]
    weights = _weights(counts[ranked[0]])
    return {term: weights[counts[term]] for term in ranked}


def _written_mid_sentence(text: str, token: str) -> bool:
    """Whether _TOKEN.finditer(text) finds `token` somewhere other than a sentence's start.

    Looks only where str.find finds it: an occurrence is that token if no token character
    follows it, and none of the token characters right before it could start a token (it
    would then be inside that token).
    """
    start = text.find(token)
    while start != -1:
        if (
            not _TOKEN_CHAR.match(text, start + len(token))
            and not _inside_token(text, start)
            and not _SENTENCE_BOUNDARY.search(text, max(0, start - 8), start)
        ):
            return True
        start = text.find(token, start + 1)
    return False


def _inside_token(text: str, start: int) -> bool:
    before = start - 1
    while before >= 0 and _TOKEN_CHAR.match(text, before):
        if _TOKEN_START.match(text, before):
            return True
        before -= 1
    return False
