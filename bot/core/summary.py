"""Extractive summaries: the few whole sentences of a review that say what the film is and
what the reviewer thinks of it.

How sentences are scored (each feature is a small number; the sum ranks sentences):
- verdict cues: evaluative words ("masterpiece", "beautiful", "flawed", "ultimately"...),
  and more for an announced conclusion ("My verdict:", "In short,");
- identity cues: the film's title (or its main part, before a subtitle), "this film is",
  "directed by", "based on", "follows"...;
- position: the opening sentence and the last paragraph, where reviewers state a thesis
  and a conclusion, weigh more;
- centrality: how many of the review's recurring content words (and the tagline's) the
  sentence uses, per word, so the sentence is about what the whole review is about;
- penalties: first-person anecdotes ("I watched this last Tuesday while my neighbour..."),
  sentences with few content words, fragments without end punctuation, questions, and
  openers that lean on the previous sentence ("Instead,", "For instance,").
The best 2 to 4 sentences within the length limits are picked by trying every combination
of the top-scored candidates, with a bonus for covering both identity and verdict and a
penalty for repeating the same words; they are returned in text order.

Every sentence of every review loaded is scored, so the work is done per review where it
can be: the cues and patterns are looked for once in all the review's sentences, lower-cased
and joined (exactly what looking in each sentence finds), a search that the review's folded
words show cannot find anything is skipped, each feature's weight is added only to the
sentences that have it (in the same order, so to the same sums), and the combinations are
searched without trying those that cannot win.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from bot.core.model import Section
from bot.core.terms import content_words, folded_content_words
from bot.core.titles import ASCII_FOLD_TABLE, display_title, fold

__all__ = ["split_sentences", "summarise"]

# Words followed by a period that never end a sentence: they come before a name or example.
_NEVER_FINAL = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "st", "prof", "sr", "gen", "capt", "col", "lt", "sgt",
        "rev", "mt", "ft", "fr", "hon", "vs", "v", "e.g", "i.e", "cf", "viz", "approx", "ca",
        "vol", "ch", "fig", "pp", "dir", "feat", "al",
    }
)  # fmt: skip
# After an initialism ("U.S.", "U.K.") or an initial ("J."), a sentence ends only if the
# next word is one that commonly starts a sentence; "the U.K. Government" stays whole.
_SENTENCE_STARTERS = frozenset(
    {
        "a", "an", "the", "it", "its", "it's", "this", "that", "these", "those", "there",
        "here", "i", "we", "you", "he", "she", "they", "but", "and", "so", "yet", "or",
        "in", "on", "at", "as", "if", "when", "while", "after", "before", "still", "then",
        "what", "why", "how", "who", "my", "our", "his", "her", "their", "one", "not", "no",
        "even", "also", "ultimately", "however", "meanwhile", "instead", "for",
    }
)  # fmt: skip

_CANDIDATE_END = re.compile(
    # The mark is "\.{2,}|…|[.!?]+", written so that every alternative starts with a literal
    # character: then the search skips straight to the next ".", "…", "!" or "?".
    r"(?P<mark>\.\.+|…|\.[.!?]*|![.!?]*|\?[.!?]*)"
    r"(?P<close>[\"'”’»)\]]*)(?P<space>\s+)(?=(?P<next>\S+))"
)
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.)+[A-Za-z]$|^[A-Z]$")
_WORD_BEFORE = re.compile(r"([\w.'’]+)$")
_LEADING_PUNCT = "\"'“‘«(["
_BLANK_LINE = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, each with its own end punctuation and closing quotes.

    A line break ends a sentence unless the next line starts in lower case (hard-wrapped
    text). Abbreviations, initials, decimals, ellipses inside a sentence, dashes and
    parentheses do not end one. Whitespace inside a sentence is collapsed to single spaces.
    """
    return [s for paragraph in _paragraphs(text) for s in _paragraph_sentences(paragraph)]


def _paragraph_sentences(paragraph: str) -> list[str]:
    """split_sentences() of one paragraph as _paragraphs() gives it (one stripped line)."""
    # Whitespace is collapsed once for the whole paragraph rather than in each sentence: a
    # sentence ends before the whitespace after it and the next starts after it, and where
    # a sentence ends does not depend on how much whitespace there is. (str.split() and \s
    # agree on what whitespace is: this is _SPACES.sub(" ", paragraph).strip().) Every
    # whitespace character but the space is unprintable, so usually there is nothing to do.
    if "  " in paragraph or not paragraph.isprintable():
        paragraph = " ".join(paragraph.split())
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE_END.finditer(paragraph):
        if _ends_sentence(paragraph, match):
            sentences.append(paragraph[start : match.end("close")])
            start = match.end()
    if paragraph:
        sentences.append(paragraph[start:])
    return sentences


