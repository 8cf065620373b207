"""The record of questions asked, suggestions clicked and answers voted on, in SQLite."""

from __future__ import annotations

from bot.core.curation.gaps import GapGroup
from bot.store.records import (
    DayCount,
    ForumClaim,
    ForumFigures,
    ForumItem,
    ItemStats,
    QuestionRecord,
    Stats,
    StoreError,
)
from bot.store.report import format_gaps, format_stats
from bot.store.sqlite_store import FORUM_CHANNEL, TERMINAL_CHANNEL, Store

__all__ = [
    "FORUM_CHANNEL",
    "TERMINAL_CHANNEL",
    "DayCount",
    "ForumClaim",
    "ForumFigures",
    "ForumItem",
    "GapGroup",
    "ItemStats",
    "QuestionRecord",
    "Stats",
    "Store",
    "StoreError",
    "format_gaps",
    "format_stats",
]
