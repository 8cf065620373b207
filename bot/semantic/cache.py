"""Item vectors on disk, keyed by model and text: a restart or a reload encodes only new text."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np

from bot.semantic.model import reason

log = logging.getLogger(__name__)

CHUNK = 500  # SQLite's parameter limit is 999 on old builds
# The file's PRAGMA user_version. 2: each row has the day it was last used; 1, and 0 (before
# formats were numbered): without it, upgraded in place.
FORMAT = 2
COLUMNS = ["model", "text", "vector", "used"]
UNDATED = ["model", "text", "vector"]  # the columns of formats 0 and 1
# A row no build has used for this many days (the text of an entry since edited, a model no
# longer run) is deleted when new vectors are stored: the file does not grow for ever.
KEEP_DAYS = 60
# Milliseconds a load waits behind another process's write to date the rows it used; then it
# leaves them undated (they are dated by a later load), rather than wait SQLite's 30 s.
DATING_WAIT_MS = 1_000
DAMAGED = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
READ_ONLY = 8  # SQLITE_READONLY (the low byte of its extended codes too)


class OtherFormat(sqlite3.DatabaseError):
    """The file is an SQLite database, but not a vector cache of this format."""


class VectorCache:
    """A SQLite file of (model, sha256 of text) → float32 vector. Each call opens its own
    connection, so the bot's reload thread and a command-line run can share the file.

    A cache never fails a build: a file that is damaged or of another format is started anew,
    one that cannot be used at all (a folder in its place, a read-only disk) is logged and the
    vectors are encoded without it. Rows unused for KEEP_DAYS are deleted as new ones come."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock  # seconds since the epoch: rows are dated by their day

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
        undated: list[bytes] = []  # rows used now, last used before today
        today = self._today()
        size = into.shape[1] * 4
        connection, dated = self._connect()
        with closing(connection):
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start:start + CHUNK]
                marks = ",".join("?" * len(chunk))
                for digest, blob, used in connection.execute(
                        f"SELECT text, vector, {'used' if dated else today} FROM vectors "
                        f"WHERE model = ? AND text IN ({marks})", (model, *chunk)):
                    row = rows.get(digest) if isinstance(digest, bytes) else None
                    if row is None or not isinstance(blob, bytes) or len(blob) != size:
                        continue  # another size, or not written here: encoded again
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if np.isfinite(vector).all():
                        into[row] = vector
                        found[row] = True
                        if used != today:
                            undated.append(digest)
            self._date(connection, model, undated, today)
        return [int(n) for n in np.flatnonzero(~found)]

    def _date(self, connection: sqlite3.Connection, model: str, rows: list[bytes],
              today: int) -> None:
        """Date these rows, just used, today; a file that takes no writes still serves what it
        has."""
        if not rows:
            return
        try:
            connection.execute(f"PRAGMA busy_timeout = {DATING_WAIT_MS}")
            with connection:
                for start in range(0, len(rows), CHUNK):
                    chunk = rows[start:start + CHUNK]
                    connection.execute(
                        f"UPDATE vectors SET used = ? WHERE model = ? "
                        f"AND text IN ({','.join('?' * len(chunk))})", (today, model, *chunk))
        except sqlite3.Error:
            log.debug("cannot date the vectors used in %s", self.path, exc_info=True)

    def _store(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        today = self._today()
        connection, _ = self._connect()
        with closing(connection), connection:
            connection.executemany(
                "INSERT OR REPLACE INTO vectors (model, text, vector, used) VALUES (?, ?, ?, ?)",
                ((model, _digest(text), vector.astype(np.float32).tobytes(), today)
                 for text, vector in zip(texts, vectors, strict=True)))
            connection.execute("DELETE FROM vectors WHERE used < ?", (today - KEEP_DAYS,))

    def _today(self) -> int:
        return int(self._clock() // 86_400)

    def _connect(self) -> tuple[sqlite3.Connection, bool]:
        """A connection to the file, made or upgraded to this format first (by one process at
        a time: two starting together must not take a half-made file for a foreign one); and
        whether its rows are dated (not: a file of an earlier format that takes no writes,
        read as it is)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            if _layout(connection) == (FORMAT, COLUMNS):
                return connection, True
            try:
                connection.execute("BEGIN IMMEDIATE")  # the others wait here
                self._set_up(connection)
                connection.commit()
            except sqlite3.OperationalError as exc:
                code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
                if code != READ_ONLY or _layout(connection)[1] != UNDATED:
                    raise
                connection.rollback()
                return connection, False
        except BaseException:
            connection.close()
            raise
        return connection, True

    def _set_up(self, connection: sqlite3.Connection) -> None:
        """Make the table, or upgrade an earlier format's, as another process may have left
        it meanwhile (in a transaction that holds the others back)."""
        version, columns = _layout(connection)
        if not columns:
            connection.execute("CREATE TABLE vectors (model TEXT NOT NULL, "
                               "text BLOB NOT NULL, vector BLOB NOT NULL, "
                               "used INTEGER NOT NULL DEFAULT 0, "
                               "PRIMARY KEY (model, text)) WITHOUT ROWID")
        elif columns == UNDATED and version in (0, 1):  # every row dated today
            connection.execute("ALTER TABLE vectors ADD COLUMN used INTEGER NOT NULL "
                               "DEFAULT 0")
            connection.execute("UPDATE vectors SET used = ?", (self._today(),))
        elif (version, columns) != (FORMAT, COLUMNS):
            raise OtherFormat(f"format {version}, columns {', '.join(columns)}")
        connection.execute(f"PRAGMA user_version = {FORMAT}")

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


def _layout(connection: sqlite3.Connection) -> tuple[int, list[str]]:
    """The file's format number and the columns of its table (none: no table yet)."""
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    return version, [row[1] for row in connection.execute("PRAGMA table_info(vectors)")]


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()
