"""Help-forum posts in the store: claimed once, solved, handed over, counted in stats."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from store_helpers import question

from bot.store import FORUM_CHANNEL, ForumFigures, QuestionRecord, Store, format_stats


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def post(text: str = "how do I join?", *, verdict: str = "answer",
         item_id: str | None = "join", user_id: int = 1234) -> QuestionRecord:
    return question(text, verdict=verdict, item_id=item_id, asked_at=now(),
                    channel_id=FORUM_CHANNEL, user_id=user_id)


async def test_a_post_is_claimed_once_with_its_question(store: Store, db_path: Path) -> None:
    first = await store.record_forum_post(10, post(), replied=True)
    assert first.new and first.question_id is not None
    again = await store.record_forum_post(10, post(), replied=True)
    assert not again.new and again.question_id is None
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT channel_id, verdict FROM questions").fetchall() == [
            ("forum", "answer")]
        assert conn.execute("SELECT thread_id, replied FROM forum_posts").fetchall() == [
            ("10", 1)]


async def test_solved_and_handed_over_once_each(store: Store, db_path: Path) -> None:
    await store.record_forum_post(10, post(), replied=True)
    assert await store.record_solved(10) is True
    assert await store.record_solved(10) is False
    assert await store.record_solved(99) is False  # unknown post
    assert await store.record_handover(10) is True
    assert await store.record_handover(10) is False
    assert await store.record_handover(98) is True  # opened while the database was down
    assert await store.record_handover(98) is False
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT solved_item FROM forum_posts WHERE thread_id = '10'"
                            ).fetchone() == ("join",)


async def test_a_failed_reply_or_hand_over_is_taken_back(store: Store, db_path: Path) -> None:
    await store.record_forum_post(10, post(), replied=True)
    await store.record_reply_failed(10)  # the reply could not be sent
    assert await store.record_handover(10) is True
    await store.record_handover_failed(10)  # nor the helper called
    assert (await store.stats(1)).forum == ForumFigures(posts=1)
    assert await store.record_handover(10) is True  # the poster may try again
    await store.record_reply_failed(99)  # an unknown post: nothing to take back
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT replied, handed_over_at IS NOT NULL FROM forum_posts"
                            ).fetchall() == [(0, 1)]


async def test_the_picked_suggestion_gets_the_credit(store: Store) -> None:
    for thread_id in (20, 21):
        await store.record_forum_post(thread_id, post("rules?", verdict="suggest",
                                                      item_id="rules"), replied=True)
    await store.record_forum_click(20, "faq")
    assert await store.record_solved(20) is True
    assert await store.record_solved(21) is True  # solved without a pick: no entry credited
    figures = (await store.stats(1)).forum
    assert [(i.item_id, i.answered, i.solved) for i in figures.items] == [("faq", 1, 1)]


async def test_deflection_figures(store: Store) -> None:
    await store.record_forum_post(1, post(), replied=True)
    await store.record_forum_post(2, post(), replied=True)
    await store.record_forum_post(3, post("x", item_id="other"), replied=True)
    unanswered = post("the weather?", verdict="none", item_id=None)
    await store.record_forum_post(4, unanswered, replied=False)
    await store.record_solved(1)
    await store.record_solved(4)  # solved by hand, after the bot said nothing
    await store.record_handover(2)
    stats = await store.stats(7)
    assert stats.forum.posts == 4
    assert (stats.forum.answered, stats.forum.solved, stats.forum.handed_over) == (3, 1, 1)
    assert abs(stats.forum.solved_share - 1 / 3) < 1e-9
    assert [(i.item_id, i.answered, i.solved) for i in stats.forum.items] == [
        ("join", 2, 1), ("other", 1, 0)]
    assert stats.total == 4  # forum posts are questions too
    text = format_stats(stats, {"join": "How to join"})
    assert ("Help forum: 4 posts · answered automatically 3 · handed over "
            "to a helper 1\nMarked solved after the bot's answer: "
            "1 (33% of those answered)") in text
    assert "• How to join (join): solved 1 of 2" in text
    assert [g.example for g in await store.gaps(7)] == ["the weather?"]


async def test_no_forum_section_without_posts(store: Store) -> None:
    await store.record_question(question(asked_at=now()))
    stats = await store.stats(7)
    assert stats.forum == ForumFigures()
    assert "Help forum" not in format_stats(stats, {})


async def test_pruning_forgets_old_posts(store: Store, db_path: Path) -> None:
    old = question(asked_at=now() - dt.timedelta(days=100), channel_id=FORUM_CHANNEL)
    await store.record_forum_post(1, old, replied=True)
    await store.record_forum_post(2, post(), replied=True)
    await store.prune(90)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT thread_id FROM forum_posts").fetchall() == [("2",)]


async def test_question_asked_by_only_the_asker(store: Store) -> None:
    question_id = await store.record_question(question("how do I join?", user_id=7,
                                                       asked_at=now()))
    assert question_id is not None
    assert await store.question_asked_by(question_id, 7) == "how do I join?"
    assert await store.question_asked_by(question_id, 8) is None
    assert await store.question_asked_by(question_id + 1, 7) is None
