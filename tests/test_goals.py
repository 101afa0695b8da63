"""Goals and pace: hand-worked numbers on a calendar of weekdays (March 2026).

2026-03-02 is a Monday; with writing days Monday to Friday, March 3 to 31 holds 21 writing
days (4 + 5 + 5 + 5 + 2) and March 3 to 16 holds 10.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from draftforge_stats.goals import (
    chapter_target,
    compute_goal,
    count_writing_days,
    nth_writing_day,
    weekday_numbers,
)
from draftforge_stats.statsfile import GoalInfo, HistoryEntry, TargetInfo

WEEKDAYS = weekday_numbers(["monday", "tuesday", "wednesday", "thursday", "friday"])
SHA = "a" * 40


def entry(day: str, words: int, written: int, added: int | None) -> HistoryEntry:
    return HistoryEntry(
        date=day,
        word_count=words,
        chapter_count=1,
        commits=1,
        words_written=written,
        words_added=added,
        words_deleted=None if added is None else max(added - written, 0),
        commit_sha=SHA,
    )


HISTORY = [
    entry("2026-03-13", 4000, 1500, 1500),
    entry("2026-03-10", 2500, 1500, 1600),
    entry("2026-03-02", 1000, 1000, 1000),
]


def _goal(history: Sequence[HistoryEntry] = HISTORY, **changes: Any) -> GoalInfo | None:
    """`compute_goal` on this file's calendar: 4,000 of 10,000 words on Monday 16 March, a
    deadline on 31 March, Monday to Friday; `changes` replace any of these."""
    arguments: dict[str, Any] = {
        "word_count": 4000,
        "target": 10_000,
        "deadline": date(2026, 3, 31),
        "writing_days": WEEKDAYS,
        "today": date(2026, 3, 16),
        **changes,
    }
    return compute_goal(history, **arguments)


def test_weekday_counting() -> None:
    assert count_writing_days(date(2026, 3, 3), date(2026, 3, 31), WEEKDAYS) == 21
    assert count_writing_days(date(2026, 3, 3), date(2026, 3, 16), WEEKDAYS) == 10
    assert count_writing_days(date(2026, 3, 7), date(2026, 3, 8), WEEKDAYS) == 0  # a weekend
    assert count_writing_days(date(2026, 3, 9), date(2026, 3, 8), WEEKDAYS) == 0
    assert count_writing_days(date(2026, 3, 1), date(2026, 3, 31), range(7)) == 31
    # Bounded whatever the span: 8,000 years of Mondays and Fridays only.
    assert (
        count_writing_days(date(2000, 1, 1), date(9999, 12, 31), {0, 4}) == 834_840
    )  # checked day by day
    assert nth_writing_day(date(2026, 3, 16), 20, WEEKDAYS) == date(2026, 4, 10)
    assert nth_writing_day(date(2026, 3, 14), 1, WEEKDAYS) == date(2026, 3, 16)  # a Saturday
    assert nth_writing_day(date(9999, 12, 1), 100, range(7)) is None


def test_weekday_names_default_to_every_day() -> None:
    assert weekday_numbers([]) == frozenset(range(7))
    assert weekday_numbers(["sunday", "monday"]) == {6, 0}


def test_goal_before_writing_today() -> None:
    goal = _goal()
    assert goal is not None
    assert goal.words_remaining == 6000
    assert goal.days_remaining == 12  # 16-20, 23-27, 30, 31 March
    assert goal.words_per_day_needed == 500
    assert goal.par == 5285  # 1000 + 9000 * 10 // 21
    assert goal.ahead_by == -1285
    assert goal.recent_pace == 310  # (1600 + 1500) / 10; March 2 is outside the 14 days
    assert goal.projected_finish == "2026-04-10"  # the 20th writing day from March 16
    assert goal.deadline == "2026-03-31"
    assert goal.target_word_count == 10_000


def test_goal_after_writing_today_leaves_today_out() -> None:
    history = [entry("2026-03-16", 4300, 300, 300), *HISTORY]
    goal = _goal(history, word_count=4300)
    assert goal is not None
    assert goal.days_remaining == 11
    assert goal.words_per_day_needed == 519  # 5700 / 11 = 518.2, rounded up
    assert (goal.par, goal.ahead_by) == (5285, -985)
    assert goal.recent_pace == 340  # 3400 / 10
    assert goal.projected_finish == "2026-04-08"  # the 17th writing day from March 17


def test_deadline_in_the_past() -> None:
    goal = _goal(deadline=date(2026, 3, 10))
    assert goal is not None
    assert (goal.days_remaining, goal.words_per_day_needed) == (0, None)
    assert (goal.par, goal.ahead_by) == (10_000, -6000)


def test_target_reached() -> None:
    goal = _goal(word_count=12_000)
    assert goal is not None
    assert (goal.words_remaining, goal.words_per_day_needed) == (0, 0)
    assert goal.projected_finish == "2026-03-16"
    assert goal.ahead_by == 12_000 - 5285


def test_no_target_no_goal_and_no_deadline_no_par() -> None:
    assert _goal(target=None, deadline=None) is None
    goal = _goal(deadline=None, writing_days=frozenset())
    assert goal is not None
    assert (goal.days_remaining, goal.words_per_day_needed, goal.par, goal.ahead_by) == (
        None,
        None,
        None,
        None,
    )
    assert goal.recent_pace == 221  # every day writes: 3100 // 14
    assert goal.projected_finish == "2026-04-12"  # 6000 / 221 = 27.1: the 28th day


def test_no_recent_writing_has_no_projection() -> None:
    goal = _goal(deadline=date(2026, 6, 30), today=date(2026, 5, 4))
    assert goal is not None
    assert goal.recent_pace == 0
    assert goal.projected_finish is None


def test_days_from_an_older_file_count_their_net_words() -> None:
    history = [entry("2026-03-13", 3600, 1100, None), entry("2026-03-12", 2500, -200, None)]
    goal = _goal(
        history, word_count=3600, deadline=None, writing_days=range(7), today=date(2026, 3, 14)
    )
    assert goal is not None
    assert goal.recent_pace == 78  # (1100 + 0) // 14


def test_no_history_par_is_the_count_now() -> None:
    goal = _goal([], word_count=500)
    assert goal is not None
    assert (goal.par, goal.ahead_by) == (500, 0)


@pytest.mark.parametrize(
    ("words", "target", "expected"),
    [
        (2475, 3000, TargetInfo(words=3000, percent=82.5, overrun=False)),
        (3300, 3000, TargetInfo(words=3000, percent=110.0, overrun=False)),  # at 110 %: not yet
        (3301, 3000, TargetInfo(words=3000, percent=110.0, overrun=True)),
        (0, 1, TargetInfo(words=1, percent=0.0, overrun=False)),
        (10, None, None),
    ],
)
def test_chapter_target(words: int, target: int | None, expected: TargetInfo | None) -> None:
    assert chapter_target(words, target) == expected


def test_deadline_today_before_and_after_writing_today() -> None:
    """The deadline is the last writing day: today counts until something is written."""
    goal = _goal(deadline=date(2026, 3, 16))
    assert goal is not None
    assert (goal.days_remaining, goal.words_per_day_needed) == (1, 6000)
    assert (goal.par, goal.ahead_by) == (10_000, -6000)
    written = _goal([entry("2026-03-16", 4300, 300, 300), *HISTORY], word_count=4300,
                    deadline=date(2026, 3, 16))  # fmt: skip
    assert written is not None
    assert (written.days_remaining, written.words_per_day_needed) == (0, None)
    assert (written.par, written.ahead_by) == (10_000, -5700)


def test_a_deadline_on_a_day_off() -> None:
    """Saturday 14 March, deadline Sunday 15 March, Monday to Friday: no writing day is
    left; par is the target, reached on the last writing day (Friday 13 March): 9 writing
    days from 3 to 13 March."""
    goal = _goal(deadline=date(2026, 3, 15), today=date(2026, 3, 14))
    assert goal is not None
    assert (goal.days_remaining, goal.words_per_day_needed) == (0, None)
    assert (goal.par, goal.ahead_by) == (10_000, -6000)


def test_target_reached_after_the_deadline() -> None:
    goal = _goal(word_count=12_000, deadline=date(2026, 3, 10))
    assert goal is not None
    assert (goal.words_remaining, goal.days_remaining, goal.words_per_day_needed) == (0, 0, 0)
    assert (goal.par, goal.ahead_by, goal.projected_finish) == (10_000, 2000, "2026-03-16")