def _paragraphs(text: str) -> list[str]:
    paragraphs: list[str] = []
    for block in _BLANK_LINE.split(text):
        lines = [line for line in map(str.strip, block.splitlines()) if line]
        current: list[str] = []
        for line in lines:
            if current and not line[0].islower():
                paragraphs.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    following = match.group("next").lstrip(_LEADING_PUNCT)
    if not following or following[0].islower():
        return False
    mark, close = match.group("mark", "close")
    if mark != "." or close:
        return True
    start = match.start()
    # The word before the period: usually all of what follows the last space (alphanumeric
    # characters are word characters, \w); otherwise it takes finding.
    word = text[text.rfind(" ", 0, start) + 1 : start]
    if not word.isalnum():
        before = _word_before(text, start)
        if before is None:
            return True
        word = before.group(1)
    folded = word.casefold()
    if folded in _NEVER_FINAL:
        return False
    if folded in {"no", "nos"} and following[0].isdigit():
        return False
    # Both of _INITIALISM's forms have a period or a single letter.
    if ("." in word or len(word) == 1) and _INITIALISM.search(word):
        next_word = re.sub(r"[^\w'’]+$", "", following).casefold().replace("’", "'")
        return next_word in _SENTENCE_STARTERS
    return True


_WORD_BEFORE_WINDOW = 20


def _word_before(text: str, end: int) -> re.Match[str] | None:
    """_WORD_BEFORE.search(text, 0, end), looking only at the last characters when it can.

    Searching from 0 for every candidate end made splitting quadratic in paragraph length.
    A match inside the window that does not touch its left edge is the one the full search
    finds (the word starts there); one that does may go on further left, so search it all.
    """
    start = max(0, end - _WORD_BEFORE_WINDOW)
    before = _WORD_BEFORE.search(text, start, end)
    if before is not None and before.start() == start and start > 0:
        return _WORD_BEFORE.search(text, 0, end)
    return before


# --- scoring ---------------------------------------------------------------------------

# Evaluative words, in the singular form content_words() gives.
_VERDICT_VOCABULARY = """masterpiece masterful masterclass beautiful beautifully devastating
    devastatingly flawed brilliant brilliantly best worst remain ultimately recommend
    recommended cinema performance moving haunting stunning gorgeous powerful profound tender
    heartbreaking heartbreakingly triumph triumphant tedious boring dull overlong uneven messy
    clumsy forgettable unforgettable essential classic great greatest superb excellent
    exceptional remarkable extraordinary magnificent wonderful lovely delightful charming funny
    hilarious gripping tense thrilling riveting absorbing compelling captivating mesmerising
    mesmerizing visceral elegant understated restrained somber sombre bleak bittersweet
    poignant affecting resonant relevant ambitious disappointing disappointment failure fail
    succeed success miraculous sublime shattering harrowing luminous radiant flawless perfect
    perfectly weak strong stronger underrated overrated worth worthwhile rewarding satisfying
    unsatisfying melancholy melancholic quiet quietly achievement landmark deserve deserved
    slog misfire gem heartfelt sincere honest earnest sharp witty smart clever intelligent
    thoughtful timeless humane"""
