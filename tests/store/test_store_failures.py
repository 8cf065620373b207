"""A locked, read-only, full or corrupt database: recording returns None, logs, and recovers."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest
from store_helpers import NOW, question

from bot.store import Store, StoreError


async def test_locked_database_returns_none_logs_and_recovers(
        db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = await Store.open(db_path, salt="s", busy_timeout=0.1)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with caplog.at_level(logging.WARNING, logger="bot.store"):
            assert await store.record_question(question()) is None
            assert await store.record_question(question()) is None  # logged once, not twice
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        assert "database is locked" in warnings[0].getMessage()
        other.execute("ROLLBACK")
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="bot.store"):
            assert await store.record_question(question()) == 1
        assert "recording again" in caplog.text
    finally:
        other.close()
        await store.close()


async def test_read_only_database_returns_none_and_logs(
        store: Store, caplog: pytest.LogCaptureFixture) -> None:
    # Tests run as root, which chmod cannot stop; PRAGMA query_only makes SQLite itself refuse
    # writes with the same SQLITE_READONLY error a read-only file or mount gives.
    assert await store.record_question(question()) == 1
    await store._run(lambda conn: conn.execute("PRAGMA query_only = ON"))
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        assert await store.record_question(question()) is None
        assert await store.record_feedback(1, 5, 1) is None
        await store.record_click(1, "x")
        assert await store.prune(1) == 0
    assert "readonly" in caplog.text
    assert (await store.stats(7, now=NOW)).total == 1  # reads still work
    await store._run(lambda conn: conn.execute("PRAGMA query_only = OFF"))
    assert await store.record_question(question()) == 2


async def test_full_database_returns_none_logs_and_keeps_committed_rows(
        store: Store, db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert await store.record_question(question("before")) == 1
    # Cap the file at its current size: the next write that needs a page fails with
    # SQLITE_FULL, exactly as a full disk does.
    await store._run(lambda conn: conn.execute(
        "PRAGMA max_page_count = " + str(conn.execute("PRAGMA page_count").fetchone()[0])))
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        assert await store.record_question(question("x" * 200_000)) is None
    assert "full" in caplog.text
    assert "SQLITE_FULL" in caplog.text
    await store._run(lambda conn: conn.execute("PRAGMA max_page_count = 1073741823"))
    assert await store.record_question(question("after")) is not None
    await store.close()
    with sqlite3.connect(db_path) as conn:
        texts = [t for (t,) in conn.execute("SELECT text FROM questions ORDER BY id")]
    assert texts == ["before", "after"]


def write_garbage(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database, just some text that fills a page " * 100)


async def test_corrupt_file_cannot_be_opened(db_path: Path) -> None:
    write_garbage(db_path)
    with pytest.raises(StoreError, match="cannot open database"):
        await Store.open(db_path, salt="s")


async def test_unwritable_folder_cannot_be_opened(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError, match="cannot open database"):
        await Store.open(blocker / "db.sqlite3", salt="s")


async def test_a_failure_inside_a_write_rolls_back(store: Store, db_path: Path) -> None:
    # An invalid verdict violates the schema's CHECK: nothing is written, None is returned.
    assert await store.record_question(question(verdict="maybe")) is None
    assert await store.record_question(question()) is not None
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM questions").fetchone() == (1,)


async def test_a_write_waiting_on_a_lock_does_not_block_the_event_loop(db_path: Path) -> None:
    store = await Store.open(db_path, salt="s", busy_timeout=1.0)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        loop = asyncio.get_running_loop()
        started = loop.time()
        write = asyncio.ensure_future(store.record_question(question()))
        ticks = 0
        while not write.done():
            await asyncio.sleep(0.02)
            ticks += 1
        assert write.result() is None  # gave up after the busy timeout
        assert loop.time() - started >= 0.9
        assert ticks >= 20  # the loop kept running while the worker waited
    finally:
        other.close()
        await store.close()
