"""What the bot says, free of any platform: a Reply, its choices and its table view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class TableView:
    """A table (or one row of it) to show: header and rows of plain-text cells."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Choice:
    """A did-you-mean option or a see-also link: an id and its title."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Fact:
    """One labelled line of a reply; a moment stays a datetime, for each adapter to write."""

    label: str
    value: str | datetime


ALTERNATIVES_TITLE = "Not it? Maybe one of these:"  # above the choices under an answer


class ReplyKind(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    NONE = "none"
    INFO = "info"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot says, free of any platform: each adapter renders it its own way."""

    kind: ReplyKind
    title: str
    body: str = ""
    table: TableView | None = None
    # Did-you-mean options; on an answer, the runner-ups offered under it (ALTERNATIVES_TITLE).
    choices: tuple[Choice, ...] = ()
    see_also: tuple[Choice, ...] = ()
    footer: str | None = None
    item_id: str | None = None
    link: str | None = None  # where to read more: the source's http(s) address
    facts: tuple[Fact, ...] = ()  # shown before the body, one `**label:** value` line each


def choices_title(reply: Reply) -> str | None:
    """What stands above the reply's choices: on an answer they are its alternatives."""
    return ALTERNATIVES_TITLE if reply.kind is ReplyKind.ANSWER and reply.choices else None


def body_text(reply: Reply, write_time: Callable[[datetime], str]) -> str:
    """The reply's facts, one line each, then its body: what an adapter shows as the text."""
    lines = [f"**{fact.label}:** "
             + (write_time(fact.value) if isinstance(fact.value, datetime) else fact.value)
             for fact in reply.facts]
    return "\n\n".join(part for part in ("\n".join(lines), reply.body) if part)
