"""Step 5 of the pipeline: writing days, "today", and the streaks they make.

Library code: plain dates in, plain numbers out. Which day a moment falls on is the
history's day rule (:class:`.history.days.DayRule`); this module takes the days it made.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, timedelta

from .statsfile import HistoryEntry, Streaks


def is_writing_day(entry: HistoryEntry, daily_goal: int | None) -> bool:
    """A history day with a manuscript commit; with a goal, only when the day's words added
    reached it (so a day of heavy revision that wrote enough new words counts). A day kept
    from a 1.0.0 file, without `words_added`, is measured by its `words_written`."""
    if entry.commits < 1:
        return False
    if daily_goal is None:
        return True
    added = entry.words_added if entry.words_added is not None else entry.words_written
    return added >= daily_goal


def compute_streaks(
    history: Iterable[HistoryEntry], *, today: date, daily_goal: int | None = None
) -> Streaks:
    """The streaks of `history` (any order) as of `today`.

    `current_days` is the run of consecutive writing days that ends on the last writing
    day when that day is today or yesterday (or later: a commit dated ahead of the run's
    clock still keeps the streak alive), otherwise 0.
    """
    days = sorted({date.fromisoformat(e.date) for e in history if is_writing_day(e, daily_goal)})
    if not days:
        return Streaks()
    longest = run = 1
    for previous, day in itertools.pairwise(days):
        run = run + 1 if day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
    last = days[-1]
    current = run if (today - last).days <= 1 else 0  # (no `today - 1`: today may be 0001-01-01)
    return Streaks(
        current_days=current,
        longest_days=longest,
        last_write_date=last.isoformat(),
        total_writing_days=len(days),
    )


__all__ = ["compute_streaks", "is_writing_day"]
