"""The real encoder, keeping what it is asked to encode: for tests of the semantic layer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.semantic.encoder import OnnxEncoder


class Recording:
    """Encodes with `encoder`, keeping the item texts (`texts`) and the questions
    (`questions`) it was given, in order. A subclass may change what comes out."""

    def __init__(self, encoder: OnnxEncoder) -> None:
        self.encoder = encoder
        self.key = encoder.key
        self.dimension = encoder.dimension
        self.texts: list[str] = []
        self.questions: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.encoder.encode(texts)

    def knows(self, word: str) -> bool:
        return self.encoder.knows(word)

    def encode_question(self, text: str) -> np.ndarray:
        self.questions.append(text)
        return self.encoder.encode_question(text)
