"""The chart PNG and the plain-text reports."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image
from store_helpers import NOW

from bot.core.curation.gaps import GapGroup
from bot.store import DayCount, ItemStats, Stats, format_gaps, format_stats
from bot.store.chart import render_stats_chart


def make_stats(days: int = 7, *, gaps: int = 2, items: int = 3, per_day: int = 5) -> Stats:
    first = NOW.date() - dt.timedelta(days=days - 1)
    counts = tuple(DayCount(first + dt.timedelta(days=i), answer=per_day * i, suggest=i % 3,
                            none=1) for i in range(days))
    groups = tuple(GapGroup(f"gap question {i}", 10 - i, (f"gap question {i}",), NOW, ("join",))
                   for i in range(gaps))
    return Stats(
        days=days, since=dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC), until=NOW,
        total=sum(c.total for c in counts), answered=sum(c.answer for c in counts),
        suggested=sum(c.suggest for c in counts), unanswered=sum(c.none for c in counts),
        clicks=2, items=tuple(ItemStats(f"item-{i}", 10 - i, 1, i, 1) for i in range(items)),
        per_day=counts, top_gaps=groups,
    )


def test_chart_is_a_png_of_sensible_size_with_coloured_bars() -> None:
    png = render_stats_chart(make_stats(30))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.verify()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert (image.width, image.height) == (960, 440)
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20) or []}
    assert {(67, 160, 71), (251, 192, 45), (229, 57, 53)} <= colours
    assert len(png) < 200_000


def test_chart_of_an_empty_period_and_of_one_day() -> None:
    empty = make_stats(1, per_day=0)
    empty = Stats(**{**empty.__dict__, "per_day": (DayCount(NOW.date()),), "total": 0,
                     "answered": 0, "suggested": 0, "unanswered": 0})
    for stats in (empty, make_stats(1), make_stats(90)):
        Image.open(io.BytesIO(render_stats_chart(stats))).verify()


def test_format_stats_shows_totals_shares_entries_votes_and_gaps() -> None:
    stats = make_stats(7)
    text = format_stats(stats, {"item-0": "Joining the server"})
    assert f"last 7 days ({stats.since.date()} to {NOW.date()}, UTC): {stats.total}" in text
    assert f"Answered {stats.answered} ({stats.answered / stats.total:.0%})" in text
    assert "suggestions clicked 2" in text
    assert "1. Joining the server (item-0) — 11 asked · 👍 0 · 👎 1" in text
    assert "item-2: 👍 2 · 👎 1" in text
    assert '1. ×10 "gap question 0" — last 2025-03-10' in text


def test_reports_stay_within_the_limit_with_and_more() -> None:
    groups = [GapGroup("a long question " * 20, 100 - i, ("x",), None, ()) for i in range(200)]
    text = format_gaps(groups)
    assert len(text) <= 4000
    assert text.splitlines()[-1].startswith("…and ")
    assert "…" in text.splitlines()[1]  # examples are clipped too
    stats = make_stats(7, gaps=5, items=400)
    titles = {f"item-{i}": "T" * 200 for i in range(400)}
    text = format_stats(stats, titles)
    assert len(text) <= 4000
    assert "…and " in text


def test_format_gaps_lists_phrasings_and_candidates() -> None:
    group = GapGroup("reset password", 3, ("reset password", "how to reset my password?"), NOW,
                     ("account", "login"))
    text = format_gaps([group], titles={"account": "Your account"})
    assert text.splitlines() == [
        "3 questions in 1 group, most frequent first:",
        '1. ×3 "reset password" — last 2025-03-10',
        '   also: "how to reset my password?"',
        "   closest entries: Your account (account), login",
    ]
    assert format_gaps([]).startswith("No unanswered")


def _dark_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return sum(image.crop(box).convert("L").histogram()[:128])


def test_the_last_day_always_has_a_date_label() -> None:
    from bot.store.chart import HEIGHT, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, WIDTH

    for days in (7, 30, 31, 90):
        image = Image.open(io.BytesIO(render_stats_chart(make_stats(days)))).convert("RGB")
        slot = (WIDTH - MARGIN_RIGHT - MARGIN_LEFT) / days
        bottom = HEIGHT - MARGIN_BOTTOM
        for index in (days - 1, days - 2):
            centre = int(MARGIN_LEFT + index * slot + slot / 2)
            labelled = _dark_pixels(image, (centre - 2, bottom + 8, centre + 3, bottom + 22))
            if index == days - 1:
                assert labelled, f"{days} days: the last bar has no date"
            elif days in (30, 31):  # labels are spread out: the one before the last has none
                assert not labelled, f"{days} days: labels too close together"
