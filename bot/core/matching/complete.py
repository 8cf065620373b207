"""Autocomplete: questions for `/ask`, table rows for `/compare factor:`, topics for `/explain`.

Each completion is a (label, id) pair: the label is what the member sees (at most 100
characters), the id what the command receives. The command re-checks the id it is finally sent
(a member may type freely).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.knowledge.models import KnowledgeBase
from bot.core.knowledge.names import factor_names
from bot.core.matching.index import Index
from bot.core.text import fold

MAX_LABEL = 100
MAX_CHOICES = 25
# Of a question typed for autocomplete, the characters compared with the choices: a choice is
# at most MAX_LABEL long, and a pasted page compared whole kept the event loop busy for 0.2 s.
TYPED_CHARS = MAX_LABEL
SMALL = 3000  # up to this many labels, rank them all; beyond it, narrow by the index first
SCORE_CUTOFF = 75.0  # of a factor or topic name


class Completer:
    """(label, item id) choices for a partly typed question; labels unique and ≤ 100 chars."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.keys: list[str] = []
        self.labels: list[tuple[str, str]] = []
        self.by_item: list[list[int]] = []
        seen: set[str] = set()
        tokens = index.tokenizer.tokens
        for item in index.drafts:
            mine: list[int] = []
            texts = [(item.label, " ".join(tokens(item.label)))]
            texts += [(text, plain) for text, kind, plain, *_ in item.phrases
                      if kind in ("question", "alias") and text != item.label]
            for text, plain in texts:
                label = _cut(text)
                if label in seen or not plain:
                    continue
                seen.add(label)
                mine.append(len(self.keys))
                self.keys.append(plain)
                self.labels.append((label, item.id))
            self.by_item.append(mine)

    def complete(self, text: str, limit: int,
                 candidates: Callable[[str], list[int]]) -> list[tuple[str, str]]:
        limit = max(0, min(limit, MAX_CHOICES))
        typed = " ".join(self.index.tokenizer.tokens(text[:TYPED_CHARS]))
        if limit == 0:
            return []
        if not typed:  # nothing to match yet: the first items' titles, each label once
            shown: dict[str, str] = {}
            for item in self.index.drafts:
                if len(shown) == limit:
                    break
                shown.setdefault(_cut(item.label), item.id)
            return list(shown.items())
        if len(self.keys) <= SMALL:
            chosen = list(range(len(self.keys)))
        else:
            items = set(candidates(text))
            items.update(self._prefix_items(typed.split()[-1]))
            chosen = [i for item in sorted(items) for i in self.by_item[item]]
        keys = [self.keys[i] for i in chosen]
        hits = process.extract(typed, keys, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
        return [self.labels[chosen[i]] for _, _, i in hits]

    def _prefix_items(self, prefix: str, most: int = 20) -> set[int]:
        """Items with a known word starting with the last, maybe unfinished, typed word."""
        if len(prefix) < 2 or prefix in self.index.tokenizer.stop_words:
            return set()
        words = self.index.sorted_words
        start = bisect_left(words, prefix)
        out: set[int] = set()
        for word in words[start:start + most]:
            if not word.startswith(prefix):
                break
            postings = self.index.postings.get(self.index.vocabulary[word], ())
            out.update(postings[:50])
        return out


# -- table rows and topics, by name ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Name:
    """One searchable name of an item: its title, an alias or its id."""

    key: str
    item_id: str


def _label(title: str, item_id: str) -> str:
    label = f"{title} ({item_id})"
    if len(label) <= MAX_LABEL:
        return label
    return title[: MAX_LABEL - 1].rstrip() + "…"


def factor_choices(kb: KnowledgeBase, typed: str,
                   limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """Table rows matching what was typed, by factor name, alias or id: (factor, row id)."""
    if kb.table is None:
        return []
    labels = {row.id: row.factor[:MAX_LABEL] for row in kb.table.rows}
    names = [_Name(fold(name), row.id) for row in kb.table.rows for name in factor_names(row)]
    return _complete(labels, names, typed, limit)


def topic_choices(kb: KnowledgeBase, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """Entries, the table and its rows matching what was typed, by title or id: (label, id)."""
    labels = {item_id: _label(kb.title_of(item_id), item_id) for item_id in kb.ids}
    names = [_Name(fold(key), item_id)
             for item_id in kb.ids for key in (kb.title_of(item_id), item_id)]
    return _complete(labels, names, typed, limit)


def _complete(labels: dict[str, str], names: list[_Name], typed: str,
              limit: int) -> list[tuple[str, str]]:
    limit = max(0, min(limit, MAX_CHOICES))
    wanted = fold(typed[:MAX_LABEL])
    if not wanted:
        return [(label, item_id) for item_id, label in labels.items()][:limit]
    scores: dict[str, float] = {}
    for name in names:
        if name.key.startswith(wanted) or f" {wanted}" in f" {name.key}":
            scores[name.item_id] = max(scores.get(name.item_id, 0.0), 200.0 - len(name.key))
    hits = process.extract(wanted, [name.key for name in names], scorer=fuzz.WRatio,
                           limit=None, score_cutoff=SCORE_CUTOFF)
    for _, score, index in hits:
        item_id = names[index].item_id
        scores[item_id] = max(scores.get(item_id, 0.0), float(score))
    order = list(labels)
    ranked = sorted(scores, key=lambda item_id: (-scores[item_id], order.index(item_id)))
    return [(labels[item_id], item_id) for item_id in ranked[:limit]]


def _cut(text: str) -> str:
    """A question choice's label: the text, cut to MAX_LABEL characters with "…"."""
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
