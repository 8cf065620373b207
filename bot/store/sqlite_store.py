"""The SQLite store of questions, clicks and votes.

One connection, used only by one dedicated worker thread: every database call is awaited
through `loop.run_in_executor`, so the event loop never blocks and writes are serialised.
Recording never raises: a locked, read-only, full or corrupt database is logged and the bot
carries on answering. Reports (`gaps`, `stats`, `export`) raise `StoreError` instead, so an
admin command can say the database is unavailable.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal, TextIO, TypeVar

from bot.core.curation.gaps import GapGroup
from bot.store import forum_queries, queries
from bot.store.clock import utc, window
from bot.store.export import export_rows
from bot.store.hashing import hash_user
from bot.store.records import ForumClaim, QuestionRecord, Stats, StoreError
from bot.store.schema import migrate

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_BUSY_TIMEOUT = 5.0  # seconds a write waits for another connection's lock
LOW_CONFIDENCE = 0.6  # answers scored below this count as gaps too
TERMINAL_CHANNEL = "terminal"
FORUM_CHANNEL = forum_queries.FORUM_CHANNEL


class Store:
    """Use `await Store.open(...)`; `await store.close()` when done."""

    def __init__(self, path: Path, executor: ThreadPoolExecutor, conn: sqlite3.Connection,
                 *, salt: str, store_user_ids: bool, version: int) -> None:
        self.path = path
        self.schema_version = version
        self._executor = executor
        self._conn: sqlite3.Connection | None = conn
        self._salt = salt
        self._store_user_ids = store_user_ids
        self._failing = False
        self.write_failures = 0  # recording calls that failed (for metrics)

    # -- life cycle ---------------------------------------------------------------------

    @classmethod
    async def open(cls, path: Path, *, salt: str, store_user_ids: bool = False,
                   busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
        """Open (creating it and its folder if needed) and migrate the database.

        Raises StoreError when the database cannot be opened or migrated.
        """
        if not salt:
            logger.warning("no salt for hashing user ids: hashes can be reversed by guessing ids")
        path = Path(path)
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faqbot-store")
        loop = asyncio.get_running_loop()
        try:
            conn, version = await loop.run_in_executor(
                executor, functools.partial(_connect, path, busy_timeout)
            )
        except (sqlite3.Error, OSError, StoreError) as exc:
            executor.shutdown(wait=False)
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        logger.info("database %s open at schema version %d", path, version)
        return cls(path, executor, conn, salt=salt, store_user_ids=store_user_ids,
                   version=version)

    async def close(self) -> None:
        """Finish queued work, close the connection and stop the worker. Idempotent."""
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, _close, conn)
        finally:
            self._executor.shutdown(wait=False)

    @property
    def closed(self) -> bool:
        return self._conn is None

    # -- recording: never raises ---------------------------------------------------------

    async def record_question(self, record: QuestionRecord) -> int | None:
        """Record a question; its row id, or None when the database failed (logged)."""
        user_hash = raw_id = None
        if record.user_id is not None:
            user_hash = hash_user(self._salt, record.user_id)
            raw_id = str(record.user_id) if self._store_user_ids else None
        work = functools.partial(queries.insert_question, record=record, user_hash=user_hash,
                                 raw_user_id=raw_id)
        return await self._record("record a question", work)

    async def record_click(self, question_id: int, item_id: str) -> None:
        """Note which suggestion (or alternative offered under an answer) was clicked."""
        now = utc()
        updated = await self._record(
            "record a suggestion click",
            functools.partial(queries.set_click, question_id=question_id, item_id=item_id,
                              now=now),
        )
        if updated == 0:
            logger.info("click on suggestion %s for unknown question %d (pruned?)",
                        item_id, question_id)

    async def record_feedback(self, question_id: int, user_id: int | str,
                              vote: int) -> tuple[int, int] | None:
        """Record a member's 👍 (+1) or 👎 (-1) on an answer, replacing any earlier vote.

        Returns the answer's (up, down) totals, or None when the database failed (logged).
        Raises ValueError only for a vote other than +1 or -1.
        """
        if vote not in (1, -1):
            raise ValueError(f"vote must be +1 or -1, not {vote!r}")
        voter_id = str(user_id) if self._store_user_ids else None
        work = functools.partial(queries.upsert_vote, question_id=question_id,
                                 voter_hash=hash_user(self._salt, user_id), voter_id=voter_id,
                                 vote=vote, now=utc())
        return await self._record("record feedback", work)

    async def record_forum_post(self, thread_id: int, record: QuestionRecord, *,
                                replied: bool) -> ForumClaim:
        """Record a new help-forum post and its question (channel `forum`) in one step.

        `new` is False when the post was recorded before: the bot has replied to it already.
        """
        user_hash, raw_id = self._user_columns(record.user_id)
        work = functools.partial(forum_queries.claim_post, thread_id=thread_id, record=record,
                                 user_hash=user_hash, raw_user_id=raw_id, replied=replied)
        claim = await self._record("record a forum post", work)
        return ForumClaim(new=True, question_id=None) if claim is None else claim

    async def record_forum_click(self, thread_id: int, item_id: str) -> None:
        """Note which suggestion the poster of a forum post picked."""
        await self._record("record a forum pick", functools.partial(
            forum_queries.set_click, thread_id=thread_id, item_id=item_id, now=utc()))

    async def record_solved(self, thread_id: int) -> bool | None:
        """Note a forum post solved; False if it was before, None when the database failed."""
        return await self._record("record a solved post", functools.partial(
            forum_queries.mark_solved, thread_id=thread_id, now=utc()))

    async def record_handover(self, thread_id: int) -> bool | None:
        """Note a helper called to a forum post; False if one was before, None on failure."""
        return await self._record("record a hand-over", functools.partial(
            forum_queries.mark_handed_over, thread_id=thread_id, now=utc()))

    async def record_reply_failed(self, thread_id: int) -> None:
        """Undo `record_forum_post`'s `replied`: the reply could not be sent."""
        await self._record("record a failed forum reply", functools.partial(
            forum_queries.unmark_replied, thread_id=thread_id))

    async def record_handover_failed(self, thread_id: int) -> None:
        """Undo `record_handover`: the helper could not be called."""
        await self._record("record a failed hand-over", functools.partial(
            forum_queries.unmark_handed_over, thread_id=thread_id))

    async def question_asked_by(self, question_id: int, user_id: int | str) -> str | None:
        """The text of a recorded question if `user_id` asked it, else None (also on failure)."""
        try:
            row = await self._run(functools.partial(queries.question_text, question_id=question_id,
                                                    user_hash=hash_user(self._salt, user_id)))
        except (sqlite3.Error, StoreError, OSError) as exc:
            logger.warning("could not read question %d: %s", question_id, exc)
            return None
        return row

    def _user_columns(self, user_id: int | str | None) -> tuple[str | None, str | None]:
        if user_id is None:
            return None, None
        return hash_user(self._salt, user_id), str(user_id) if self._store_user_ids else None

    async def prune(self, retention_days: int, *, now: dt.datetime | None = None) -> int:
        """Delete questions older than `retention_days` and their votes; rows deleted.

        A retention of 0 or less keeps everything. Never raises: failures are logged.
        """
        if retention_days <= 0:
            return 0
        cutoff = utc(now) - dt.timedelta(days=retention_days)
        result = await self._record(
            "prune old questions", functools.partial(_delete_before, cutoff=cutoff)
        )
        if result is None:
            return 0
        questions, votes = result
        if questions or votes:
            logger.info("pruned %d questions and %d votes older than %d days",
                        questions, votes, retention_days)
        return questions + votes

    # -- reports: raise StoreError -----------------------------------------------------------

    async def gaps(self, days: int, *, now: dt.datetime | None = None,
                   threshold: float = LOW_CONFIDENCE,
                   knowledge_base: str | None = None) -> list[GapGroup]:
        """Unanswered and low-confidence questions of the last `days` days, grouped; of one
        knowledge base (as the Recorder names it), or of every one when None."""
        return await self._read(functools.partial(queries.gaps, days=days, now=now,
                                                  threshold=threshold,
                                                  knowledge_base=knowledge_base))

    async def stats(self, days: int, *, now: dt.datetime | None = None,
                    threshold: float = LOW_CONFIDENCE,
                    knowledge_base: str | None = None) -> Stats:
        """Usage figures of the last `days` days (of one knowledge base, or every one)."""
        return await self._read(functools.partial(_stats, days=days, now=now,
                                                  threshold=threshold,
                                                  knowledge_base=knowledge_base))

    async def export(self, fmt: Literal["csv", "jsonl"], out: TextIO, *,
                     days: int | None = None, now: dt.datetime | None = None,
                     knowledge_base: str | None = None) -> int:
        """Write the questions of the last `days` UTC days (all when None) to `out`, of one
        knowledge base (every one when None); rows written, oldest first.

        Writing happens on the worker thread: leave `out` alone until this returns.
        """
        since = None if days is None else window(days, now)[0]
        return await self._read(functools.partial(export_rows, fmt=fmt, out=out, since=since,
                                                  knowledge_base=knowledge_base))

    # -- the worker -------------------------------------------------------------------------

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work(connection)` on the worker thread."""
        conn = self._conn
        if conn is None:
            raise StoreError(f"database {self.path} is closed")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, work, conn)
        except RuntimeError as exc:  # the executor was shut down under us
            raise StoreError(f"database {self.path} is closed") from exc

    async def _record(self, what: str, work: Callable[..., T]) -> T | None:
        try:
            result = await self._run(functools.partial(queries.write, work=work))
        except (sqlite3.Error, StoreError, OSError) as exc:
            self.write_failures += 1
            if self._failing:
                logger.debug("could not %s: %s", what, exc)
            else:
                self._failing = True
                logger.warning("could not %s in %s: %s (%s); the bot carries on without "
                               "recording until the database recovers",
                               what, self.path, exc, _error_name(exc))
            return None
        except Exception:
            self.write_failures += 1
            logger.exception("could not %s in %s", what, self.path)
            return None
        if self._failing:
            self._failing = False
            logger.warning("database %s is recording again", self.path)
        return result

    async def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return await self._run(work)
        except sqlite3.Error as exc:
            logger.warning("database %s could not be read: %s", self.path, exc)
            raise StoreError(f"database {self.path} could not be read: {exc}") from exc


def _stats(conn: sqlite3.Connection, *, days: int, now: dt.datetime | None,
           threshold: float, knowledge_base: str | None) -> Stats:
    stats = queries.stats(conn, days=days, now=now, threshold=threshold,
                          knowledge_base=knowledge_base)
    return dataclasses.replace(stats, forum=forum_queries.figures(
        conn, stats.since, stats.until, knowledge_base=knowledge_base))


def _delete_before(conn: sqlite3.Connection, *, cutoff: dt.datetime) -> tuple[int, int]:
    deleted = queries.delete_before(conn, cutoff=cutoff)
    forum_queries.delete_posts_before(conn, cutoff=cutoff)
    return deleted


def _connect(path: Path, busy_timeout: float) -> tuple[sqlite3.Connection, int]:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            logger.warning("database %s runs in %s journal mode, not WAL", path, mode)
        # In WAL mode NORMAL loses no committed transaction when the process dies; only a
        # power cut can cost the last few, and never corrupts the file.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        version = migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn, version


def _close(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("PRAGMA optimize")
    except sqlite3.Error:
        logger.debug("PRAGMA optimize failed on close", exc_info=True)
    conn.close()


def _error_name(exc: BaseException) -> Any:
    return getattr(exc, "sqlite_errorname", type(exc).__name__)
