"""Blocking reads and writes of help-forum posts. Called only on the store's worker thread."""

from __future__ import annotations

import datetime as dt
import sqlite3

from bot.store.clock import to_db
from bot.store.queries import insert_question, of_knowledge_base
from bot.store.records import ForumClaim, ForumFigures, ForumItem, QuestionRecord

FORUM_CHANNEL = "forum"  # the channel_id of questions asked by opening a help-forum post


def claim_post(conn: sqlite3.Connection, *, thread_id: int, record: QuestionRecord,
               user_hash: str | None, raw_user_id: str | None,
               replied: bool) -> ForumClaim:
    """Record a new post's question and the post; not `new` when it was recorded before."""
    if conn.execute("SELECT 1 FROM forum_posts WHERE thread_id = ?",
                    (str(thread_id),)).fetchone() is not None:
        return ForumClaim(new=False, question_id=None)
    question_id = insert_question(conn, record=record, user_hash=user_hash,
                                  raw_user_id=raw_user_id)
    conn.execute(
        "INSERT INTO forum_posts (thread_id, question_id, opened_at, replied) "
        "VALUES (?, ?, ?, ?)",
        (str(thread_id), question_id, to_db(record.asked_at), int(replied)),
    )
    return ForumClaim(new=True, question_id=question_id)


def set_click(conn: sqlite3.Connection, *, thread_id: int, item_id: str,
              now: dt.datetime) -> int:
    """Note the suggestion the poster picked, on the post's question."""
    return conn.execute(
        "UPDATE questions SET clicked_id = ?, clicked_at = ? WHERE id = "
        "(SELECT question_id FROM forum_posts WHERE thread_id = ?)",
        (item_id, to_db(now), str(thread_id)),
    ).rowcount


def mark_solved(conn: sqlite3.Connection, *, thread_id: int, now: dt.datetime) -> bool:
    """Note the post solved, crediting the entry the poster picked or was answered with;
    False when it was solved before (or is unknown)."""
    cursor = conn.execute(
        "UPDATE forum_posts SET solved_at = ?, solved_item = (SELECT "
        "COALESCE(q.clicked_id, CASE WHEN q.verdict = 'answer' THEN q.item_id END) "
        "FROM questions q WHERE q.id = forum_posts.question_id) "
        "WHERE thread_id = ? AND solved_at IS NULL",
        (to_db(now), str(thread_id)),
    )
    return cursor.rowcount > 0


def mark_handed_over(conn: sqlite3.Connection, *, thread_id: int, now: dt.datetime) -> bool:
    """Note that a helper was called to the post; False when one was called before. A post
    the store does not know (opened while the database was down) is noted now."""
    if conn.execute("SELECT 1 FROM forum_posts WHERE thread_id = ?",
                    (str(thread_id),)).fetchone() is None:
        conn.execute("INSERT INTO forum_posts (thread_id, opened_at, handed_over_at) "
                     "VALUES (?, ?, ?)", (str(thread_id), to_db(now), to_db(now)))
        return True
    cursor = conn.execute(
        "UPDATE forum_posts SET handed_over_at = ? WHERE thread_id = ? "
        "AND handed_over_at IS NULL", (to_db(now), str(thread_id)))
    return cursor.rowcount > 0


def unmark_replied(conn: sqlite3.Connection, *, thread_id: int) -> int:
    """The bot's reply to the post could not be sent: the post is no longer counted answered."""
    return conn.execute("UPDATE forum_posts SET replied = 0 WHERE thread_id = ?",
                        (str(thread_id),)).rowcount


def unmark_handed_over(conn: sqlite3.Connection, *, thread_id: int) -> int:
    """The helper could not be called after all: the post may call one again."""
    return conn.execute("UPDATE forum_posts SET handed_over_at = NULL WHERE thread_id = ?",
                        (str(thread_id),)).rowcount


def delete_posts_before(conn: sqlite3.Connection, *, cutoff: dt.datetime) -> int:
    return conn.execute("DELETE FROM forum_posts WHERE opened_at < ?", (to_db(cutoff),)).rowcount


def figures(conn: sqlite3.Connection, since: dt.datetime, until: dt.datetime, *,
            knowledge_base: str | None = None) -> ForumFigures:
    """Posts opened in the window (whose question went to `knowledge_base`, when given):
    answered by the bot, then solved or handed over; and per entry, the posts its answer was
    given in and how many of them it solved."""
    kb_is, kb_params = of_knowledge_base(knowledge_base, "q.knowledge_base")
    bounds = (to_db(since), to_db(until), *kb_params)
    posts, answered, solved, handed_over = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(p.replied), 0), "
        "COALESCE(SUM(p.replied = 1 AND p.solved_at IS NOT NULL), 0), "
        "COALESCE(SUM(p.handed_over_at IS NOT NULL), 0) "
        "FROM forum_posts p LEFT JOIN questions q ON q.id = p.question_id "
        f"WHERE p.opened_at >= ? AND p.opened_at <= ? AND {kb_is}", bounds,
    ).fetchone()
    items = [
        ForumItem(item_id, int(given), int(solved_by))
        for item_id, given, solved_by in conn.execute(
            "SELECT COALESCE(p.solved_item, q.clicked_id, "
            "CASE WHEN q.verdict = 'answer' THEN q.item_id END) AS entry, COUNT(*), "
            "SUM(p.solved_at IS NOT NULL) FROM forum_posts p JOIN questions q "
            "ON q.id = p.question_id WHERE p.replied = 1 AND p.opened_at >= ? "
            f"AND p.opened_at <= ? AND {kb_is} AND entry IS NOT NULL GROUP BY entry "
            "ORDER BY 3 DESC, 2 DESC, entry", bounds,
        )
    ]
    return ForumFigures(posts=int(posts), answered=int(answered), solved=int(solved),
                        handed_over=int(handed_over), items=tuple(items))
