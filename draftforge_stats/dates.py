"""Dates and times as the stats file writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def utc_iso(moment: datetime) -> str:
    """`2025-10-29T14:30:00Z`: UTC, whole seconds, the year always in four digits (`strftime`
    writes the year 1 as `1`)."""
    utc = moment.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return utc.isoformat(timespec="seconds") + "Z"


def window_end(end: date, days: int) -> date:
    """`end`, or the first day a window of `days` days ending there can have: pictures and
    charts of the last weeks stay within the calendar when "today" is 0001-01-01."""
    return max(end, date.min + timedelta(days=days))
