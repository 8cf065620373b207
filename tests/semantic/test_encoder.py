"""The ONNX encoder: unit vectors that put paraphrases close and unrelated text far."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.semantic.encoder import OnnxEncoder
from bot.semantic.model import ModelUnavailable


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


def test_the_model_knows_the_whole_words_of_its_vocabulary(encoder: OnnxEncoder) -> None:
    assert encoder.knows("list") and encoder.knows("audio")
    # word pieces, nothing, and what the vocabulary lacks (one "[UNK]" token)
    for word in ("lsit", "", "😀", "ｘｙｚｚｙ", "x" * 120):
        assert not encoder.knows(word), word


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


def _tiny_model(path: Path, kind: str) -> Path:
    """An ONNX model with the encoder's input that cannot serve: "reshape" fails when run (it
    reshapes a question's few token ids into seven), "nan" gives vectors of NaN (the square
    root of minus each token id)."""
    from onnx import TensorProto, helper, numpy_helper, save

    cast = helper.make_node("Cast", ["input_ids"], ["ids"], to=TensorProto.FLOAT)
    if kind == "reshape":
        const = numpy_helper.from_array(np.array([1, 1, 7], dtype=np.int64), "const")
        nodes = [cast, helper.make_node("Reshape", ["ids", "const"], ["last_hidden_state"])]
    else:
        const = numpy_helper.from_array(np.array([2], dtype=np.int64), "const")
        nodes = [cast, helper.make_node("Neg", ["ids"], ["minus"]),
                 helper.make_node("Sqrt", ["minus"], ["root"]),
                 helper.make_node("Unsqueeze", ["root", "const"], ["last_hidden_state"])]
    graph = helper.make_graph(
        nodes, "broken",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, None)], [const])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


@pytest.mark.parametrize("case", [
    (b"\x8f\x02garbage" * 1000, None, "cannot load the model {model}: "),
    (b"", None, "cannot load the model {model}: "),
    (None, b"not json", "cannot read the tokenizer {tokenizer}: "),
    (None, b'{"version": "1.0", "model": {"type": "Wo', "cannot read the tokenizer {tokenizer}: "),
    ("reshape", None, "the model {model} does not run as a sentence encoder: "),
    ("nan", None, "the model {model} does not run as a sentence encoder: its vectors are not "),
    (None, "zebra 40000", "the tokenizer {tokenizer} does not fit the model {model}: its token "
                          "ids go up to 40000"),  # another model's: more words than rows
])
def test_a_model_or_tokenizer_that_cannot_be_used_is_one_line_naming_the_file(
        tmp_path: Path, model_folder: Path, capfd: pytest.CaptureFixture[str],
        case: tuple[bytes | str | None, bytes | str | None, str]) -> None:
    model, tokenizer, message = case
    onnx_file, tokenizer_file = tmp_path / "model.onnx", tmp_path / "tokenizer.json"
    if isinstance(model, str):
        _tiny_model(onnx_file, model)
    else:
        onnx_file.write_bytes((model_folder / "model.onnx").read_bytes() if model is None
                              else model)
    if isinstance(tokenizer, str):
        word, number = tokenizer.split()
        loaded = json.loads((model_folder / "tokenizer.json").read_text(encoding="utf-8"))
        loaded["model"]["vocab"][word] = int(number)
        tokenizer = json.dumps(loaded).encode()
    tokenizer_file.write_bytes((model_folder / "tokenizer.json").read_bytes()
                               if tokenizer is None else tokenizer)
    with pytest.raises(ModelUnavailable) as caught:
        OnnxEncoder(onnx_file, tokenizer_file, "broken")
    shown = str(caught.value)
    assert shown.startswith(message.format(model=onnx_file, tokenizer=tokenizer_file))
    assert "\n" not in shown and len(shown) < 400
    # onnxruntime's own log (coloured lines on stderr) stays quiet: the exception says it.
    assert capfd.readouterr().err == ""
