"""Prune the question log daily: rows older than RETENTION_DAYS are deleted."""

from __future__ import annotations

import asyncio
import contextlib

from bot.recorder import Recorder

DAY = 24 * 60 * 60.0


class RetentionTask:
    """Prunes once at start, then every `interval` seconds, until stopped."""

    def __init__(self, recorder: Recorder, retention_days: int, interval: float = DAY) -> None:
        self.recorder = recorder
        self.retention_days = retention_days
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None and self.recorder.store is not None:
            self._task = asyncio.create_task(self._run(), name="faqbot-retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def prune_once(self) -> int:
        store = self.recorder.store
        if store is None:
            return 0
        return await store.prune(self.retention_days)  # logs what it did; never raises

    async def _run(self) -> None:
        while True:
            await self.prune_once()
            await asyncio.sleep(self.interval)
