"""`/kb status` as a Reply: what is loaded, with the load time held as a datetime, no markup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.core.library import Library
from bot.core.replies.plain_text import readable_time, reply_to_text
from bot.core.replies.reply import Fact, ReplyKind, body_text
from bot.core.replies.status import render_status

TINY = Path(__file__).resolve().parents[2] / "fixtures" / "tiny" / "kb"
LOADED = dt.datetime(2026, 12, 7, 15, 2, tzinfo=dt.UTC)


def status_of_tiny() -> tuple[Library, str]:
    library = Library.open(TINY, clock=lambda: LOADED)
    return library, reply_to_text(render_status(library.current))


def test_the_status_holds_the_load_time_as_a_datetime() -> None:
    library, _ = status_of_tiny()
    reply = render_status(library.current)
    assert reply.kind is ReplyKind.INFO and reply.title == "Knowledge base status"
    assert Fact("Loaded", LOADED) in reply.facts
    kb = library.current.kb
    assert Fact("Entries", str(len(kb.entries))) in reply.facts
    assert Fact("Version", "1") in reply.facts
    assert "tiny.yaml" in reply.body


def test_no_discord_markup_in_the_core_text() -> None:
    _, text = status_of_tiny()
    assert "<t:" not in text and "<@" not in text and "<#" not in text
    assert "**Loaded:** 2026-12-07 15:02 UTC, " in text


def test_facts_come_first_one_line_each_and_a_datetime_is_written_by_the_caller() -> None:
    library, _ = status_of_tiny()
    text = body_text(render_status(library.current), lambda at: f"[{at:%H:%M}]")
    lines = text.split("\n")
    assert lines[:2] == ["**Entries:** 3", "**Table rows:** 3"]
    assert "**Loaded:** [15:02]" in lines
    assert "**Matching:** lexical\n\n**Source files (1):**\n• `" in text


def test_a_moment_reads_as_date_time_zone_and_how_long_ago() -> None:
    assert readable_time(LOADED, LOADED + dt.timedelta(seconds=20)) == \
        "2026-12-07 15:02 UTC, just now"
    assert readable_time(LOADED, LOADED + dt.timedelta(minutes=1)) == \
        "2026-12-07 15:02 UTC, 1 minute ago"
    assert readable_time(LOADED, LOADED + dt.timedelta(minutes=3, seconds=50)) == \
        "2026-12-07 15:02 UTC, 3 minutes ago"
    assert readable_time(LOADED, LOADED + dt.timedelta(hours=5)) == \
        "2026-12-07 15:02 UTC, 5 hours ago"
    assert readable_time(LOADED, LOADED + dt.timedelta(days=2, hours=1)) == \
        "2026-12-07 15:02 UTC, 2 days ago"
    assert readable_time(LOADED, LOADED - dt.timedelta(seconds=5)) == \
        "2026-12-07 15:02 UTC, just now"  # a clock a little behind is not "in the future"
