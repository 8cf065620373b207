"""The on-disk vector cache: keyed by model and text."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.semantic.cache import VectorCache


def test_stored_vectors_come_back_by_model_and_text(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "sub" / "vectors.sqlite3")
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    cache.store("model-a", ["one", "two"], vectors)
    into = np.zeros((3, 3), dtype=np.float32)
    assert cache.fill("model-a", ["two", "three", "one"], into) == [1]
    assert np.array_equal(into, [vectors[1], [0, 0, 0], vectors[0]])
    other = np.zeros((1, 3), dtype=np.float32)
    assert cache.fill("model-b", ["one"], other) == [0]  # another model's are not these
    again = VectorCache(tmp_path / "sub" / "vectors.sqlite3")  # a restart
    assert again.fill("model-a", ["one"], other) == []
    assert np.array_equal(other[0], vectors[0])


def test_a_vector_of_another_size_is_not_taken(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    cache.store("m", ["one"], np.ones((1, 4), dtype=np.float32))
    assert cache.fill("m", ["one"], np.zeros((1, 3), dtype=np.float32)) == [0]


def test_many_texts_are_looked_up_in_chunks(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    texts = [f"text {n}" for n in range(1_234)]
    cache.store("m", texts, np.ones((len(texts), 2), dtype=np.float32))
    into = np.zeros((len(texts), 2), dtype=np.float32)
    assert cache.fill("m", texts, into) == []
    assert into.all()