_VERDICT_WORDS = frozenset(_VERDICT_VOCABULARY.split())
# The reviewer announcing the conclusion: "My verdict:", "In short,", "Overall,".
_CONCLUSION = re.compile(
    r"\b(?:(?:my |the )?verdict|in short|overall|bottom line|all told|to sum up|in sum|"
    r"all in all|in the end)\b",
    re.IGNORECASE,
)
# Where a long title is shortened in running text: "Dr. Strangelove or: How I Learned...".
_SUBTITLE = re.compile(r"\s+or:\s+|\s*:\s+|\s+[-–—]\s+")
_VERDICT_PHRASES = re.compile(
    r"\b(one of the (?:best|finest|greatest|worst|most)|piece of (?:cinema|filmmaking|film)|"
    r"worth (?:watching|seeing|your time)|do yourself a favou?r|a must|in the end|all in all|"
    r"at its (?:best|core|heart)|is a film about|is a movie about|is about|this is a film|"
    r"cult classic|not to be missed|i (?:can't|cannot) recommend)\b",
    re.IGNORECASE,
)
_IDENTITY_NOUNS = (
    "film", "movie", "picture", "story", "documentary", "drama", "comedy", "thriller",
)  # fmt: skip
_IDENTITY_SUBJECTS = rf"(?:this|the) (?:{'|'.join(_IDENTITY_NOUNS)})"
_IDENTITY_PHRASES = re.compile(
    rf"\b({_IDENTITY_SUBJECTS}\b|"
    r"directed by|director|based on|adapted from|adaptation|follows|tells the story|"
    r"the story of|starring|stars\b|set in|written by|screenplay|script)",
    re.IGNORECASE,
)
# "X is a ... film", "this film is": a sentence that defines the film.
_DEFINITION = re.compile(r"\b(?:is|was|isn't|wasn't)\s+(?:a|an|not a|the)\b", re.IGNORECASE)
# Patterns anchored at a sentence's start are written once and compiled twice: anchored at the
# start of a sentence on its own, and after the line break that starts a sentence in the
# lower-cased joined review (_LoweredReview); their literals are all lower case.
_FILM_SUBJECT_START = r"(?:(?:this|the) (?:film|movie)\b|it(?:'s|’s| is)\b)"
_READER_ADDRESS_START = r"(?:if|when|whether) you\b"
_LEANING_OPENER_START = (
    r"(?:instead|however|also|then|besides|moreover|for instance|for example|meanwhile|"
    r"likewise|similarly|and|but|so|or|otherwise|still|plus|apparently|again)\b"
)
_FILM_SUBJECT = re.compile("^" + _FILM_SUBJECT_START, re.IGNORECASE)
_ADDRESSES_READER = re.compile("^" + _READER_ADDRESS_START, re.IGNORECASE)
_LEANING_OPENER = re.compile("^" + _LEANING_OPENER_START, re.IGNORECASE)
_FILM_SUBJECT_LOWERED = re.compile(r"\n" + _FILM_SUBJECT_START)
_ADDRESSES_READER_LOWERED = re.compile(r"\n" + _READER_ADDRESS_START)
_LEANING_OPENER_LOWERED = re.compile(r"\n" + _LEANING_OPENER_START)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|me|my|mine|myself)\b", re.IGNORECASE)
# _FIRST_PERSON for _LoweredReview.text, which is lower-case ASCII and starts with a line
# break: there a word starts right after a character that is not [a-z0-9_], and the search
# skips from one such character to the next. Case-sensitive, and "i'm", "i've", "i'd" need
# no words of their own (the "i" before "'" matches).
_FIRST_PERSON_LOWERED = re.compile(r"[^a-z0-9_](?:i|m(?:e|y|ine|yself))\b")
_FIRST_PERSON_WORDS = frozenset({"i", "me", "my", "mine", "myself"})
_ANECDOTE = re.compile(
    r"\b(yesterday|last (?:week|night|month|year|weekend|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)|this (?:morning|weekend|evening)|the other day|tonight|"
    r"neighbou?r|my (?:wife|husband|partner|kids?|son|daughter|mum|mom|dad|father|mother|"
    r"friends?|girlfriend|boyfriend|cat|dog|family|roommate|flatmate|sister|brother)|"
    r"watched (?:this|it) (?:again|for the first time)|when i was|"
    r"growing up|as a kid|my couch|my sofa|popcorn bucket|the first time i)\b",
    re.IGNORECASE,
)
# Literal words without which the patterns above cannot match. On ASCII text, IGNORECASE
# matches exactly what lower-casing the text letter by letter does, so when a sentence's
# lower-cased text has none of them, the (much slower) pattern need not run.
_VERDICT_PHRASE_CUES = (
    "one of the", "piece of", "worth", "do yourself", "a must", "in the end", "all in all",
    "at its", "about", "this is a film", "cult classic", "not to be missed", "recommend",
)  # fmt: skip
_CONCLUSION_CUES = (
    "verdict", "in short", "overall", "bottom line", "all told", "to sum up", "in sum",
    "all in all", "in the end",
)  # fmt: skip
# "this film", "the story"... are looked for by a pattern rather than one by one: a search
# for a pattern that starts with literal characters ("th") is fast, and the words "film" or
# "story" alone are far more common than the phrases.
_IDENTITY_SUBJECT_CUE = re.compile(_IDENTITY_SUBJECTS)
_IDENTITY_CUES = (
    "direct", "based on", "adapt", "follows", "starring", "stars", "set in", "written by",
    "screenplay", "script",
)  # fmt: skip
# What may close a sentence after its end mark, and the marks themselves.
_CLOSERS = "\"'”’»)]"
_END_MARKS = (".", "!", "?", "…")

# Weights of the features; chosen by reading the output on varied reviews.
_VERDICT_WEIGHT = 0.55
_VERDICT_CAP = 3
_PHRASE_WEIGHT = 0.6
_IDENTITY_WEIGHT = 0.5
_TITLE_WEIGHT = 1.0
_DEFINITION_WEIGHT = 0.7
_CONCLUSION_WEIGHT = 1.0
_TITLE_DEFINITION_WEIGHT = 0.6
_DEFINING_VERBS = ("is a", "is an", "was a", "was an", "is the", "is not a", "isnt a")
_OPENING_WEIGHT = 0.6
_LAST_PARAGRAPH_WEIGHT = 0.5
_CENTRALITY_WEIGHT = 1.2
_ANECDOTE_PENALTY = 3.0
_FIRST_PERSON_PENALTY = 0.6
_FEW_WORDS_PENALTY = 1.0
_FRAGMENT_PENALTY = 2.5
_QUESTION_PENALTY = 0.6
_LEANING_PENALTY = 0.7
_READER_PENALTY = 0.5
_SENTENCE_COST = 0.8
_COVERAGE_BONUS = 0.8
_REDUNDANCY_PENALTY = 2.0
_CANDIDATES = 14
_MIN_SENTENCES = 2
_MAX_SENTENCES = 4


