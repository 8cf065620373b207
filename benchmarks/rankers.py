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

import heapq
import math
import operator
import re
from collections import Counter
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process, utils

from bot.core.knowledge.models import KnowledgeBase

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
    """Okapi BM25 over an inverted index, as rank_bm25.BM25Okapi(k1=1.5, b=0.75) scores, with
    the always-positive idf log(1 + (N - n + 0.5) / (n + 0.5)) of Lucene: with Okapi's original
    idf a word in more than half of a small knowledge base's items would count against them.
    A word's weight in an item does not depend on the question, so it is computed at build (as
    search engines do); a question adds up the weights of its words (a word it repeats counts
    again, as in rank_bm25)."""

    def __init__(self, ids: Sequence[str], docs: Sequence[list[str]], *,
                 k1: float = 1.5, b: float = 0.75) -> None:
        self.ids = list(ids)
        counts = [Counter(doc) for doc in docs]
        found_in = Counter(word for doc in counts for word in doc)
        total = len(docs)
        average = sum(map(len, docs)) / max(1, total)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for n, (doc, count) in enumerate(zip(docs, counts, strict=True)):
            norm = k1 * (1 - b + b * len(doc) / average)
            for word, tf in count.items():
                idf = math.log(1 + (total - found_in[word] + 0.5) / (found_in[word] + 0.5))
                self.postings.setdefault(word, []).append((n, idf * tf * (k1 + 1) / (tf + norm)))

    def rank(self, question: str, limit: int | None = None) -> Ranked:
        """Every item sharing a word with the question, best first; only the best `limit`
        when given (a bot shows a handful: the speed benchmark asks for 3)."""
        scores: dict[int, float] = {}
        for word in words(question):
            for n, weight in self.postings.get(word, ()):
                scores[n] = scores.get(n, 0.0) + weight
        by_score = operator.itemgetter(1)
        best = (sorted(scores.items(), key=by_score, reverse=True) if limit is None
                else heapq.nlargest(limit, scores.items(), key=by_score))
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
