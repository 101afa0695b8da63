"""Step 5 of the pipeline: writing days, "today", and the streaks they make.

Library code: plain dates in, plain numbers out. The day rule is the history's:
a moment falls on the calendar day of `stats.timezone` (or, with no time zone set, of the
UTC offset it carries), counted from `stats.day_starts_at` o'clock, so writing at 1 a.m.
with `day_starts_at: 4` belongs to the day before.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from .statsfile import HistoryEntry, Streaks


@dataclass(frozen=True)
class DayRule:
    """Which calendar day a moment belongs to."""

    zone: tzinfo | None = None
    """`stats.timezone`; None means "the moment's own UTC offset"."""
    day_starts_at: int = 0

    def day(self, moment: datetime) -> date:
        """The writing day of an aware `moment` (wall-clock arithmetic across DST).

        Moments within hours of the ends of the calendar (0001-01-01, 9999-12-31) whose
        local day would fall outside it take the first or last day there is.
        """
        try:
            local = moment.astimezone(self.zone) if self.zone is not None else moment
            return (local - timedelta(hours=self.day_starts_at)).date()
        except OverflowError:
            return date.max if moment.year > 1 else date.min

    def today(self, now: datetime, author_offset: tzinfo | None = None) -> date:
        """The writing day of the run at `now`.

        With a time zone, `now` is taken in it. Without one, days are the authors' own
        wall-clock days, so "today" is taken in the UTC offset of the newest history entry's
        commit (`author_offset`) -- the author's latest known clock -- or in UTC when there is
        no history. So a streak does not end at UTC midnight for an author in California.
        """
        if self.zone is None:
            try:
                now = now.astimezone(author_offset or UTC)
            except OverflowError:  # `now` within hours of 0001-01-01 or 9999-12-31
                return date.max if now.year > 1 else date.min
        return self.day(now)


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


__all__ = ["DayRule", "compute_streaks", "is_writing_day"]
