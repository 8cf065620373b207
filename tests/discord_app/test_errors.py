"""When something of ours fails, the member gets a short apology and the log the traceback."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from faqbot_harness import Harness

from bot.core.library import Library, Snapshot
from bot.core.matching.match import Match, Verdict
from bot.discord_app.notice import APOLOGY
from bot.discord_app.retention import RetentionTask
from bot.recorder import Recorder
from bot.store import QuestionRecord

EPHEMERAL = 64


class FailingLibrary(Library):
    """A library whose knowledge base cannot be read: every answer fails inside the cog."""

    def __init__(self, real: Library) -> None:
        super().__init__(real.folder, real.current)

    @property
    def current(self) -> Snapshot:
        raise RuntimeError("the matcher exploded")


async def test_a_failing_command_apologises_and_logs(harness: Harness,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    harness.bot.library = FailingLibrary(harness.library)
    with caplog.at_level(logging.ERROR):
        record = await harness.slash("ask", {"question": "how do i brew tea?"})
    data = record.json["data"]
    assert data["content"] == APOLOGY
    assert data["flags"] & EPHEMERAL
    assert "Traceback" not in data["content"]
    assert any("the matcher exploded" in (r.exc_text or str(r.exc_info)) for r in caplog.records
               if r.exc_info or r.exc_text)
    harness.bot.library = harness.library
    record = await harness.slash("ask", {"question": "how do i brew tea?"})
    assert record.json["data"]["embeds"]  # the bot goes on
    harness.assert_valid()


async def test_retention_prunes_old_rows(harness: Harness) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
    match = Match("old question", Verdict.NONE, ())
    recorder = Recorder(harness.store)
    question_id = await recorder.question(guild_id=None, channel_id="terminal", user_id=1,
                                          text="old question", match=match)
    assert question_id is not None
    await harness.store.record_question(QuestionRecord(
        asked_at=old, guild_id=None, channel_id="terminal", user_id=2, text="older question",
        verdict="none", item_id=None, score=0.0))
    deleted = await RetentionTask(recorder, retention_days=90).prune_once()
    assert deleted == 1
    stats = await harness.store.stats(365)
    assert stats.total == 1
