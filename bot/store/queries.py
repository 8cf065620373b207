"""Blocking reads and writes on an open connection. Called only on the store's worker thread."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from bot.core.curation.gaps import GapGroup, GapQuestion, group_questions
from bot.store.clock import from_db, to_db, utc, window
from bot.store.records import VERDICTS, DayCount, ItemStats, QuestionRecord, Stats

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_GAP_ROWS = 5_000  # most recent low-confidence questions considered for grouping
TOP_GAPS = 5


def write(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run `work` in one IMMEDIATE transaction: takes the write lock up front, so a busy
    database waits for the busy timeout instead of failing half-way."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                logger.warning("rollback failed", exc_info=True)
        raise
    return result


def insert_question(conn: sqlite3.Connection, *, record: QuestionRecord, user_hash: str | None,
                    raw_user_id: str | None) -> int:
    cursor = conn.execute(
        "INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, user_id, text, "
        "verdict, item_id, score, knowledge_base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (to_db(record.asked_at), record.guild_id, record.channel_id, user_hash, raw_user_id,
         record.text, str(record.verdict), record.item_id, float(record.score),
         record.knowledge_base),
    )
    row_id = cursor.lastrowid
    assert row_id is not None
    return row_id


def question_text(conn: sqlite3.Connection, *, question_id: int,
                  user_hash: str) -> str | None:
    """The question's text when the user of that hash asked it, else None."""
    row = conn.execute("SELECT text FROM questions WHERE id = ? AND user_hash = ?",
                       (question_id, user_hash)).fetchone()
    return None if row is None else str(row[0])


def set_click(conn: sqlite3.Connection, *, question_id: int, item_id: str,
              now: dt.datetime) -> int:
    cursor = conn.execute(
        "UPDATE questions SET clicked_id = ?, clicked_at = ? WHERE id = ?",
        (item_id, to_db(now), question_id),
    )
    return cursor.rowcount


def upsert_vote(conn: sqlite3.Connection, *, question_id: int, voter_hash: str,
                voter_id: str | None, vote: int, now: dt.datetime) -> tuple[int, int]:
    conn.execute(
        "INSERT INTO feedback (question_id, voter_hash, voter_id, vote, voted_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (question_id, voter_hash) DO UPDATE SET "
        "vote = excluded.vote, voted_at = excluded.voted_at, voter_id = excluded.voter_id",
        (question_id, voter_hash, voter_id, vote, to_db(now)),
    )
    up, down = conn.execute(
        "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM feedback "
        "WHERE question_id = ?",
        (question_id,),
    ).fetchone()
    return int(up), int(down)


def delete_before(conn: sqlite3.Connection, *, cutoff: dt.datetime) -> tuple[int, int]:
    """Delete questions asked before `cutoff` and their feedback: (questions, votes)."""
    bound = to_db(cutoff)
    votes = conn.execute(
        "DELETE FROM feedback WHERE question_id IN "
        "(SELECT id FROM questions WHERE asked_at < ?)", (bound,),
    ).rowcount
    questions = conn.execute("DELETE FROM questions WHERE asked_at < ?", (bound,)).rowcount
    return questions, votes


def of_knowledge_base(knowledge_base: str | None, column: str = "knowledge_base"
                      ) -> tuple[str, tuple[str, ...]]:
    """A WHERE condition (and its parameters) for one knowledge base's questions; every
    question's when `knowledge_base` is None."""
    if knowledge_base is None:
        return "1", ()
    return f"{column} = ?", (knowledge_base,)


def gap_rows(conn: sqlite3.Connection, since: dt.datetime, until: dt.datetime,
             threshold: float, knowledge_base: str | None = None) -> list[GapQuestion]:
    """Unanswered and low-confidence questions, and answered ones whose asker picked another
    entry offered under the answer, newest first, at most MAX_GAP_ROWS."""
    kb_is, kb_params = of_knowledge_base(knowledge_base)
    rows = conn.execute(
        "SELECT text, asked_at, clicked_id, item_id FROM questions "
        f"WHERE asked_at >= ? AND asked_at <= ? AND {kb_is} AND (verdict IN ('none', "
        "'suggest') OR (verdict = 'answer' AND (score < ? OR clicked_id != item_id))) "
        "ORDER BY asked_at DESC, id DESC LIMIT ?",
        (to_db(since), to_db(until), *kb_params, threshold, MAX_GAP_ROWS),
    ).fetchall()
    questions: list[GapQuestion] = []
    for text, asked_at, clicked_id, item_id in rows:
        # A clicked suggestion says best which entry the question belonged to.
        ids = tuple(dict.fromkeys(i for i in (clicked_id, item_id) if i))
        questions.append(GapQuestion(text, from_db(asked_at), ids))
    return questions


