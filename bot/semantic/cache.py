"""Item vectors on disk, keyed by model and text: a restart or a reload encodes only new text."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import numpy as np

from bot.semantic.model import reason

log = logging.getLogger(__name__)

CHUNK = 500  # SQLite's parameter limit is 999 on old builds
FORMAT = 1  # the file's PRAGMA user_version (0: this format, from before it was numbered)
COLUMNS = ["model", "text", "vector"]
DAMAGED = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


class OtherFormat(sqlite3.DatabaseError):
    """The file is an SQLite database, but not a vector cache of this format."""


class VectorCache:
    """A SQLite file of (model, sha256 of text) → float32 vector. Each call opens its own
    connection, so the bot's reload thread and a command-line run can share the file.

    A cache never fails a build: a file that is damaged or of another format is started anew,
    one that cannot be used at all (a folder in its place, a read-only disk) is logged and the
    vectors are encoded without it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fill(self, model: str, texts: Sequence[str], into: np.ndarray) -> list[int]:
        """Copy the cached vector of each text into its row of `into`; the positions of the
        texts that have none, in order."""
        try:
            return self._fill(model, texts, into)
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return list(range(len(texts)))

    def store(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        for _ in range(2):  # once more into a new file when this one was damaged
            try:
                self._store(model, texts, vectors)
                return
            except (sqlite3.Error, OSError) as exc:
                if not self._failed(exc):
                    return

    def _fill(self, model: str, texts: Sequence[str], into: np.ndarray) -> list[int]:
        rows: dict[bytes, int] = {_digest(text): n for n, text in enumerate(texts)}
        found = np.zeros(len(texts), dtype=bool)
        keys = list(rows)
        size = into.shape[1] * 4
        with closing(self._connect()) as connection:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start:start + CHUNK]
                marks = ",".join("?" * len(chunk))
                for digest, blob in connection.execute(
                        f"SELECT text, vector FROM vectors WHERE model = ? AND text IN ({marks})",
                        (model, *chunk)):
                    row = rows.get(digest) if isinstance(digest, bytes) else None
                    if row is None or not isinstance(blob, bytes) or len(blob) != size:
                        continue  # another size, or not written here: encoded again
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if np.isfinite(vector).all():
                        into[row] = vector
                        found[row] = True
        return [int(n) for n in np.flatnonzero(~found)]

    def _store(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        with closing(self._connect()) as connection, connection:
            connection.executemany(
                "INSERT OR REPLACE INTO vectors (model, text, vector) VALUES (?, ?, ?)",
                ((model, _digest(text), vector.astype(np.float32).tobytes())
                 for text, vector in zip(texts, vectors, strict=True)))

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            columns = [row[1] for row in connection.execute("PRAGMA table_info(vectors)")]
            if not columns:
                connection.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, "
                                   "text BLOB NOT NULL, vector BLOB NOT NULL, "
                                   "PRIMARY KEY (model, text)) WITHOUT ROWID")
                connection.execute(f"PRAGMA user_version = {FORMAT}")
                connection.commit()
            elif columns != COLUMNS or version not in (0, FORMAT):
                raise OtherFormat(f"format {version}, columns {', '.join(columns)}")
        except BaseException:
            connection.close()
            raise
        return connection

    def _failed(self, exc: BaseException) -> bool:
        """Log why the cache failed; True when the file was damaged or of another format and
        has been removed (the next connection starts a new one)."""
        log.debug("vector cache failure", exc_info=exc)
        why = reason(exc, None)
        if isinstance(exc, OtherFormat) or getattr(exc, "sqlite_errorcode", None) in DAMAGED:
            log.warning("the vector cache %s is damaged or of another format (%s); starting "
                        "a new one", self.path, why)
            for suffix in ("", "-journal", "-wal", "-shm"):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
            return True
        log.warning("the vector cache %s is unusable (%s); encoding without it", self.path,
                    why)
        return False


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()
