"""What the adapters tell the curation store: questions, clicks and votes. Never raises."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.core.matching.match import Match
from bot.store import FORUM_CHANNEL, ForumClaim, QuestionRecord, Store

log = logging.getLogger(__name__)

T = TypeVar("T")

# Discord drops an interaction not answered within 3 s, and a locked database makes a write
# wait for the store's busy timeout (5 s): an answer waits for its record this long at most.
RECORD_WAIT = 1.5


class Recorder:
    """Writes to the store when there is one; a failure is logged and the bot goes on."""

    def __init__(self, store: Store | None = None, *, wait: float = RECORD_WAIT,
                 knowledge_base: str | None = None) -> None:
        self.store = store
        self.wait = wait
        self.knowledge_base = knowledge_base  # recorded with every question
        self._pending: set[asyncio.Future[Any]] = set()

    async def _bounded(self, what: str, write: Awaitable[T]) -> T | None:
        """The write's result, or None if it takes longer than `wait`: it then goes on in the
        background (nothing is lost once the database is free) and the answer does not wait."""
        task = asyncio.ensure_future(write)
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.wait)
        except TimeoutError:
            log.warning("could not %s within %.1f s (database busy?): answering without it; "
                        "it is still being written", what, self.wait)
            self._pending.add(task)
            task.add_done_callback(self._finished)
            return None

    def _finished(self, task: asyncio.Future[Any]) -> None:
        """A write that outlived `wait` is done: log its failure, which no caller awaits."""
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a delayed write failed", exc_info=task.exception())

    async def close(self) -> None:
        """Let writes still in progress finish, then close the store."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        if self.store is not None:
            await self.store.close()

    async def _write(self, what: str, write: Callable[[Store], Awaitable[T]], *,
                     bounded: bool = True) -> T | None:
        """`write` to the store: its result, or None without a store, when it failed (logged)
        or, `bounded`, when it takes longer than `wait` (see `_bounded`)."""
        if self.store is None:
            return None
        try:
            if bounded:
                return await self._bounded(what, write(self.store))
            return await write(self.store)
        except Exception:
            log.exception("could not %s", what)
            return None

    async def question(self, *, guild_id: int | None, channel_id: int | str, user_id: int | str,
                       text: str, match: Match) -> int | None:
        record = _record(guild_id=guild_id, channel_id=channel_id, user_id=user_id, text=text,
                         match=match, knowledge_base=self.knowledge_base)
        return await self._write("record a question",
                                 lambda store: store.record_question(record))

    async def forum_post(self, *, thread_id: int, guild_id: int | None, user_id: int,
                         text: str, match: Match, replied: bool) -> ForumClaim:
        """Record a new help-forum post (its question with the channel `forum`); not `new`
        when it was recorded before. Without a store every post is new."""
        record = _record(guild_id=guild_id, channel_id=FORUM_CHANNEL, user_id=user_id,
                         text=text, match=match, knowledge_base=self.knowledge_base)
        claim = await self._write("record a forum post", lambda store: store.record_forum_post(
            thread_id, record, replied=replied))
        return claim or ForumClaim(new=True, question_id=None)

    async def forum_click(self, thread_id: int, item_id: str) -> None:
        await self._write("record a forum pick",
                          lambda store: store.record_forum_click(thread_id, item_id),
                          bounded=False)

    async def solved(self, thread_id: int) -> bool | None:
        """Note a forum post solved: False if it was before, None when not recorded."""
        return await self._write("record a solved post",
                                 lambda store: store.record_solved(thread_id))

    async def handover(self, thread_id: int) -> bool | None:
        """Note a helper called to a forum post: False if one was before, None when not
        recorded."""
        return await self._write("record a hand-over",
                                 lambda store: store.record_handover(thread_id))

    async def reply_failed(self, thread_id: int) -> None:
        """The reply to a forum post recorded as replied could not be sent."""
        await self._write("record a failed forum reply",
                          lambda store: store.record_reply_failed(thread_id), bounded=False)

    async def handover_failed(self, thread_id: int) -> None:
        """The helper noted by `handover` could not be called after all."""
        await self._write("record a failed hand-over",
                          lambda store: store.record_handover_failed(thread_id), bounded=False)

    async def asked_by(self, question_id: int, user_id: int) -> str | None:
        """The recorded question's text if `user_id` asked it; None otherwise or unknown."""
        return await self._write("read a question",
                                 lambda store: store.question_asked_by(question_id, user_id))

    async def click(self, question_id: int | None, item_id: str) -> None:
        if question_id is not None:
            await self._write("record a click",
                              lambda store: store.record_click(question_id, item_id),
                              bounded=False)

    async def feedback(self, question_id: int | None, user_id: int,
                       vote: int) -> tuple[int, int] | None:
        if question_id is None:
            return None
        return await self._write("record feedback",
                                 lambda store: store.record_feedback(question_id, user_id, vote))


def _record(*, guild_id: int | None, channel_id: int | str, user_id: int | str, text: str,
            match: Match, knowledge_base: str | None) -> QuestionRecord:
    return QuestionRecord(
        asked_at=dt.datetime.now(dt.UTC),
        guild_id=str(guild_id) if guild_id is not None else None,
        channel_id=str(channel_id),
        user_id=user_id,
        text=text,
        verdict=match.verdict.value,
        item_id=match.best.id if match.best else None,
        score=match.score,
        knowledge_base=knowledge_base,
    )