# Not frozen: a frozen dataclass's __init__ is about three times slower, and one is made
# for every sentence of every review loaded. Nothing changes a _Sentence once made.
@dataclass(slots=True)
class _Sentence:
    index: int
    text: str
    score: float
    words: AbstractSet[str]
    identity: bool
    verdict: bool


def summarise(
    sections: Sequence[Section],
    *,
    title: str | None = None,
    tagline: str | None = None,
    min_chars: int = 250,
    max_chars: int = 600,
) -> str:
    """Two to four whole sentences of the review, min_chars to max_chars long, in text order.

    A review shorter than min_chars is returned whole (its sentences, single-spaced).
    When the length limits cannot all be met, they give way in this order: sentences are
    never cut and max_chars always holds, then at most four sentences, then min_chars.
    Only if every sentence is longer than max_chars is the first one cut at a word
    boundary, ending in "…".
    """
    paragraphs = [p for section in sections for p in _paragraphs(section.text)]
    # _paragraphs() of a paragraph is itself: split it straight away.
    per_paragraph = [_paragraph_sentences(p) for p in paragraphs]
    texts = [s for group in per_paragraph for s in group]
    if not texts:
        return ""
    # The length of " ".join(texts), without joining them.
    if sum(map(len, texts)) + len(texts) - 1 < min_chars:
        return " ".join(texts)
    if min(map(len, texts)) > max_chars:
        return _cut(texts[0], max_chars)
    sentences = _score(per_paragraph, title, tagline)
    chosen = _choose([s for s in sentences if len(s.text) <= max_chars], min_chars, max_chars)
    return " ".join(s.text for s in sorted(chosen, key=_by_index))


def _cut(text: str, max_chars: int) -> str:
    room = text[: max_chars - 1]
    if " " in room:
        room = room[: room.rindex(" ")]
    return room.rstrip(" ,;:—–-") + "…"


