"""Goals and pace: how far the manuscript is from its target, and how fast it is getting there.

Pure: the history, the settings and "today" in, a :class:`Goal` (and per-chapter
:class:`ChapterTarget` values) out. No git, no files, no clock, no printing.

Definitions (the README's "Goals and pace" says the same):

* a **writing day** is a weekday listed in `stats.writing_days` (every day by default);
* `days_remaining`: the writing days from today to the deadline, both included, except
  that today is left out once something was written today (a history entry for today);
* `words_per_day_needed`: `words_remaining` over `days_remaining`, rounded up; null when
  there is no deadline or no writing day is left;
* `par`: the start is the end of the first history day (its date and its `word_count`);
  par is where a straight line from there to the target on the deadline would have the
  author at the end of today, moving only on writing days (rounded down); the target
  itself from the deadline on; `ahead_by` is `word_count - par`;
* `recent_pace`: the words added over the 14 days ending today, divided by the writing
  days among those 14 days (rounded down); a day from an older stats file without
  `words_added` counts its `words_written` when positive;
* `projected_finish`: the writing day on which `words_remaining` is reached at
  `recent_pace` words per writing day, counting from the first day `days_remaining`
  counts; today when nothing remains; null when the pace is 0 or the date would be past
  the year 9999.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, timedelta

from .statsfile import GoalInfo, HistoryEntry, TargetInfo, words_added

__all__ = [
    "OVERRUN_THRESHOLD",
    "PACE_WINDOW",
    "WEEKDAYS",
    "chapter_target",
    "compute_goal",
    "count_writing_days",
    "nth_writing_day",
]

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
"""The names `stats.writing_days` accepts, in `date.weekday()` order."""

PACE_WINDOW = 14
"""Days (today included) over which `recent_pace` is measured."""

OVERRUN_THRESHOLD = 1.10
"""A chapter overruns its target past 110 % of it."""


def weekday_numbers(names: Iterable[str]) -> frozenset[int]:
    """`("monday", "friday")` -> `{0, 4}`; no names means every day."""
    numbers = frozenset(WEEKDAYS.index(name) for name in names)
    return numbers or frozenset(range(7))


def count_writing_days(first: date, last: date, weekdays: Collection[int]) -> int:
    """Writing days from `first` to `last`, both included (0 when `last` < `first`).

    Arithmetic, not a loop: bounded whatever the dates.
    """
    if last < first:
        return 0
    span = (last - first).days + 1
    weeks, rest = divmod(span, 7)
    start = first.weekday()
    return weeks * len(weekdays) + sum((start + k) % 7 in weekdays for k in range(rest))


def nth_writing_day(first: date, n: int, weekdays: Collection[int]) -> date | None:
    """The `n`-th writing day (1-based) from `first` on, or None past `date.max`."""
    if n < 1 or not weekdays:
        return None
    weeks, rest = divmod(n - 1, len(weekdays))
    try:
        day = first + timedelta(days=7 * weeks)
        while day.weekday() not in weekdays:
            day += timedelta(days=1)
        for _ in range(rest):
            day += timedelta(days=1)
            while day.weekday() not in weekdays:
                day += timedelta(days=1)
    except OverflowError:
        return None
    return day


def compute_goal(
    history: Sequence[HistoryEntry],
    *,
    word_count: int,
    target: int | None,
    deadline: date | None,
    writing_days: Collection[int],
    today: date,
) -> GoalInfo | None:
    """The goal of a project with `word_count` words now; None without a target."""
    if target is None:
        return None
    weekdays = frozenset(writing_days) or frozenset(range(7))
    remaining = max(target - word_count, 0)
    by_day = {date.fromisoformat(entry.date): entry for entry in history}
    written_today = today in by_day and by_day[today].commits > 0
    first_counted = today + timedelta(days=1) if written_today else today

    window_start = today - timedelta(days=PACE_WINDOW - 1)
    added = sum(words_added(entry) for day, entry in by_day.items() if window_start <= day <= today)
    window_days = count_writing_days(window_start, today, weekdays)
    pace = added // window_days if window_days else 0

    if remaining == 0:
        finish: date | None = today
    elif pace > 0:
        finish = nth_writing_day(first_counted, math.ceil(remaining / pace), weekdays)
    else:
        finish = None

    days_left: int | None = None
    needed: int | None = None
    par: int | None = None
    ahead: int | None = None
    if deadline is not None:
        days_left = count_writing_days(first_counted, deadline, weekdays)
        needed = math.ceil(remaining / days_left) if days_left else (0 if not remaining else None)
        par = _par(by_day, word_count, target, deadline, weekdays, today)
        ahead = word_count - par
    return GoalInfo(
        target_word_count=target,
        deadline=deadline.isoformat() if deadline else None,
        words_remaining=remaining,
        days_remaining=days_left,
        words_per_day_needed=needed,
        par=par,
        ahead_by=ahead,
        recent_pace=pace,
        projected_finish=finish.isoformat() if finish else None,
    )


def _par(
    by_day: Mapping[date, HistoryEntry],
    word_count: int,
    target: int,
    deadline: date,
    weekdays: Collection[int],
    today: date,
) -> int:
    """Where the straight line from the start to (deadline, target) is at the end of today."""
    if today >= deadline:
        return target
    if by_day:
        start = min(by_day)
        start_words = by_day[start].word_count
    else:
        start, start_words = today, word_count  # no history: the line starts now
    total = count_writing_days(start + timedelta(days=1), deadline, weekdays)
    if total == 0 or today <= start:
        return start_words
    elapsed = count_writing_days(start + timedelta(days=1), today, weekdays)
    return start_words + (target - start_words) * elapsed // total


def chapter_target(words: int, target: int | None) -> TargetInfo | None:
    """A chapter's progress toward its target (None without one)."""
    if target is None:
        return None
    return TargetInfo(
        words=target,
        percent=round(100 * words / target, 1),
        overrun=words > target * OVERRUN_THRESHOLD,
    )
