"""The store's record and reports, on a real SQLite file."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from store_helpers import NOW, question

from bot.store import Store, StoreError
from bot.store.hashing import hash_user
from bot.store.schema import LATEST


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


async def test_opens_an_empty_file_creating_folder_wal_and_schema(db_path: Path) -> None:
    assert not db_path.parent.exists()
    store = await Store.open(db_path, salt="s")
    try:
        assert store.schema_version == LATEST
        assert rows(db_path, "PRAGMA journal_mode") == [("wal",)]
        assert rows(db_path, "PRAGMA user_version") == [(LATEST,)]
        tables = {name for (name,) in rows(db_path, "SELECT name FROM sqlite_master "
                                                    "WHERE type = 'table'")}
        assert {"questions", "feedback"} <= tables
        assert await store.gaps(7, now=NOW) == []
        stats = await store.stats(7, now=NOW)
        assert stats.total == 0
        assert len(stats.per_day) == 7
    finally:
        await store.close()
    # Opening again is a no-op migration.
    again = await Store.open(db_path, salt="s")
    assert again.schema_version == LATEST
    await again.close()


async def test_records_a_question_with_a_salted_hash_not_the_raw_id(store: Store,
                                                                   db_path: Path) -> None:
    row_id = await store.record_question(question(user_id=987654321))
    assert row_id == 1
    [(user_hash, user_id, text, verdict, item, score, asked_at)] = rows(
        db_path, "SELECT user_hash, user_id, text, verdict, item_id, score, asked_at "
                 "FROM questions")
    assert user_hash == hash_user("test-salt", 987654321) != hash_user("other", 987654321)
    assert len(str(user_hash)) == 32
    assert "987654321" not in str(user_hash)
    assert user_id is None
    assert (text, verdict, item, score) == ("how do I join?", "answer", "join", 0.9)
    assert asked_at == "2025-03-10T12:00:00.000000Z"


async def test_raw_user_ids_only_with_store_user_ids(db_path: Path) -> None:
    store = await Store.open(db_path, salt="s", store_user_ids=True)
    await store.record_question(question(user_id=42))
    await store.record_question(question(user_id=None, channel_id="terminal", guild_id=None))
    await store.close()
    assert rows(db_path, "SELECT user_id, user_hash IS NULL, channel_id FROM questions "
                         "ORDER BY id") == [("42", 0, "c1"), (None, 1, "terminal")]


async def test_two_hundred_concurrent_writes_lose_nothing(store: Store, db_path: Path) -> None:
    loop_thread = threading.get_ident()
    results = await asyncio.gather(*(
        store.record_question(question(f"question {i}", user_id=i)) for i in range(200)
    ))
    assert threading.get_ident() == loop_thread
    assert sorted(r for r in results if r is not None) == list(range(1, 201))
    assert rows(db_path, "SELECT COUNT(*), COUNT(DISTINCT text) FROM questions") == [(200, 200)]


async def test_database_work_runs_off_the_event_loop_thread(store: Store) -> None:
    worker = await store._run(lambda _conn: threading.current_thread().name)
    assert worker.startswith("faqbot-store")
    assert worker != threading.current_thread().name


async def test_click_is_recorded(store: Store, db_path: Path) -> None:
    row_id = await store.record_question(question(verdict="suggest", item_id="a", score=0.4))
    assert row_id is not None
    await store.record_click(row_id, "b")
    assert rows(db_path, "SELECT clicked_id, clicked_at IS NOT NULL FROM questions") == [("b", 1)]
    await store.record_click(999, "b")  # unknown question: no error


async def test_feedback_is_one_vote_per_member_and_changeable(store: Store,
                                                              db_path: Path) -> None:
    answer = await store.record_question(question())
    assert answer is not None
    assert await store.record_feedback(answer, 1, +1) == (1, 0)
    assert await store.record_feedback(answer, 1, +1) == (1, 0)  # the same vote again
    assert await store.record_feedback(answer, 2, +1) == (2, 0)
    assert await store.record_feedback(answer, 1, -1) == (1, 1)  # changed their mind
    assert await store.record_feedback(answer, "3", -1) == (1, 2)
    assert rows(db_path, "SELECT COUNT(*) FROM feedback") == [(3,)]
    assert rows(db_path, "SELECT COUNT(*) FROM feedback WHERE voter_id IS NOT NULL") == [(0,)]
    other = await store.record_question(question())
    assert other is not None
    assert await store.record_feedback(other, 1, -1) == (0, 1)  # votes are per answer
    with pytest.raises(ValueError, match="vote"):
        await store.record_feedback(answer, 1, 0)


async def test_feedback_on_an_unknown_answer_returns_none(store: Store) -> None:
    assert await store.record_feedback(12345, 1, 1) is None


async def test_gaps_groups_unanswered_and_low_confidence_questions(store: Store) -> None:
    day = dt.timedelta(days=1)
    asked = [
        ("How do I reset my password?", "none", None, 0.1, NOW - day),
        ("how do i reset my password", "none", None, 0.2, NOW),
        ("reset password how?", "suggest", "account", 0.35, NOW),
        ("What's the server IP?", "none", None, 0.0, NOW),
        ("Is there a mobile app", "answer", "apps", 0.52, NOW),  # low-confidence answer
        ("how do I join?", "answer", "join", 0.95, NOW),  # answered well: not a gap
        ("How do I reset my password?", "none", None, 0.1, NOW - 30 * day),  # too old
    ]
    for text, verdict, item, score, when in asked:
        await store.record_question(question(text, verdict=verdict, item_id=item, score=score,
                                             asked_at=when))
    groups = await store.gaps(7, now=NOW)
    assert [g.count for g in groups] == [3, 1, 1]
    password = groups[0]
    assert password.example == "how do i reset my password"  # most common form, shortest
    assert password.candidates == ("account",)
    assert password.last_asked == NOW
    assert set(password.texts) == {"How do I reset my password?", "how do i reset my password",
                                   "reset password how?"}
    assert {g.example for g in groups[1:]} == {"What's the server IP?", "Is there a mobile app"}
    assert len(await store.gaps(60, now=NOW)) == 3
    assert (await store.gaps(60, now=NOW))[0].count == 4
    # With a stricter low-confidence threshold the 0.52 answer is no longer a gap.
    assert len(await store.gaps(7, now=NOW, threshold=0.5)) == 2


async def test_an_answer_whose_asker_picked_another_entry_is_a_gap(store: Store) -> None:
    picked = await store.record_question(question("open on sunday", verdict="answer",
                                                  item_id="holidays", score=0.9))
    kept = await store.record_question(question("when do you open", verdict="answer",
                                                item_id="hours", score=0.9))
    await store.record_click(picked, "hours")  # "Not it?": the runner-up was the answer
    await store.record_click(kept, "hours")  # the same entry again: nothing to learn
    [group] = await store.gaps(7, now=NOW)
    assert group.example == "open on sunday"
    assert group.candidates == ("hours", "holidays")  # the picked entry first


async def test_stats_figures(store: Store) -> None:
    day = dt.timedelta(days=1)
    ids = []
    for text, verdict, item, when in [
        ("join?", "answer", "join", NOW), ("join now", "answer", "join", NOW - day),
        ("rules?", "answer", "rules", NOW), ("price", "suggest", "pricing", NOW),
        ("weird", "none", None, NOW - 2 * day), ("ancient", "answer", "join", NOW - 20 * day),
    ]:
        ids.append(await store.record_question(question(text, verdict=verdict, item_id=item,
                                                        asked_at=when)))
    await store.record_click(ids[3], "billing")
    await store.record_feedback(ids[0], 1, 1)
    await store.record_feedback(ids[1], 1, 1)
    await store.record_feedback(ids[1], 2, -1)
    await store.record_feedback(ids[3], 1, -1)  # feedback on the clicked suggestion
    await store.record_feedback(ids[5], 1, -1)  # outside the window
    stats = await store.stats(7, now=NOW)
    assert (stats.total, stats.answered, stats.suggested, stats.unanswered) == (5, 3, 1, 1)
    assert stats.share(stats.answered) == pytest.approx(0.6)
    assert stats.clicks == 1
    by_id = {item.item_id: item for item in stats.items}
    assert (by_id["join"].answered, by_id["join"].up, by_id["join"].down) == (2, 2, 1)
    assert (by_id["billing"].clicked, by_id["billing"].down) == (1, 1)
    assert "pricing" not in by_id
    assert [item.item_id for item in stats.top_entries] == ["join", "billing", "rules"]
    assert (stats.up, stats.down) == (2, 2)
    assert [d.day for d in stats.per_day][-1] == NOW.date()
    assert len(stats.per_day) == 7
    assert [(d.answer, d.suggest, d.none) for d in stats.per_day[-3:]] == [
        (0, 0, 1), (1, 0, 0), (2, 1, 0)]
    assert sum(d.total for d in stats.per_day) == stats.total
    assert [g.example for g in stats.top_gaps] == ["price", "weird"]


async def test_export_csv_and_jsonl(store: Store) -> None:
    first = await store.record_question(question('say "hi", ok?'))
    await store.record_question(question("=HYPERLINK(\"x\")", verdict="none", item_id=None,
                                         score=0.0))
    await store.record_question(question("old", asked_at=NOW - dt.timedelta(days=40)))
    assert first is not None
    await store.record_feedback(first, 7, 1)

    out = io.StringIO()
    assert await store.export("csv", out) == 3
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["text"] for r in table] == ["old", 'say "hi", ok?', "'=HYPERLINK(\"x\")"]
    assert table[1]["up"] == "1"
    assert table[1]["user_id"] == ""

    out = io.StringIO()
    assert await store.export("jsonl", out, days=7, now=NOW) == 2
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["text"] for r in records] == ['say "hi", ok?', '=HYPERLINK("x")']
    assert records[0]["score"] == 0.9
    assert records[0]["up"] == 1

    with pytest.raises(ValueError, match="format"):
        await store.export("xml", io.StringIO())  # type: ignore[arg-type]


async def test_a_jsonl_record_is_one_line_whatever_unicode_calls_a_line_break(
        store: Store) -> None:
    broken = "one\u2028two\u2029three\x85four"
    await store.record_question(question(broken))
    out = io.StringIO()
    assert await store.export("jsonl", out) == 1
    [line] = out.getvalue().splitlines()  # Python splits at all three
    assert json.loads(line)["text"] == broken


async def test_prune_deletes_old_questions_and_their_votes(store: Store, db_path: Path) -> None:
    old = await store.record_question(question("old", asked_at=NOW - dt.timedelta(days=91)))
    new = await store.record_question(question("new", asked_at=NOW - dt.timedelta(days=89)))
    assert old is not None and new is not None
    await store.record_feedback(old, 1, 1)
    await store.record_feedback(old, 2, -1)
    await store.record_feedback(new, 1, 1)
    assert await store.prune(90, now=NOW) == 3  # one question and its two votes
    assert rows(db_path, "SELECT text FROM questions") == [("new",)]
    assert rows(db_path, "SELECT question_id FROM feedback") == [(new,)]
    assert await store.prune(90, now=NOW) == 0
    assert await store.prune(0, now=NOW) == 0  # 0 keeps everything
    # Ids are never reused after pruning: old buttons cannot vote on new answers.
    assert await store.prune(1, now=NOW) == 2
    assert await store.record_question(question()) == 3


async def test_closed_store_records_nothing_and_reports_raise(db_path: Path) -> None:
    store = await Store.open(db_path, salt="s")
    await store.close()
    await store.close()
    assert store.closed
    assert await store.record_question(question()) is None
    with pytest.raises(StoreError):
        await store.stats(7)
