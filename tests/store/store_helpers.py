"""Records for the store tests."""

from __future__ import annotations

import datetime as dt

from bot.store import QuestionRecord

NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)


def question(text: str = "how do I join?", *, verdict: str = "answer", item_id: str | None = "join",
             score: float = 0.9, asked_at: dt.datetime = NOW, user_id: int | None = 1234,
             guild_id: str | None = "g1", channel_id: str = "c1",
             knowledge_base: str | None = None) -> QuestionRecord:
    return QuestionRecord(asked_at=asked_at, guild_id=guild_id, channel_id=channel_id,
                          user_id=user_id, text=text, verdict=verdict, item_id=item_id,
                          score=score, knowledge_base=knowledge_base)
