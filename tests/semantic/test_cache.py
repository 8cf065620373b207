"""The on-disk vector cache: keyed by model and text."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.semantic.cache import VectorCache


def test_stored_vectors_come_back_by_model_and_text(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "sub" / "vectors.sqlite3")
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    cache.store("model-a", ["one", "two"], vectors)
    found = cache.lookup("model-a", ["one", "two", "three"])
    assert set(found) == {"one", "two"}
    assert np.array_equal(found["two"], vectors[1])
    assert cache.lookup("model-b", ["one"]) == {}  # another model's vectors are not these
    again = VectorCache(tmp_path / "sub" / "vectors.sqlite3")  # a restart
    assert np.array_equal(again.lookup("model-a", ["one"])["one"], vectors[0])


def test_many_texts_are_looked_up_in_chunks(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    texts = [f"text {n}" for n in range(1_234)]
    cache.store("m", texts, np.ones((len(texts), 2), dtype=np.float32))
    assert len(cache.lookup("m", texts)) == 1_234
