"""Words added per day, as the images read them from the history.

Pure functions over the stats data; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..statsfile import HistoryEntry, words_added

#: Month names on the axes of the calendar, the summary's chart and the terminal heatmap.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def added_by_day(history: Iterable[HistoryEntry]) -> dict[date, int]:
    """Words added on each history day."""
    return {date.fromisoformat(entry.date): words_added(entry) for entry in history}


__all__ = ["MONTHS", "added_by_day", "words_added"]