def _score(
    per_paragraph: list[list[str]], title: str | None, tagline: str | None
) -> list[_Sentence]:
    # Every sentence of every review loaded is scored: what can be done once per review, on
    # all its sentences together, is (see _LoweredReview), so that the loop over sentences
    # below is left with little more than adding up the features.
    texts = [s for group in per_paragraph for s in group]
    review = _LoweredReview(texts)
    folded_review, folded_words = _fold_sentences(review)
    words_of = [list(filter(None, map(_CONTENT_WORD.__getitem__, f))) for f in folded_words]
    # Each sentence's words once, in text order: the keys of a dict, which are also the set
    # of its words that the other features need.
    distinct_words = list(map(dict.fromkeys, words_of))
    # A word the review keeps coming back to is what the review is about.
    counts = Counter(itertools.chain.from_iterable(distinct_words))
    # A word used in one sentence only, and not in the tagline, weighs 0.0: it is left out.
    weight = {word: math.log(count) for word, count in counts.items() if count > 1}
    for word in set(content_words(tagline or "")).intersection(counts):
        weight[word] = weight.get(word, 0.0) + 0.7
    centrality = [
        # Summed in text order: over a set, the float sum (and so a tie between two
        # sentences) would depend on the process's string hash seed. Adding the 0.0 of a
        # word without weight changes no sum.
        sum(map(weight.get, distinct, itertools.repeat(0.0))) / math.sqrt(len(words) + 4)
        for words, distinct in zip(words_of, distinct_words, strict=True)
    ]
    top_centrality = max(centrality) or 1.0
    titled, defining_title = _title_sentences(_title_keys(title), folded_review, folded_words)
    last_paragraph_start = len(texts) - len(per_paragraph[-1])
    verdict_hits_of = list(map(len, map(_VERDICT_WORDS.intersection, distinct_words)))
    phrase_hits_of = review.match_counts(_VERDICT_PHRASES, _VERDICT_PHRASE_CUES)
    identity_hits_of = review.match_counts(_IDENTITY_PHRASES, _IDENTITY_CUES, _IDENTITY_SUBJECT_CUE)
    concluding_ones = {
        i for i in review.containing(_CONCLUSION_CUES) if _CONCLUSION.search(texts[i])
    }
    # Without apostrophes, a first-person word in the lower-cased text is also a folded word
    # (what is next to it, a space or punctuation, folds to a space): in most reviews a look
    # at the words rules the search out, and costs less.
    if "'" not in review.text and _FIRST_PERSON_WORDS.isdisjoint(
        itertools.chain.from_iterable(folded_words)
    ):
        first_person_ones = {i for i in review.unlowered if _FIRST_PERSON.search(texts[i])}
    else:
        first_person_ones = review.matching(_FIRST_PERSON_LOWERED, _FIRST_PERSON.search)
    anecdotes = {i for i in first_person_ones if _ANECDOTE.search(texts[i])}
    # A sentence about the film ("This film is...", or one naming it) that defines it.
    film_subjects = review.matching(_FILM_SUBJECT_LOWERED, _FILM_SUBJECT.match)
    definitions = {i for i in titled | film_subjects if _DEFINITION.search(texts[i])}
    leaning = review.matching(_LEANING_OPENER_LOWERED, _LEANING_OPENER.match)
    addressing_reader = review.matching(_ADDRESSES_READER_LOWERED, _ADDRESSES_READER.match)

    # A sentence's score is its features' weights added up in one fixed order: the order
    # decides the last bits of a float sum, and so ties. Most features are in few
    # sentences, so each is added (in that order) only to the sentences that have it: the
    # same numbers in the same order, as adding 0.0 changes no number (but -0.0, which no
    # score is) and subtracting a penalty is adding its negative. The cue features come
    # before centrality, which every sentence has.
    scores = [_CENTRALITY_WEIGHT * c / top_centrality for c in centrality]
    with_cues = {i for i, hits in enumerate(verdict_hits_of) if hits}
    with_cues.update(phrase_hits_of, identity_hits_of, titled, concluding_ones)
    for index in with_cues:
        scores[index] = (
            _VERDICT_WEIGHT * min(verdict_hits_of[index], _VERDICT_CAP)
            + _PHRASE_WEIGHT * min(phrase_hits_of.get(index, 0), 2)
            + _IDENTITY_WEIGHT * min(identity_hits_of.get(index, 0), 2)
            + (_TITLE_WEIGHT if index in titled else 0.0)
            + (_CONCLUSION_WEIGHT if index in concluding_ones else 0.0)
            + (_TITLE_DEFINITION_WEIGHT if index in defining_title else 0.0)
            + scores[index]
        )
    last_paragraph = range(last_paragraph_start, len(texts))
    first_person_penalised = first_person_ones - anecdotes - concluding_ones
    few_words = [i for i, words in enumerate(words_of) if len(words) < 5]
    fragments, questions = _fragments_and_questions(texts)
    for indices, feature_weight in (
        (definitions, _DEFINITION_WEIGHT),
        ((0,), _OPENING_WEIGHT),
        (last_paragraph, _LAST_PARAGRAPH_WEIGHT),
        (anecdotes, -_ANECDOTE_PENALTY),
        (first_person_penalised, -_FIRST_PERSON_PENALTY),
        (few_words, -_FEW_WORDS_PENALTY),
        (fragments, -_FRAGMENT_PENALTY),
        (questions, -_QUESTION_PENALTY),
        (leaning, -_LEANING_PENALTY),
        (addressing_reader, -_READER_PENALTY),
    ):
        for index in indices:
            scores[index] += feature_weight
    identity_ones = titled.union(i for i, hits in identity_hits_of.items() if hits)
    verdict_ones = {i for i, hits in enumerate(verdict_hits_of) if hits}
    verdict_ones.update(i for i, hits in phrase_hits_of.items() if hits)
    verdict_ones = (verdict_ones | concluding_ones) - anecdotes
    return [
        _Sentence(
            index, text, score, distinct.keys(), index in identity_ones, index in verdict_ones
        )
        for index, (text, score, distinct) in enumerate(
            zip(texts, scores, distinct_words, strict=True)
        )
    ]


def _fragments_and_questions(texts: list[str]) -> tuple[list[int], list[int]]:
    """The sentences without end punctuation (closing quotes and brackets aside), and those
    ending in a question mark."""
    fragments: list[int] = []
    questions: list[int] = []
    # Nearly every sentence ends in its mark, with nothing after it.
    for index in [i for i, text in enumerate(texts) if text[-1] not in ".!…"]:
        text = texts[index]
        if not text.rstrip(_CLOSERS).endswith(_END_MARKS):
            fragments.append(index)
        if text.rstrip(_CLOSERS + " ").endswith("?"):
            questions.append(index)
    return fragments, questions


