"""The vector index: one matrix, one product; built from the cache where it can."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from recording_encoder import Recording

from bot.core.knowledge.load import load_knowledge
from bot.core.knowledge.models import Entry, KnowledgeBase
from bot.core.matching.semantic import item_texts
from bot.semantic.cache import VectorCache
from bot.semantic.encoder import OnnxEncoder
from bot.semantic.index import VectorIndex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def community() -> KnowledgeBase:
    kb, problems = load_knowledge(FIXTURES / "semantic" / "kb")
    assert kb is not None, problems
    return kb


def test_rows_are_every_items_texts_in_one_matrix(community: KnowledgeBase,
                                                  encoder: OnnxEncoder) -> None:
    index = VectorIndex.build(community, encoder, None)
    assert index.ids == [*community.ids, "out-of-scope:1"]
    assert index.matrix.shape == (len(index.texts), 384)
    assert index.starts.tolist() == sorted(index.starts.tolist())
    assert index.texts[int(index.starts[0])] == "Sending direct messages"


def test_similar_gives_the_asked_ids_and_the_closest_items(community: KnowledgeBase,
                                                           encoder: OnnxEncoder) -> None:
    index = VectorIndex.build(community, encoder, None)
    found = index.similar("how do i duplicate an array", ["bedrock-edition"], top=1)
    assert set(found) == {"bedrock-edition", "copying-lists"}
    assert found["copying-lists"].cosine > found["bedrock-edition"].cosine
    question = encoder.encode(["how do i duplicate an array"])[0]
    own = dict(item_texts(community))["copying-lists"]
    rows = [n for n, t in enumerate(index.texts) if t in own]
    closest = max(rows, key=lambda n: float(index.matrix[n] @ question))
    assert found["copying-lists"].text == index.texts[closest]
    assert found["copying-lists"].cosine == pytest.approx(float(index.matrix[closest] @ question))
    assert set(index.similar("anything", [], top=100)) == set(index.ids)


def test_a_restart_encodes_nothing_and_an_edit_only_what_changed(
        community: KnowledgeBase, encoder: OnnxEncoder, tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    first = Recording(encoder)
    built = VectorIndex.build(community, first, cache)
    assert len(first.texts) == len(set(built.texts))
    restart = Recording(encoder)
    again = VectorIndex.build(community, restart, cache)
    assert restart.texts == []
    assert np.array_equal(again.matrix, built.matrix)
    assert np.allclose(np.linalg.norm(again.matrix, axis=1), 1.0, atol=1e-5)
    entry = community.entries[0]
    edited = KnowledgeBase(entries=(Entry(id=entry.id, title=entry.title, answer=entry.answer,
                                          questions=(*entry.questions, "can i pm people"),
                                          keywords=entry.keywords), *community.entries[1:]),
                           out_of_scope=community.out_of_scope)
    reload = Recording(encoder)
    VectorIndex.build(edited, reload, cache)
    assert reload.texts == ["can i pm people"]


def test_another_model_does_not_reuse_the_vectors(community: KnowledgeBase,
                                                  encoder: OnnxEncoder, tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    VectorIndex.build(community, encoder, cache)
    other = Recording(encoder)
    other.key = "another-model"
    VectorIndex.build(community, other, cache)
    assert other.texts


def test_a_text_two_items_share_is_encoded_once(encoder: OnnxEncoder) -> None:
    kb = KnowledgeBase(entries=(
        Entry(id="a", title="Tea", answer="Steep it.", questions=("how do i make a drink",)),
        Entry(id="b", title="Coffee", answer="Grind it.", questions=("how do i make a drink",)),
    ))
    counting = Recording(encoder)
    index = VectorIndex.build(kb, counting, None)
    assert counting.texts.count("how do i make a drink") == 1
    rows = [n for n, t in enumerate(index.texts) if t == "how do i make a drink"]
    assert len(rows) == 2
    assert np.array_equal(index.matrix[rows[0]], index.matrix[rows[1]])
    assert index.texts[int(index.starts[1])] == "Coffee"
    # (int8 activations are scaled per batch: close to the vector it gets alone, not equal)
    assert float(index.matrix[int(index.starts[1])] @ encoder.encode(["Coffee"])[0]) > 0.98


class NotANumber(Recording):
    """The real encoder, except that some texts come out as NaN (a model gone wrong)."""

    def __init__(self, encoder: OnnxEncoder, broken: set[str]) -> None:
        super().__init__(encoder)
        self.broken = broken

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = super().encode(texts)
        vectors[[n for n, t in enumerate(texts) if t in self.broken]] = np.nan
        return vectors

    def encode_question(self, text: str) -> np.ndarray:
        vector = super().encode_question(text)
        return np.full_like(vector, np.nan) if text in self.broken else vector


def test_a_nan_vector_keeps_every_item_with_its_own_texts(encoder: OnnxEncoder) -> None:
    kb = KnowledgeBase(entries=(
        Entry(id="a", title="Tea", answer="Steep it.", questions=("how do i make tea",)),
        Entry(id="b", title="Coffee", answer="Grind it.", questions=("how do i make coffee",)),
        Entry(id="c", title="Cocoa", answer="Stir it.", questions=("how do i make cocoa",)),
    ))
    index = VectorIndex.build(kb, NotANumber(encoder, {"Steep it.", "nan question"}), None)
    found = index.similar("how do i make cocoa", ["a", "b", "c"], top=0)
    assert found["b"].text == "how do i make coffee"
    assert found["c"].text == "how do i make cocoa"
    assert set(index.similar("nan question", ["a", "b", "c"], top=2)) == {"a", "b", "c"}
