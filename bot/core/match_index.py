"""The matcher's precomputed index: everything that does not depend on the question.

Every addressable item (entry, the comparison table, each table row) becomes an `Item` whose
text is split into *features*: word stems, plus one concept feature per synonym group whose
phrase occurs in the text. Each feature keeps the strength of the strongest field it came from
(phrasings, titles, keywords and aliases count fully; table cells, answer text and the table
context of a row count partly). Global tables hold document frequencies, IDF weights, posting
lists for candidate generation, and the vocabulary for word-by-word typo correction.

Synonyms: `kb.synonyms` maps a term to phrases that mean the same. The term and its phrases
form one group, and each group is one concept. A member is found in any text (knowledge base
or question) when its content stems occur there contiguously once stop words are dropped, so
"run it locally" contains the member "run locally" and "self-hosting" the member "self-host".
Matching is symmetric: a question saying "self-hosting" meets an entry saying "on-premises"
when both are in the group. A word matched only through its group earns the group's (lower)
IDF, not its own, so broad groups cannot inflate a match.
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.models import ComparisonTable, KnowledgeBase
from bot.core.normalize import STOP_WORDS, stem, tokens

# How much a feature counts, by the field it was found in.
PHRASE = 1.0
CELL = 0.6
ANSWER = 0.5
CONTEXT = 0.4  # the table's own listing of its factors
ROW_CONTEXT = 0.8  # a row's share of its table's title, columns and keywords
BIGRAM = 0.5  # weight of two adjacent words, relative to their mean weight
STRONG = 0.9  # postings at or above this strength go to the strong list

CONCEPT_PREFIX = "≈"

Found = list[tuple[int, int, str]]


@dataclass(frozen=True, slots=True)
class Phrase:
    """One way an item is asked about: an alternate question, title, keyword or alias."""

    text: str
    kind: str
    plain: str  # the cleaned words, for autocomplete
    stems: tuple[str, ...]  # content stems
    concepts: tuple[tuple[int, str], ...]  # (position, concept) of synonym members
    key: str  # the stems sorted, for a token-sort comparison
    weights: tuple[float, ...]  # IDF of each position (its stem or concept, the higher)
    total: float
    bigrams: tuple[tuple[str, float], ...]  # adjacent stems "a b" and their weight
    bigram_total: float


@dataclass(frozen=True, slots=True)
class Item:
    """One addressable id with its features and phrasings."""

    id: str
    label: str
    kind: str
    parent: str | None
    related: frozenset[str]
    phrases: tuple[Phrase, ...]
    best: dict[str, float]


@dataclass(slots=True)
class _Draft:
    id: str
    label: str
    kind: str
    parent: str | None
    related: frozenset[str]
    phrases: list[tuple[str, str, str, list[str], Found]]
    best: dict[str, float]


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    concept: str
    members: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]


STOP_MARK = "~"


def key_of(word: str) -> str:
    """The matching key of a word: its stem, or "~word" for a stop word."""
    return STOP_MARK + word if word in STOP_WORDS else stem(word)


class SynonymFinder:
    """Finds synonym-group members in a sequence of word keys (see `key_of`).

    A member matches when its content words occur in order with nothing between them but
    stop words; stop words written in the member itself must be there too, so "open up"
    never matches a plain "open", while "run locally" matches "run it locally".
    """

    def __init__(self, synonyms: dict[str, tuple[str, ...]]) -> None:
        self.groups: list[SynonymGroup] = []
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for term, variants in synonyms.items():
            names = (term, *variants)
            members: list[tuple[str, ...]] = []
            for name in names:
                keys = tuple(key_of(w) for w in tokens(name))
                if _content(keys) and keys not in members:
                    members.append(keys)
            if not members:
                continue
            concept = CONCEPT_PREFIX + term
            self.groups.append(SynonymGroup(concept, tuple(members), names))
            for member in members:
                self.by_first[member[0]].append((member, concept))
        self.names = {group.concept: group.names for group in self.groups}
        self.firsts = frozenset(self.by_first)

    def find(self, keys: list[str]) -> Found:
        """(start, end, concept) for every member found, as positions among content words."""
        found: Found = []
        by_first = self.by_first
        if self.firsts.isdisjoint(keys):
            return found
        size = len(keys)
        spans: list[tuple[int, int, str]] = []
        for start, first in enumerate(keys):
            options = by_first.get(first)
            if options is None:
                continue
            for member, concept in options:
                end = _match_at(keys, start, member, size)
                if end:
                    spans.append((start, end, concept))
        if not spans:
            return found
        # The content position of each key (for a stop word, that of the next content word).
        position: list[int] = []
        count = 0
        for key in keys:
            position.append(count)
            if not key.startswith(STOP_MARK):
                count += 1
        position.append(count)
        for start, end, concept in spans:
            low, high = position[start], position[end]
            if high > low:
                found.append((low, high, concept))
        return found

    def features(self, keys: list[str]) -> list[set[str]]:
        """For each content word of `keys`, its stem and the concepts of members covering it."""
        out = [{k} for k in keys if not k.startswith(STOP_MARK)]
        for start, end, concept in self.find(keys):
            for i in range(start, end):
                out[i].add(concept)
        return out


def _content(keys: tuple[str, ...]) -> bool:
    return any(not k.startswith(STOP_MARK) for k in keys)


def _match_at(keys: list[str], start: int, member: tuple[str, ...], size: int) -> int:
    """The end of `member` matched from `start` (stop words in `keys` may be skipped), or 0."""
    at = start
    for want in member:
        while at < size and keys[at] != want:
            if want.startswith(STOP_MARK) or not keys[at].startswith(STOP_MARK) or at == start:
                return 0
            at += 1
        if at >= size:
            return 0
        at += 1
    return at


class Index:
    """Items, IDF weights, postings and vocabulary, built once per knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.synonyms = SynonymFinder(dict(kb.synonyms))
        # Every word seen and its key: its stem, or "~word" for a stop word.
        self.content: dict[str, str] = {w: STOP_MARK + w for w in STOP_WORDS}
        drafts: list[_Draft] = []
        for entry in kb.entries:
            drafts.append(self._draft(
                entry.id, entry.title, "entry", None, related=entry.related,
                phrasings=[("title", entry.title), *_tagged("question", entry.questions),
                           *_tagged("keyword", entry.keywords)],
                texts=[(entry.answer, ANSWER)]))
        if kb.table is not None:
            drafts.extend(self._table(kb.table))
        for group in self.synonyms.groups:
            for name in group.names:
                for word in tokens(name):
                    self.content.setdefault(word, key_of(word))
        self.vocabulary = {w: w if k.startswith(STOP_MARK) else k
                           for w, k in self.content.items()}
        self.n = len(drafts)
        self.df: Counter[str] = Counter()
        for draft in drafts:
            self.df.update(draft.best.keys())
        by_df = {d: _idf(self.n, d) for d in set(self.df.values())}
        self.idf = {f: by_df[d] for f, d in self.df.items()}
        self.unknown_idf = _idf(self.n, 1)
        # Two adjacent words of a phrasing, as a feature of their own: rare pairs say much.
        pair_df: Counter[str] = Counter()
        for draft in drafts:
            pair_df.update({p for phrase in draft.phrases for p in _pairs(phrase[3])})
        self.pair_idf = {p: by_df.get(d) or _idf(self.n, d) for p, d in pair_df.items()}
        self.items = [self._finish(draft) for draft in drafts]
        self.position = {item.id: i for i, item in enumerate(self.items)}
        strong: defaultdict[str, list[int]] = defaultdict(list)
        weak: defaultdict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(self.items):
            for feature, strength in item.best.items():
                if strength >= STRONG:
                    strong[feature].append(i)
                else:
                    weak[feature].append(i)
        self.strong = {f: array("i", ids) for f, ids in strong.items()}
        self.weak = {f: array("i", ids) for f, ids in weak.items()}
        self.frequency = {w: self.df.get(s, 0) for w, s in self.vocabulary.items()}
        self.typo_buckets = self._typo_buckets()
        self.sorted_words = sorted(w for w in self.vocabulary if w not in STOP_WORDS)

    # -- building ------------------------------------------------------------------

    def _table(self, table: ComparisonTable) -> list[_Draft]:
        factors = [(row.factor, CONTEXT) for row in table.rows]
        drafts = [self._draft(
            table.id, table.title, "table", None, related=table.related,
            phrasings=[("title", table.title), *_tagged("question", table.questions),
                       *_tagged("keyword", table.keywords)],
            texts=[(table.answer, ANSWER), *factors, (" ".join(table.columns), CONTEXT)])]
        context = [(table.title, ROW_CONTEXT), *((k, ROW_CONTEXT) for k in table.keywords),
                   (" ".join(table.columns), ROW_CONTEXT)]
        for row in table.rows:
            cells = [(f"{column}: {cell}", CELL) for column, cell in
                     zip(table.columns, row.cells, strict=False)]
            drafts.append(self._draft(
                row.id, row.factor, "row", table.id, related=row.related,
                phrasings=[("factor", row.factor), *_tagged("alias", row.aliases),
                           # "cost, open vs closed": the row as a part of its table
                           ("factor in table", f"{row.factor} — {table.title}"),
                           *_tagged("question", row.questions),
                           *_tagged("keyword", row.keywords)],
                texts=cells + context))
        return drafts

    def _draft(self, item_id: str, label: str, kind: str, parent: str | None, *,
               related: Iterable[str], phrasings: list[tuple[str, str]],
               texts: list[tuple[str, float]]) -> _Draft:
        best: dict[str, float] = {}
        phrases: list[tuple[str, str, str, list[str], Found]] = []
        seen: set[str] = set()
        for field_kind, text in phrasings:
            words, stems, found = self._scan(text)
            best.update(dict.fromkeys(stems, PHRASE))
            best.update((concept, PHRASE) for _, _, concept in found)
            plain = " ".join(words)
            if stems and plain not in seen:
                seen.add(plain)
                phrases.append((text, field_kind, plain, stems, found))
        # Strongest fields first, so that a feature keeps the strength it was first seen with.
        for text, strength in sorted(texts, key=lambda t: -t[1]):
            if not text:
                continue
            _, stems, found = self._scan(text)
            weaker = dict.fromkeys(stems, strength)
            weaker.update((concept, strength) for _, _, concept in found)
            weaker.update(best)
            best = weaker
        return _Draft(item_id, label, kind, parent, frozenset(related), phrases, best)

    def _scan(self, text: str) -> tuple[list[str], list[str], Found]:
        """The words of `text`, its content stems and the synonym members found in them."""
        words = tokens(text)
        content = self.content
        for word in set(words).difference(content):
            content[word] = key_of(word)
        keys = list(map(content.__getitem__, words))
        stems = [k for k in keys if k[0] != STOP_MARK]
        return words, stems, self.synonyms.find(keys)

    def _finish(self, draft: _Draft) -> Item:
        idf = self.idf.get
        phrases: list[Phrase] = []
        for text, kind, plain, stems, found in draft.phrases:
            weights = [idf(s, 0.0) for s in stems]
            concepts: list[tuple[int, str]] = []
            for start, end, concept in found:
                value = idf(concept, 0.0)
                for i in range(start, end):
                    concepts.append((i, concept))
                    weights[i] = max(weights[i], value)
            pair_idf = self.pair_idf
            bigrams = tuple((pair, BIGRAM * pair_idf[pair]) for pair in _pairs(stems))
            phrases.append(Phrase(text, kind, plain, tuple(stems), tuple(concepts),
                                  " ".join(sorted(stems)), tuple(weights), sum(weights),
                                  bigrams, sum(w for _, w in bigrams)))
        return Item(draft.id, draft.label, draft.kind, draft.parent, draft.related,
                    tuple(phrases), draft.best)

    def _typo_buckets(self) -> dict[tuple[int, str], list[str]]:
        """Alphabetic words by (length, first letter) and (length, last letter), commonest
        first: a typo rarely changes both ends of a word."""
        buckets: defaultdict[tuple[int, str], list[str]] = defaultdict(list)
        frequency = self.frequency
        for word in sorted(self.vocabulary, key=lambda w: -frequency[w]):
            if len(word) >= 3 and word.isalpha():
                buckets[(len(word), word[0])].append(word)
                buckets[(-len(word), word[-1])].append(word)
        return dict(buckets)


def _pairs(stems: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in itertools.pairwise(stems)]


def _tagged(kind: str, texts: Iterable[str]) -> list[tuple[str, str]]:
    return [(kind, text) for text in texts]


def _idf(n: int, df: int) -> float:
    """BM25's IDF, never below a small positive floor."""
    return max(0.05, math.log(1.0 + (n - df + 0.5) / (df + 0.5)))
