"""A sentence-transformers BERT folder (model.safetensors) → an int8 ONNX model, without torch.

The ONNX graph is the BERT encoder written out node by node from the weights (embeddings, then
per layer: self-attention, residual + LayerNorm, GELU feed-forward, residual + LayerNorm). Its
inputs and output are named as in the ONNX exports published for these models (`input_ids`,
`attention_mask`, `token_type_ids` → `last_hidden_state`), so a converted folder and a
downloaded one are run by the same code. The weights are then quantized to int8 (dynamic
quantization), which makes the file four times smaller and the encoder about twice as fast.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

OPSET = 17  # LayerNormalization


def convert(folder: Path, target: Path) -> Path:
    """Write `target` (an int8 ONNX model) from a BERT folder with config.json and
    model.safetensors; atomically, so a half-written model is never read."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from safetensors.numpy import load_file

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if not isinstance(config, dict):
        raise ValueError("config.json is not a JSON object")
    if config.get("model_type") != "bert":
        raise ValueError(f"{folder}: only BERT models can be converted, not "
                         f"{config.get('model_type')!r}")
    weights = load_file(str(folder / "model.safetensors"))
    model = _graph(config, weights)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        plain = Path(scratch) / "model-fp32.onnx"
        onnx.save(model, str(plain))
        quantized = Path(scratch) / "model-int8.onnx"
        logging.disable(logging.WARNING)  # its advice to pre-process is for image models
        try:
            quantize_dynamic(str(plain), str(quantized), weight_type=QuantType.QInt8,
                             per_channel=True)
        finally:
            logging.disable(logging.NOTSET)
        os.replace(quantized, target)
    return target


def _graph(config: dict[str, Any], weights: dict[str, np.ndarray]) -> Any:
    from onnx import TensorProto, helper, numpy_helper

    prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
    hidden = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    layers = int(config["num_hidden_layers"])
    eps = float(config.get("layer_norm_eps", 1e-12))
    if min(hidden, heads, layers) < 1:
        raise ValueError("config.json: hidden_size, num_attention_heads and num_hidden_layers "
                         "must be at least 1")
    if hidden % heads:
        raise ValueError(f"config.json: hidden_size {hidden} is not a multiple of "
                         f"num_attention_heads {heads}")
    size = hidden // heads
    nodes: list[Any] = []
    inits: list[Any] = []
    count = [0]

    def name(base: str) -> str:
        count[0] += 1
        return f"{base}_{count[0]}"

    def const(array: np.ndarray, base: str = "c") -> str:
        label = name(base)
        inits.append(numpy_helper.from_array(array, label))
        return label

    def weight(key: str, transpose: bool = False) -> str:
        array = weights[prefix + key].astype(np.float32)
        return const(np.ascontiguousarray(array.T) if transpose else array, key)

    def op(kind: str, inputs: list[str], **attrs: Any) -> str:
        out = name(kind.lower())
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def dense(x: str, key: str) -> str:
        return op("Add", [op("MatMul", [x, weight(f"{key}.weight", True)]),
                          weight(f"{key}.bias")])

    def norm(x: str, key: str) -> str:
        return op("LayerNormalization", [x, weight(f"{key}.weight"), weight(f"{key}.bias")],
                  axis=-1, epsilon=eps)

    def split_heads(x: str, perm: list[int]) -> str:
        shaped = op("Reshape", [x, const(np.array([0, 0, heads, size], dtype=np.int64))])
        return op("Transpose", [shaped], perm=perm)

    one = const(np.array(1, dtype=np.int64))
    length = op("Gather", [op("Shape", ["input_ids"]), one], axis=0)
    positions = op("Range", [const(np.array(0, dtype=np.int64)), length, one])
    embedded = op("Add", [
        op("Add", [op("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"]),
                   op("Gather", [weight("embeddings.token_type_embeddings.weight"),
                                 "token_type_ids"])]),
        op("Gather", [weight("embeddings.position_embeddings.weight"), positions])])
    h = norm(embedded, "embeddings.LayerNorm")
    mask = op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    bias = op("Mul", [op("Sub", [const(np.array(1.0, dtype=np.float32)), mask]),
                      const(np.array(-10000.0, dtype=np.float32))])
    bias = op("Unsqueeze", [bias, const(np.array([1, 2], dtype=np.int64))])
    scale = const(np.array(1.0 / math.sqrt(size), dtype=np.float32))
    for n in range(layers):
        key = f"encoder.layer.{n}"
        q = split_heads(dense(h, f"{key}.attention.self.query"), [0, 2, 1, 3])
        k = split_heads(dense(h, f"{key}.attention.self.key"), [0, 2, 3, 1])
        v = split_heads(dense(h, f"{key}.attention.self.value"), [0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), bias])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]),
                                 const(np.array([0, 0, hidden], dtype=np.int64))])
        h = norm(op("Add", [dense(context, f"{key}.attention.output.dense"), h]),
                 f"{key}.attention.output.LayerNorm")
        inner = dense(h, f"{key}.intermediate.dense")
        gelu = op("Mul", [op("Mul", [inner, const(np.array(0.5, dtype=np.float32))]),
                          op("Add", [op("Erf", [op("Div", [inner, const(
                              np.array(math.sqrt(2.0), dtype=np.float32))])]),
                                     const(np.array(1.0, dtype=np.float32))])])
        h = norm(op("Add", [dense(gelu, f"{key}.output.dense"), h]), f"{key}.output.LayerNorm")
    nodes.append(helper.make_node("Identity", [h], ["last_hidden_state"]))
    inputs = [helper.make_tensor_value_info(label, TensorProto.INT64, ["batch", "sequence"])
              for label in ("input_ids", "attention_mask", "token_type_ids")]
    output = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                           ["batch", "sequence", hidden])
    graph = helper.make_graph(nodes, "bert", inputs, [output], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
