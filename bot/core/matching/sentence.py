"""Cutting a chat sentence down to the words that may name a film."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.core.titles import fold

# Sentences are cut here before any work; a film name sits in the first few lines of chat.
MAX_SENTENCE_CHARS = 500
MAX_SENTENCE_WORDS = 40
# No catalogue title people would type in a sentence runs longer than this.
MAX_TITLE_WORDS = 12

_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{1,200})[\"“”«»]")

# Phrases before the film name in a request; matched on folded text (lowercase, no
# punctuation, apostrophes joined), longest alternatives first so "have you seen" beats "have".
_LEADING_FILLER = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|so|yo|bot|filmbot|please|pls|um|hmm|and|but|also)\s+)*"
    r"(?:(?:have|did|do|would|could|can|will|were)\s+(?:you|u|ya)\s+"
    r"(?:ever\s+|already\s+|actually\s+)?"
    r"(?:reviewed|review|seen|see|watched|watch|liked|like|recommend|rate|rated|covered|"
    r"written\s+about|write\s+about|thought\s+about|enjoyed|enjoy)\s+"
    r"|what\s+(?:do|did|does)\s+(?:you|u|ya|people)\s+think\s+(?:of|about)\s+"
    r"|what\s+(?:is|was|are)\s+(?:your|ur)\s+(?:review|take|opinion|verdict)\s+(?:of|on)\s+"
    r"|(?:any|your|ur|some)?\s*(?:thoughts|opinions?|views?|take|review|verdict)\s+(?:on|of|about)\s+"
    r"|(?:show|give|send|find|get)\s+(?:me\s+)?(?:the\s+)?(?:review\s+(?:of|for)\s+)?"
    r"|tell\s+me\s+about\s+"
    r"|(?:is|was)\s+there\s+a\s+review\s+(?:of|for)\s+"
    r"|(?:i\s+)?(?:want|need|would\s+like)\s+(?:to\s+(?:see|watch)\s+)?"
    r"(?:something|films?|movies?)\s+(?:like|similar\s+to)\s+"
    r"|(?:recommend|suggest)\s+(?:me\s+)?(?:some\s+|a\s+)?(?:something|films?|movies?)?\s*"
    r"(?:like|similar\s+to|after|for\s+fans\s+of)?\s+"
    r"|(?:more\s+|other\s+|some\s+|any\s+)?(?:films?|movies?|something|stuff)\s+"
    r"(?:like|similar\s+to|such\s+as)\s+"
    r"|similar\s+to\s+|like\s+|about\s+|review\s+|is\s+|was\s+|how\s+about\s+|what\s+about\s+)",
)
_TRAILING_FILLER = re.compile(
    r"(?:\s+(?:please|pls|plz|thanks|thank\s+you|thx|ty|any\s+good|good|worth\s+it|"
    r"worth\s+watching|worth\s+a\s+watch|yet|already|lately|recently|again|too|then|"
    r"or\s+not|at\s+all|for\s+me|for\s+us|by\s+any\s+chance|mate|bro|lol|ok|now|"
    r"have\s+you|did\s+you|do\s+you|is\s+it|was\s+it|the\s+film|the\s+movie|film|movie|"
    r"reviewed|review|seen|watched|good\s+or\s+not))+$",
)

# Words that name a film only by accident when they stand alone in a sentence ("go", "up").
COMMON_WORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "film",
        "films",
        "movie",
        "movies",
        "review",
        "reviews",
        "reviewed",
        "seen",
        "watch",
        "watched",
        "like",
        "likes",
        "please",
        "thanks",
        "thoughts",
        "think",
        "thought",
        "any",
        "good",
        "best",
        "bad",
        "great",
        "recommend",
        "something",
        "similar",
        "have",
        "has",
        "hey",
        "hi",
        "hello",
        "ok",
        "okay",
        "yes",
        "yeah",
        "bot",
        "one",
        "two",
        "lol",
        "see",
        "saw",
        "tell",
        "show",
        "give",
        "want",
        "need",
        "love",
        "loved",
        "hate",
        "hated",
        "new",
        "old",
        "more",
        "other",
        "last",
        "next",
    ]
)


def quoted_parts(text: str) -> list[str]:
    """The parts of a sentence between quotation marks, where people often put a title."""
    return [m.group(1) for m in _QUOTED.finditer(text)]


def folded_words(text: str) -> tuple[list[str], list[bool]]:
    """The sentence's words folded, and for each whether it was written with a capital:
    in chat a capital is the best hint that a lone word ("Moon", "Heat") is a title."""
    words: list[str] = []
    capitals: list[bool] = []
    for token in text.split():
        capital = token.lstrip("\"'“‘(«[")[:1].isupper()
        for word in fold(token).split():
            if len(words) == MAX_SENTENCE_WORDS:
                return words, capitals
            words.append(word)
            capitals.append(capital)
    return words, capitals


def strip_filler(folded: str) -> str:
    """ "have you reviewed never let me go" -> "never let me go"; folded text in and out."""
    core = _LEADING_FILLER.sub("", folded, count=1)
    core = _TRAILING_FILLER.sub("", core)
    return core.strip() or folded


def word_ngrams(words: list[str]) -> Iterator[tuple[int, int]]:
    """Start and end of every run of words, longest first, left to right within a length.

    Runs made only of common words are left out: "have you" names no film.
    """
    count = len(words)
    for size in range(min(count, MAX_TITLE_WORDS), 0, -1):
        for start in range(count - size + 1):
            run = words[start : start + size]
            if all(w in COMMON_WORDS for w in run):
                continue
            yield start, start + size
