"""A section's keywords: the terms a curator would pick, central to it and rare elsewhere.

Candidates are the body's words, its two-word terms (adjacent content words of a sentence:
"static analysis", "circular import") and the names its code uses (`importlib.reload`,
`get_channel`). A candidate needs evidence: it occurs more than once, or the author marked it
(inline code, emphasis, a link's text, a bold sub-heading). The title is already matched as a
phrasing, so a term whose words it says, in any form (the matcher stems), adds nothing. Names
an example invents are left out by general rules: those its code binds itself (assigned,
defined, looped over, parameters: `mydict`, `obj`), a numbered series (`arg1`, `arg2`) and
digit-letter-digit strings (addresses, hashes).

Terms are scored by tf-idf with the rarity squared; an everyday English word tells nothing on
its own and another common one little, a term the author marked counts more. A term several
sections would pick is kept by the one it is most central to (and by those scoring nearly as
well), so that a keyword points members at one entry rather than spreading over many.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from bot.core.matching.english import is_english, is_everyday
from bot.core.matching.text import (
    CHAT_SPELLINGS,
    STOP_WORDS,
    WORD_END,
    stem,
    without_apostrophes,
)

KEYWORDS = 12
MARKED_WORTH = 1.5  # a term in inline code, emphasis or a link's text, against plain prose
# A term several sections would pick stays with the section it scores best in, and with
# those scoring at least this share of that.
SHARED_SHARE = 0.7
# How much an English word says about a section, against a term of the trade ("matrix",
# "asyncio"): an everyday word ("show", "certainly") nothing, another common one little.
EVERYDAY_WORTH = 0.0
ENGLISH_WORTH = 0.5

_WORD = re.compile(r"[a-z][a-z0-9]*" + WORD_END)  # words as the matcher splits them
# Words, and what cuts a run of them: punctuation, a spaced dash, a line break.
_PROSE_TOKEN = re.compile(r"[a-z0-9]+|\s-\s|\n|[^a-z0-9\s]")
_HYPHEN = "-"  # inside a term: "thread-safe"
_ADDRESS = re.compile(r"https?://[^\s)>]+")
_BLOCK = re.compile(r"```[^\n]*\n(.*?)```", re.DOTALL)
_INLINE = re.compile(r"`([^`\n]+)`")
# **bold**, *italic*, and the text of a [link](...): what the author marked as a term.
_MARKED = re.compile(r"\*\*([^*\n]+)\*\*|(?<![\w*])\*([^*\n]+)\*(?![\w*])|\[([^\]\n]+)\]\(")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_STRING = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")
_NUMBERED = re.compile(r"([a-z]+)(\d+)")
_DIGIT = re.compile(r"\d")
_CODED = re.compile(r"[a-z]*\d+[a-z]+\d")  # digits, letters, digits: an address or a hash
# What a code example binds: `def f`, `class C`, `let x`, `x = ...`, `a, b = ...`,
# `for x in`, `... as x`, and the parameters of a function it defines.
_DEFINED = re.compile(r"\b(?:def|class|function|func|fn|let|var|const|struct|type)\s+"
                      r"([A-Za-z_]\w*)")
_ASSIGNED = re.compile(r"^[ \t]*([A-Za-z_][\w \t,]*?)[ \t]*=(?!=)", re.MULTILINE)
_LOOPED = re.compile(r"\bfor\s+\(?([A-Za-z_][\w \t,]*?)\)?\s+(?:in|of)\b")
_ALIASED = re.compile(r"\bas\s+([A-Za-z_]\w*)")
_PARAMETERS = re.compile(r"\b(?:def|function|func|fn)\s+\w+\s*\(([^)]*)\)")
_LAST_NAME = re.compile(r"([A-Za-z_]\w*)\W*$")
_MIN_LENGTH = 3
_MAX_NAME = 40


def _telling(word: str) -> float:
    if is_everyday(word):
        return EVERYDAY_WORTH
    return ENGLISH_WORTH if is_english(word) else 1.0


def _content(word: str) -> bool:
    """A word that can be a term: not a stop word, a chat spelling ("dont", "pls": the matcher
    respells them), a number or a code."""
    return (len(word) >= _MIN_LENGTH and word[0].isalpha() and word not in STOP_WORDS
            and word not in CHAT_SPELLINGS and not _CODED.match(word))


class _Vocabulary:
    """Each distinct word's stem, whether it is a content word and how telling it is,
    decided once a call."""

    def __init__(self) -> None:
        self.stems: dict[str, str] = {}
        self.contents: dict[str, bool] = {}
        self.tellings: dict[str, float] = {}

    def stem(self, word: str) -> str:
        found = self.stems.get(word)
        if found is None:
            found = self.stems[word] = stem(word)
        return found

    def telling(self, word: str) -> float:
        found = self.tellings.get(word)
        if found is None:
            found = self.tellings[word] = _telling(word)
        return found

    def content(self, word: str) -> bool:
        found = self.contents.get(word)
        if found is None:
            found = self.contents[word] = _content(word)
        return found


@dataclass
class _Terms:
    """One section's candidate terms, each under its key (its words' stems)."""

    vocabulary: _Vocabulary
    count: Counter[str] = field(default_factory=Counter)
    marked: set[str] = field(default_factory=set)  # in inline code, emphasis or a link
    shown: dict[str, dict[str, int]] = field(default_factory=dict)  # key → written forms
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key → its words
    seen: set[str] = field(default_factory=set)  # stems of every word, code included

    def add(self, words: tuple[str, ...], shown: str, marked: bool, times: int = 1) -> None:
        stem_of = self.vocabulary.stem
        key = stem_of(words[0]) if len(words) == 1 else " ".join(map(stem_of, words))
        self.count[key] += times
        forms = self.shown.get(key)
        if forms is None:
            self.shown[key] = {shown: times}
            self.words[key] = words
        else:
            forms[shown] = forms.get(shown, 0) + times
        if marked:
            self.marked.add(key)

    def form(self, key: str) -> str:
        forms = self.shown[key]
        return max(forms, key=lambda shown: forms[shown])  # the first of the commonest

    def add_prose(self, text: str, marked: bool) -> None:
        """Its words and two-word terms: adjacent content words, nothing between them but
        spaces or a hyphen ("add-ons" is the term "add ons", as the matcher reads it: two words
        side by side). Words joined by an apostrophe are one word, as the matcher reads them
        ("don't": "dont")."""
        vocabulary = self.vocabulary
        contents = vocabulary.contents
        singles: list[str] = []
        pairs: list[tuple[str, str]] = []
        last = ""
        text = without_apostrophes(_ADDRESS.sub(" . ", text.lower()).replace("’", "'"))
        tokens = _PROSE_TOKEN.findall(text)
        for n, token in enumerate(tokens):
            if token == _HYPHEN:
                continue
            keep = contents.get(token)
            if keep is None:
                keep = vocabulary.content(token)
            if keep:
                if not _compound_part(tokens, n, vocabulary):
                    singles.append(token)
                if last:
                    pairs.append((last, token))
                last = token
            else:
                last = ""
        for word, times in Counter(singles).items():
            self.add((word,), word, marked, times)
        stem_of = self.vocabulary.stem
        for pair, times in Counter(pairs).items():
            # A term said once, unmarked and not met before has no evidence, and its words
            # are at least as common as it is (see `_score`): leaving it out changes nothing.
            if times > 1 or marked or f"{stem_of(pair[0])} {stem_of(pair[1])}" in self.count:
                self.add(pair, " ".join(pair), marked, times)

    def add_names(self, code: str, marked: bool, bound: frozenset[str] = frozenset()) -> None:
        content = self.vocabulary.content
        for name, times in Counter(_NAME.findall(code)).items():
            if name.split(".", 1)[0] in bound or len(name) > _MAX_NAME:
                continue
            words = tuple(word for word in _WORD.findall(name.lower()) if content(word))
            if words:
                self.add(words, words[0] if len(words) == 1 and name.isalnum() else name,
                         marked, times)


def _compound_part(tokens: list[str], n: int, vocabulary: _Vocabulary) -> bool:
    """Whether the n-th token is a part of a hyphenated compound that is no term on its own:
    one joined to another content word ("add-ons": the two are the term), or an English word
    whose sense is the compound's ("32-bit", "re-run"). A name beside a number or a letter
    ("SLZB-06", "ZBDongle-E") is a term."""
    before = n > 1 and tokens[n - 1] == _HYPHEN
    after = n + 2 < len(tokens) and tokens[n + 1] == _HYPHEN
    if not before and not after:
        return False
    if ((before and vocabulary.content(tokens[n - 2]))
            or (after and vocabulary.content(tokens[n + 2]))):
        return True
    return is_english(tokens[n])


def bound_names(code: str) -> set[str]:
    """The names a code example binds itself (assigned, defined, looped over, parameters):
    its own inventions, not names of the library it shows."""
    names = set(_DEFINED.findall(code)) | set(_ALIASED.findall(code))
    lists = [*_ASSIGNED.findall(code), *_LOOPED.findall(code), *_PARAMETERS.findall(code)]
    for listed in lists:
        for part in listed.split(","):
            # `x: int = 0` and `int x` bind x
            found = _LAST_NAME.search(part.split("=", 1)[0].split(":", 1)[0])
            if found:
                names.add(found.group(1))
    return names


def _marked_text(found: re.Match[str]) -> str:
    return found.group(1) or found.group(2) or found.group(3) or ""


def _terms(body: str, vocabulary: _Vocabulary) -> _Terms:
    terms = _Terms(vocabulary)
    blocks = _BLOCK.findall(body)
    code = "\n".join(blocks)
    terms.seen.update(vocabulary.stem(word) for word in set(_WORD.findall(code.lower()))
                      if vocabulary.content(word))
    bound = frozenset(name for block in blocks for name in bound_names(block))
    terms.add_names(_STRING.sub(" ", code), marked=False, bound=bound)
    prose = _BLOCK.sub("\n", body)
    for found in _INLINE.finditer(prose):
        terms.add_names(found.group(1), marked=True)
    prose = _INLINE.sub("\n", prose)
    for found in _MARKED.finditer(prose):
        terms.add_prose(_marked_text(found), True)
    terms.add_prose(_MARKED.sub(lambda found: f"\n{_marked_text(found)}\n(", prose), False)
    return terms


def _placeholders(terms: _Terms) -> set[str]:
    """Terms with a numbered name of a series (`arg1` beside `arg2`): placeholders."""
    numbered = {key: [found.group(1) for part in key.split()
                      if (found := _NUMBERED.fullmatch(part))]
                for key in terms.count if _DIGIT.search(key)}
    series = Counter(name for names in numbered.values() for name in names)
    return {key for key, names in numbered.items() if any(series[name] > 1 for name in names)}


def distinctive(documents: list[tuple[str, str]], count: int = KEYWORDS) -> list[list[str]]:
    """For each (title, body) pair, up to `count` of the body's most distinctive terms that
    the title does not already say; best first, ties by first appearance."""
    vocabulary = _Vocabulary()
    sections = [_terms(body, vocabulary) for _, body in documents]
    frequency: Counter[str] = Counter(key for terms in sections
                                      for key in terms.seen.union(terms.count))
    scored: list[dict[str, float]] = []
    for (title, _), terms in zip(documents, sections, strict=True):
        said = {vocabulary.stem(word) for word in _WORD.findall(title.lower())}
        dropped = _placeholders(terms)
        scored.append({key: _score(key, terms, frequency, len(sections), vocabulary)
                       for key in terms.count
                       if key not in dropped and not set(key.split()) <= said
                       and (terms.count[key] > 1 or key in terms.marked)})
    home: dict[str, float] = {}  # a term's best score in any section
    for scores in scored:
        for key, score in scores.items():
            if score > home.get(key, 0.0):
                home[key] = score
    picked = []
    for terms, scores in zip(sections, scored, strict=True):
        kept = [key for key, score in scores.items()
                if score > 0 and score >= SHARED_SHARE * home[key]]
        kept.sort(key=lambda key: -scores[key])
        picked.append([terms.form(key) for key in kept[:count]])
    return picked


def _score(key: str, terms: _Terms, frequency: Counter[str], total: int,
           vocabulary: _Vocabulary) -> float:
    # A term is as common as its commonest word: the matcher matches words one by one.
    seen = max(frequency[key], *(frequency[part] for part in key.split()))
    rarity = math.log((1 + total) / seen) ** 2
    telling = max(vocabulary.telling(word) for word in terms.words[key])
    marked = MARKED_WORTH if key in terms.marked else 1.0
    return (1 + math.log(terms.count[key])) * rarity * telling * marked
