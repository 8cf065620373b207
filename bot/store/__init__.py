"""The record of questions asked, suggestions clicked and answers voted on, in SQLite."""

from __future__ import annotations

from bot.core.gaps import GapGroup
from bot.store.records import DayCount, ItemStats, QuestionRecord, Stats, StoreError
from bot.store.report import format_gaps, format_stats
from bot.store.sqlite_store import TERMINAL_CHANNEL, Store

__all__ = [
    "TERMINAL_CHANNEL",
    "DayCount",
    "GapGroup",
    "ItemStats",
    "QuestionRecord",
    "Stats",
    "Store",
    "StoreError",
    "format_gaps",
    "format_stats",
]
