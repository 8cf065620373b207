"""The matcher's precomputed index: everything that does not depend on the question.

Every addressable item (entry, the comparison table, each table row) becomes an `Item` whose
text is split into *features*: word stems, plus one concept feature per synonym group whose
phrase occurs in the text. Each feature keeps the strength of the strongest field it came from
(phrasings, titles, keywords and aliases count fully; table cells, answer text and the table
context of a row count partly). Global tables hold document frequencies, IDF weights, posting
lists for candidate generation, the vocabulary for word-by-word typo correction, and the
contrasts the knowledge base draws ("open vs closed", see `Index._opposed`) with each item's
title features. Synonym groups (`synonyms`) add concept features.

Out-of-scope topics (`kb.out_of_scope`) become items too, kept apart in `Index.outside` with
the ids `out-of-scope:<n>`: they count in the document frequencies and the vocabulary, but have
no position, no postings and no autocomplete labels.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from bot.core.knowledge.models import (
    OUT_OF_SCOPE_PREFIX,
    ComparisonTable,
    KnowledgeBase,
)
from bot.core.matching.fields import entry_texts, row_texts, table_texts
from bot.core.matching.grams import CharGrams
from bot.core.matching.synonyms import Found, SynonymFinder
from bot.core.matching.text import STOP_MARK, Tokenizer, stem
from bot.core.matching.weights import Weights
from bot.core.memo import BuildMemory

NAMING = frozenset({"title", "keyword", "alias", "factor", "factor in table"})  # name a topic
# Up to this many items, every item is finished while building; beyond, each is finished the
# first time a question reaches it (most of a large knowledge base is never a candidate).
EAGER_ITEMS = 2_000
REMEMBER_ITEMS = 2_000  # up to this many entries, builds remember (see Index)

_NONE: frozenset[str] = frozenset()
OUTSIDE = "out-of-scope"  # the kind of an out-of-scope topic's item (see `Index.outside`)


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
    pairs: tuple[str, ...]  # adjacent stems "a b" (weighed by `Index.pair_idf` when matched)


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
    by_feature: dict[str, tuple[int, ...]]  # feature → the phrasings that have it
    title: frozenset[str]  # the stems and concepts of its title (a row's factor): its side


@dataclass(slots=True)
class Draft:
    """An item as the build reads it. Its collections are tuples of strings, which the garbage
    collector stops tracking: a large knowledge base has 100,000s of phrasings, and tracked
    lists and sets would make each full collection during its build slower."""

    id: str
    label: str
    kind: str
    parent: str | None
    related: frozenset[str]
    # (text, kind, plain words, stems, synonyms found, adjacent pairs)
    phrases: tuple[tuple[str, str, str, tuple[str, ...], Found, tuple[str, ...]], ...]
    best: dict[str, float]
    pairs: tuple[str, ...]
    indexed: tuple[str, ...]  # the features its postings list it under
    named: tuple[str, ...]  # the features of its title, keywords and aliases
    text: str  # all its texts, one a line (for `CharGrams`)


class Index:
    """Items, IDF weights, postings and vocabulary, built once per knowledge base."""

    def __init__(self, kb: KnowledgeBase, memory: BuildMemory | None = None,
                 weights: Weights | None = None) -> None:
        self.weights = w = weights or Weights()
        # A knowledge base a bot reloads often is small: with its library's `memory`, a build
        # remembers what it split and found, so the next reload redoes only what changed. A
        # large one's first build would only pay for remembering.
        self.remember = memory is not None and len(kb.entries) <= REMEMBER_ITEMS
        self.memory = memory if self.remember else None
        self.tokenizer = tokenizer = Tokenizer(
            kb.lexicon, self.memory.split if self.memory is not None else None)
        self.synonyms = (SynonymFinder.of(kb.synonyms, tokenizer, self.memory.finders)
                         if self.memory is not None
                         else SynonymFinder(dict(kb.synonyms), tokenizer))
        # Every word seen and its key: its stem, or "~word" for a stop word.
        self.content: dict[str, str] = {w: STOP_MARK + w for w in tokenizer.stop_words}
        self._contrasts: list[str] = []  # phrasings that may set two words against each other
        drafts: list[Draft] = []
        for entry in kb.entries:
            drafts.append(self._draft(
                entry.id, entry.title, "entry", None, related=entry.related,
                phrasings=[("title", entry.title), *_tagged("question", entry.questions),
                           *_tagged("keyword", entry.keywords)],
                texts=entry_texts(entry, w)))
        if kb.table is not None:
            drafts.extend(self._table(kb.table))
        # Out-of-scope topics are scored like items but are not items: kept apart from
        # `drafts` (no position, no postings, no autocomplete), they count in the statistics.
        outside = [self._draft(
            f"{OUT_OF_SCOPE_PREFIX}{n}", topic.topic, OUTSIDE, None, related=(),
            phrasings=[("topic", topic.topic), *_tagged("question", topic.questions),
                       *_tagged("keyword", topic.keywords)],
            texts=[]) for n, topic in enumerate(kb.out_of_scope, start=1)]
        for group in self.synonyms.groups:
            for name in group.names:
                for word in tokenizer.tokens(name):
                    self.content.setdefault(word, tokenizer.key_of(word))
        self.vocabulary = {w: w if k.startswith(STOP_MARK) else k
                           for w, k in self.content.items()}
        self.n = len(drafts)
        _demote_examples(drafts, w)
        counted = len(drafts) + len(outside)
        self.df: Counter[str] = Counter()
        for draft in itertools.chain(drafts, outside):
            self.df.update(draft.best.keys())
        by_df = {d: _idf(counted, d) for d in set(self.df.values())}
        self.idf = {f: by_df[d] for f, d in self.df.items()}
        self.unknown_idf = _idf(counted, 1)
        # Two adjacent words of a phrasing, as a feature of their own: rare pairs say much.
        pair_df: Counter[str] = Counter()
        for draft in itertools.chain(drafts, outside):
            pair_df.update(draft.pairs)
        # A pair seen once weighs `unknown_idf`; only commoner pairs are stored.
        self.pair_idf = {p: by_df.get(d) or _idf(counted, d) for p, d in pair_df.items()
                         if d > 1}
        self.drafts = drafts
        self.outside = tuple(self._finish(draft) for draft in outside)
        # Items first, then out-of-scope topics: `Index.n + k` is topic k's row.
        self.grams = CharGrams([d.text for d in itertools.chain(drafts, outside)], w.gram_sizes)
        self._items: list[Item | None] = [None] * self.n
        if self.n <= EAGER_ITEMS:
            for i in range(self.n):
                self.item(i)
        self.position = {draft.id: i for i, draft in enumerate(drafts)}
        # Postings for candidate generation: phrasings, titles, keywords, aliases, cells and a
        # row's table context; words found only in answer text do not nominate candidates.
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for i, draft in enumerate(drafts):
            for feature in draft.indexed:
                postings[feature].append(i)
        self.postings: dict[str, tuple[int, ...]] = {f: tuple(i) for f, i in postings.items()}
        self.frequency = {w: self.df.get(s, 0) for w, s in self.vocabulary.items()}
        self.typo_buckets = self._typo_buckets()
        self.sorted_words = sorted(w for w in self.vocabulary if w not in tokenizer.stop_words)
        self.opposed = self._opposed(self._contrasts)


    def item(self, i: int) -> Item:
        """The i-th item, finished (phrasing weights) on first use in a large knowledge base."""
        item = self._items[i]
        if item is None:
            item = self._items[i] = self._finish(self.drafts[i])
        return item

    @property
    def finished(self) -> list[Item]:
        """The items finished so far (all of them in a knowledge base of up to EAGER_ITEMS)."""
        return [item for item in self._items if item is not None]

    @property
    def items(self) -> list[Item]:
        """Every item, finished."""
        return [self.item(i) for i in range(self.n)]

    # -- building ------------------------------------------------------------------

    def _table(self, table: ComparisonTable) -> list[Draft]:
        drafts = [self._draft(
            table.id, table.title, "table", None, related=table.related,
            phrasings=[("title", table.title), *_tagged("question", table.questions),
                       *_tagged("keyword", table.keywords)],
            texts=table_texts(table, self.weights))]
        for row in table.rows:
            drafts.append(self._draft(
                row.id, row.factor, "row", table.id, related=row.related,
                phrasings=[("factor", row.factor), *_tagged("alias", row.aliases),
                           # "cost, open vs closed": the row as a part of its table
                           ("factor in table", f"{row.factor} — {table.title}"),
                           *_tagged("question", row.questions),
                           *_tagged("keyword", row.keywords)],
                texts=row_texts(table, row, self.weights)))
        return drafts

    def _draft(self, item_id: str, label: str, kind: str, parent: str | None, *,
               related: Collection[str], phrasings: list[tuple[str, str]],
               texts: list[tuple[str, str, float]]) -> Draft:
        phrases: list[tuple[str, str, str, tuple[str, ...], Found, tuple[str, ...]]] = []
        pairs: set[str] = set()
        seen: set[str] = set()
        strong: list[str] = []  # every stem and concept of the phrasings
        named: set[str] = set()
        find = functools.partial(self.synonyms.find, remember=self.remember)
        # Strongest fields first, so that a feature keeps the strength it was first seen with.
        texts = sorted((t for t in texts if t[1]), key=lambda t: -t[2])
        tokenized = self.tokenizer.tokens_many([*(text for _, text in phrasings),
                                                *(text for _, text, _ in texts)])
        keyed = self._keys(tokenized)
        synonyms = not self.synonyms.firsts.isdisjoint(itertools.chain.from_iterable(keyed))
        for (field_kind, text), words, keys in zip(phrasings, tokenized, keyed, strict=False):
            stems = tuple([k for k in keys if k[0] != STOP_MARK])
            found = find(keys) if synonyms else ()
            strong.extend(stems)
            if found:
                strong.extend([concept for _, _, concept in found])
            if field_kind in NAMING:
                named.update(stems)
                named.update([concept for _, _, concept in found])
            plain = " ".join(words)
            if stems and plain not in seen:
                seen.add(plain)
                if " vs " in plain and kind != OUTSIDE:  # most phrasings draw no contrast
                    self._contrasts.append(plain)
                mine = _pairs(stems)
                pairs.update(mine)
                phrases.append((text, field_kind, plain, stems, found, mine))
        best = dict.fromkeys(strong, self.weights.phrase)
        indexed = set(strong)
        for (_, _, strength), keys in zip(texts, keyed[len(phrasings):], strict=True):
            text_stems = [k for k in keys if k[0] != STOP_MARK]
            concepts = [concept for _, _, concept in find(keys)] if synonyms else []
            if strength >= self.weights.cell:  # strong enough to nominate candidates
                indexed.update(text_stems)
                indexed.update(concepts)
            weaker = dict.fromkeys(text_stems, strength)
            if concepts:
                weaker.update(dict.fromkeys(concepts, strength))
            weaker.update(best)
            best = weaker
        text = "\n".join([*(text for _, text in phrasings), *(t for _, t, _ in texts)])
        return Draft(item_id, label, kind, parent, frozenset(related) if related else _NONE,
                     tuple(phrases), best, tuple(pairs), tuple(indexed), tuple(named), text)

    def _keys(self, tokenized: list[list[str]]) -> list[list[str]]:
        """The key (see `Tokenizer.key_of`) of every word, learning the words never seen
        before."""
        content = self.content
        key_of = self.tokenizer.key_of
        get = content.get
        out: list[list[str]] = []
        for words in tokenized:
            keys: list[str] = list(map(get, words))  # type: ignore[arg-type]
            if None in keys:
                for word in words:
                    if word not in content:
                        content[word] = key_of(word)
                keys = list(map(content.__getitem__, words))
            out.append(keys)
        return out

    def _finish(self, draft: Draft) -> Item:
        idf = self.idf  # every stem and concept of a phrasing is in it
        phrases: list[Phrase] = []
        none: tuple[tuple[int, str], ...] = ()
        for text, kind, plain, stems, found, pairs in draft.phrases:
            weights = list(map(idf.__getitem__, stems))
            concepts = none
            if found:
                spans: list[tuple[int, str]] = []
                for start, end, concept in found:
                    value = idf[concept]
                    for i in range(start, end):
                        spans.append((i, concept))
                        weights[i] = max(weights[i], value)
                concepts = tuple(spans)
            phrases.append(Phrase(text, kind, plain, tuple(stems), concepts,
                                  " ".join(sorted(stems)), tuple(weights), sum(weights),
                                  tuple(pairs)))
        by_feature: defaultdict[str, list[int]] = defaultdict(list)
        for n, phrase in enumerate(phrases):
            for feature in {*phrase.stems, *(c for _, c in phrase.concepts)}:
                by_feature[feature].append(n)
        title = frozenset(feature for phrase in phrases if phrase.kind in ("title", "factor")
                          for feature in (*phrase.stems, *(c for _, c in phrase.concepts)))
        return Item(draft.id, draft.label, draft.kind, draft.parent, draft.related,
                    tuple(phrases), draft.best, {f: tuple(n) for f, n in by_feature.items()},
                    title)

    def _opposed(self, contrasts: list[str]) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
        """The two sides of every contrast the knowledge base draws again and again ("open vs
        closed" in many phrasings): each side is a stem with the synonym groups whose term
        uses it ("closed", "closed providers": so "proprietary" and "claude" say closed too)."""
        seen: Counter[tuple[str, str]] = Counter()
        stop_words, tokenizer = self.tokenizer.stop_words, self.tokenizer
        for plain in contrasts:
            words = plain.split()
            for left, middle, right in zip(words, words[1:], words[2:], strict=False):
                if middle == "vs" and left not in stop_words and right not in stop_words:
                    a, b = stem(left), stem(right)
                    if a != b:
                        seen[(a, b) if a < b else (b, a)] += 1
        by_stem: defaultdict[str, set[str]] = defaultdict(set)
        for group in self.synonyms.groups:
            for word in tokenizer.tokens(group.names[0]):
                by_stem[tokenizer.key_of(word)].add(group.concept)
        return tuple((frozenset({a, *by_stem[a]}), frozenset({b, *by_stem[b]}))
                     for (a, b), count in sorted(seen.items())
                     if count >= self.weights.contrast)

    def _typo_buckets(self) -> dict[tuple[int, str], list[str]]:
        """Alphabetic words by (length, first letter), commonest first: a typo rarely
        changes the first letter of a word."""
        buckets: defaultdict[tuple[int, str], list[str]] = defaultdict(list)
        frequency = self.frequency
        for word in sorted(self.vocabulary, key=lambda w: -frequency[w]):
            if len(word) >= 3 and word.isalpha():
                buckets[(len(word), word[0])].append(word)
        return dict(buckets)


def _demote_examples(drafts: list[Draft], w: Weights) -> None:
    """Lower to `example` the words an item only mentions in its example questions while
    another item names them ("llama" in a question about competitive pressure, while it is a
    keyword of the open-weight models)."""
    named: Counter[str] = Counter()
    for draft in drafts:
        named.update(draft.named)
    few = {feature for feature, count in named.items() if count <= w.namers}
    for draft in drafts:
        best = draft.best
        for feature in (best.keys() & few).difference(draft.named):
            best[feature] = min(best[feature], w.example)


def _pairs(stems: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(map(" ".join, itertools.pairwise(stems)))


def _tagged(kind: str, texts: Iterable[str]) -> list[tuple[str, str]]:
    return [(kind, text) for text in texts]


def _idf(n: int, df: int) -> float:
    """BM25's IDF, never below a small positive floor."""
    return max(0.05, math.log(1.0 + (n - df + 0.5) / (df + 0.5)))
