"""The schema migrates forward from an older version and keeps the data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from store_helpers import NOW, question

from bot.store import Store, StoreError
from bot.store.schema import LATEST, MIGRATIONS

# The version-1 layout, written out by hand as an older faqbot would have left it.
V1 = """
CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,
    guild_id TEXT,
    channel_id TEXT NOT NULL,
    user_hash TEXT,
    text TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('answer', 'suggest', 'none')),
    item_id TEXT,
    score REAL NOT NULL DEFAULT 0
);
CREATE INDEX questions_asked_at ON questions (asked_at);
INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, text, verdict, item_id, score)
VALUES ('2025-03-09T08:00:00.000000Z', 'g1', 'c1', 'abc', 'old question', 'answer', 'join', 0.8),
       ('2025-03-10T09:00:00.000000Z', NULL, 'terminal', NULL, 'no idea', 'none', NULL, 0.1);
PRAGMA user_version = 1;
"""


def columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


async def test_a_version_1_database_is_migrated_and_keeps_its_rows(db_path: Path) -> None:
    assert LATEST > 1
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.executescript(V1)
    assert "clicked_id" not in columns(db_path, "questions")

    store = await Store.open(db_path, salt="s")
    assert store.schema_version == LATEST
    # The old rows survived and the new features work on them.
    stats = await store.stats(7, now=NOW)
    assert (stats.total, stats.answered, stats.unanswered) == (2, 1, 1)
    assert await store.record_feedback(1, 99, 1) == (1, 0)
    await store.record_click(2, "join")
    assert await store.record_question(question()) == 3
    await store.close()

    assert {"user_id", "clicked_id", "clicked_at"} <= columns(db_path, "questions")
    assert {"question_id", "voter_hash", "vote"} <= columns(db_path, "feedback")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (LATEST,)
        assert conn.execute("SELECT text, clicked_id FROM questions ORDER BY id").fetchall() == [
            ("old question", None), ("no idea", "join"), ("how do I join?", None)]


async def test_a_newer_schema_is_refused_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.executescript(V1.replace("user_version = 1", f"user_version = {LATEST + 1}"))
    with pytest.raises(StoreError, match="newer"):
        await Store.open(db_path, salt="s")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (LATEST + 1,)
        assert conn.execute("SELECT COUNT(*) FROM questions").fetchone() == (2,)
        assert "clicked_id" not in {row[1] for row in conn.execute("PRAGMA table_info(questions)")}
