"""The matcher's precomputed index: everything that does not depend on the question.

Every addressable item (entry, the comparison table, each table row) becomes an `Item` whose
text is split into *features*: word stems, plus one concept feature per synonym group whose
phrase occurs in the text. Each feature keeps the strength of the strongest field it came from
(phrasings, titles, keywords and aliases count fully; table cells, answer text and the table
context of a row count partly). Global tables hold document frequencies, IDF weights, posting
lists for candidate generation, and the vocabulary for typo correction.

Synonyms: `kb.synonyms` maps a term to phrases that mean the same. The term and its phrases
form one group, and each group is one concept. A member is found in any text (knowledge base
or question) when its content stems occur there contiguously once stop words are dropped, so
"run it locally" contains the member "run locally". Matching is symmetric: a question that
says "self-hosting" matches an entry that says "local deployment" when both are in the group.
"""

from __future__ import annotations

import dataclasses
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.models import ComparisonTable, KnowledgeBase
from bot.core.normalize import STOP_WORDS, stem, tokens

# How much a feature counts, by the field it was found in.
PHRASE = 1.0
CELL = 0.6
ANSWER = 0.5
CONTEXT = 0.4
STRONG = 0.9  # postings at or above this strength go to the strong list

CONCEPT_PREFIX = "≈"


@dataclass(frozen=True, slots=True)
class Phrase:
    """One way an item is asked about: an alternate question, title, keyword or alias."""

    text: str
    kind: str
    features: tuple[frozenset[str], ...]
    stems: tuple[str, ...]
    key: str  # the stems sorted, for a token-sort comparison
    weights: tuple[float, ...] = ()
    total: float = 0.0
    union: frozenset[str] = frozenset()


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


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    concept: str
    members: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]


def content(words: Iterable[str]) -> list[tuple[str, str]]:
    """(surface word, stem) of every word that is not a stop word."""
    return [(w, stem(w)) for w in words if w not in STOP_WORDS]


