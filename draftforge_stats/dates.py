"""Dates and times as the stats file writes them."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_iso(moment: datetime) -> str:
    """`2025-10-29T14:30:00Z`: UTC, whole seconds, the year always in four digits (`strftime`
    writes the year 1 as `1`)."""
    utc = moment.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return utc.isoformat(timespec="seconds") + "Z"
