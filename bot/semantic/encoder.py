"""Sentences → unit vectors with an ONNX sentence-embedding model and its tokenizer.json."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from bot.semantic.model import ModelUnavailable, reason

BATCH = 32
MAX_TOKENS = 128  # an item's text (a title, a question, an answer's opening): longer says no more
# A member's question: its first words say what it asks, and the encoder's time grows with
# every token (measured, int8 all-MiniLM-L6-v2, one thread: ~1.7 ms for 14 tokens, ~6 ms for
# 70; ~0.07 ms a token), so a rambling question is cut here. 93 in 100 questions of the
# shipped sets and 97 in 100 of the byo FAQs are shorter. Against 40 tokens: 36 answered
# every set's questions alike, 32 two fewer of 1,386 (blind7 and blind10 one each), and is
# 0.5 ms quicker on the longest questions, which are the shipped knowledge base's p99.
QUESTION_TOKENS = 32


class OnnxEncoder:
    """Mean-pooled, L2-normalised token embeddings of a BERT-style ONNX model, one thread."""

    def __init__(self, model: Path, tokenizer: Path, key: str, threads: int = 1,
                 question_tokens: int = QUESTION_TOKENS) -> None:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # One thread has no other thread to wait for: spinning only burns a core that the
        # event loop and the other processes want (p99 measured lower without it).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # No memory arena: it keeps the peak of the largest batch encoded at load (32 texts of
        # 128 tokens) for the life of the process (measured: 267 MiB resident with it, 150
        # without), and a question is encoded no slower without it.
        options.enable_cpu_mem_arena = False
        # Fatal only: its errors (a model that does not run) are raised as exceptions too,
        # and its own log would print them on stderr, several coloured lines each.
        options.log_severity_level = 4
        # onnxruntime's fused SkipLayerNormalization kernel is slower on one short sentence
        # than the Add and LayerNormalization it replaces (measured, onnxruntime 1.32: 1.5 ms
        # instead of 1.9 ms for 16 tokens, 2.8 instead of 3.8 for 40).
        try:
            self._session = onnxruntime.InferenceSession(
                str(model), options, providers=["CPUExecutionProvider"],
                disabled_optimizers=["SkipLayerNormFusion"])
        except Exception as exc:
            raise ModelUnavailable(f"cannot load the model {model}: {_line(exc)}") from exc
        self._names = {i.name for i in self._session.get_inputs()}
        try:
            self._tokenizer = Tokenizer.from_file(str(tokenizer))
            self._tokenizer.enable_truncation(MAX_TOKENS)
        except Exception as exc:
            raise ModelUnavailable(f"cannot read the tokenizer {tokenizer}: {_line(exc)}") from exc
        self._tokenizer.no_padding()
        # the token of whatever the vocabulary lacks (WordPiece's "[UNK]"): no word it knows
        unknown = getattr(self._tokenizer.model, "unk_token", None)
        self._unknown = self._tokenizer.token_to_id(unknown) if unknown else None
        self.key = key  # names the model in the vector cache
        self.question_tokens = question_tokens
        try:
            probe = self._pooled(["dimension"])
        except Exception as exc:
            raise ModelUnavailable(f"the model {model} does not run as a sentence encoder: "
                                   f"{_line(exc)}") from exc
        if probe.ndim != 2 or not np.isfinite(probe).all():  # every cosine would be NaN
            raise ModelUnavailable(f"the model {model} does not run as a sentence encoder: "
                                   "its vectors are not numbers")
        self.dimension = int(probe.shape[1])
        # Every id the tokenizer gives must have its row in the model's embeddings: a tokenizer
        # of another model would otherwise fail on the first question using a word it has
        # further up.
        largest = max(self._tokenizer.get_vocab(with_added_tokens=True).values(), default=0)
        try:
            self._run(np.array([[0, largest]], dtype=np.int64))
        except Exception as exc:
            raise ModelUnavailable(f"the tokenizer {tokenizer} does not fit the model {model}: "
                                   f"its token ids go up to {largest}") from exc

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """A (len(texts), dimension) float32 matrix of unit rows. Texts of similar length are
        batched together (less padding), and tokenized a batch at a time (bounded memory)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda n: len(texts[n]))
        for start in range(0, len(order), BATCH):
            chunk = order[start:start + BATCH]
            out[chunk] = self._pooled([texts[n] for n in chunk])
        return out

    def knows(self, word: str) -> bool:
        """Whether the tokenizer reads `word` as one token of its vocabulary: a whole word,
        not word pieces, nor the token of what it lacks."""
        ids = self._tokenizer.encode(word, add_special_tokens=False).ids
        return len(ids) == 1 and ids[0] != self._unknown

    def encode_question(self, text: str) -> np.ndarray:
        """One question as a unit vector: no batching, no padding, cut at `question_tokens`."""
        encoding = self._tokenizer.encode(text)
        ids = encoding.ids
        if len(ids) > self.question_tokens:  # keep the closing [SEP]
            ids = [*ids[:self.question_tokens - 1], ids[-1]]
        vectors = self._run(np.array([ids], dtype=np.int64))
        return np.asarray(vectors[0], dtype=np.float32)

    def _pooled(self, texts: list[str]) -> np.ndarray:
        """One batch: the mean of each text's token vectors, normalised."""
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        return self._run(ids, mask)

    def _run(self, ids: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Token ids (a batch, padded with 0 where `mask` is 0) → normalised mean vectors."""
        if mask is None:
            mask = np.ones_like(ids)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._names})[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return np.asarray(pooled, dtype=np.float32)


# onnxruntime's prefix, and its repetition of the path the message is about
_ORT_NOISE = re.compile(r"\[ONNXRuntimeError\] : \d+ : |Load model from .*? failed: ?")


def _line(exc: BaseException) -> str:
    """An onnxruntime or tokenizers message on one line, cut at 200 characters (onnxruntime's
    messages go on to name the C++ source of the check that failed)."""
    return _ORT_NOISE.sub("", reason(exc, None))[:200] or type(exc).__name__
