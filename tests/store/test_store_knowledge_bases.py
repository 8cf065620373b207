"""Each question records the knowledge base it went to; reports show one, or every one."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from store_helpers import NOW, question

from bot.store import Store
from bot.store.schema import LATEST, MIGRATIONS, migrate


async def _fill(store: Store) -> None:
    await store.record_question(question("shipped gap", verdict="none", item_id=None,
                                         score=0.1, knowledge_base="/kb/shipped"))
    await store.record_question(question("shipped answer", knowledge_base="/kb/shipped"))
    await store.record_question(question("other gap", verdict="none", item_id=None,
                                         score=0.1, knowledge_base="/kb/other"))
    await store.record_question(question("old gap", verdict="none", item_id=None, score=0.1))


async def test_gaps_stats_and_export_of_one_knowledge_base_or_all(store: Store) -> None:
    await _fill(store)
    shipped = await store.gaps(7, now=NOW, knowledge_base="/kb/shipped")
    assert [group.example for group in shipped] == ["shipped gap"]
    every = await store.gaps(7, now=NOW)
    assert {group.example for group in every} == {"shipped gap", "other gap", "old gap"}

    stats = await store.stats(7, now=NOW, knowledge_base="/kb/other")
    assert (stats.total, stats.unanswered, stats.answered) == (1, 1, 0)
    assert [group.example for group in stats.top_gaps] == ["other gap"]
    assert (await store.stats(7, now=NOW)).total == 4

    out = io.StringIO()
    assert await store.export("jsonl", out, knowledge_base="/kb/shipped") == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {row["knowledge_base"] for row in rows} == {"/kb/shipped"}
    out = io.StringIO()
    assert await store.export("csv", out) == 4
    assert out.getvalue().splitlines()[0].endswith(",knowledge_base")


async def test_a_database_from_before_keeps_its_questions_unattributed(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path, isolation_level=None) as conn:
        assert migrate(conn, MIGRATIONS[:2]) == 2
        conn.execute("INSERT INTO questions (asked_at, channel_id, text, verdict) "
                     "VALUES ('2025-03-10T11:00:00.000000Z', 'c1', 'asked before', 'none')")
    conn.close()
    store = await Store.open(db_path, salt="s")
    try:
        assert store.schema_version == LATEST >= 3
        assert [g.example for g in await store.gaps(7, now=NOW)] == ["asked before"]
        assert await store.gaps(7, now=NOW, knowledge_base="/kb/shipped") == []
    finally:
        await store.close()
