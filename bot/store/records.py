"""What the store records and what it reports: plain frozen values, no database handles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.curation.gaps import GapGroup

VERDICTS = ("answer", "suggest", "none")
TOP_ENTRIES = 10


class StoreError(Exception):
    """The database could not be opened or read; the message says why."""


@dataclass(frozen=True)
class QuestionRecord:
    """One question asked of the bot and what the bot made of it."""

    asked_at: dt.datetime
    guild_id: str | None
    channel_id: str
    user_id: int | str | None
    text: str
    verdict: str
    item_id: str | None
    score: float
    knowledge_base: str | None = None  # which knowledge base answered (its folder)


@dataclass(frozen=True)
class ItemStats:
    """How one entry fared: questions it answered, suggestions clicked to it, votes."""

    item_id: str
    answered: int
    clicked: int
    up: int
    down: int

    @property
    def asked(self) -> int:
        return self.answered + self.clicked


@dataclass(frozen=True)
class DayCount:
    """Questions asked on one UTC day, by verdict."""

    day: dt.date
    answer: int = 0
    suggest: int = 0
    none: int = 0

    @property
    def total(self) -> int:
        return self.answer + self.suggest + self.none


@dataclass(frozen=True)
class ForumItem:
    """How one entry fared in help-forum posts: posts its answer was given in, and solved."""

    item_id: str
    answered: int
    solved: int


@dataclass(frozen=True)
class ForumFigures:
    """Deflection in the help forums: posts the bot answered, then solved or handed over."""

    posts: int = 0  # posts opened in a help forum, answered or not
    answered: int = 0  # the bot replied (an answer or suggestions)
    solved: int = 0  # marked solved after the bot's reply
    handed_over: int = 0  # "Still need help" pressed
    items: tuple[ForumItem, ...] = ()

    @property
    def solved_share(self) -> float:
        return self.solved / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class ForumClaim:
    """A help-forum post noted in the store: `new` is False when it was noted before (the bot
    replied to it already); `question_id` is None when the database failed."""

    new: bool
    question_id: int | None


@dataclass(frozen=True)
class Stats:
    """Usage over a window of days ending at `until`."""

    days: int
    since: dt.datetime
    until: dt.datetime
    total: int
    answered: int
    suggested: int
    unanswered: int
    clicks: int
    items: tuple[ItemStats, ...]
    per_day: tuple[DayCount, ...]
    top_gaps: tuple[GapGroup, ...]
    forum: ForumFigures = ForumFigures()

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0

    @property
    def up(self) -> int:
        return sum(item.up for item in self.items)

    @property
    def down(self) -> int:
        return sum(item.down for item in self.items)

    @property
    def top_entries(self) -> tuple[ItemStats, ...]:
        ranked = sorted(self.items, key=lambda item: (-item.asked, item.item_id))
        return tuple(item for item in ranked if item.asked)[:TOP_ENTRIES]
