"""One knowledge base's item vectors in a NumPy matrix, searched with one matrix product."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import Protocol

import numpy as np

from bot.core.knowledge.models import KnowledgeBase
from bot.core.matching.semantic import Similar, item_texts
from bot.semantic.cache import VectorCache
from bot.semantic.model import reason

log = logging.getLogger(__name__)


def one_blas_thread() -> None:
    """Keep NumPy's BLAS on the calling thread, for the whole process. The question's product
    with the matrix is small; BLAS threads only wait for cores that the encoder, the event loop
    and other processes hold (measured: 8 ms instead of 0.3 ms a product on a busy machine)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class Encoder(Protocol):
    key: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def knows(self, word: str) -> bool: ...

    def encode_question(self, text: str) -> np.ndarray: ...


class VectorIndex:
    """Rows are texts, grouped by item (`starts[n]` is item n's first row); an item's
    similarity to a question is that of its closest text."""

    def __init__(self, encoder: Encoder, ids: list[str], texts: list[str],
                 starts: np.ndarray, matrix: np.ndarray) -> None:
        self.encoder = encoder
        self.ids = ids
        self.texts = texts
        self.starts = starts
        self.matrix = matrix
        self.position = {item_id: n for n, item_id in enumerate(ids)}
        first = starts.tolist()
        self.rows = list(zip(first, [*first[1:], len(texts)], strict=True))  # item n's [start, end)

    @classmethod
    def build(cls, kb: KnowledgeBase, encoder: Encoder, cache: VectorCache | None) -> VectorIndex:
        """Encode every item's texts, taking those already encoded from `cache` and storing
        the new ones there."""
        ids: list[str] = []
        texts: list[str] = []
        starts: list[int] = []
        for item_id, own in item_texts(kb):
            ids.append(item_id)
            starts.append(len(texts))
            texts.extend(own)
        unique = list(dict.fromkeys(texts))
        vectors = np.zeros((len(unique), encoder.dimension), dtype=np.float32)
        missing = (cache.fill(encoder.key, unique, vectors) if cache is not None
                   else list(range(len(unique))))
        log.info("semantic vectors: %d text%s encoded, %d from the cache", len(missing),
                 "" if len(missing) == 1 else "s", len(unique) - len(missing))
        if missing:
            new = [unique[n] for n in missing]
            fresh = encoder.encode(new)
            vectors[missing] = fresh
            if cache is not None:
                cache.store(encoder.key, new, fresh)
            del fresh
        if len(unique) == len(texts):
            matrix = vectors  # no text repeated: the rows are already in order
        else:
            row = {text: n for n, text in enumerate(unique)}
            matrix = vectors[[row[t] for t in texts]]
        return cls(encoder, ids, texts, np.array(starts, dtype=np.int64), matrix)

    @property
    def model(self) -> str:
        return self.encoder.key

    def knows(self, word: str) -> bool:
        return self.encoder.knows(word)

    def similar(self, question: str, ids: Collection[str], top: int
                ) -> dict[str, Similar] | None:
        if not self.ids:
            return {}
        try:
            vector = self.encoder.encode_question(question)
        except Exception as exc:  # onnxruntime out of memory, ...: the question is not lost
            log.warning("a question could not be encoded (%s); it is matched lexically",
                        reason(exc, 200))
            log.debug("question encoding failure", exc_info=True)
            return None
        cosines = self.matrix @ vector
        best = np.maximum.reduceat(cosines, self.starts)
        wanted = {self.position[i] for i in ids if i in self.position}
        if top > 0:
            count = min(top, len(best))
            wanted.update(int(n) for n in np.argpartition(-best, count - 1)[:count])
        scores = best.tolist()
        out: dict[str, Similar] = {}
        for n in wanted:  # a few items: each one's closest text, among its own rows only
            start, end = self.rows[n]
            out[self.ids[n]] = Similar(scores[n],
                                       self.texts[start + int(cosines[start:end].argmax())])
        return out
