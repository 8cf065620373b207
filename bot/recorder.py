"""What the adapters tell the curation store: questions, clicks and votes. Never raises."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from bot.core.models import Match

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)


class Recorder:
    """Writes to the store when there is one; a failure is logged and the bot goes on."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store

    async def question(self, *, guild_id: int | None, channel_id: int | str, user_id: int,
                       text: str, match: Match) -> int | None:
        if self.store is None:
            return None
        from bot.store import QuestionRecord

        record = QuestionRecord(
            asked_at=dt.datetime.now(dt.UTC),
            guild_id=str(guild_id) if guild_id is not None else None,
            channel_id=str(channel_id),
            user_id=user_id,
            text=text,
            verdict=match.verdict.value,
            item_id=match.best.id if match.best else None,
            score=match.score,
        )
        try:
            return await self.store.record_question(record)
        except Exception:
            log.exception("could not record a question")
            return None

    async def click(self, question_id: int | None, item_id: str) -> None:
        if self.store is None or question_id is None:
            return
        try:
            await self.store.record_click(question_id, item_id)
        except Exception:
            log.exception("could not record a click")

    async def feedback(self, question_id: int | None, user_id: int,
                       vote: int) -> tuple[int, int] | None:
        if self.store is None or question_id is None:
            return None
        try:
            return await self.store.record_feedback(question_id, user_id, vote)
        except Exception:
            log.exception("could not record feedback")
            return None
