"""How times are written to the database: UTC ISO-8601 of fixed width, so text sorts by time."""

from __future__ import annotations

import datetime as dt

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc(moment: dt.datetime | None = None) -> dt.datetime:
    """The moment in UTC (now when None); a naive moment is taken to be UTC already."""
    if moment is None:
        return dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def to_db(moment: dt.datetime) -> str:
    return utc(moment).strftime(_FORMAT)


def from_db(text: str) -> dt.datetime:
    return utc(dt.datetime.fromisoformat(text))


def window(days: int, now: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """The last `days` whole UTC days up to `now`: today so far and the days before it.

    Day-aligned, so the totals agree with a chart of questions per day.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    until = utc(now)
    first = until.date() - dt.timedelta(days=days - 1)
    return dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC), until