class SynonymFinder:
    """Finds synonym-group members as contiguous runs of content stems."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]]) -> None:
        self.groups: list[SynonymGroup] = []
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for term, variants in synonyms.items():
            names = (term, *variants)
            members: list[tuple[str, ...]] = []
            for name in names:
                stems = tuple(s for _, s in content(tokens(name)))
                if stems and stems not in members:
                    members.append(stems)
            if not members:
                continue
            concept = CONCEPT_PREFIX + term
            self.groups.append(SynonymGroup(concept, tuple(members), names))
            for member in members:
                self.by_first[member[0]].append((member, concept))
        self.names = {group.concept: group.names for group in self.groups}

    def find(self, stems: list[str]) -> list[tuple[int, int, str]]:
        """(start, end, concept) for every member found in `stems`."""
        found: list[tuple[int, int, str]] = []
        if not self.by_first:
            return found
        for start, first in enumerate(stems):
            for member, concept in self.by_first.get(first, ()):
                end = start + len(member)
                if tuple(stems[start:end]) == member:
                    found.append((start, end, concept))
        return found

    def features(self, stems: list[str]) -> list[set[str]]:
        """For each stem, the stem itself and the concepts of the members covering it."""
        out = [{s} for s in stems]
        for start, end, concept in self.find(stems):
            for i in range(start, end):
                out[i].add(concept)
        return out


class Index:
    """Items, IDF weights, postings and vocabulary, built once per knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.synonyms = SynonymFinder(dict(kb.synonyms))
        self.items: list[Item] = []
        self.vocabulary: dict[str, str] = {w: w for w in STOP_WORDS}
        self.frequency: dict[str, int] = defaultdict(int)
        for entry in kb.entries:
            self._add(entry.id, entry.title, "entry", None, related=entry.related, phrasings=
                      [("title", entry.title), *_tagged("question", entry.questions),
                       *_tagged("keyword", entry.keywords)],
                      texts=[(entry.answer, ANSWER)])
        if kb.table is not None:
            self._add_table(kb.table)
        for group in self.synonyms.groups:
            for name in group.names:
                for word in tokens(name):
                    self.vocabulary.setdefault(word, stem(word))
        self.position = {item.id: i for i, item in enumerate(self.items)}
        self.df: dict[str, int] = defaultdict(int)
        for item in self.items:
            for feature in item.best:
                self.df[feature] += 1
        n = len(self.items)
        self.n = n
        self.idf = {f: _idf(n, d) for f, d in self.df.items()}
        self.unknown_idf = _idf(n, 1)
        self.items = [self._weighted(item) for item in self.items]
        strong: dict[str, array[int]] = defaultdict(lambda: array("i"))
        weak: dict[str, array[int]] = defaultdict(lambda: array("i"))
        for i, item in enumerate(self.items):
            for feature, strength in item.best.items():
                (strong if strength >= STRONG else weak)[feature].append(i)
        self.strong = dict(strong)
        self.weak = dict(weak)
        ordered = sorted(self.vocabulary, key=lambda w: -self.frequency.get(w, 0))
        self.words_by_length: dict[int, list[str]] = defaultdict(list)
        for word in ordered:
            if word.isalpha():
                self.words_by_length[len(word)].append(word)

    # -- building ------------------------------------------------------------------

    def _add_table(self, table: ComparisonTable) -> None:
        factors = [(row.factor, CONTEXT) for row in table.rows]
        self._add(table.id, table.title, "table", None, related=table.related, phrasings=
                  [("title", table.title), *_tagged("question", table.questions),
                   *_tagged("keyword", table.keywords)],
                  texts=[(table.answer, ANSWER), *factors, (" ".join(table.columns), CONTEXT)])
        context = [(table.title, CONTEXT), *((k, CONTEXT) for k in table.keywords),
                   (" ".join(table.columns), CONTEXT)]
        for row in table.rows:
            cells = [(f"{column}: {cell}", CELL) for column, cell in
                     zip(table.columns, row.cells, strict=False)]
            self._add(row.id, row.factor, "row", table.id, related=row.related, phrasings=
                      [("factor", row.factor), *_tagged("alias", row.aliases),
                       *_tagged("question", row.questions), *_tagged("keyword", row.keywords)],
                      texts=cells + context)

    def _add(self, item_id: str, label: str, kind: str, parent: str | None, *,
             related: Iterable[str], phrasings: list[tuple[str, str]],
             texts: list[tuple[str, float]]) -> None:
        best: dict[str, float] = {}
        phrases: list[Phrase] = []
        seen: set[str] = set()
        for field_kind, text in phrasings:
            features = self._features(text, PHRASE, best)
            stems = tuple(s for s, _ in features)
            key = " ".join(sorted(stems))
            if key and key not in seen:
                seen.add(key)
                phrases.append(Phrase(text, field_kind,
                                      tuple(frozenset(f) for _, f in features), stems, key))
        for text, strength in texts:
            if text:
                self._features(text, strength, best)
        self.items.append(Item(item_id, label, kind, parent, frozenset(related),
                               tuple(phrases), best))

    def _features(self, text: str, strength: float,
                  best: dict[str, float]) -> list[tuple[str, set[str]]]:
        words = tokens(text)
        for word in words:
            if word not in self.vocabulary:
                self.vocabulary[word] = stem(word)
            self.frequency[word] += 1
        pairs = content(words)
        stems = [s for _, s in pairs]
        features = self.synonyms.features(stems)
        for feature_set in features:
            for feature in feature_set:
                if best.get(feature, 0.0) < strength:
                    best[feature] = strength
        return list(zip(stems, features, strict=True))


    def _weighted(self, item: Item) -> Item:
        phrases = tuple(
            _with_weights(p, tuple(max(self.idf.get(f, 0.0) for f in features)
                                   for features in p.features))
            for p in item.phrases)
        return dataclasses.replace(item, phrases=phrases)


def _with_weights(phrase: Phrase, weights: tuple[float, ...]) -> Phrase:
    union = frozenset().union(*phrase.features)
    return dataclasses.replace(phrase, weights=weights, total=sum(weights), union=union)


def _tagged(kind: str, texts: Iterable[str]) -> list[tuple[str, str]]:
    return [(kind, text) for text in texts]


def _idf(n: int, df: int) -> float:
    """BM25's IDF, never below a small positive floor."""
    return max(0.05, math.log(1.0 + (n - df + 0.5) / (df + 0.5)))


