"""How alike a question and each item are letter by letter (character n-gram TF-IDF cosine).

Each word, with a space at each end, gives its n-grams of `Weights.gram_sizes` letters; a
text's vector counts them sublinearly (1 + log count), weighs them by a smoothed IDF over the
items (log((1 + n) / (1 + df)) + 1) and has unit length; the similarity is the cosine. So
"reeact" and "reaction", "embeded" and "embed", "concat" and "concatenate", or
"channel.send(" and "channel.send" come close where whole words do not, and a word found many
times in an answer counts more than one found once, which the word-level score of `score`
does not see. This is scikit-learn's `TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)`,
kept as NumPy arrays: one posting list per n-gram, so a question costs one pass over the
postings of its own n-grams.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

MAX_REMEMBERED_WORDS = 50_000  # question words whose n-grams a `CharGrams` remembers
# Up to this many texts, every vector is made at build, exactly. Beyond, the IDF is estimated on
# `SAMPLE` texts spread over the index, and a text's vector is made the first time its item is
# a candidate (a large knowledge base's build would otherwise spend seconds on texts no
# question reaches).
EAGER_TEXTS = 2_000
SAMPLE = 1_000
# Up to this many (columns × texts) cells (16 MB of float32), the vectors are one dense matrix,
# and a question's cosines one matrix product: no posting lists to gather (a small knowledge
# base's question is then 40 us quicker).
DENSE_CELLS = 1 << 22

Ids = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def word_grams(word: str, sizes: tuple[int, int]) -> list[str]:
    """The n-grams of one word with a space at each end ("ab" → " a", "ab", "b ", " ab"...)."""
    padded = f" {word} "
    end = len(padded) + 1
    return [padded[i:i + size] for size in range(sizes[0], sizes[1] + 1)
            for i in range(end - size)]


class CharGrams:
    """The character n-gram vectors of a fixed list of texts (an index's items, then its
    out-of-scope topics), and their cosines with a question."""

    def __init__(self, texts: Sequence[str], sizes: tuple[int, int], *,
                 eager: int = EAGER_TEXTS, sample: int = SAMPLE, dense: int = DENSE_CELLS) -> None:
        self.sizes = sizes
        self.count = len(texts)
        self.lazy = len(texts) > eager
        self._columns: dict[str, int] = {}  # n-gram → its column
        self._words: dict[str, Ids] = {}  # a word → the columns of its n-grams
        self._asked: dict[str, Ids] = {}  # question words' columns (known n-grams only)
        self._texts = texts
        self._vectors: dict[int, tuple[Ids, Floats]] = {}  # lazily made: row → (ids, values)
        self._dense: npt.NDArray[np.float32] | None = None  # column × text (`DENSE_CELLS`)
        if self.lazy:
            sample = min(sample, len(texts))
            step = len(texts) / sample
            rows = [self._counted(self._known_or_new(texts[int(n * step)]))
                    for n in range(sample)]
            frequency = self._frequency(_joined([ids for ids, _ in rows]))
            self._idf = np.log((1 + sample) / (1 + frequency)) + 1
            self._unseen_idf = float(np.log(1 + sample) + 1)
            return
        rows = [self._counted(self._known_or_new(text)) for text in texts]
        columns = len(self._columns)
        lengths = np.fromiter((len(ids) for ids, _ in rows), dtype=np.int64, count=len(rows))
        grams = _joined([ids for ids, _ in rows])
        counts = _joined([c for _, c in rows])
        frequency = self._frequency(grams)
        self._idf = np.log((1 + self.count) / (1 + frequency)) + 1
        values = (1 + np.log(counts)) * self._idf[grams]
        owners = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        norms = np.sqrt(np.bincount(owners, weights=values * values, minlength=len(rows)))
        values /= np.where(norms > 0, norms, 1.0)[owners]
        if columns * self.count <= dense:
            self._dense = np.zeros((columns, self.count), dtype=np.float32)
            self._dense[grams, owners] = values
            return
        order = np.argsort(grams, kind="stable")
        self._owners = owners[order].astype(np.int32)
        self._values = values[order].astype(np.float32)
        self._starts = np.zeros(columns + 1, dtype=np.int64)
        np.cumsum(frequency, out=self._starts[1:])

    def similarity(self, text: str, rows: Sequence[int] = ()) -> list[float]:
        """The cosine of `text` with every text of the index, in their order; of a lazy index
        (`EAGER_TEXTS`), with the texts of `rows` only (the others are 0)."""
        scores = [0.0] * self.count
        if self.lazy:
            for row in rows:
                if row not in self._vectors:
                    self._vectors[row] = self._vector(row)
        words = text.lower().split()
        if not words or not self.count:
            return scores
        ids, counts = self._counted([self._asked_word(word) for word in words])
        if not len(ids):
            return scores
        weights = (1 + np.log(counts)) * self._idf_of(ids)
        weights /= np.sqrt(np.dot(weights, weights))
        if self.lazy:
            for row in rows:
                own, values = self._vectors[row]
                _, mine, theirs = np.intersect1d(ids, own, assume_unique=True,
                                                 return_indices=True)
                scores[row] = min(1.0, float(np.dot(weights[mine], values[theirs])))
            return scores
        if self._dense is not None:
            cosines = weights @ self._dense[ids]
            return list(np.minimum(cosines, 1.0).tolist())  # float32 rounding can pass 1
        starts = self._starts[ids]
        lengths = self._starts[ids + 1] - starts
        total = int(lengths.sum())
        if not total:
            return scores
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        at = offsets + np.arange(total)
        products = self._values[at] * np.repeat(weights, lengths)
        found = np.bincount(self._owners[at], weights=products, minlength=self.count)
        return list(np.minimum(found, 1.0).tolist())  # float32 rounding can pass 1

    def _vector(self, row: int) -> tuple[Ids, Floats]:
        """A lazy index's vector of one text; its new n-grams join the vocabulary."""
        known = len(self._columns)
        ids, counts = self._counted(self._known_or_new(self._texts[row]))
        if len(self._columns) > known:
            self._asked.clear()  # a question word may now have more known n-grams
        values = (1 + np.log(counts)) * self._idf_of(ids)
        norm = float(np.sqrt(np.dot(values, values)))
        return ids, values / (norm or 1.0)

    def _idf_of(self, ids: Ids) -> Floats:
        """The IDF of columns; in a lazy index, those its sample lacks weigh as unseen."""
        idf = self._idf
        if not self.lazy or not len(ids) or int(ids[-1]) < len(idf):
            return idf[ids]
        inside = ids < len(idf)
        out = np.full(len(ids), self._unseen_idf)
        out[inside] = idf[ids[inside]]
        return out

    def _frequency(self, grams: Ids) -> Ids:
        """How many texts have each column, from their distinct columns one after another."""
        return np.bincount(grams, minlength=len(self._columns))

    def _known_or_new(self, text: str) -> list[Ids]:
        """Each word's columns, giving new n-grams a column (a text of the index, never a
        question)."""
        out: list[Ids] = []
        columns, words = self._columns, self._words
        known = words.get
        for word in text.lower().split():
            ids = known(word)
            if ids is None:  # a new n-gram gets the next column
                ids = words[word] = np.array([columns.setdefault(gram, len(columns))
                                              for gram in word_grams(word, self.sizes)],
                                             dtype=np.int64)
            out.append(ids)
        return out

    def _asked_word(self, word: str) -> Ids:
        """A question word's columns: its n-grams that some text has."""
        ids = self._words.get(word)
        if ids is None:
            ids = self._asked.get(word)
        if ids is None:
            if len(self._asked) >= MAX_REMEMBERED_WORDS:
                self._asked.clear()
            known = [c for c in map(self._columns.get, word_grams(word, self.sizes))
                     if c is not None]
            ids = self._asked[word] = np.array(known, dtype=np.int64)
        return ids

    @staticmethod
    def _counted(parts: list[Ids]) -> tuple[Ids, Ids]:
        """The distinct columns of a text and how often each occurs."""
        ids, counts = np.unique(_joined(parts), return_counts=True)
        return ids, counts


def _joined(parts: list[Ids]) -> Ids:
    """The arrays one after another (an empty one for none)."""
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)
