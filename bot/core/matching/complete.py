"""Autocomplete for the ask command: titles and phrasings that fit what has been typed."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from rapidfuzz import fuzz, process

from bot.core.matching.index import Index
from bot.core.matching.text import MAX_QUESTION_CHARS

MAX_LABEL = 100
MAX_CHOICES = 25
SMALL = 3000  # up to this many labels, rank them all; beyond it, narrow by the index first


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
                label = text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
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
        typed = " ".join(self.index.tokenizer.tokens(text[:MAX_QUESTION_CHARS]))
        if limit == 0:
            return []
        if not typed:
            return [(item.label[:MAX_LABEL], item.id) for item in self.index.drafts[:limit]]
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