class _LoweredReview:
    """A review's sentences lower-cased in one string, each after a line break, so that a cue
    or a pattern is looked for once per review rather than once per sentence.

    Sentences have no line breaks of their own, and no cue or pattern looked for here
    matches one except as a sentence's start: nothing found runs from one sentence into the
    next. Lower-casing stands in for IGNORECASE only on ASCII text, where it also keeps
    every offset; a sentence with other characters is left empty here, listed in
    `unlowered`, and tested on its own with the IGNORECASE pattern.
    """

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.joined = joined = "\n".join(texts)
        self.ascii = joined.isascii()
        if self.ascii:
            pieces = texts
            self.unlowered: list[int] = []
            self.text = "\n" + joined.lower()
        else:
            pieces = [t.lower() if t.isascii() else "" for t in texts]
            self.unlowered = [i for i, t in enumerate(texts) if not t.isascii()]
            self.text = "\n" + "\n".join(pieces)
        # Where each sentence starts in self.text, and where one more would.
        self.starts = list(itertools.accumulate([len(p) + 1 for p in pieces], initial=1))

    def sentence_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def containing(
        self, cues: tuple[str, ...], cue_pattern: re.Pattern[str] | None = None
    ) -> set[int]:
        """The sentences that contain one of the (lower-case) cues or a match of cue_pattern,
        and the unlowered ones."""
        found = set(self.unlowered)
        if cue_pattern is not None:
            found |= self.lowered_matches(cue_pattern)
        text, starts = self.text, self.starts
        for cue in cues:
            at = text.find(cue)
            while at != -1:
                sentence = self.sentence_at(at)
                found.add(sentence)
                at = text.find(cue, starts[sentence + 1])
        return found

    def match_counts(
        self,
        pattern: re.Pattern[str],
        cues: tuple[str, ...],
        cue_pattern: re.Pattern[str] | None = None,
    ) -> dict[int, int]:
        """len(pattern.findall(sentence)) of the sentences containing() a cue of the pattern."""
        candidates = self.containing(cues, cue_pattern)
        return {i: len(pattern.findall(self.texts[i])) for i in candidates}

    def matching(self, lowered_pattern: re.Pattern[str], test: Callable[[str], object]) -> set[int]:
        """The sentences where lowered_pattern finds a match, and the unlowered ones that
        pass `test` (the IGNORECASE pattern's search or match)."""
        return self.lowered_matches(lowered_pattern).union(
            i for i in self.unlowered if test(self.texts[i])
        )

    def lowered_matches(self, lowered_pattern: re.Pattern[str]) -> set[int]:
        """The lowered sentences where lowered_pattern finds a match."""
        found: set[int] = set()
        text, starts = self.text, self.starts
        match = lowered_pattern.search(text)
        while match is not None:
            # The match's last character is inside its sentence (its first may be the line
            # break before it); search on from the line break before the next sentence.
            sentence = self.sentence_at(match.end() - 1)
            found.add(sentence)
            match = lowered_pattern.search(text, starts[sentence + 1] - 1)
        return found


def _fold_sentences(review: _LoweredReview) -> tuple[str, list[list[str]]]:
    """All the sentences fold()ed, one a line, and each one's folded words."""
    if review.ascii:
        # fold() of ASCII text is a translate then single spaces: translate them all at once
        # (the table keeps line breaks, which part the sentences here).
        folded = review.joined.translate(ASCII_FOLD_TABLE)
    else:
        folded = "\n".join(map(fold, review.texts))
    return folded, list(map(str.split, folded.split("\n")))


class _ContentWords(dict[str, str]):
    """A folded word's content word (terms.folded_content_words() of it alone), or "" if it
    has none; filled in as words are met, as reviews share most of their words."""

    def __missing__(self, folded_word: str) -> str:
        if len(self) >= _CONTENT_WORDS_KEPT:
            self.clear()
        words = folded_content_words(folded_word)
        content = self[folded_word] = words[0] if words else ""
        return content


_CONTENT_WORDS_KEPT = 1 << 16
_CONTENT_WORD = _ContentWords()


def _title_sentences(
    keys: list[str], folded_review: str, folded_words: list[list[str]]
) -> tuple[set[int], set[int]]:
    """The sentences that name the film, and those of them that say what it is: "<Title> is
    a ..."."""
    # A sentence names the film only if the review has all the words of a key: most don't.
    keys = [key for key in keys if all(word in folded_review for word in key.split())]
    titled: set[int] = set()
    defining: set[int] = set()
    if not keys:
        return titled, defining
    title_needles = [f" {key} " for key in keys]
    # Each definition needle contains a title needle: no title, no definition.
    definition_needles = [f" {key} {verb} " for key in keys for verb in _DEFINING_VERBS]
    for index, words in enumerate(folded_words):
        folded = f" {' '.join(words)} "
        if any(needle in folded for needle in title_needles):
            titled.add(index)
            if any(needle in folded for needle in definition_needles):
                defining.add(index)
    return titled, defining


