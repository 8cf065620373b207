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
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.english import is_english, is_everyday
from bot.core.normalize import STOP_WORDS, stem

KEYWORDS = 12
MARKED_WORTH = 1.5  # a term in inline code, emphasis or a link's text, against plain prose
# A term several sections would pick stays with the section it scores best in, and with
# those scoring at least this share of that.
SHARED_SHARE = 0.7
# How much an English word says about a section, against a term of the trade ("matrix",
# "asyncio"): an everyday word ("show", "certainly") nothing, another common one little.
EVERYDAY_WORTH = 0.0
ENGLISH_WORTH = 0.5

_WORD = re.compile(r"[a-z][a-z0-9]*")  # words as the matcher splits them
_TOKEN = re.compile(r"[a-z0-9]+|[^a-z0-9\s]+")
_ADDRESS = re.compile(r"https?://[^\s)>]+")
_BLOCK = re.compile(r"```[^\n]*\n(.*?)```", re.DOTALL)
_INLINE = re.compile(r"`([^`\n]+)`")
# **bold**, *italic*, and the text of a [link](...): what the author marked as a term.
_MARKED = re.compile(r"\*\*([^*\n]+)\*\*|(?<![\w*])\*([^*\n]+)\*(?![\w*])|\[([^\]\n]+)\]\(")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_STRING = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")
# Prose is cut into runs at punctuation; a two-word term never spans a cut.
_CUT = re.compile(r"[^\w\s'’-]+|\s-\s|\n")
_NUMBERED = re.compile(r"([a-z]+)(\d+)")
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
    return len(word) >= _MIN_LENGTH and word not in STOP_WORDS and not _CODED.match(word)


@dataclass
class _Terms:
    """One section's candidate terms, each under its key (its words' stems)."""

    count: Counter[str] = field(default_factory=Counter)
    marked: set[str] = field(default_factory=set)  # in inline code, emphasis or a link
    shown: dict[str, Counter[str]] = field(default_factory=dict)  # key → written forms
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key → its words
    seen: set[str] = field(default_factory=set)  # stems of every word, code included

    def add(self, words: tuple[str, ...], shown: str, marked: bool) -> None:
        key = " ".join(stem(word) for word in words)
        self.count[key] += 1
        self.shown.setdefault(key, Counter())[shown] += 1
        self.words.setdefault(key, words)
        if marked:
            self.marked.add(key)

    def form(self, key: str) -> str:
        return self.shown[key].most_common(1)[0][0]


def _runs(text: str) -> list[list[str]]:
    """Runs of content words with nothing but spaces (or an apostrophe) between them."""
    runs = []
    for piece in _CUT.split(_ADDRESS.sub(" . ", text.lower())):
        run: list[str] = []
        for token in _TOKEN.findall(piece.replace("-", " ")):
            if _WORD.fullmatch(token) and _content(token):
                run.append(token)
            elif run and token not in ("'", "’"):
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    return runs


def _add_prose(terms: _Terms, text: str, marked: bool) -> None:
    for run in _runs(text):
        for i, word in enumerate(run):
            terms.add((word,), word, marked)
            if i:
                terms.add((run[i - 1], word), f"{run[i - 1]} {word}", marked)


def _add_names(terms: _Terms, code: str, marked: bool,
               bound: frozenset[str] = frozenset()) -> None:
    for name in _NAME.findall(code):
        if name.split(".", 1)[0] in bound or len(name) > _MAX_NAME:
            continue
        words = tuple(word for word in _WORD.findall(name.lower()) if _content(word))
        if words:
            terms.add(words, words[0] if len(words) == 1 and name.isalnum() else name, marked)


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


def _terms(body: str) -> _Terms:
    terms = _Terms()
    blocks = _BLOCK.findall(body)
    code = "\n".join(blocks)
    terms.seen.update(stem(word) for word in _WORD.findall(code.lower()) if _content(word))
    bound = frozenset(name for block in blocks for name in bound_names(block))
    _add_names(terms, _STRING.sub(" ", code), marked=False, bound=bound)
    prose = _BLOCK.sub("\n", body)
    for found in _INLINE.finditer(prose):
        _add_names(terms, found.group(1), marked=True)
    prose = _INLINE.sub("\n", prose)
    for found in _MARKED.finditer(prose):
        _add_prose(terms, _marked_text(found), True)
    _add_prose(terms, _MARKED.sub(lambda found: f"\n{_marked_text(found)}\n(", prose), False)
    return terms


def _placeholders(terms: _Terms) -> set[str]:
    """Terms with a numbered name of a series (`arg1` beside `arg2`): placeholders."""
    series: Counter[str] = Counter()
    for key in terms.count:
        for part in key.split():
            found = _NUMBERED.fullmatch(part)
            if found:
                series[found.group(1)] += 1
    return {key for key in terms.count
            if any((found := _NUMBERED.fullmatch(part)) and series[found.group(1)] > 1
                   for part in key.split())}


Scorer = Callable[[str], float]


def distinctive(documents: list[tuple[str, str]], count: int = KEYWORDS) -> list[list[str]]:
    """For each (title, body) pair, up to `count` of the body's most distinctive terms that
    the title does not already say; ties by first appearance."""
    sections = [_terms(body) for _, body in documents]
    frequency: Counter[str] = Counter(key for terms in sections
                                      for key in terms.seen.union(terms.count))
    total = len(sections)
    candidates: list[tuple[_Terms, list[str], Scorer]] = []
    for (title, _), terms in zip(documents, sections, strict=True):
        said = {stem(word) for word in _WORD.findall(title.lower())}
        dropped = _placeholders(terms)
        eligible = [key for key in terms.count
                    if key not in dropped and not set(key.split()) <= said
                    and (terms.count[key] > 1 or key in terms.marked)]
        candidates.append((terms, eligible, _scorer(terms, frequency, total)))
    home: dict[str, float] = {}  # a term's best score in any section
    for _, eligible, score in candidates:
        for key in eligible:
            home[key] = max(home.get(key, 0.0), score(key))
    picked = []
    for terms, eligible, score in candidates:
        kept = [key for key in eligible
                if score(key) > 0 and score(key) >= SHARED_SHARE * home[key]]
        kept.sort(key=lambda key: -score(key))
        picked.append([terms.form(key) for key in kept[:count]])
    return picked


def _scorer(terms: _Terms, frequency: Counter[str], total: int) -> Scorer:
    def score(key: str) -> float:
        # A term is as common as its commonest word: the matcher matches words one by one.
        seen = max(frequency[key], *(frequency[part] for part in key.split()))
        rarity = math.log((1 + total) / seen) ** 2
        telling = max(_telling(word) for word in terms.words[key])
        marked = MARKED_WORTH if key in terms.marked else 1.0
        return (1 + math.log(terms.count[key])) * rarity * telling * marked
    return score
