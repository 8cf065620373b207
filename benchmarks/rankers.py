"""Baseline rankers (rapidfuzz WRatio and token_sort_ratio, BM25, TF-IDF) over a knowledge base.

Each baseline sees an item's fields the way an admin's import would give them: an entry's title,
questions, keywords and answer; a table row's factor, aliases, cells and questions; the table's
own title, questions, keywords and answer. BM25 and TF-IDF score the fields joined into one text;
the rapidfuzz scorers score each field apart and keep the item's best (a fuzzy ratio against a
whole answer body measures its length, not its meaning). A ranker answers `rank(question)`:
every item that scored above zero, best first, as (id, score). Scores are on each baseline's own
scale: the decline threshold is tuned per set by benchmarks/baselines.py, never compared across
rankers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process, utils

from bot.core.models import KnowledgeBase

Ranked = list[tuple[str, float]]
_WORD = re.compile(r"\w+")


def item_fields(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Every addressable id and its non-empty field values."""
    fields = {e.id: [e.title, *e.questions, *e.keywords, e.answer] for e in kb.entries}
    if kb.table is not None:
        table = kb.table
        fields[table.id] = [table.title, *table.questions, *table.keywords, table.answer]
        for row in table.rows:
            fields[row.id] = [row.factor, *row.aliases, *row.cells, *row.questions]
    return {item_id: [v for v in values if v.strip()] for item_id, values in fields.items()}


def item_texts(kb: KnowledgeBase) -> dict[str, str]:
    """Every addressable id and its fields joined into one text, a line each."""
    return {item_id: "\n".join(values) for item_id, values in item_fields(kb).items()}


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters, digits, underscore); nothing else is removed."""
    return _WORD.findall(text.lower())


class BM25:
    """Okapi BM25 over an inverted index, as in rank_bm25.BM25Okapi(k1=1.5, b=0.75), with the
    always-positive idf log(1 + (N - n + 0.5) / (n + 0.5)) of Lucene: with Okapi's original idf
    a word in more than half of a small knowledge base's items would count against them."""

    def __init__(self, ids: Sequence[str], docs: Sequence[list[str]], *,
                 k1: float = 1.5, b: float = 0.75) -> None:
        self.ids = list(ids)
        self.k1, self.b = k1, b
        self.lengths = [len(doc) for doc in docs]
        self.average_length = sum(self.lengths) / max(1, len(docs))
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for n, doc in enumerate(docs):
            for word, count in Counter(doc).items():
                self.postings.setdefault(word, []).append((n, count))
        total = len(docs)
        self.idf = {word: math.log(1 + (total - len(found) + 0.5) / (len(found) + 0.5))
                    for word, found in self.postings.items()}

    def rank(self, question: str) -> Ranked:
        scores: dict[int, float] = {}
        k1, b, average = self.k1, self.b, self.average_length
        for word in words(question):
            found = self.postings.get(word)
            if found is None:
                continue
            idf = self.idf[word]
            for n, count in found:
                norm = k1 * (1 - b + b * self.lengths[n] / average)
                scores[n] = scores.get(n, 0.0) + idf * count * (k1 + 1) / (count + norm)
        best = sorted(scores.items(), key=lambda pair: -pair[1])
        return [(self.ids[n], score) for n, score in best]


def bm25_ranker(kb: KnowledgeBase) -> Callable[[str], Ranked]:
    texts = item_texts(kb)
    return BM25(list(texts), [words(text) for text in texts.values()]).rank


def fuzz_ranker(kb: KnowledgeBase, scorer: Callable[..., float]) -> Callable[[str], Ranked]:
    """A rapidfuzz scorer (0-100) of the question against each field; an item's best field."""
    owners: list[str] = []
    choices: list[str] = []
    for item_id, values in item_fields(kb).items():
        owners += [item_id] * len(values)
        choices += values

    def rank(question: str) -> Ranked:
        found = process.extract(question, choices, scorer=scorer, processor=utils.default_process,
                                limit=None, score_cutoff=1)
        best: dict[str, float] = {}
        for _, score, n in found:  # best first: an item's first field found is its best
            best.setdefault(owners[n], float(score))
        return list(best.items())

    return rank


def wratio_ranker(kb: KnowledgeBase) -> Callable[[str], Ranked]:
    return fuzz_ranker(kb, fuzz.WRatio)


def token_sort_ranker(kb: KnowledgeBase) -> Callable[[str], Ranked]:
    return fuzz_ranker(kb, fuzz.token_sort_ratio)


def tfidf_ranker(kb: KnowledgeBase) -> Callable[[str], Ranked]:
    """The mean of two cosine similarities: TF-IDF over words (1-2 grams) and over character
    n-grams within words (2-5), both sublinear; scikit-learn is a benchmark-only dependency."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = item_texts(kb)
    ids = list(texts)
    vectorizers = [TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)]
    matrices = [v.fit_transform(texts.values()) for v in vectorizers]

    def rank(question: str) -> Ranked:
        total = sum((m @ v.transform([question]).T).toarray().ravel()
                    for v, m in zip(vectorizers, matrices, strict=True)) / len(vectorizers)
        order = sorted(range(len(ids)), key=lambda n: -total[n])
        return [(ids[n], float(total[n])) for n in order if total[n] > 0]

    return rank


BASELINES: dict[str, Callable[[KnowledgeBase], Callable[[str], Ranked]]] = {
    "WRatio": wratio_ranker,
    "token_sort": token_sort_ranker,
    "TF-IDF": tfidf_ranker,
    "BM25": bm25_ranker,
}