def _title_keys(title: str | None) -> list[str]:
    """The folded title, and its main part if it has a subtitle, as the text may use either."""
    if not title:
        return []
    full = display_title(title)
    main = _SUBTITLE.split(full, maxsplit=1)[0]
    keys = [fold(full)]
    if main != full and len(main) >= 4:
        keys.append(fold(main))
    return [key for key in keys if key]


_by_score = operator.attrgetter("score")
_text_of = operator.attrgetter("text")
_identity_of = operator.attrgetter("identity")
_verdict_of = operator.attrgetter("verdict")
_words_of = operator.attrgetter("words")
_by_index = operator.attrgetter("index")


def _choose(sentences: list[_Sentence], min_chars: int, max_chars: int) -> list[_Sentence]:
    """The best-valued combination of 2 to 4 sentences (given in text order) that fits, with
    graceful fallbacks."""
    # By score, then text order: the sentences come in text order, and sorting is stable,
    # also in reverse.
    ranked = sorted(sentences, key=_by_score, reverse=True)
    for pool in (ranked[:_CANDIDATES], ranked[: _CANDIDATES * 2]):
        best = _best_combination(pool, min_chars, max_chars, _MIN_SENTENCES, _MAX_SENTENCES)
        if best:
            return best
    # Nothing of 2-4 sentences reaches min_chars within max_chars: keep max_chars and the
    # sentence count, and get as long as possible.
    best = _best_combination(ranked[:_CANDIDATES], 0, max_chars, 1, _MAX_SENTENCES, longest=True)
    return best or ranked[:1]


def _best_combination(
    pool: list[_Sentence],
    min_chars: int,
    max_chars: int,
    fewest: int,
    most: int,
    *,
    longest: bool = False,
) -> list[_Sentence]:
    """The first best combination in itertools.combinations order, found without trying all.

    Loading thousands of reviews made the plain loop over every combination the slowest part
    of a load, so combinations are built one sentence at a time and a partial one is dropped
    when it is already too long or can no longer get long enough, or when even the best
    scores still available (the pool is ranked by score) could not reach the best value
    found. The answer is the one the plain loop gives: only combinations that could not win
    are skipped.
    """
    table = _PoolTable(pool)
    n = len(pool)
    prune_by_value = not longest and table.ranked
    best: tuple[int, ...] = ()
    best_key: tuple[float, float] | None = None
    # The best value so far less a margin for summing the same numbers in another order.
    bar = -math.inf
    if prune_by_value:
        # Any combination that fits is worth at least as much as the best one must be: the
        # first that the ranked pool gives, taken greedily, lets the search prune from the
        # start instead of from its first find.
        greedy = _greedy_fit(table.lengths, min_chars, max_chars, fewest, most)
        if greedy:
            bar = table.value(greedy) - 1e-9
    chosen: list[int] = []
    # The table's lists as locals, and its small methods written out in the loop below:
    # this loop runs for every review of a load.
    lengths, gains, prefix_gains = table.lengths, table.gains, table.prefix_gains
    prefix_lengths = table.prefix_lengths
    identity, verdict = table.identity, table.verdict
    identity_end, verdict_end = table.identity_end, table.verdict_end
    longest_from, penalties = table.longest_from, table.penalties

    def extend(
        start: int,
        size: int,
        length: int,
        gain: float,
        overlap: float,
        covers: tuple[bool, bool],
    ) -> None:
        """Try every way to finish `chosen`, given its length, gain, redundancy penalty and
        whether it has an identity and a verdict sentence."""
        nonlocal best, best_key, bar
        remaining = size - len(chosen)
        for i in range(start, n - remaining + 1):
            # Penalties are >= 0: no combination from i on can be worth more than this,
            # nor (the pool being ranked) from any later start.
            if prune_by_value:
                ceiling = gain - overlap + (prefix_gains[i + remaining] - prefix_gains[i])
                ceiling += (_COVERAGE_BONUS if covers[0] or i < identity_end else 0.0) + (
                    _COVERAGE_BONUS if covers[1] or i < verdict_end else 0.0
                )
                if ceiling < bar:
                    break
            # The next `remaining` sentences are as long as any `remaining` sentences from i
            # on can be: if they get long enough, there is nothing to check.
            if length + prefix_lengths[i + remaining] - prefix_lengths[i] + size - 1 < min_chars:
                most_chars = longest_from.get(i) or table.longest(i)
                if length + most_chars[remaining] + size - 1 < min_chars:
                    break
            new_length = length + lengths[i]
            if new_length + size - 1 > max_chars:
                continue
            if len(chosen) == 1:
                # sum() of one penalty is that penalty: this is the common case.
                new_overlap = overlap + penalties[chosen[0], i]
            else:
                new_overlap = overlap + sum([penalties[j, i] for j in chosen])
            with_i = (covers[0] or identity[i], covers[1] or verdict[i])
            if prune_by_value:
                # The best gains and coverage bonus that sentences after i could still add.
                after = i + 1 if remaining > 1 else n
                ceiling = gain + gains[i] - new_overlap
                ceiling += (prefix_gains[after + remaining - 1] - prefix_gains[after]) + (
                    (_COVERAGE_BONUS if with_i[0] or after < identity_end else 0.0)
                    + (_COVERAGE_BONUS if with_i[1] or after < verdict_end else 0.0)
                )
                if ceiling < bar:
                    continue
            chosen.append(i)
            if remaining > 1:
                extend(i + 1, size, new_length, gain + gains[i], new_overlap, with_i)
            elif new_length + size - 1 >= min_chars:
                total = float(new_length + size - 1)
                value = table.value(chosen)
                key = (total, value) if longest else (value, -total)
                if best_key is None or key > best_key:
                    best, best_key = tuple(chosen), key
                    bar = value - 1e-9
            chosen.pop()

    for size in range(fewest, most + 1):
        extend(0, size, 0, 0.0, 0.0, (False, False))
    return [pool[i] for i in best]


