"""The ONNX encoder: unit vectors that put paraphrases close and unrelated text far."""

from __future__ import annotations

import numpy as np

from bot.semantic.encoder import OnnxEncoder


def test_vectors_are_unit_rows_one_per_text(encoder: OnnxEncoder) -> None:
    vectors = encoder.encode(["how do i DM someone", "a", "x " * 400])
    assert vectors.shape == (3, encoder.dimension) == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_paraphrases_are_closer_than_unrelated_text(encoder: OnnxEncoder) -> None:
    dm, pm, copy, duplicate, weather = encoder.encode([
        "how do i send a direct message", "how can i pm someone", "how do i copy a list",
        "duplicate an array", "will it rain tomorrow"])
    assert dm @ pm > 0.4 > dm @ weather
    assert copy @ duplicate > copy @ weather + 0.3
    assert copy @ duplicate > copy @ pm


def test_a_batch_gives_each_text_what_it_gets_alone(encoder: OnnxEncoder) -> None:
    texts = ["short", "a much longer sentence about copying lists in python", "medium text"]
    together = encoder.encode(texts)
    for text, vector in zip(texts, together, strict=True):
        alone = encoder.encode([text])[0]
        # int8 activations are scaled per batch (dynamic quantization): close, not equal
        assert float(alone @ vector) > 0.98


def test_a_question_is_encoded_as_the_batch_encodes_it(encoder: OnnxEncoder) -> None:
    question = "how can i pm someone"
    alone = encoder.encode_question(question)
    assert alone.shape == (encoder.dimension,) and alone.dtype == np.float32
    assert float(alone @ encoder.encode([question])[0]) > 0.999


def test_a_long_question_is_cut_at_its_token_limit(encoder: OnnxEncoder) -> None:
    start = "how do i send a direct message to another member"
    rambling = start + " because" + " and then something else happened" * 40
    cut = encoder.encode_question(rambling)
    assert np.isclose(np.linalg.norm(cut), 1.0, atol=1e-5)
    tokens = len(encoder._tokenizer.encode(rambling).ids)
    assert tokens > encoder.question_tokens
    # What the encoder sees is the question's first question_tokens tokens, [SEP] kept.
    kept = encoder._tokenizer.decode(
        encoder._tokenizer.encode(rambling).ids[1:encoder.question_tokens - 1])
    assert float(cut @ encoder.encode_question(kept)) > 0.99
    assert float(cut @ encoder.encode([rambling])[0]) < 0.99
