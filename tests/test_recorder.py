"""The Recorder: bounded waits, and nothing in flight lost when it closes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.core.matching.match import Candidate, Match, Verdict
from bot.recorder import Recorder

MATCH = Match("q", Verdict.ANSWER, (Candidate("a", 0.9),))


class SlowStore:
    """Stands in for Store: each write takes `delay` seconds; the order of events is kept."""

    def __init__(self, delay: float, *, fail: bool = False) -> None:
        self.delay = delay
        self.fail = fail
        self.events: list[str] = []

    async def record_question(self, record: Any) -> int:
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("disk on fire")
        self.events.append("written")
        return 7

    async def close(self) -> None:
        self.events.append("closed")


async def ask(recorder: Recorder) -> int | None:
    return await recorder.question(guild_id=None, channel_id=1, user_id=2, text="q", match=MATCH)


async def test_a_slow_write_is_not_waited_for_but_finished_before_closing() -> None:
    store = SlowStore(0.2)
    recorder = Recorder(store, wait=0.01)  # type: ignore[arg-type]
    assert await ask(recorder) is None  # answered without the record
    assert store.events == []
    await recorder.close()
    assert store.events == ["written", "closed"]


async def test_a_delayed_write_that_fails_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    store = SlowStore(0.05, fail=True)
    recorder = Recorder(store, wait=0.01)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="bot.recorder"):
        assert await ask(recorder) is None
        await recorder.close()
    assert any("delayed write failed" in r.getMessage() for r in caplog.records)
    assert store.events == ["closed"]


async def test_closing_without_a_store_is_a_no_op() -> None:
    await Recorder().close()