def gaps(conn: sqlite3.Connection, *, days: int, now: dt.datetime | None,
         threshold: float, knowledge_base: str | None = None) -> list[GapGroup]:
    since, until = window(days, now)
    return group_questions(gap_rows(conn, since, until, threshold, knowledge_base))


def stats(conn: sqlite3.Connection, *, days: int, now: dt.datetime | None,
          threshold: float, knowledge_base: str | None = None) -> Stats:
    since, until = window(days, now)
    kb_is, kb_params = of_knowledge_base(knowledge_base)
    bounds = (to_db(since), to_db(until), *kb_params)
    where = f"asked_at >= ? AND asked_at <= ? AND {kb_is}"
    q_kb_is = of_knowledge_base(knowledge_base, "q.knowledge_base")[0]
    counts = dict.fromkeys(VERDICTS, 0)
    for verdict, count in conn.execute(
        f"SELECT verdict, COUNT(*) FROM questions WHERE {where} GROUP BY verdict", bounds
    ):
        counts[verdict] = count
    clicks = conn.execute(
        f"SELECT COUNT(*) FROM questions WHERE {where} AND clicked_id IS NOT NULL", bounds
    ).fetchone()[0]
    items: dict[str, list[int]] = {}
    for item_id, count in conn.execute(
        f"SELECT item_id, COUNT(*) FROM questions WHERE {where} AND verdict = 'answer' "
        "AND item_id IS NOT NULL GROUP BY item_id", bounds
    ):
        items.setdefault(item_id, [0, 0, 0, 0])[0] = count
    for item_id, count in conn.execute(
        f"SELECT clicked_id, COUNT(*) FROM questions WHERE {where} "
        "AND clicked_id IS NOT NULL GROUP BY clicked_id", bounds
    ):
        items.setdefault(item_id, [0, 0, 0, 0])[1] = count
    for item_id, up, down in conn.execute(
        "SELECT COALESCE(q.clicked_id, q.item_id), SUM(f.vote = 1), SUM(f.vote = -1) "
        "FROM feedback f JOIN questions q ON q.id = f.question_id "
        f"WHERE q.asked_at >= ? AND q.asked_at <= ? AND {q_kb_is} "
        "AND COALESCE(q.clicked_id, q.item_id) IS NOT NULL GROUP BY 1", bounds
    ):
        numbers = items.setdefault(item_id, [0, 0, 0, 0])
        numbers[2], numbers[3] = int(up or 0), int(down or 0)
    per_day = {since.date() + dt.timedelta(days=offset): dict.fromkeys(VERDICTS, 0)
               for offset in range(days)}
    for day_text, verdict, count in conn.execute(
        f"SELECT substr(asked_at, 1, 10), verdict, COUNT(*) FROM questions WHERE {where} "
        "GROUP BY 1, 2", bounds
    ):
        per_day.setdefault(dt.date.fromisoformat(day_text), dict.fromkeys(VERDICTS, 0))
        per_day[dt.date.fromisoformat(day_text)][verdict] = count
    ranked = sorted(items.items(), key=lambda pair: (-(pair[1][0] + pair[1][1]), pair[0]))
    return Stats(
        days=days,
        since=since,
        until=utc(until),
        total=sum(counts.values()),
        answered=counts["answer"],
        suggested=counts["suggest"],
        unanswered=counts["none"],
        clicks=int(clicks),
        items=tuple(ItemStats(item_id, *numbers) for item_id, numbers in ranked),
        per_day=tuple(DayCount(day, **buckets) for day, buckets in sorted(per_day.items())),
        top_gaps=tuple(group_questions(gap_rows(conn, since, until, threshold,
                                                knowledge_base))[:TOP_GAPS]),
    )
