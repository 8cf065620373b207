"""Item vectors on disk, keyed by model and text: a restart or a reload encodes only new text."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import numpy as np

CHUNK = 500  # SQLite's parameter limit is 999 on old builds


class VectorCache:
    """A SQLite file of (model, sha256 of text) → float32 vector. Each call opens its own
    connection, so the bot's reload thread and a command-line run can share the file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, "
                           "text BLOB NOT NULL, vector BLOB NOT NULL, "
                           "PRIMARY KEY (model, text)) WITHOUT ROWID")
        return connection

    def fill(self, model: str, texts: Sequence[str], into: np.ndarray) -> list[int]:
        """Copy the cached vector of each text into its row of `into`; the positions of the
        texts that have none, in order."""
        rows: dict[bytes, int] = {_digest(text): n for n, text in enumerate(texts)}
        found = np.zeros(len(texts), dtype=bool)
        keys = list(rows)
        with closing(self._connect()) as connection:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start:start + CHUNK]
                marks = ",".join("?" * len(chunk))
                for digest, blob in connection.execute(
                        f"SELECT text, vector FROM vectors WHERE model = ? AND text IN ({marks})",
                        (model, *chunk)):
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape[0] == into.shape[1]:
                        row = rows[digest]
                        into[row] = vector
                        found[row] = True
        return [int(n) for n in np.flatnonzero(~found)]

    def store(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        with closing(self._connect()) as connection, connection:
            connection.executemany(
                "INSERT OR REPLACE INTO vectors (model, text, vector) VALUES (?, ?, ?)",
                ((model, _digest(text), vector.astype(np.float32).tobytes())
                 for text, vector in zip(texts, vectors, strict=True)))


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()
