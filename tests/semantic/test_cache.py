"""The on-disk vector cache: keyed by model and text."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from bot.semantic import cache
from bot.semantic.cache import VectorCache


def test_stored_vectors_come_back_by_model_and_text(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "sub" / "vectors.sqlite3")
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    cache.store("model-a", ["one", "two"], vectors)
    into = np.zeros((3, 3), dtype=np.float32)
    assert cache.fill("model-a", ["two", "three", "one"], into) == [1]
    assert np.array_equal(into, [vectors[1], [0, 0, 0], vectors[0]])
    other = np.zeros((1, 3), dtype=np.float32)
    assert cache.fill("model-b", ["one"], other) == [0]  # another model's are not these
    again = VectorCache(tmp_path / "sub" / "vectors.sqlite3")  # a restart
    assert again.fill("model-a", ["one"], other) == []
    assert np.array_equal(other[0], vectors[0])


def test_a_vector_of_another_size_is_not_taken(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    cache.store("m", ["one"], np.ones((1, 4), dtype=np.float32))
    assert cache.fill("m", ["one"], np.zeros((1, 3), dtype=np.float32)) == [0]


def test_many_texts_are_looked_up_in_chunks(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    texts = [f"text {n}" for n in range(1_234)]
    cache.store("m", texts, np.ones((len(texts), 2), dtype=np.float32))
    into = np.zeros((len(texts), 2), dtype=np.float32)
    assert cache.fill("m", texts, into) == []
    assert into.all()


def _good_file(path: Path) -> Path:
    VectorCache(path).store("m", [f"text {n}" for n in range(400)],
                            np.ones((400, 3), dtype=np.float32))
    return path


def _spoil_random(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _spoil_truncated(path: Path) -> None:
    _good_file(path)
    path.write_bytes(path.read_bytes()[:9000])


def _spoil_text(path: Path) -> None:
    path.write_text("vectors, as text\n")


def _other_columns(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, data BLOB)")
        connection.execute("INSERT INTO vectors VALUES ('one', x'00')")


def _other_version(path: Path) -> None:
    _good_file(path)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA user_version = 99")


@pytest.mark.parametrize("spoil", [_spoil_random, _spoil_truncated, _spoil_text,
                                   _other_columns, _other_version])
def test_a_damaged_or_foreign_file_is_started_anew(tmp_path: Path, spoil: Callable[[Path], None],
                                                   caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "vectors.sqlite3"
    spoil(path)
    cache = VectorCache(path)
    into = np.zeros((2, 3), dtype=np.float32)
    with caplog.at_level(logging.WARNING, logger="bot.semantic.cache"):
        assert cache.fill("m", ["one", "two"], into) == [0, 1]
        cache.store("m", ["one", "two"], np.full((2, 3), 0.5, dtype=np.float32))
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"the vector cache {path} is damaged or of another format"]
    assert VectorCache(path).fill("m", ["one", "two"], into) == []  # the new file serves
    assert (into == 0.5).all()


def test_rows_not_written_here_are_encoded_again(tmp_path: Path) -> None:
    path = tmp_path / "vectors.sqlite3"
    cache = VectorCache(path)
    cache.store("m", ["one", "two", "three"], np.ones((3, 3), dtype=np.float32))
    with closing(sqlite3.connect(path)) as connection, connection:
        for text, vector in (("one", "not bytes"), ("two", np.full(3, np.nan, np.float32))):
            connection.execute("UPDATE vectors SET vector = ? WHERE text = ?",
                               (vector if isinstance(vector, str) else vector.tobytes(),
                                hashlib.sha256(text.encode()).digest()))
    into = np.zeros((3, 3), dtype=np.float32)
    assert cache.fill("m", ["one", "two", "three"], into) == [0, 1]
    assert np.isfinite(into).all()


@pytest.mark.parametrize("version", [0, 1])
def test_a_file_of_an_earlier_format_is_upgraded_in_place(tmp_path: Path, version: int) -> None:
    path = tmp_path / "vectors.sqlite3"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE vectors (model TEXT NOT NULL, text BLOB NOT NULL, "
                           "vector BLOB NOT NULL, PRIMARY KEY (model, text)) WITHOUT ROWID")
        connection.execute("INSERT INTO vectors VALUES (?, ?, ?)",
                           ("m", hashlib.sha256(b"seven").digest(),
                            np.full(3, 7, np.float32).tobytes()))
        connection.execute(f"PRAGMA user_version = {version}")
    into = np.zeros((1, 3), dtype=np.float32)
    assert VectorCache(path).fill("m", ["seven"], into) == []
    assert (into == 7).all()
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == cache.FORMAT
        assert [r[1] for r in connection.execute("PRAGMA table_info(vectors)")] == cache.COLUMNS


def test_rows_unused_for_keep_days_go_when_new_ones_come(tmp_path: Path) -> None:
    day = [100]
    path = tmp_path / "vectors.sqlite3"
    dated = VectorCache(path, clock=lambda: day[0] * 86_400 + 3_600)
    dated.store("m", ["edited away", "still asked"], np.ones((2, 3), dtype=np.float32))
    dated.store("old model", ["still asked"], np.ones((1, 3), dtype=np.float32))
    day[0] = 150
    assert dated.fill("m", ["still asked"], np.zeros((1, 3), dtype=np.float32)) == []
    day[0] = 100 + cache.KEEP_DAYS + 1
    assert dated.fill("m", ["still asked"], np.zeros((1, 3), dtype=np.float32)) == []
    assert _rows(path) == 3  # reading deletes nothing
    dated.store("m", ["new"], np.ones((1, 3), dtype=np.float32))
    assert _rows(path) == 2
    assert dated.fill("m", ["edited away", "still asked", "new"], np.zeros((3, 3))) == [0]


def _rows(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


def test_a_file_that_takes_no_writes_still_serves_its_vectors(tmp_path: Path) -> None:
    path = _good_file(tmp_path / "vectors.sqlite3")
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TRIGGER refuse BEFORE UPDATE ON vectors "
                           "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END")
    into = np.zeros((2, 3), dtype=np.float32)
    later = VectorCache(path, clock=lambda: 10**10)  # every row is due to be dated
    assert later.fill("m", ["text 1", "text 2"], into) == []
    assert (into == 1).all()


def test_a_cache_that_cannot_be_used_fails_nothing(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "vectors.sqlite3"
    folder.mkdir()  # a folder where the file should be: never removed
    cache = VectorCache(folder)
    with caplog.at_level(logging.WARNING, logger="bot.semantic.cache"):
        assert cache.fill("m", ["one"], np.zeros((1, 3), dtype=np.float32)) == [0]
        cache.store("m", ["one"], np.ones((1, 3), dtype=np.float32))
    assert folder.is_dir()
    assert len(caplog.records) == 2
    assert all("is unusable" in r.getMessage() for r in caplog.records)
    refusing = _good_file(tmp_path / "read-only.sqlite3")
    with closing(sqlite3.connect(refusing)) as connection, connection:
        connection.execute("CREATE TRIGGER refuse BEFORE INSERT ON vectors "
                           "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END")
    VectorCache(refusing).store("m", ["new"], np.ones((1, 3), dtype=np.float32))  # logged only
    assert refusing.is_file()


def _format_1_file(path: Path, rows: dict[tuple[str, str], float]) -> Path:
    """A cache as formats 0 and 1 wrote it: no `used` column."""
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE vectors (model TEXT NOT NULL, text BLOB NOT NULL, "
                           "vector BLOB NOT NULL, PRIMARY KEY (model, text)) WITHOUT ROWID")
        connection.executemany("INSERT INTO vectors VALUES (?, ?, ?)", [
            (model, hashlib.sha256(text.encode()).digest(), np.full(3, value, np.float32).tobytes())
            for (model, text), value in rows.items()])
        connection.execute("PRAGMA user_version = 1")
    return path


def test_an_upgrade_dates_every_row_so_the_next_store_deletes_none(tmp_path: Path) -> None:
    path = _format_1_file(tmp_path / "vectors.sqlite3", {("m", "seven"): 7, ("other", "x"): 1})
    upgraded = VectorCache(path)
    assert upgraded.fill("m", ["seven"], np.zeros((1, 3), dtype=np.float32)) == []
    upgraded.store("m", ["new"], np.ones((1, 3), dtype=np.float32))
    assert upgraded.fill("other", ["x"], np.zeros((1, 3), dtype=np.float32)) == []


def test_a_read_only_file_of_an_earlier_format_still_serves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _format_1_file(tmp_path / "vectors.sqlite3", {("m", "seven"): 7})
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda where, **options: connect(
        f"file:{where}?mode=ro", uri=True, **options))
    into = np.zeros((1, 3), dtype=np.float32)
    assert VectorCache(path).fill("m", ["seven"], into) == []
    assert (into == 7).all()


@pytest.mark.parametrize("earlier", [False, True])
def test_processes_starting_together_share_the_file_they_make(tmp_path: Path, earlier: bool,
                                                              caplog: pytest.LogCaptureFixture
                                                              ) -> None:
    # The bot and a command-line run starting at once, on a new file or one to upgrade: one
    # makes it, the other waits, and neither takes a half-made file for a foreign one.
    def load(path: Path, start: threading.Barrier) -> list[int]:
        start.wait()
        return VectorCache(path).fill("m", ["seven"], np.zeros((1, 3), dtype=np.float32))

    for attempt in range(10):
        path = tmp_path / f"vectors-{attempt}.sqlite3"
        if earlier:
            _format_1_file(path, {("m", "seven"): 7})
        start = threading.Barrier(4)
        with caplog.at_level(logging.WARNING, logger="bot.semantic.cache"), \
                ThreadPoolExecutor(4) as pool:
            missing = list(pool.map(load, [path] * 4, [start] * 4))
        assert missing == [[] if earlier else [0]] * 4
        assert caplog.records == []
        assert path.is_file()