def _greedy_fit(
    lengths: list[int], min_chars: int, max_chars: int, fewest: int, most: int
) -> list[int]:
    """The pool's sentences in rank order, each taken if it still fits, up to `most`; empty
    if they come to fewer than `fewest` or are too short."""
    chosen: list[int] = []
    length = 0
    for i, sentence_length in enumerate(lengths):
        # With a space before each sentence but the first.
        if length + sentence_length + len(chosen) <= max_chars:
            chosen.append(i)
            length += sentence_length
            if len(chosen) == most:
                break
    if len(chosen) < fewest or length + len(chosen) - 1 < min_chars:
        return []
    return chosen


class _PoolTable:
    """What valuing a combination needs of each sentence and pair, computed once per pool
    (a pair when first needed)."""

    def __init__(self, pool: list[_Sentence]) -> None:
        self.pool = pool
        self.lengths = list(map(len, map(_text_of, pool)))
        self.prefix_lengths = [0, *itertools.accumulate(self.lengths)]
        self.gains = [s.score - _SENTENCE_COST for s in pool]
        # (Scores are never NaN, so this is whether each gain is >= the next.)
        self.ranked = self.gains == sorted(self.gains, reverse=True)
        self.prefix_gains = [0.0, *itertools.accumulate(self.gains)]
        # For each start, the most characters 0, 1, 2... sentences from there on can add.
        # (Built when first asked for: the search often stops after a few starts.)
        self.longest_from: dict[int, list[int]] = {}
        self.identity = list(map(_identity_of, pool))
        self.verdict = list(map(_verdict_of, pool))
        # Some sentence from a start on is an identity (a verdict) sentence if the start is
        # before this end.
        self.identity_end = _end_of_last(self.identity)
        self.verdict_end = _end_of_last(self.verdict)
        self.penalties = _PairPenalties(pool)

    def longest(self, start: int) -> list[int]:
        """longest_from[start], built now."""
        descending = sorted(self.lengths[start:], reverse=True)
        longest = self.longest_from[start] = [0, *itertools.accumulate(descending)]
        return longest

    def value(self, chosen: list[int]) -> float:
        # Summed in combination order, as a plain loop over combinations would.
        gains, identity, verdict, penalties = (
            self.gains,
            self.identity,
            self.verdict,
            self.penalties,
        )
        value = sum(map(gains.__getitem__, chosen))
        if any(map(identity.__getitem__, chosen)):
            value += _COVERAGE_BONUS
        if any(map(verdict.__getitem__, chosen)):
            value += _COVERAGE_BONUS
        for pair in itertools.combinations(chosen, 2):
            value -= penalties[pair]
        return value


class _PairPenalties(dict[tuple[int, int], float]):
    """The redundancy penalty for choosing both pool[first] and pool[second], by (first,
    second) with first < second; computed when first asked for, as the search looks at about
    one pair in eight."""

    def __init__(self, pool: list[_Sentence]) -> None:
        super().__init__()
        self.words = list(map(_words_of, pool))
        self.sizes = list(map(len, self.words))

    def __missing__(self, pair: tuple[int, int]) -> float:
        first, second = pair
        # How much of the shorter sentence's words the other repeats, above 30%.
        smaller = min(self.sizes[first], self.sizes[second]) or 1
        shared = len(self.words[first] & self.words[second])
        penalty = self[pair] = _REDUNDANCY_PENALTY * max(0.0, shared / smaller - 0.3)
        return penalty


def _end_of_last(flags: list[bool]) -> int:
    """One past the last index whose flag is set, or 0 if none is."""
    return len(flags) - flags[::-1].index(True) if True in flags else 0
